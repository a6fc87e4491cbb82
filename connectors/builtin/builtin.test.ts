import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { GraphQLError } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../core/cache.js';
import type { ConnectorDeps } from '../core/connector.js';
import { createCorrelator } from '../../kernel/correlate.js';
import { ConfigError } from '../../kernel/errors.js';
import { listEstateFiles, loadEstateYaml } from '../../kernel/estate.js';
import { silentLogger } from '../../kernel/log.js';
import type { NewIncident } from '../../kernel/model.js';
import {
  BuiltinConfig,
  builtinCmdbConnector,
  builtinHelpdeskConnector,
  builtinKnowledgeConnector,
  builtinMonitorConnector,
} from './index.js';
import type { RequestAuth } from '../../kernel/request.js';
import { testRequest } from '../core/test-support.js';

const DEMO = fileURLToPath(new URL('../../estate/demo', import.meta.url));
const auth: RequestAuth = { sub: 'tester', roles: [], groups: [] };

const dirs: string[] = [];
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function deps(dataDir = tempDir('sg-data-'), estateDir = DEMO): ConnectorDeps {
  return { log: silentLogger, cache: createCache('test', silentLogger), estateDir, dataDir };
}

/** Creates an instance and disposes it after the test (SQLite files must be closed before deletion). */
function open<T extends { dispose(): Promise<void> }>(instance: T): T {
  disposers.push(() => instance.dispose());
  return instance;
}

const monitor = (d: ConnectorDeps, name = 'builtin') => open(builtinMonitorConnector.create(name, {}, d));
const helpdesk = (d: ConnectorDeps, name = 'desk') => open(builtinHelpdeskConnector.create(name, {}, d));
const cmdb = (d: ConnectorDeps) => builtinCmdbConnector.create('cmdb', {}, d).forRequest(auth);
const knowledge = (d: ConnectorDeps) => builtinKnowledgeConnector.create('kb', {}, d).forRequest(auth);

function codeOf(error: unknown): unknown {
  return error instanceof GraphQLError ? error.extensions['code'] : error;
}

async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const newIncident = (overrides: Partial<NewIncident> = {}): NewIncident => ({
  title: 'Payroll self-service shows an error',
  description: 'Error 500 after logon',
  priority: 'HIGH',
  ciId: 'payroll-app',
  serviceId: 'payroll',
  caller: 'alice',
  correlationId: 'corr-1',
  ...overrides,
});

// ------------------------------------------------------------------------------------------------

