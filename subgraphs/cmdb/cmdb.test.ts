import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../kernel/log.js';
import { DEFAULT_IDENTIFICATION_RULES } from '../../kernel/correlate.js';
import { createCmdbSubgraph } from './index.js';
import { createMergedCmdbSource } from '../../bsm/merged-cmdb.js';
import { ci, codes, createRunner, fakeCatalog, fakeCmdb, testDeps, viewer } from '../common/test-fakes.js';

const cis = [
  ci('payroll-app', { class: 'application', attributes: { version: '4.2', owner: 'hr-it' } }),
  ci('server123', { fqdn: 'server123.corp.example', ip: '10.0.0.5', tags: ['linux'] }),
  ci('payroll-db', { class: 'database', fqdn: 'payroll-db.corp.example' }),
  ci('san1', { class: 'storage' }),
];
const relations = [
  { parentId: 'payroll-app', childId: 'server123', type: 'RUNS_ON' as const },
  { parentId: 'payroll-app', childId: 'payroll-db', type: 'DEPENDS_ON' as const },
  { parentId: 'payroll-db', childId: 'san1', type: 'DEPENDS_ON' as const },
];

function setup(options: { down?: boolean; maxPageSize?: number } = {}) {
  const cmdb = fakeCmdb('cmdb', cis, relations, { fail: options.down ?? false });
  const module = createCmdbSubgraph(testDeps({ cmdb: [cmdb.instance] }, options.maxPageSize ?? 200));
  return { run: createRunner(module, fakeCatalog([])), cmdb };
}

const engineer = viewer('eve', [{ role: 'engineer' }]);

describe('cmdb subgraph', () => {
  it('says how fresh a CI is: when its CMDB answered, and whether that answer is a cached one', async () => {
    const { run } = setup();
    const result = await run(engineer, '{ configurationItem(id: "server123") { asOf stale } }');
    expect(result.data.configurationItem).toEqual({ asOf: '2026-11-27T09:00:00.000Z', stale: false });
  });

  it('answers a CI with its attributes, source links and relations both ways', async () => {
    const { run } = setup();
    const result = await run(
      engineer,
      `{ configurationItem(id: "payroll-db") {
          id name class fqdn ip serial tags attributes { name value } sourceLinks { tool connector id url }
          dependsOn { type ci { id class } } usedBy { type ci { id attributes { name value } } }
      } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.configurationItem).toEqual({
      id: 'payroll-db',
      name: 'payroll-db',
      class: 'database',
      fqdn: 'payroll-db.corp.example',
      ip: null,
      serial: null,
      tags: [],
      attributes: [],
      sourceLinks: [{ tool: 'builtin', connector: 'cmdb', id: 'payroll-db', url: null }],
      dependsOn: [{ type: 'DEPENDS_ON', ci: { id: 'san1', class: 'storage' } }],
      usedBy: [
        {
          type: 'DEPENDS_ON',
          ci: {
            id: 'payroll-app',
            attributes: [
              { name: 'version', value: '4.2' },
              { name: 'owner', value: 'hr-it' },
            ],
          },
        },
      ],
    });
    const missing = await run(engineer, '{ configurationItem(id: "nope") { id } }');
    expect(missing).toEqual({ data: { configurationItem: null } });
  });

  it('searches name, FQDN and IP case-insensitively, by class, capped by first', async () => {
    const { run } = setup({ maxPageSize: 3 });
    const ids = async (args: string) =>
      ((await run(engineer, `{ configurationItems${args} { id } }`)).data.configurationItems as { id: string }[]).map((c) => c.id);
    expect(await ids('(search: "SERVER123.CORP")')).toEqual(['server123']);
    expect(await ids('(search: "10.0.0")')).toEqual(['server123']);
    expect(await ids('(search: "payroll")')).toEqual(['payroll-app', 'payroll-db']);
    expect(await ids('(class: "Database")')).toEqual(['payroll-db']);
    expect(await ids('(first: 2)')).toEqual(['payroll-app', 'payroll-db']);
    expect(codes(await run(engineer, '{ configurationItems(first: 4) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(engineer, '{ configurationItems(first: -1) { id } }'))).toEqual(['BAD_USER_INPUT']);
  });

  it('resolves entity references with one CMDB read per request', async () => {
    const { run, cmdb } = setup();
    const result = await run(
      engineer,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ConfigurationItem { id name class } } }`,
      { reps: ['server123', 'san1', 'ghost', 'payroll-app'].map((id) => ({ __typename: 'ConfigurationItem', id })) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      { id: 'server123', name: 'server123', class: 'server' },
      { id: 'san1', name: 'san1', class: 'storage' },
      null,
      { id: 'payroll-app', name: 'payroll-app', class: 'application' },
    ]);
    expect(cmdb.calls.snapshots).toBe(1);
  });

  it('reports a CMDB that is down with its name, without failing the whole answer', async () => {
    const { run } = setup({ down: true });
    const result = await run(engineer, '{ configurationItem(id: "server123") { id } configurationItems { id } }');
    expect(result.data).toEqual({ configurationItem: null, configurationItems: [] });
    expect(result.errors?.map((e) => [e.path, e.extensions['code'], e.extensions['connector']])).toEqual([
      [['configurationItem'], 'UPSTREAM_UNAVAILABLE', 'cmdb'],
      [['configurationItems'], 'UPSTREAM_UNAVAILABLE', 'cmdb'],
    ]);
  });

  it("reconciles several CMDBs into one topology with every tool's source link", async () => {
    const snow = fakeCmdb(
      'snow',
      [
        ci('a1b2c3', {
          name: 'server123',
          fqdn: 'SERVER123.corp.example.',
          serial: null,
          sourceLinks: [{ tool: 'servicenow', connector: 'snow', id: 'a1b2c3', url: 'https://snow.invalid/ci/a1b2c3' }],
        }),
        ci('d4e5', { name: 'hr-portal', class: 'application', sourceLinks: [] }),
      ],
      [{ parentId: 'd4e5', childId: 'a1b2c3', type: 'RUNS_ON' }],
    );
    const builtin = fakeCmdb('cmdb', cis, relations);
    const module = createCmdbSubgraph(testDeps({ cmdb: [builtin.instance, snow.instance] }));
    const result = await createRunner(module, fakeCatalog([]))(
      engineer,
      '{ configurationItem(id: "server123") { sourceLinks { connector id } usedBy { type ci { id } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.configurationItem.sourceLinks).toEqual([
      { connector: 'cmdb', id: 'server123' },
      { connector: 'snow', id: 'a1b2c3' },
    ]);
    expect(result.data.configurationItem.usedBy).toEqual([
      { type: 'RUNS_ON', ci: { id: 'payroll-app' } },
      { type: 'RUNS_ON', ci: { id: 'd4e5' } },
    ]);
    // A ticket naming the CI by ServiceNow's own id still finds the merged CI.
    const topology = await createMergedCmdbSource([builtin.instance, snow.instance], {
      identification: DEFAULT_IDENTIFICATION_RULES,
      log: silentLogger,
      ttlMs: 0,
    })();
    expect(topology.correlate({ ciId: 'a1b2c3' })).toBe('server123');
  });
});
