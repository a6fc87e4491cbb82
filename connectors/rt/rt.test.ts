import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  codeOf,
  connectorForTest,
  failure,
  fakeForTest,
  testAuth,
  testDeps,
  testIncident,
  testRequest,
  type OnTestFinished,
} from '../core/test-support.js';
import { TicketDto } from './client.js';
import { startFakeRt, parseTicketSql, type FakeRtOptions } from './fake-server.js';
import { rtConnector, buildTicketSql } from './index.js';
import { toDate, toIncident, toPriority, toState } from './mapping.js';

const setup = (onTestFinished: OnTestFinished, overrides: Record<string, unknown> = {}, fakeOptions: FakeRtOptions = {}) =>
  connectorForTest(onTestFinished, rtConnector, 'rt', startFakeRt(fakeOptions), { username: 'root', password: 'password', ...overrides });

const incident = testIncident;

describe('rt mapping', () => {
  it('maps the ticket recorded from RT 5.0.3', () => {
    const dto = TicketDto.parse(JSON.parse(readFileSync(new URL('./fixtures/rt-ticket.json', import.meta.url), 'utf8')));
    const inc = toIncident(dto, { connector: 'rt', uiUrl: 'https://rt.example.invalid', ciField: 'CI', serviceField: undefined });
    expect(inc).toMatchObject({
      id: 'rt:1',
      number: 'RT #1',
      tool: 'rt',
      title: 'web01 HTTP CRITICAL - Connection refused',
      state: 'NEW',
      priority: 'MODERATE',
      assignee: null,
      openedAt: '2026-11-27T20:38:54Z',
      resolutionDue: null,
      ci: null,
      url: 'https://rt.example.invalid/Ticket/Display.html?id=1',
    });
  });

  it('maps the search item recorded from RT 5.0.3', () => {
    const page = JSON.parse(readFileSync(new URL('./fixtures/rt-search.json', import.meta.url), 'utf8')) as { items: unknown[] };
    const inc = toIncident(TicketDto.parse(page.items[0]), {
      connector: 'rt',
      uiUrl: 'https://rt.example.invalid',
      ciField: undefined,
      serviceField: undefined,
    });
    expect(inc.state).toBe('NEW');
    expect(inc.title).toContain('web01');
  });

  it('maps statuses, priorities and unset dates', () => {
    expect(['new', 'open', 'stalled', 'resolved', 'rejected', 'deleted', 'custom'].map(toState)).toEqual([
      'NEW',
      'IN_PROGRESS',
      'ON_HOLD',
      'RESOLVED',
      'CANCELED',
      'CANCELED',
      'IN_PROGRESS',
    ]);
    expect(['100', '75', '50', '0', 'High', 'Low', undefined].map(toPriority)).toEqual([
      'CRITICAL',
      'HIGH',
      'MODERATE',
      'LOW',
      'CRITICAL',
      'LOW',
      'MODERATE',
    ]);
    expect(toDate('1970-01-01T00:00:00Z')).toBeNull();
    expect(toDate('2026-11-28T08:00:00Z')).toBe('2026-11-28T08:00:00Z');
  });

  it('writes TicketSQL with escaped values, CF or Subject correlation', () => {
    const config = rtConnector.config.parse({ baseUrl: 'https://rt.example.invalid', token: 't', customFields: { ci: 'CI' } });
    const sql = buildTicketSql(config, { openOnly: true, ciIds: ["it's"], serviceIds: ['payroll'], text: 'slow' });
    expect(sql).toBe(
      "(Queue = 'General') AND Status != 'resolved' AND Status != 'rejected' AND Status != 'deleted' AND (CF.{CI} = 'it\\'s') AND (Subject LIKE 'payroll') AND Subject LIKE 'slow'",
    );
    // The fake's parser accepts exactly what the connector writes.
    expect(() => parseTicketSql(sql)).not.toThrow();
  });
});

