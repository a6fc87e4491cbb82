import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../kernel/errors.js';
import fc from 'fast-check';
import { loadServiceDefinitions } from './definitions.js';
import { RULE_KIND_NAMES, ruleProblems } from './engine/rules.js';
import type { ReduceRule } from './engine/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function estate(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-defs-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'services'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'services', name), text);
  return dir;
}

const service = (id: string, extra = '') => `id: ${id}\nname: ${id}\ncriticality: HIGH\nowner: team-${id}\n${extra}`;

function problemsOf(dir: string): string[] {
  try {
    loadServiceDefinitions(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('service definitions', () => {
  it('loads the demo estate into engine rules', () => {
    const defs = loadServiceDefinitions(join(import.meta.dirname, '..', 'estate', 'demo'), new Date('2026-11-27T10:00:00Z'));
    const payroll = defs.byId.get('payroll');
    expect(payroll?.criticality).toBe('CRITICAL');
    expect(payroll?.calendar[0]).toEqual({ reason: 'payday', weight: 3, dates: ['2026-11-27'] });
    expect(payroll?.children.find((c) => c.id === 'email')).toEqual({
      kind: 'service',
      id: 'email',
      map: { kind: 'decrease', n: 1 },
      weight: 1,
      costShare: null,
    });
    expect(defs.nodeRules.find((r) => r.ci === 'mail-cluster')?.rule.main).toEqual({ kind: 'quorum', min: 2 });
  });

  it('reads every rule form and map form', () => {
    const dir = estate({
      'a.yaml': service(
        'a',
        `rule: { kind: threshold, weightPercent: 33, atLeast: MAJOR, then: WARNING }
extraRules: [{ kind: quorum, min: 2, degraded: MAJOR }, { kind: worstIfAll }]
options: { unknownAs: OK, acknowledgedAsOk: true }
children:
  - { ci: x, map: ignore }
  - { ci: y, map: { increase: 2 }, weight: 3 }
  - { ci: z, map: { set: MAJOR } }
  - { service: b, map: { decrease: 1 } }
selectors:
  - { namePattern: "^vdi-", attribute: { pool: office } }
nodeRules:
  - { class: cluster, rule: { kind: exclusive } }
sla: { objective: 99.5, schedule: { weekdays: [mon, fri], hours: "08:00-18:00", timezone: Europe/Paris }, exclude: [{ from: "2026-11-01T00:00:00Z", to: "2026-11-01T04:00:00Z", reason: patching }] }
kpis: [{ name: orders, expression: "sum(orders)", threshold: 30 }]
`,
      ),
      'b.yaml': service('b'),
    });
    const a = loadServiceDefinitions(dir).byId.get('a');
    expect(a?.rule.main).toEqual({ kind: 'threshold', weightPercent: 33, atLeast: 'MAJOR', then: 'WARNING' });
    expect(a?.rule.extra).toEqual([{ kind: 'quorum', min: 2, degraded: 'MAJOR' }, { kind: 'worstIfAll' }]);
    expect(a?.rule.options).toEqual({ unknownAs: 'OK', acknowledgedAsOk: true, maintenance: 'checkmk' });
    expect(a?.children.map((c) => c.map)).toEqual([
      { kind: 'ignore' },
      { kind: 'increase', n: 2 },
      { kind: 'set', status: 'MAJOR' },
      { kind: 'decrease', n: 1 },
    ]);
    expect(a?.selectors[0]?.namePattern?.test('vdi-office')).toBe(true);
    expect(a?.sla?.windowDays).toBe(30);
    expect(a?.kpis[0]).toMatchObject({ threshold: 30, baseline: null, monitor: null });
  });

  it('reports every problem of every file at once, naming the file and the path', () => {
    const dir = estate({
      'payroll.yaml': service(
        'payroll',
        `rule: { kind: wrost }
extraRules: [{ kind: quorum, min: 0 }]
children:
  - { service: nosuch }
  - { ci: a, map: { increase: 9 } }
calendar: [{ reason: payday, weight: 3, hours: "25:00-26:00" }]
sla: { objective: 120, schedule: { timezone: Mars/Olympus } }
`,
      ),
      'email.yaml': service('email', 'critcality: LOW\nselectors: [{ namePattern: "([" }]\n'),
    });
    const problems = problemsOf(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\/payroll\.yaml: rule\.kind: unknown rule "wrost"/),
        expect.stringMatching(/^services\/payroll\.yaml: extraRules\[0\]\.min: /),
        expect.stringMatching(/^services\/payroll\.yaml: children\[1\]\.map: bad map/),
        expect.stringMatching(/^services\/payroll\.yaml: calendar\[0\]\.hours: expected "HH:MM-HH:MM"/),
        expect.stringMatching(/^services\/payroll\.yaml: sla\.objective: /),
        expect.stringMatching(/^services\/payroll\.yaml: sla\.schedule\.timezone: unknown time zone/),
        expect.stringMatching(/^services\/email\.yaml: .*critcality/),
        expect.stringMatching(/^services\/email\.yaml: selectors\[0\]\.namePattern: not a valid regular expression/),
      ]),
    );
  });

  it('stops on a rule the engine would reject, with the file and the path (health issue, item 2)', () => {
    const dir = estate({
      'payroll.yaml': service(
        'payroll',
        'rule: { kind: quorum, min: 2, degraded: CRITICAL, then: MAJOR }\nchildren: [{ ci: a }, { ci: b }]\n',
      ),
      'email.yaml': service(
        'email',
        'rule: { kind: threshold, atLeast: OK, count: 1, then: MAJOR }\nextraRules: [{ kind: exclusive, several: BAD }]\n',
      ),
    });
    let error: unknown;
    try {
      loadServiceDefinitions(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'services/email.yaml: rule.atLeast: OK counts every child, healthy or not (for "fewer than n OK" use lessThan: true)',
      'services/email.yaml: extraRules[0].several: unknown status BAD',
      'services/payroll.yaml: rule.degraded: CRITICAL is worse than then (MAJOR)',
    ]);
    expect((error as ConfigError).message).toContain(join(dir, 'services'));
  });

  it('stops on a rule its listed members can never satisfy; with selectors the engine checks it at run time (item 3)', () => {
    const listed = estate({
      'a.yaml': service('a', 'rule: { kind: quorum, min: 5 }\nchildren: [{ ci: x }, { ci: y }, { ci: z }, { ci: t, map: ignore }]\n'),
    });
    expect(problemsOf(listed)).toEqual(['services/a.yaml: rule.min: 5 but only 3 members count, so it can never be OK']);
    const lessThan = estate({
      'a.yaml': service(
        'a',
        'extraRules: [{ kind: threshold, atLeast: OK, lessThan: true, weight: 4, then: MAJOR }]\nchildren: [{ ci: x, weight: 2 }, { ci: y }]\n',
      ),
    });
    expect(problemsOf(lessThan)).toEqual([
      'services/a.yaml: extraRules[0].weight: 4 but the children weigh 3 in all, so it can never be OK',
    ]);
    const dynamic = estate({
      'a.yaml': service('a', 'rule: { kind: quorum, min: 5 }\nchildren: [{ ci: x }]\nselectors: [{ class: vdi }]\n'),
    });
    expect(loadServiceDefinitions(dynamic).byId.get('a')?.rule.main).toEqual({ kind: 'quorum', min: 5 });
  });

  it('accepts exactly the rules the engine accepts (property, random parameters for every kind)', () => {
    const value = fc.oneof(
      fc.constantFrom<unknown>('OK', 'MAJOR', 'CRITICAL', 'BAD', true, 0, 1, 2, 5, 50, 150, -1, 2.5),
      fc.constant(undefined),
    );
    const rule = fc.record({
      kind: fc.constantFrom(...RULE_KIND_NAMES, 'nope'),
      params: fc.dictionary(
        fc.constantFrom(
          'min',
          'then',
          'degraded',
          'worstOfBest',
          'several',
          'atLeast',
          'count',
          'percent',
          'weight',
          'weightPercent',
          'lessThan',
          'typo',
        ),
        value,
        {
          maxKeys: 4,
        },
      ),
    });
    fc.assert(
      fc.property(rule, ({ kind, params }) => {
        const written = Object.fromEntries(Object.entries({ kind, ...params }).filter(([, v]) => v !== undefined));
        const dir = estate({ 'a.yaml': service('a', `rule: ${JSON.stringify(written)}\n`) });
        let loaded = true;
        try {
          loadServiceDefinitions(dir);
        } catch {
          loaded = false;
        }
        expect(loaded).toBe(ruleProblems(written as unknown as ReduceRule).length === 0);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects an unknown child service and a service that contains itself', () => {
    const dir = estate({ 'a.yaml': service('a', 'children: [{ service: ghost }, { service: a }]\n') });
    expect(problemsOf(dir)).toEqual([
      'services/a.yaml: children[0].service: unknown service "ghost"',
      'services/a.yaml: children[1].service: a service cannot contain itself',
    ]);
  });

  it('rejects a cycle between services, naming it', () => {
    const dir = estate({
      'a.yaml': service('a', 'children: [{ service: b }]\n'),
      'b.yaml': service('b', 'children: [{ service: c }]\n'),
      'c.yaml': service('c', 'children: [{ service: a }]\n'),
    });
    const [problem] = problemsOf(dir);
    expect(problem).toMatch(/services form a cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
  });

  it('rejects duplicate ids and conflicting rules for one CI', () => {
    const dir = estate({
      'a.yaml': service('a', 'nodeRules: [{ ci: db, rule: { kind: best } }]\n'),
      'b.yaml': service('b', 'nodeRules: [{ ci: db, rule: { kind: worst } }]\n'),
      'c.yaml': service('a'),
    });
    expect(problemsOf(dir)).toEqual([
      'services/c.yaml: id: service "a" is already defined in services/a.yaml',
      'services/b.yaml: nodeRules[0].ci: CI "db" already has a rule in services/a.yaml (a CI has one status everywhere)',
    ]);
  });

  it('names the file for YAML syntax errors and an empty folder', () => {
    expect(problemsOf(estate({ 'a.yaml': 'id: [unclosed\n' }))[0]).toMatch(/^services\/a\.yaml: YAML syntax/);
    expect(problemsOf(estate({}))[0]).toMatch(/no service definitions/);
  });
});
