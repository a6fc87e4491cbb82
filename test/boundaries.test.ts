import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of README "How it is built", checked on every import of production code.
 * Imports run one way:
 *
 *   app (entry points, composition root) → gateway, subgraphs → bsm, authz → connectors → connectors/core → kernel
 *
 * and schema (the SDL and its loader) sits beside the kernel. A file's layer is its folder; a test
 * file or test helper may import anything, but production code may not import a test helper.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PRODUCTION_DIRS = ['app', 'gateway', 'subgraphs', 'bsm', 'authz', 'connectors', 'kernel', 'schema'];
/** Test code and test helpers that live beside the code they test. */
const TEST_ONLY = /(\.test\.ts|\.selftest\.ts|\/test-[\w-]+\.ts|\/fake-[\w-]+\.ts|\/arbitraries\.ts)$/;

/** Where a file sits: `kernel`, `connectors/core`, `connectors/<tool>`, `subgraphs/<name>`, … */
function unitOf(file: string): string {
  const [top, second] = file.split('/');
  if (top === 'connectors' || top === 'subgraphs')
    return second?.endsWith('.ts') ? `${top}/${second.replace(/\.ts$/, '')}` : `${top}/${second}`;
  return top ?? file;
}

const below: Record<string, string[]> = {
  kernel: [],
  schema: ['kernel'],
  'connectors/core': ['kernel'],
  bsm: ['connectors/core', 'kernel', 'schema'],
  authz: ['kernel', 'schema'],
  'subgraphs/common': ['bsm', 'authz', 'connectors/core', 'kernel', 'schema'],
  gateway: ['authz', 'kernel', 'schema'],
};

/** Why an import from `from` to `to` (files relative to the root) is forbidden, or null when it is allowed. */
function forbidden(from: string, to: string): string | null {
  const a = unitOf(from);
  const b = unitOf(to);
  if (a === b) return null;
  if (TEST_ONLY.test(to)) return 'production code imports a test helper';
  if (b === 'app') return 'only the entry points and the composition root live in app/: nothing imports them';
  if (a === 'app') {
    if (b.startsWith('subgraphs/') && b !== 'subgraphs/common' && !to.endsWith('/index.ts'))
      return 'the composition root uses a subgraph through its index.ts, not its internals';
    if (b.startsWith('connectors/') && b !== 'connectors/core' && b !== 'connectors/registry')
      return 'the composition root finds connectors through connectors/registry.ts';
    return null;
  }
  if (a === 'connectors/registry')
    return b.startsWith('connectors/') || b === 'kernel' ? null : 'the connector registry imports connectors only';
  if (a.startsWith('connectors/') && a !== 'connectors/core') {
    if (b.startsWith('connectors/') && b !== 'connectors/core') return 'a tool never imports another tool';
    return b === 'connectors/core' || b === 'kernel' ? null : 'a connector imports only connectors/core and the kernel';
  }
  if (a.startsWith('subgraphs/') && a !== 'subgraphs/common') {
    if (b.startsWith('subgraphs/') && b !== 'subgraphs/common') return 'a subgraph never imports another subgraph';
    return [...(below['subgraphs/common'] ?? []), 'subgraphs/common'].includes(b) ? null : `a subgraph may not import ${b}`;
  }
  const allowed = below[a];
  if (!allowed) return `no rule for ${a}`;
  return allowed.includes(b) ? null : `${a} may not import ${b}`;
}

/** npm packages only some layers may load (a standalone subgraph must not load the gateway). */
const PACKAGE_HOMES: Record<string, string[]> = {
  '@apollo/gateway': ['gateway'],
  '@apollo/composition': ['schema'],
};

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...productionFiles(path));
    else if (entry.name.endsWith('.ts') && !TEST_ONLY.test(path)) out.push(path);
  }
  return out;
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): { spec: string; line: number }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: { spec: string; line: number }[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (spec) out.push({ spec, line: text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0) });
  }
  return out;
}

describe('dependency rules', () => {
  const files = PRODUCTION_DIRS.flatMap(productionFiles);

  it('finds the production code', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('app/main.ts');
  });

  it('every import of production code follows the layers', () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const { spec, line } of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
          const why = forbidden(file, target);
          if (why) violations.push(`${file}:${line} → ${target}: ${why}`);
        } else {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
          const homes = PACKAGE_HOMES[pkg];
          if (homes && !homes.includes(unitOf(file))) violations.push(`${file}:${line} → ${pkg}: only ${homes.join(', ')} may load it`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('every package production code loads is a dependency, so an install without devDependencies runs it', () => {
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing: string[] = [];
    for (const file of files) {
      for (const { spec, line } of importsOf(file)) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!(pkg in dependencies)) missing.push(`${file}:${line} → ${pkg}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the rules reject what they must (self-test)', () => {
    expect(forbidden('connectors/prometheus/index.ts', 'connectors/zabbix/client.ts')).toMatch(/another tool/);
    expect(forbidden('connectors/prometheus/index.ts', 'bsm/model.ts')).toMatch(/connectors\/core/);
    expect(forbidden('kernel/log.ts', 'connectors/core/http.ts')).toMatch(/kernel may not/);
    expect(forbidden('subgraphs/cmdb/resolvers.ts', 'subgraphs/services/context.ts')).toMatch(/another subgraph/);
    expect(forbidden('bsm/model.ts', 'subgraphs/common/module.ts')).toMatch(/bsm may not/);
    expect(forbidden('authz/scope.ts', 'subgraphs/common/module.ts')).toMatch(/authz may not/);
    expect(forbidden('gateway/create-gateway.ts', 'subgraphs/common/server.ts')).toMatch(/gateway may not/);
    expect(forbidden('app/servicegraph.ts', 'subgraphs/cmdb/resolvers.ts')).toMatch(/index\.ts/);
    expect(forbidden('gateway/create-gateway.ts', 'app/config.ts')).toMatch(/nothing imports them/);
    expect(forbidden('bsm/model.ts', 'bsm/test-fakes.ts')).toBeNull(); // same unit
    expect(forbidden('subgraphs/cmdb/index.ts', 'subgraphs/common/test-fakes.ts')).toMatch(/test helper/);
    expect(forbidden('app/servicegraph.ts', 'subgraphs/cmdb/index.ts')).toBeNull();
    expect(forbidden('subgraphs/cmdb/index.ts', 'bsm/model.ts')).toBeNull();
  });
});