describe('rt connector against the fake', () => {
  it('lists open tickets with CI, service, owner and due date', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished, { customFields: { ci: 'CI', service: 'Service' } });
    const open = await api.listIncidents({ openOnly: true });
    expect(open.map((i) => i.number)).toEqual(['RT #3', 'RT #2', 'RT #1']);
    const db = open.find((i) => i.id === 'rt:2')!;
    expect(db).toMatchObject({
      state: 'IN_PROGRESS',
      priority: 'CRITICAL',
      assignee: 'alice',
      ci: { ciId: 'db01' },
      resolutionDue: '2026-11-28T08:00:00Z',
    });
    expect(open.find((i) => i.id === 'rt:3')).toMatchObject({ state: 'ON_HOLD', serviceId: 'payroll' });
    expect((await api.listIncidents({ ciIds: ['db01'] })).map((i) => i.id)).toEqual(['rt:2']);
    expect((await api.listIncidents({ serviceIds: ['payroll'] })).map((i) => i.id)).toEqual(['rt:3']);
    expect((await api.listIncidents({})).length).toBe(4);
  });

  it('follows pages up to the cap', async ({ onTestFinished }) => {
    const tickets = Array.from({ length: 25 }, (_, i) => ({ Subject: `ticket ${i + 1}` }));
    const { api, fake } = await setup(onTestFinished, { perPage: 10, maxTickets: 22 }, { tickets });
    const all = await api.listIncidents({});
    expect(all).toHaveLength(22);
    expect(fake.requests.filter((r) => r.startsWith('GET /REST/2.0/tickets'))).toHaveLength(3);
    expect(fake.requests[0]).toContain('per_page=10');
  });

  it('batches incidentById look-ups into one search and ignores foreign ids', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const [a, b, c, d] = await Promise.all([
      api.incidentById('rt:1'),
      api.incidentById('rt:2'),
      api.incidentById('rt:99'),
      api.incidentById('jira:1'),
    ]);
    expect([a?.id, b?.id, c, d]).toEqual(['rt:1', 'rt:2', null, null]);
    expect(fake.requests).toHaveLength(1);
  });

  it('creates a ticket with the correlation id in the Subject and never twice', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const created = await api.createIncident(incident('abc-1'));
    expect(created).toMatchObject({ id: 'rt:5', title: 'Payroll export fails', state: 'NEW', priority: 'HIGH' });
    expect(fake.tickets[4]!.Subject).toBe('Payroll export fails [sg:abc-1]');
    expect(fake.tickets[4]!.messages[0]!.content).toContain('CI: server123');
    const again = await api.createIncident(incident('abc-1'));
    expect(again.id).toBe(created.id);
    expect(fake.tickets).toHaveLength(5);
    expect(fake.requests.filter((r) => r.startsWith('POST /REST/2.0/ticket'))).toHaveLength(1);
  });

  it('stores CI, service and correlation id in custom fields when configured', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { customFields: { ci: 'CI', service: 'Service', correlationId: 'Correlation' } });
    const created = await api.createIncident(incident('k-9'));
    expect(fake.tickets[4]!.CustomFields).toEqual({ CI: 'server123', Service: 'payroll', Correlation: 'k-9' });
    expect(fake.tickets[4]!.Subject).toBe('Payroll export fails');
    expect(created).toMatchObject({ ci: { ciId: 'server123' }, serviceId: 'payroll' });
    expect((await api.createIncident(incident('k-9'))).id).toBe(created.id);
  });

  it('a create that timed out and is retried with the same correlationId opens one ticket', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { timeoutMs: 200 });
    fake.setSlowCreate(600);
    const error = await failure(api.createIncident(incident('lost-answer')));
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    fake.setSlowCreate(0);
    const retried = await api.createIncident(incident('lost-answer'));
    expect(fake.tickets.filter((t) => t.Subject.includes('[sg:lost-answer]'))).toHaveLength(1);
    expect(retried.id).toBe('rt:5');
  });

  it('opens a catalogue request in the offering’s queue (else requestQueue), never twice, and never lists it as an incident', async ({
    onTestFinished,
  }) => {
    const { fake, api } = await setup(onTestFinished, { requestQueue: 'Requests', customFields: { correlationId: 'Correlation' } });
    const opened = await api.createRequest(testRequest('req-1'));
    expect(opened).toEqual({
      id: expect.stringMatching(/^rt:\d+$/),
      connector: 'rt',
      number: `RT #${opened.id.slice(3)}`,
      url: expect.any(String),
    });
    expect(fake.tickets.at(-1)).toMatchObject({ Queue: 'Requests', Priority: 0, Subject: 'Request: Payslip reissue' });
    expect(await api.createRequest(testRequest('req-1'))).toEqual(opened);
    const named = await api.createRequest(testRequest('req-2', { toolIds: { rt: 'General' } }));
    expect(fake.tickets.at(-1)).toMatchObject({ id: Number(named.id.slice(3)), Queue: 'General' });
    expect(fake.tickets.filter((t) => t.Subject === 'Request: Payslip reissue')).toHaveLength(2);
    // The request queue is not among `queues`: requests are not incidents.
    expect((await api.listIncidents({})).some((i) => i.id === opened.id)).toBe(false);
    const unset = await setup(onTestFinished);
    expect(await codeOf(unset.api.createRequest(testRequest('req-3')))).toBe('NOT_CONFIGURED');
    expect(unset.fake.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
  });

  it('comments internally or publicly, links articles as comments, changes status', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    await api.comment('rt:1', { author: 'alice', text: 'looking', internal: true });
    const replied = await api.comment('rt:1', { author: 'alice', text: 'fixed soon', internal: false });
    expect(fake.tickets[0]!.messages.map((m) => m.kind)).toEqual(['comment', 'correspond']);
    expect(fake.tickets[0]!.messages[0]!.content).toContain('alice');
    expect(replied.state).toBe('IN_PROGRESS');
    expect(
      await api.linkArticle('rt:1', { id: 'wiki:2', title: 'Runbook:DiskFull', url: 'https://wiki.example.invalid/Runbook:DiskFull' }),
    ).toBe(true);
    expect(fake.tickets[0]!.messages[2]!.content).toContain('https://wiki.example.invalid/Runbook:DiskFull');
    expect((await api.setState('rt:1', 'RESOLVED')).state).toBe('RESOLVED');
    await expect(api.comment('rt:77', { author: 'a', text: 'x', internal: true })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await expect(api.comment('other:1', { author: 'a', text: 'x', internal: true })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('a write invalidates cached lists', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished);
    expect(await api.listIncidents({ openOnly: true })).toHaveLength(3);
    await api.createIncident(incident('fresh'));
    expect(await api.listIncidents({ openOnly: true })).toHaveLength(4);
  });

  it('authenticates with an RT auth token', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished, { username: undefined, password: undefined, token: 'tok-123' }, { token: 'tok-123' });
    expect(await api.listIncidents({})).toHaveLength(4);
  });

  it('a 302 to the login page (wrong WebPath) is an auth failure, not an empty success', async ({ onTestFinished }) => {
    const fake = await fakeForTest(onTestFinished, startFakeRt({ malformedRedirect: false }));
    const instance = rtConnector.create(
      'rt',
      rtConnector.config.parse({ baseUrl: `${fake.url}/rt`, username: 'root', password: 'password', retryLimit: 0 }),
      testDeps('rt'),
    );
    const error = await failure(instance.forRequest(testAuth()).listIncidents({}));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', connector: 'rt' });
    await expect(instance.healthCheck()).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_AUTH_FAILED' } });
  });

  it("RT 5.0's malformed login redirect (double chunk terminator) is UPSTREAM_UNAVAILABLE naming the WebPath", async ({
    onTestFinished,
  }) => {
    const fake = await fakeForTest(onTestFinished, startFakeRt());
    const instance = rtConnector.create(
      'rt',
      rtConnector.config.parse({ baseUrl: `${fake.url}/rt`, username: 'root', password: 'password', retryLimit: 0 }),
      testDeps('rt'),
    );
    const error = await failure(instance.forRequest(testAuth()).listIncidents({}));
    expect(error.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', connector: 'rt' });
    expect(error.message).toContain('WebPath');
    expect(error.message).not.toContain(new URL(fake.url).host);
  });

  it('maps faults: 401, 403, 500, timeout, invalid JSON; retries 429 on reads; no secret or URL in errors', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { password: 'wrong-secret', cacheTtlMs: 0 });
    const unauthorized = await failure(api.listIncidents({}));
    expect(unauthorized.extensions).toEqual({ code: 'UPSTREAM_AUTH_FAILED', connector: 'rt' });
    for (const text of [unauthorized.message, JSON.stringify(unauthorized.extensions)]) {
      expect(text).not.toContain('wrong-secret');
      expect(text).not.toContain(new URL(fake.url).host);
    }

    const good = await setup(onTestFinished, { cacheTtlMs: 0, timeoutMs: 300 });
    good.fake.setFailures([{ status: 403, body: '{"message":"Forbidden"}' }]);
    expect((await failure(good.api.listIncidents({}))).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
    good.fake.setFailures([{ status: 500, body: `{"message":"boom ${good.fake.url}"}` }]);
    const boom = await failure(good.api.listIncidents({}));
    expect(boom.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(boom.message).not.toContain(good.fake.url);
    good.fake.setFailures([{ delayMs: 1000 }]);
    expect((await failure(good.api.listIncidents({}))).message).toContain('timed out');
    good.fake.setFailures([{ invalidJson: true }]);
    expect((await failure(good.api.listIncidents({}))).message).toContain('invalid JSON');

    const retrying = await setup(onTestFinished, { retryLimit: 1, timeoutMs: 2000 });
    retrying.fake.setFailures([{ status: 429, retryAfterS: 1 }]);
    const started = Date.now();
    expect(await retrying.api.listIncidents({})).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Writes are never retried: one POST, one failure.
    retrying.fake.setFailures([{ status: 503, method: 'POST' }]);
    await failure(retrying.api.createIncident(incident('no-retry')));
    expect(retrying.fake.requests.filter((r) => r === 'POST /REST/2.0/ticket')).toHaveLength(1);
  });

  it('serves a cached list marked good while RT is down (stale-if-error)', async ({ onTestFinished }) => {
    const { api, fake, instance } = await setup(onTestFinished, { cacheTtlMs: 50 });
    const first = await api.listIncidents({});
    await new Promise((r) => setTimeout(r, 80));
    fake.setFailures([{ status: 503 }]);
    expect(await instance.forRequest(testAuth()).listIncidents({})).toEqual(first);
  });
});