describe('the demo estate', () => {
  let d: ConnectorDeps;
  beforeEach(() => {
    d = deps();
  });
  const today = new Date().toISOString().slice(0, 10);
  const services = new Map(
    listEstateFiles(DEMO, 'services').map((file) => {
      const def = loadEstateYaml(file) as Record<string, any>;
      return [def['id'] as string, def] as const;
    }),
  );

  it('has the five business services and well-formed definitions', async () => {
    for (const id of ['payroll', 'email', 'trading', 'vdi', 'webshop']) expect(services.has(id), id).toBe(true);
    const cis = new Set((await cmdb(d).snapshot()).cis.map((ci) => ci.id));
    for (const [id, def] of services) {
      for (const key of [
        'name',
        'description',
        'criticality',
        'valueClass',
        'owner',
        'consumers',
        'impact',
        'calendar',
        'sla',
        'rule',
        'options',
        'children',
      ]) {
        expect(def, `${id}.${key}`).toHaveProperty(key);
      }
      expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(def['criticality']);
      expect(['COMMODITY', 'DIFFERENTIATOR', 'VALUE_ADD']).toContain(def['valueClass']);
      expect(['worst', 'worstIfAll', 'atLeast', 'quorum']).toContain(def['rule'].kind);
      for (const child of def['children']) {
        if ('ci' in child) expect(cis.has(child.ci), `${id} → ${child.ci}`).toBe(true);
        else expect(services.has(child.service), `${id} → ${child.service}`).toBe(true);
      }
      for (const rule of def['nodeRules'] ?? []) expect(cis.has(rule.ci), `${id} nodeRule ${rule.ci}`).toBe(true);
    }
  });

  it('has about forty CIs, ids equal to names, and relations between known CIs', async () => {
    const all = (await cmdb(d).snapshot()).cis;
    expect(all.length).toBeGreaterThanOrEqual(35);
    for (const ci of all) expect(ci.name).toBe(ci.id);
    const relations = (await cmdb(d).snapshot()).relations;
    expect(new Set(relations.map((r) => r.type))).toEqual(new Set(['DEPENDS_ON', 'RUNS_ON', 'MEMBER_OF']));
    expect((await cmdb(d).snapshot()).cis.find((c) => c.id === 'server123') ?? null).toMatchObject({
      class: 'server',
      fqdn: 'server123.corp.example',
      sourceLinks: [{ tool: 'builtin', connector: 'cmdb', id: 'server123' }],
    });
    expect((await cmdb(d).snapshot()).cis.find((c) => c.id === 'nope') ?? null).toBeNull();
  });

  it('puts server123, down with a CRITICAL alert, under payroll on payday', async () => {
    const relations = (await cmdb(d).snapshot()).relations;
    const below = (roots: string[]): Set<string> => {
      const seen = new Set<string>();
      const stack = [...roots];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        for (const r of relations) if (r.parentId === id) stack.push(r.childId);
      }
      return seen;
    };
    const payroll = services.get('payroll')!;
    const payrollCis = below(payroll['children'].filter((c: any) => c.ci).map((c: any) => c.ci));
    expect(payrollCis.has('server123')).toBe(true);

    const payday = payroll['calendar'].find((entry: any) => entry.reason === 'payday');
    expect(payday.dates).toEqual([today]);
    expect(payday.weight).toBeGreaterThanOrEqual(2);

    const cis = (await cmdb(d).snapshot()).cis;
    const correlate = createCorrelator(cis);
    const alerts = (await monitor(d).forRequest(auth).snapshot()).alerts;
    const onServer123 = alerts.filter((a) => correlate(a.ci) === 'server123');
    expect(onServer123).toMatchObject([{ severity: 'CRITICAL', summary: 'Host down', acknowledged: false }]);
    // It started minutes ago, whenever the demo starts.
    const age = Date.now() - Date.parse(onServer123[0]!.startsAt);
    expect(age).toBeGreaterThan(60_000);
    expect(age).toBeLessThan(60 * 60_000);
  });

  it('has a three-node mail cluster with one node down, tolerated by the email rule', async () => {
    const relations = (await cmdb(d).snapshot()).relations;
    const members = relations.filter((r) => r.parentId === 'mail-cluster' && r.type === 'MEMBER_OF').map((r) => r.childId);
    expect(members.sort()).toEqual(['mail-node1', 'mail-node2', 'mail-node3']);
    const correlate = createCorrelator((await cmdb(d).snapshot()).cis);
    const alerts = (await monitor(d).forRequest(auth).snapshot()).alerts;
    const onNodes = alerts.filter((a) => members.includes(correlate(a.ci) ?? ''));
    expect(onNodes.map((a) => [correlate(a.ci), a.severity])).toEqual([['mail-node2', 'CRITICAL']]);
    const rule = services.get('email')!['nodeRules'].find((r: any) => r.ci === 'mail-cluster').rule;
    expect(rule.kind === 'worstIfAll' || (rule.kind === 'quorum' && rule.min === 2)).toBe(true);
  });

  it('maps alerts through a mix of hints and keeps one unmapped', async () => {
    const correlate = createCorrelator((await cmdb(d).snapshot()).cis);
    const snapshot = await monitor(d).forRequest(auth).snapshot();
    const kinds = new Set(snapshot.alerts.flatMap((a) => Object.keys(a.ci)));
    expect(kinds).toEqual(new Set(['ciId', 'name', 'fqdn', 'ip']));
    const unmapped = snapshot.alerts.filter((a) => correlate(a.ci) === null);
    expect(unmapped).toHaveLength(1);
    expect(snapshot.alerts.filter((a) => a.severity === 'WARNING' || a.severity === 'MINOR').length).toBeGreaterThanOrEqual(3);
    expect(snapshot.alerts.find((a) => a.acknowledged)).toMatchObject({ acknowledgedBy: 'alice' });
    expect(snapshot.alerts.find((a) => correlate(a.ci) === 'webshop-db')).toMatchObject({
      severity: 'WARNING',
      summary: expect.stringContaining('85%'),
    });
    expect(snapshot.alerts.some((a) => a.inMaintenance)).toBe(true);
    // watched: all → every CMDB CI.
    expect(snapshot.watched).toHaveLength((await cmdb(d).snapshot()).cis.length);
    expect(snapshot.stale).toBe(false);
  });

  it('models VDI desktops as role pools pulled in by a selector', async () => {
    const pools = (await cmdb(d).snapshot()).cis.filter((ci) => ci.class === 'desktop-pool');
    expect(pools.map((p) => p.id).sort()).toEqual(['vdi-pool-dev', 'vdi-pool-office', 'vdi-pool-traders']);
    for (const pool of pools) expect(pool.attributes['role']).toBeTruthy();
    expect(services.get('vdi')!['selectors']).toContainEqual({ class: 'desktop-pool', tag: 'vdi' });
  });

  it('gives trading market hours and the web shop an orders-per-minute KPI the monitor answers', async () => {
    const trading = services.get('trading')!;
    expect(trading['calendar']).toContainEqual(
      expect.objectContaining({ weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '08:00-17:30' }),
    );
    expect(trading['impact'].revenuePerHour).toBeGreaterThan(services.get('webshop')!['impact'].revenuePerHour);
    const api = monitor(d).forRequest(auth);
    for (const id of ['webshop', 'trading']) {
      for (const kpi of services.get(id)!['kpis']) {
        const samples = await api.query(kpi.expression);
        expect(samples, kpi.name).toHaveLength(1);
        expect(samples![0]!.value).toBeGreaterThan(0);
      }
    }
    expect(services.get('webshop')!['kpis'][0]).toMatchObject({ name: 'orders per minute', baseline: 300 });
  });

  it('has open incidents linked to CIs and the articles that fix them', async () => {
    const incidents = await helpdesk(d).forRequest(auth).listIncidents({ openOnly: true });
    expect(incidents.find((i) => i.number === 'INC0010001')).toMatchObject({
      title: 'Payroll batch failing',
      ci: { ciId: 'server123' },
      serviceId: 'payroll',
      state: 'IN_PROGRESS',
    });
    const inc1 = incidents.find((i) => i.number === 'INC0010001')!;
    expect(Date.parse(inc1.resolutionDue!)).toBeGreaterThan(Date.now());
    const titles = (await knowledge(d).search({ text: 'server123 mail cluster disk full VDI pool capacity', limit: 20 })).map(
      (a) => a.title,
    );
    for (const t of [
      'Restarting server123 payroll batch',
      'Mail cluster node failover',
      'Disk full on database servers',
      'VDI pool capacity',
    ])
      expect(titles).toContain(t);
  });
});

