import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../kernel/errors.js';
import { captureLogger, silentLogger } from '../kernel/log.js';
import { createPolicyStore, loadPolicy, parsePolicy, resolveViewer } from './policy.js';
import { DEMO_POLICY_FILE, demoPolicy } from './test-support.js';

function tempFile(onTestFinished: (fn: () => void) => void, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-policy-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const MINIMAL = `
roles:
  viewer: { drillLevel: BUSINESS, scope: [{ all: true }] }
`;

describe('loadPolicy', () => {
  it('loads the demo policy with its six roles and the defaults', () => {
    const policy = demoPolicy();
    expect(Object.keys(policy.roles).sort()).toEqual(['admin', 'end-user', 'executive', 'helpdesk', 'operator', 'service-owner']);
    expect(policy.roles['operator']).toMatchObject({ drillLevel: 'TELEMETRY', scope: [{ all: true }] });
    expect(policy.roles['operator']?.actions).toContain('alert:acknowledge');
    expect(policy.roles['admin']?.actions.sort()).toEqual([
      'alert:acknowledge',
      'article:link',
      'incident:comment',
      'incident:create',
      'offering:request',
      'problem:report',
    ]);
    expect(policy).toMatchObject({
      mode: 'filter',
      dryRun: false,
      introspection: 'filtered',
      claims: { roles: 'roles', groups: 'groups' },
    });
  });

  it('fills defaults for a minimal policy', ({ onTestFinished }) => {
    const policy = loadPolicy(tempFile(onTestFinished, MINIMAL));
    expect(policy).toMatchObject({
      mode: 'filter',
      dryRun: false,
      anonymous: { roles: [] },
      groupRoles: {},
      claims: { roles: 'roles', groups: 'groups' },
    });
    expect(policy.roles['viewer']?.actions).toEqual([]);
  });

  it('lists every problem at once: drill level, action, scope, group role, anonymous role, unknown keys', ({ onTestFinished }) => {
    const file = tempFile(
      onTestFinished,
      `
mode: sometimes
anonymous: { roles: [ghost] }
groupRoles:
  noc: [operator, operatr]
roles:
  operator:
    drillLevel: KERNEL
    actions: [alert:acknowledge, alert:delete]
    scope: []
  viewer:
    drilLevel: BUSINESS
    scope: [{ everything: true }]
`,
    );
    const problems = problemsOf(() => loadPolicy(file));
    const text = problems.join('\n');
    expect(text).toMatch(/mode: /);
    expect(text).toMatch(/roles\.operator\.drillLevel: /);
    expect(text).toMatch(/roles\.operator\.scope: a role needs at least one scope rule/);
    expect(text).toMatch(/roles\.operator\.actions\[1\]: unknown action "alert:delete"/);
    expect(text).toMatch(/groupRoles\.noc\[1\]: unknown role "operatr"/);
    expect(text).toMatch(/anonymous\.roles\[0\]: unknown role "ghost"/);
    expect(text).toMatch(/roles\.viewer: .*drilLevel|roles\.viewer\.drilLevel|Unrecognized key/);
    expect(text).toMatch(/roles\.viewer\.scope\[0\]/);
    expect(problems.length).toBeGreaterThanOrEqual(8);
    // The known actions come from the schema's @action directives.
    expect(text).toContain('alert:acknowledge, article:link, incident:comment, incident:create, offering:request, problem:report');
  });

  it('names the file and reports YAML syntax errors and a missing file', ({ onTestFinished }) => {
    const file = tempFile(onTestFinished, 'roles: [unclosed');
    expect(() => loadPolicy(file)).toThrow(ConfigError);
    expect(() => loadPolicy(file)).toThrow(file);
    expect(problemsOf(() => loadPolicy('/nonexistent/policy.yaml'))).toEqual(['cannot read the file (ENOENT)']);
  });
});

describe('viewerFor', () => {
  const policy = demoPolicy();

  it('combines token roles and group mappings; the deepest level wins; actions are the union', () => {
    const viewer = resolveViewer(policy, { sub: 'alice', roles: ['executive'], groups: ['service-desk', 'hr-it'] });
    expect(viewer).toMatchObject({
      id: 'alice',
      anonymous: false,
      roles: ['executive', 'helpdesk', 'service-owner'],
      drillLevel: 'COMPONENT',
    });
    expect(viewer.actions).toEqual(['article:link', 'incident:comment', 'incident:create', 'offering:request', 'problem:report']);
    expect(viewer.grants.map((g) => [g.role, g.drillLevel, g.scope.map((s) => s.kind)])).toEqual([
      ['executive', 'BUSINESS', ['all']],
      ['helpdesk', 'COMPONENT', ['all']],
      ['service-owner', 'COMPONENT', ['owned']],
    ]);
    expect(viewer.scope.map((s) => s.kind).sort()).toEqual(['all', 'owned']);
  });

  it('acts on the matched services only, unless a role says actOnChildren', () => {
    const viewer = resolveViewer(policy, { sub: 'alice', roles: ['service-owner'], groups: ['hr-it'] });
    expect(viewer.grants.map((g) => g.actOnChildren)).toEqual([false]);
    const reaching = parsePolicy(
      { roles: { owner: { drillLevel: 'COMPONENT', actions: [], scope: [{ owned: true }], actOnChildren: true } } },
      'inline',
    );
    expect(resolveViewer(reaching, { sub: 'o', roles: ['owner'], groups: [] }).grants[0]?.actOnChildren).toBe(true);
  });

  it("ignores roles the policy does not know (tokens carry other applications' roles)", () => {
    const viewer = resolveViewer(policy, { sub: 'bob', roles: ['jira-admin', 'operator'], groups: ['unknown-group'] });
    expect(viewer.roles).toEqual(['operator']);
    expect(viewer.drillLevel).toBe('TELEMETRY');
  });

  it('gives anonymous callers the anonymous roles only, whatever the identity claims', () => {
    const viewer = resolveViewer(policy, { sub: null, roles: ['admin'], groups: ['noc'] });
    expect(viewer).toMatchObject({ id: 'anonymous', anonymous: true, roles: [], groups: [], actions: [], grants: [] });
    const open = resolveViewer({ ...policy, anonymous: { roles: ['end-user'] } }, { sub: null, roles: [], groups: [] });
    expect(open.roles).toEqual(['end-user']);
  });

  it('uses the configured claim names', ({ onTestFinished }) => {
    const file = tempFile(onTestFinished, `claims: { roles: realm_access.roles, groups: memberOf }\n${MINIMAL}`);
    expect(loadPolicy(file).claims).toEqual({ roles: 'realm_access.roles', groups: 'memberOf' });
  });
});

describe('createPolicyStore', () => {
  it('reload keeps the old policy when the new file is invalid, and logs why', ({ onTestFinished }) => {
    const file = tempFile(onTestFinished, MINIMAL);
    const { log, lines } = captureLogger();
    const store = createPolicyStore(file, log, { watch: false });
    onTestFinished(() => store.close());
    const changes: string[][] = [];
    store.onChange((p) => changes.push(Object.keys(p.roles)));

    writeFileSync(file, 'roles:\n  viewer: { drillLevel: NOPE, scope: [] }\n');
    expect(store.reload()).toBe(false);
    expect(Object.keys(store.current().roles)).toEqual(['viewer']);
    expect(store.current().roles['viewer']?.drillLevel).toBe('BUSINESS');
    expect(lines).toEqual([
      expect.objectContaining({
        msg: expect.stringMatching(/^policy reload failed/),
        problems: [expect.stringMatching(/drillLevel/), expect.any(String)],
      }),
    ]);
    expect(changes).toEqual([]);

    writeFileSync(file, `${MINIMAL}  second: { drillLevel: TELEMETRY, scope: [{ tag: ops }] }\n`);
    expect(store.reload()).toBe(true);
    expect(changes).toEqual([['viewer', 'second']]);
    expect(store.viewerFor({ sub: 'x', roles: ['second'], groups: [] }).drillLevel).toBe('TELEMETRY');
  });

  it('watches the file and picks up a valid change without a restart', async ({ onTestFinished }) => {
    const file = tempFile(onTestFinished, MINIMAL);
    const store = createPolicyStore(file, silentLogger, { watch: true, debounceMs: 20 });
    onTestFinished(() => store.close());
    writeFileSync(file, MINIMAL.replace('BUSINESS', 'SERVICE'));
    await vi.waitFor(() => expect(store.current().roles['viewer']?.drillLevel).toBe('SERVICE'), { timeout: 3000, interval: 20 });
  });

  it('throws ConfigError at start for an invalid file', ({ onTestFinished }) => {
    const file = tempFile(onTestFinished, 'roles: {}\nmode: bogus\n');
    expect(() => createPolicyStore(file, silentLogger, { watch: false })).toThrow(ConfigError);
  });

  it('serves the demo file', () => {
    const store = createPolicyStore(DEMO_POLICY_FILE, silentLogger, { watch: false });
    expect(store.viewerFor({ sub: 'eve', roles: [], groups: ['all-staff'] }).roles).toEqual(['end-user']);
    store.close();
  });
});
