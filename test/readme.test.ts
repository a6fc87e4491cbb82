import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { inspectConfig } from '../app/config.js';
import { conformToSchema } from '../app/config-input.js';
import { loadPolicy } from '../authz/policy.js';
import { connectorType, connectorTypes } from '../connectors/registry.js';
import { withErrorTable } from '../scripts/docs-errors.js';
import { withMetricsTable } from '../scripts/docs-metrics.js';
import { withRuleReference, withRuleTables } from '../scripts/docs-rules.js';
import { ROOT } from './harness.js';

/** The README stays true to the code: its commands, its config examples, its tables. */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('README', () => {
  it('has the two-command quick start, and every npm script it names exists', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
    const named = new Set([...readme.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!));
    for (const script of named) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
    for (const script of ['start', 'test']) expect(pkg.scripts).toHaveProperty(script);
  });

  it('has the current error code table (npm run docs:errors)', () => {
    expect(withErrorTable(readme)).toBe(readme);
  });

  it('has the current metrics table (npm run docs:metrics)', () => {
    expect(withMetricsTable(readme)).toBe(readme);
  });

  it('has the current rule-kind tables, here and in docs/health.md (npm run docs:rules)', () => {
    expect(withRuleTables(readme)).toBe(readme);
    const health = readFileSync(join(ROOT, 'docs/health.md'), 'utf8');
    expect(withRuleReference(health)).toBe(health);
  });

  it('gives a config example for every connector type, and each one is valid', () => {
    const block = yamlBlocks.find((b) => b.includes('type: servicenow-knowledge'));
    expect(block).toBeDefined();
    // Secrets stay `${NAME}` in the README; fill them as the config loader would.
    const entries = (parseYaml(block!.replace(/\$\{(\w+)\}/g, 'secret-$1')) as { connectors: Record<string, unknown>[] }).connectors;
    const types = new Set<string>();
    for (const { name, type, ...settings } of entries) {
      const connector = connectorType(String(type));
      expect(connector, `connector type ${String(type)}`).toBeDefined();
      // As the config loader reads it: no unknown key, then the connector's own schema.
      const conformed = conformToSchema(connector!.config, settings, String(name));
      expect(conformed.problems).toEqual([]);
      const result = connector!.config.safeParse(conformed.value);
      expect(result.success, `${String(name)}: ${result.success ? '' : result.error.message}`).toBe(true);
      types.add(String(type));
    }
    // A connector added to the registry without a README example fails here.
    expect([...types].sort()).toEqual(connectorTypes().sort());
  });

  it('shows a configuration whose every key the config schema knows', () => {
    const block = yamlBlocks.find((b) => b.startsWith('server:'));
    expect(block).toBeDefined();
    // Its connectors are the subject of the block above; any valid one stands in for them here.
    const yaml = block!.replace(/^connectors:[\s\S]*$/m, 'connectors: [{ name: cmdb, type: builtin-cmdb }]\n');
    const file = join(mkdtempSync(join(tmpdir(), 'servicegraph-readme-')), 'config.yaml');
    writeFileSync(file, yaml);
    // A value of the shape each variable stands for: a URL where it names one, else a long secret.
    const sample = (name: string) =>
      /REDIS/.test(name) ? 'redis://cache.example:6379' : /DATABASE|POSTGRES/.test(name) ? 'postgres://db.example/sg' : 'x'.repeat(40);
    const env = Object.fromEntries([...yaml.matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1], sample(m[1] ?? '')]));
    expect(inspectConfig(file, env).problems).toEqual([]);
  });

  it('describes every demo role as the policy defines it: its drill level, what it sees and its actions', () => {
    const { roles } = loadPolicy(join(ROOT, 'policy/demo.yaml'));
    for (const [role, def] of Object.entries(roles)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${role}\` |`));
      expect(row, role).toBeDefined();
      const [, level, sees, actions] = row!.split(' | ');
      expect(level, role).toBe(def.drillLevel);
      // The scope rule's kind leads the "sees" column: all, the services its groups own, consume …
      const kind = Object.keys(def.scope[0] ?? {})[0];
      expect(sees, role).toMatch({ all: /^all$/, owned: /own/, consumed: /consume/ }[kind ?? ''] ?? /./);
      if (def.actions.length === 0) expect(actions, role).toBe('none');
      else if (!/^(all of the above|every action)/.test(actions!))
        for (const action of def.actions) expect(actions, role).toContain(action);
    }
  });
});