// ------------------------------------------------------------------------------------------------

describe('builtin monitor', () => {
  it('persists an acknowledgement across a restart', async () => {
    const d = deps();
    const first = builtinMonitorConnector.create('builtin', {}, d);
    const acked = await first.forRequest(auth).acknowledge('builtin:a1', { author: 'oscar', comment: 'rebooting via iLO' });
    expect(acked).toMatchObject({ id: 'builtin:a1', acknowledged: true, acknowledgedBy: 'oscar', acknowledgedUntil: null });
    await first.dispose();

    const second = monitor(d).forRequest(auth);
    expect(await second.alertById('builtin:a1')).toMatchObject({ acknowledged: true, acknowledgedBy: 'oscar' });
    const snapshot = await second.snapshot();
    expect(snapshot.alerts.find((a) => a.id === 'builtin:a1')).toMatchObject({ acknowledged: true });
    const back = await second.unacknowledge('builtin:a1', 'oscar');
    expect(back).toMatchObject({ acknowledged: false, acknowledgedBy: null, acknowledgedAt: null });
  });

  it('acknowledging twice, or twice at once, keeps the first acknowledgement; so does taking it back twice', async () => {
    const instance = monitor(deps());
    const [api, other] = [instance.forRequest(auth), instance.forRequest(auth)];
    const [first, second] = await Promise.all([
      api.acknowledge('builtin:a1', { author: 'oscar', comment: 'rebooting' }),
      other.acknowledge('builtin:a1', { author: 'olga', comment: 'me too' }),
    ]);
    const third = await api.acknowledge('builtin:a1', { author: 'otto', comment: 'and me' });
    for (const answer of [first, second, third]) expect(answer).toMatchObject({ acknowledged: true, acknowledgedBy: 'oscar' });
    expect(third.acknowledgedAt).toBe(first.acknowledgedAt);
    const back = await Promise.all([api.unacknowledge('builtin:a1', 'oscar'), other.unacknowledge('builtin:a1', 'olga')]);
    for (const answer of back) expect(answer).toMatchObject({ acknowledged: false, acknowledgedBy: null });
    // The estate ships a4 acknowledged: acknowledging it again writes nothing, its author stays.
    expect(await api.acknowledge('builtin:a4', { author: 'otto', comment: 'x' })).toMatchObject({
      acknowledged: true,
      acknowledgedBy: 'alice',
    });
  });

  it('persists taking back an acknowledgement the estate ships', async () => {
    const d = deps();
    const first = builtinMonitorConnector.create('builtin', {}, d);
    expect(await first.forRequest(auth).unacknowledge('builtin:a4', 'oscar')).toMatchObject({ acknowledged: false });
    await first.dispose();
    expect(await monitor(d).forRequest(auth).alertById('builtin:a4')).toMatchObject({ acknowledged: false, acknowledgedBy: null });
  });

  it('keeps instances on different data directories apart, and an expiring ack', async () => {
    const api = monitor(deps()).forRequest(auth);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(await api.acknowledge('builtin:a2', { author: 'oscar', comment: 'node replaced', until })).toMatchObject({
      acknowledgedUntil: until,
    });
    expect(await monitor(deps()).forRequest(auth).alertById('builtin:a2')).toMatchObject({ acknowledged: false });
  });

  it('rejects bad acknowledgements without writing anything', async () => {
    const d = deps();
    const api = monitor(d).forRequest(auth);
    const missing = await rejection(api.acknowledge('builtin:nope', { author: 'oscar', comment: '' }));
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', connector: 'builtin' });
    expect(codeOf(await rejection(api.acknowledge('other:a1', { author: 'oscar', comment: '' })))).toBe('NOT_FOUND');
    expect(codeOf(await rejection(api.acknowledge('builtin:a1', { author: 'oscar', comment: '', until: 'tomorrow' })))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await rejection(api.acknowledge('builtin:a1', { author: 'oscar', comment: '', until: '2000-01-01T00:00:00Z' })))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await rejection(api.acknowledge('builtin:a1', { author: ' ', comment: '' })))).toBe('BAD_USER_INPUT');
    expect(await api.alertById('builtin:a1')).toMatchObject({ acknowledged: false });
    expect(await api.alertById('other:a1')).toBeNull();
    expect(await api.alertById('garbage')).toBeNull();
  });

  it('answers metric selectors and KPI ranges', async () => {
    const api = monitor(deps()).forRequest(auth);
    expect(await api.query('cpu{ci="server123"}')).toMatchObject([{ labels: { __name__: 'cpu', ci: 'server123' }, value: 0.97 }]);
    expect((await api.query('{ci="server123"}'))!.map((s) => s.labels['__name__'])).toEqual(['up', 'cpu', 'memory', 'load1']);
    expect((await api.query('up{ci=~"mail-node.*"}'))!.map((s) => [s.labels['ci'], s.value])).toEqual([
      ['mail-node1', 1],
      ['mail-node2', 0],
      ['mail-node3', 1],
    ]);
    expect(await api.query('rate(http_requests_total[5m])')).toEqual([]);
    expect(await api.query('cpu{ci=~"("}')).toEqual([]);

    // History points sit every 10 minutes before now (…, 290 at -40m, 240 at -30m, 210 at -20m, 190 at -10m);
    // sampling 5 minutes off those points keeps the test independent of milliseconds.
    const start = new Date(Date.now() - 35 * 60_000);
    const range = await api.queryRange('sum(rate(orders_total[1m])) * 60', start, new Date(start.getTime() + 30 * 60_000), 600);
    expect(range).toHaveLength(1);
    expect(range![0]!.map((s) => s.value)).toEqual([290, 240, 210, 190]);
    expect(range![0]![0]!.timestamp).toBe(start.getTime() / 1000);
    expect(await api.queryRange('nothing_here', start, new Date(), 60)).toEqual([]);
    const end = new Date();
    expect(codeOf(await rejection(api.queryRange('up', end, end, 0)))).toBe('BAD_USER_INPUT');
    expect(codeOf(await rejection(api.queryRange('up', new Date(0), end, 1)))).toBe('LIMIT_EXCEEDED');
  });
});

// ------------------------------------------------------------------------------------------------

describe('builtin help desk', () => {
  it('numbers created tickets from INC0010100 and keeps them across a restart', async () => {
    const d = deps();
    const first = builtinHelpdeskConnector.create('desk', {}, d);
    const api = first.forRequest(auth);
    const a = await api.createIncident(newIncident());
    expect(a).toMatchObject({
      id: 'desk:INC0010100',
      number: 'INC0010100',
      state: 'NEW',
      priority: 'HIGH',
      ci: { ciId: 'payroll-app' },
      serviceId: 'payroll',
      tool: 'builtin',
    });
    // A HIGH ticket must be answered within the hour.
    expect(Date.parse(a.responseDue!) - Date.parse(a.openedAt)).toBe(60 * 60_000);
    const b = await api.createIncident(
      newIncident({ correlationId: 'corr-2', title: 'Second', priority: 'PLANNING', ciId: null, serviceId: null }),
    );
    expect(b).toMatchObject({ number: 'INC0010101', ci: null, responseDue: null });
    await first.dispose();

    const again = helpdesk(d).forRequest(auth);
    expect(await again.incidentById('desk:INC0010100')).toMatchObject({ title: 'Payroll self-service shows an error' });
    expect((await again.listIncidents({})).map((i) => i.number)).toEqual(
      expect.arrayContaining(['INC0010100', 'INC0010101', 'INC0010001']),
    );
    expect((await again.createIncident(newIncident({ correlationId: 'corr-3' }))).number).toBe('INC0010102');
  });

  it('returns the existing ticket for a repeated correlation id, also after a restart', async () => {
    const d = deps();
    const first = builtinHelpdeskConnector.create('desk', {}, d);
    const [x, y] = await Promise.all([
      first.forRequest(auth).createIncident(newIncident()),
      first.forRequest(auth).createIncident(newIncident({ title: 'a retry with other text' })),
    ]);
    expect(y).toEqual(x);
    await first.dispose();
    const again = helpdesk(d).forRequest(auth);
    expect(await again.createIncident(newIncident())).toEqual(x);
    expect((await again.listIncidents({ text: 'self-service' })).map((i) => i.number)).toEqual(['INC0010100']);
  });

  it('keeps catalogue requests as REQ records, once per correlation id, apart from the incidents', async () => {
    const api = helpdesk(deps()).forRequest(auth);
    const opened = await api.createRequest(testRequest('req-1'));
    expect(opened).toEqual({ id: 'desk:REQ0010100', connector: 'desk', number: 'REQ0010100', url: null });
    expect(await api.createRequest(testRequest('req-1', { title: 'a retry' }))).toEqual(opened);
    expect(await api.incidentById(opened.id)).toBeNull();
    expect((await api.listIncidents({ text: 'Payslip' })).map((i) => i.number)).toEqual([]);
    expect((await api.createIncident(newIncident({ correlationId: 'inc-1' }))).number).toBe('INC0010101');
    expect(codeOf(await rejection(api.createRequest(testRequest('inc-1'))))).toBe('BAD_USER_INPUT');
  });

  it('sees what another instance on the same data directory wrote', async () => {
    const d = deps();
    const writer = helpdesk(d).forRequest(auth);
    const reader = helpdesk(d).forRequest(auth);
    const created = await writer.createIncident(newIncident());
    expect(await reader.incidentById(created.id)).toEqual(created);
  });

  it('persists comments and article links', async () => {
    const d = deps();
    const first = builtinHelpdeskConnector.create('desk', {}, d);
    const api = first.forRequest(auth);
    const commented = await api.comment('desk:INC0010001', { author: 'bob', text: 'rebooting server123', internal: true });
    expect(commented.number).toBe('INC0010001');
    const article = { id: 'kb:KB0001', title: 'Restarting server123 payroll batch', url: null };
    expect(await api.linkArticle('desk:INC0010001', article)).toBe(true);
    expect(await api.linkArticle('desk:INC0010001', article)).toBe(true);
    await first.dispose();

    expect((await helpdesk(d).forRequest(auth).incidentById('desk:INC0010001'))!.linkedArticleIds).toEqual(['kb:KB0001']);
    const db = new Database(join(d.dataDir, 'builtin-helpdesk.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT number, author, text, internal FROM comment').all()).toEqual([
        { number: 'INC0010001', author: 'bob', text: 'rebooting server123', internal: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('rejects bad writes and leaves nothing behind', async () => {
    const d = deps();
    const api = helpdesk(d).forRequest(auth);
    expect(codeOf(await rejection(api.createIncident(newIncident({ title: '  ' }))))).toBe('BAD_USER_INPUT');
    expect(codeOf(await rejection(api.createIncident(newIncident({ correlationId: '' }))))).toBe('BAD_USER_INPUT');
    expect(codeOf(await rejection(api.createIncident(newIncident({ priority: 'URGENT' as never }))))).toBe('BAD_USER_INPUT');
    const missing = await rejection(api.comment('desk:INC9999999', { author: 'bob', text: 'x', internal: false }));
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', connector: 'desk' });
    expect(codeOf(await rejection(api.linkArticle('other:INC0010001', { id: 'kb:KB1', title: 't', url: null })))).toBe('NOT_FOUND');
    expect(codeOf(await rejection(api.comment('desk:INC0010001', { author: 'bob', text: ' ', internal: false })))).toBe('BAD_USER_INPUT');
    // The first real create still gets the first number: nothing was half-written.
    expect((await api.createIncident(newIncident())).number).toBe('INC0010100');
  });

  it('turns a store failure into UPSTREAM_UNAVAILABLE and rolls the create back', async () => {
    const d = deps();
    const api = helpdesk(d).forRequest(auth);
    const db = new Database(join(d.dataDir, 'builtin-helpdesk.sqlite'));
    try {
      // The insert fails after the number was allocated inside the transaction.
      db.exec("CREATE TRIGGER fail BEFORE INSERT ON incident BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
      const error = await rejection(api.createIncident(newIncident()));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'desk' });
      expect(error.message).not.toContain('disk on fire');
      db.exec('DROP TRIGGER fail');
    } finally {
      db.close();
    }
    expect((await api.createIncident(newIncident())).number).toBe('INC0010100');
  });

  it('filters by open state, CI (through any hint kind), service and text', async () => {
    const api = helpdesk(deps()).forRequest(auth);
    const numbers = async (filter: Parameters<typeof api.listIncidents>[0]) => (await api.listIncidents(filter)).map((i) => i.number);
    expect(await numbers({})).toContain('INC0010005');
    expect(await numbers({ openOnly: true })).not.toContain('INC0010005');
    // INC0010003 names the CI by FQDN only.
    expect(await numbers({ ciIds: ['payment-gateway'] })).toEqual(['INC0010003']);
    expect(await numbers({ ciIds: ['mail-node2', 'server123'] })).toEqual(['INC0010001', 'INC0010002']);
    expect(await numbers({ serviceIds: ['vdi'] })).toEqual(['INC0010004']);
    expect(await numbers({ text: 'MAILBOX' })).toEqual(['INC0010002']);
    expect(await numbers({ ciIds: [] })).toEqual([]);
    expect(await api.incidentById('desk:INC0010002')).toMatchObject({ ci: { name: 'mail-node2' }, assignee: null });
    expect(await api.incidentById('desk:nope')).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------

describe('builtin knowledge', () => {
  // The knowledge base keeps no state: one instance over the demo serves every test.
  const api = knowledge({ log: silentLogger, cache: createCache('test', silentLogger), estateDir: DEMO, dataDir: '/nonexistent' });

  it('ranks the article that matches best first, with scores in [0, 1]', async () => {
    const results = await api.search({ text: 'mail node failover', limit: 5 });
    expect(results[0]).toMatchObject({ id: 'kb:KB0002', title: 'Mail cluster node failover', tool: 'builtin', connector: 'kb' });
    for (const r of results) expect(r.score).toBeGreaterThan(0);
    for (const r of results) expect(r.score).toBeLessThanOrEqual(1);
    const scores = results.map((r) => r.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await api.search({ text: 'restarting server123', limit: 1 }))[0]!.title).toBe('Restarting server123 payroll batch');
    expect((await api.search({ text: 'disks full', limit: 1 }))[0]!.title).toBe('Disk full on database servers');
  });

  it('ranks articles about the incident CI higher', async () => {
    const plain = await api.search({ text: 'slow', limit: 10 });
    const withContext = await api.search({ text: 'slow', ciNames: ['vdi-pool-office'], limit: 10 });
    expect(withContext[0]!.title).toBe('VDI pool capacity');
    expect(plain.length).toBeGreaterThan(0);
    // Context alone finds related articles.
    expect((await api.search({ text: '', serviceNames: ['email'], limit: 3 })).map((a) => a.id)).toEqual(['kb:KB0002']);
  });

  it('returns snippets, honours limits and finds by id', async () => {
    const [hit] = await api.search({ text: 'pg_stat_archiver', limit: 1 });
    expect(hit!.snippet).toContain('pg_stat_archiver');
    expect(hit!.snippet).not.toContain('#');
    expect(await api.search({ text: 'payroll', limit: 0 })).toEqual([]);
    expect(await api.search({ text: 'the and of', limit: 5 })).toEqual([]);
    expect(codeOf(await rejection(api.search({ text: 'x', limit: -1 })))).toBe('BAD_USER_INPUT');
    expect(await api.articleById('kb:KB0004')).toMatchObject({
      title: 'VDI pool capacity',
      score: null,
      labels: expect.arrayContaining(['vdi']),
    });
    expect(await api.articleById('kb:KB9999')).toBeNull();
    expect(await api.articleById('other:KB0004')).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------

describe('estate validation', () => {
  function brokenEstate(file: string, edit: (text: string) => string): string {
    const dir = tempDir('sg-estate-');
    cpSync(DEMO, dir, { recursive: true });
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
    return dir;
  }

  function startError(create: () => unknown): ConfigError {
    try {
      create();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('names the file and the path of a relation to an unknown CI', () => {
    const dir = brokenEstate('cmdb.yaml', (t) =>
      t.replace('{ parent: payroll-app, child: server123, type: RUNS_ON }', '{ parent: payroll-app, child: server999, type: RUNS_ON }'),
    );
    const error = startError(() => builtinCmdbConnector.create('cmdb', {}, deps(undefined, dir)));
    expect(error.source).toBe(join(dir, 'cmdb.yaml'));
    expect(error.problems).toEqual(['relations[0].child: unknown CI "server999"']);
  });

  it('reports cycles and duplicates in the CMDB', () => {
    const dir = brokenEstate('cmdb.yaml', (t) =>
      t
        .replace('relations:\n', 'relations:\n  - { parent: san-storage01, child: payroll-app, type: DEPENDS_ON }\n')
        .replace('cis:\n', 'cis:\n  - { id: server123, class: server }\n'),
    );
    const error = startError(() => builtinCmdbConnector.create('cmdb', {}, deps(undefined, dir)));
    expect(error.problems).toContainEqual(expect.stringMatching(/^cis\[\d+\]\.id: duplicate CI id "server123"$/));
    expect(error.problems).toContainEqual(expect.stringMatching(/^relations: relations form a cycle: .*san-storage01/));
  });

  it('names the path of a bad alert severity and a bad placeholder', () => {
    const bad = brokenEstate('monitor.yaml', (t) => t.replace('severity: MINOR', 'severity: SEVERE'));
    const error = startError(() => builtinMonitorConnector.create('builtin', {}, deps(undefined, bad)));
    expect(error.source).toBe(join(bad, 'monitor.yaml'));
    expect(error.problems).toEqual([expect.stringMatching(/^alerts\[3\]\.severity: /)]);

    const placeholder = brokenEstate('helpdesk.yaml', (t) => t.replace('"{{now-10m}}"', '"{{yesterday}}"'));
    const error2 = startError(() => builtinHelpdeskConnector.create('desk', {}, deps(undefined, placeholder)));
    expect(error2.problems).toEqual([expect.stringMatching(/^incidents\[0\]\.openedAt: unknown placeholder/)]);
  });

  it('rejects unknown keys and hint-less alerts', () => {
    const dir = brokenEstate('knowledge.yaml', (t) => t.replace('  - id: KB0001\n', '  - id: KB0001\n    tittle: typo\n'));
    expect(startError(() => builtinKnowledgeConnector.create('kb', {}, deps(undefined, dir))).problems).toEqual([
      expect.stringMatching(/^articles\[0\]: .*tittle/),
    ]);
    const hintless = brokenEstate('monitor.yaml', (t) => t.replace('ci: { ciId: webshop-db }', 'ci: {}'));
    expect(startError(() => builtinMonitorConnector.create('builtin', {}, deps(undefined, hintless))).problems).toEqual([
      'alerts[2].ci: give at least one of ciId, name, fqdn, ip',
    ]);
  });

  it('reports a missing estate file', () => {
    const dir = tempDir('sg-empty-');
    const error = startError(() => builtinKnowledgeConnector.create('kb', {}, deps(undefined, dir)));
    expect(error.source).toBe(join(dir, 'knowledge.yaml'));
  });

  it('validates its own config', () => {
    expect(BuiltinConfig.safeParse({}).success).toBe(true);
    expect(BuiltinConfig.safeParse({ estateDir: 'estate/demo' }).success).toBe(true);
    expect(BuiltinConfig.safeParse({ estatedir: 'x' }).success).toBe(false);
  });

  it('reads the estate named in its own config rather than the deployment’s', async () => {
    const api = builtinKnowledgeConnector.create('kb', { estateDir: DEMO }, deps(undefined, '/nonexistent')).forRequest(auth);
    const found = await api.search({ text: 'server123 payroll batch', limit: 3 });
    expect(found.map((a) => a.title)).toContain('Restarting server123 payroll batch');
  });
});
