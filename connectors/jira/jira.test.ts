import { describe, expect, it } from 'vitest';
import type { NewIncident } from '../../kernel/model.js';
import { codeOf, connectorForTest, failure, testIncident, testRequest, type OnTestFinished } from '../core/test-support.js';
import { adf } from './client.js';
import { parseJql, startFakeJira, type FakeJiraOptions } from './fake-server.js';
import { buildJql, jiraConnector } from './index.js';
import { correlationLabel } from './request.js';
import { adfText, isoDate, slaDue, toPriority, toState } from './mapping.js';

const setup = (onTestFinished: OnTestFinished, overrides: Record<string, unknown> = {}, fakeOptions: FakeJiraOptions = {}) =>
  connectorForTest(onTestFinished, jiraConnector, 'jsm', startFakeJira(fakeOptions), {
    uiUrl: 'https://acme.atlassian.example.invalid',
    email: 'bot@example.com',
    apiToken: 'jira-api-token',
    projectKey: 'OPS',
    ...overrides,
  });

const incident = (correlationId: string, extra: Partial<NewIncident> = {}) =>
  testIncident(correlationId, { priority: 'CRITICAL', ...extra });

describe('jira mapping', () => {
  it('maps status categories, JSM status names, cancel resolutions and configured names', () => {
    const st = (name: string, key: string, resolution?: string) =>
      toState({ status: { name, statusCategory: { key } }, ...(resolution ? { resolution: { name: resolution } } : {}) }, {});
    expect(st('To Do', 'new')).toBe('NEW');
    expect(st('In Progress', 'indeterminate')).toBe('IN_PROGRESS');
    expect(st('Waiting for customer', 'indeterminate')).toBe('ON_HOLD');
    expect(st('Done', 'done', 'Done')).toBe('RESOLVED');
    expect(st('Done', 'done', "Won't Do")).toBe('CANCELED');
    expect(st('Closed', 'done')).toBe('CLOSED');
    expect(toState({ status: { name: 'Parked', statusCategory: { key: 'indeterminate' } } }, { Parked: 'ON_HOLD' })).toBe('ON_HOLD');
    expect(['Highest', 'High', 'Medium', 'Low', 'Lowest', 'Blocker', 'P9', undefined].map((p) => toPriority(p, {}))).toEqual([
      'CRITICAL',
      'HIGH',
      'MODERATE',
      'LOW',
      'PLANNING',
      'CRITICAL',
      'MODERATE',
      'MODERATE',
    ]);
    expect(toPriority('P1', { P1: 'CRITICAL' })).toBe('CRITICAL');
  });

  it('reads ADF, Jira dates and JSM SLA cycles', () => {
    expect(adfText(adf('line one\nline two\n\nsecond para'))).toBe('line one\nline two\n\nsecond para');
    expect(isoDate('2026-11-27T08:00:00.000+0100')).toBe('2026-11-27T07:00:00.000Z');
    expect(
      slaDue({
        values: [
          { name: 'Time to first response', ongoingCycle: { breachTime: { epochMillis: 0 } } },
          { name: 'Time to resolution', ongoingCycle: { breachTime: { iso8601: '2026-11-27T12:00:00.000+0000' } } },
        ],
      }),
    ).toEqual({ responseDue: '1970-01-01T00:00:00.000Z', resolutionDue: '2026-11-27T12:00:00.000Z' });
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(
      slaDue(
        {
          values: [
            { name: 'Time to first response', ongoingCycle: { paused: true, remainingTime: { millis: 60_000 } } },
            { name: 'Time to resolution', ongoingCycle: { remainingTime: { millis: 600_000 } } },
          ],
        },
        now,
      ),
    ).toEqual({ responseDue: null, resolutionDue: '2026-11-27T10:10:00.000Z' });
  });

  it('writes JQL the fake (and Jira) parses; correlation labels stay label-safe', () => {
    const config = jiraConnector.config.parse({
      baseUrl: 'https://x.invalid',
      token: 't',
      projectKey: 'OPS',
      ciField: 'customfield_10050',
      serviceField: 'component',
      jql: 'issuetype = Incident',
    });
    const jql = buildJql(config, { openOnly: true, ciIds: ['db "1"'], serviceIds: ['email'], text: 'disk' });
    expect(jql).toBe(
      'project = "OPS" AND (issuetype = Incident) AND statusCategory != Done AND (cf[10050] ~ "db \\"1\\"") AND component in ("email") AND text ~ "disk" ORDER BY created DESC',
    );
    expect(() =>
      parseJql(buildJql({ ...config, jql: undefined }, { openOnly: true, ciIds: ['x'], serviceIds: ['y'], text: 'z' })),
    ).not.toThrow();
    expect(correlationLabel('req 42/a')).toBe('sg-req-42-a');
  });
});

describe('jira connector against the fake', () => {
  it('lists issues by JQL with only the needed fields, never calling the removed /search', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const open = await api.listIncidents({ openOnly: true });
    expect(open.map((i) => i.number)).toEqual(['OPS-5', 'OPS-2', 'OPS-1']);
    const payroll = open.find((i) => i.number === 'OPS-1')!;
    expect(payroll).toMatchObject({
      id: 'jsm:OPS-1',
      tool: 'jira',
      title: 'server123 down: payroll batch failing',
      description: 'The payroll batch cannot reach server123.',
      state: 'IN_PROGRESS',
      priority: 'CRITICAL',
      ci: { ciId: 'server123' },
      serviceId: 'payroll',
      assignee: 'Olivia Operator',
      openedAt: '2026-11-27T08:00:00.000Z',
      url: 'https://acme.atlassian.example.invalid/browse/OPS-1',
      responseDue: null,
    });
    expect(open.find((i) => i.number === 'OPS-2')).toMatchObject({ state: 'ON_HOLD', resolutionDue: '2026-11-30T23:59:59.000Z' });
    expect((await api.listIncidents({ ciIds: ['server123'] })).map((i) => i.number)).toEqual(['OPS-1']);
    expect((await api.listIncidents({})).find((i) => i.number === 'OPS-4')?.state).toBe('CANCELED');
    expect(fake.requests.every((r) => r.startsWith('GET /rest/api/3/search/jql?'))).toBe(true);
    expect(fake.requests[0]).toContain('fields=summary%2Cdescription');
  });

  it('follows nextPageToken up to maxIssues', async ({ onTestFinished }) => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ summary: `issue ${i + 1}` }));
    const { api, fake } = await setup(onTestFinished, { pageSize: 5, maxIssues: 11 }, { issues });
    const all = await api.listIncidents({});
    expect(all).toHaveLength(11);
    expect(new Set(all.map((i) => i.id)).size).toBe(11);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[1]).toContain('nextPageToken=');
    expect(fake.requests[2]).toContain('maxResults=1');
  });

  it('maps custom-field CIs and component services, keeping exact matches only', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished, { ciField: 'customfield_10050', serviceField: 'component' });
    const mx = await api.listIncidents({ ciIds: ['mx01'] });
    expect(mx).toHaveLength(1);
    expect(mx[0]).toMatchObject({ ci: { ciId: 'mx01' }, serviceId: 'email' });
    expect(await api.listIncidents({ ciIds: ['mx'] })).toHaveLength(0);
    expect((await api.listIncidents({ serviceIds: ['email'] })).map((i) => i.number)).toEqual(['OPS-2']);
  });

  it('reads JSM SLAs in one bounded batch for a list, and for a single issue', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { serviceDesk: { id: '1', requestTypeId: '10' }, maxSlaLookups: 2 });
    const open = await api.listIncidents({ openOnly: true });
    // OPS-5 and OPS-2 were looked up (the cap), neither is a JSM request; OPS-1 was past the cap.
    expect(fake.requests.filter((r) => r.includes('/sla'))).toHaveLength(2);
    expect(open.every((i) => i.resolutionDue === null || i.number === 'OPS-2')).toBe(true);
    const one = await api.incidentById('jsm:OPS-1');
    expect(one).toMatchObject({ responseDue: null, resolutionDue: '2026-11-27T12:00:00.000Z' });
  });

  it('creates an issue with an ADF description and a correlation label, never twice', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const created = await api.createIncident(incident('abc-1'));
    expect(created).toMatchObject({
      id: 'jsm:OPS-6',
      title: 'Payroll export fails',
      state: 'NEW',
      priority: 'CRITICAL',
      ci: { ciId: 'server123' },
      serviceId: 'payroll',
    });
    expect(created.description).toContain('Reported by alice');
    expect(fake.issues[5]!.labels).toEqual(['sg-abc-1', 'ci:server123', 'service:payroll']);
    expect(await api.createIncident(incident('abc-1'))).toMatchObject({ id: created.id });
    expect(fake.requests.filter((r) => r.startsWith('POST '))).toHaveLength(1);
  });

  it('creates through JSM when a service desk is configured', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { serviceDesk: { id: '1', requestTypeId: '10' } });
    const created = await api.createIncident(incident('jsm-1'));
    expect(fake.requests.filter((r) => r.startsWith('POST '))).toEqual(['POST /rest/servicedeskapi/request']);
    expect(created.responseDue).not.toBeNull();
    expect(created.resolutionDue).not.toBeNull();
    expect(fake.issues[5]!.labels).toContain('sg-jsm-1');
  });

  it('opens a catalogue request through servicedeskapi of the offering’s request type (else catalogRequestTypeId), never twice', async ({
    onTestFinished,
  }) => {
    const desk = { id: '1', requestTypeId: '10', catalogRequestTypeId: '11' };
    const { fake, api } = await setup(onTestFinished, { serviceDesk: desk }, { requestTypeIds: ['10', '11', '12'] });
    const opened = await api.createRequest(testRequest('req-1'));
    expect(opened).toEqual({
      id: `jsm:${opened.number}`,
      connector: 'jsm',
      number: expect.stringMatching(/^OPS-\d+$/),
      url: `https://acme.atlassian.example.invalid/browse/${opened.number}`,
    });
    expect(fake.issues.at(-1)).toMatchObject({
      viaServiceDesk: true,
      requestTypeId: '11',
      labels: [correlationLabel('req-1'), 'service:payroll'],
    });
    expect(await api.createRequest(testRequest('req-1'))).toEqual(opened);
    await api.createRequest(testRequest('req-2', { toolIds: { jsm: '12' } }));
    expect(fake.issues.at(-1)?.requestTypeId).toBe('12');
    expect(fake.requests.filter((r) => r.startsWith('POST /rest/servicedeskapi/request'))).toHaveLength(2);
    expect(fake.requests.some((r) => r.startsWith('POST /rest/api/3/issue'))).toBe(false);
    // Without a service desk there is no JSM request to open.
    const plain = await setup(onTestFinished);
    expect(await codeOf(plain.api.createRequest(testRequest('req-3')))).toBe('NOT_CONFIGURED');
  });

  it('a create that timed out and is retried with the same correlationId opens one issue', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { timeoutMs: 200 });
    fake.setSlowCreate(600);
    expect((await failure(api.createIncident(incident('lost')))).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    fake.setSlowCreate(0);
    const retried = await api.createIncident(incident('lost'));
    expect(fake.issues.filter((i) => i.labels.includes('sg-lost'))).toHaveLength(1);
    expect(retried.number).toBe('OPS-6');
  });

  it('comments in ADF, internal through the JSM property; links articles by remote link, once', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { serviceDesk: { id: '1', requestTypeId: '10' } });
    await api.comment('jsm:OPS-1', { author: 'alice', text: 'looking into it', internal: true });
    await api.comment('jsm:OPS-1', { author: 'alice', text: 'fixed', internal: false });
    expect(fake.issues[0]!.comments.map((c) => c.internal)).toEqual([true, false]);
    expect(adfText(fake.issues[0]!.comments[0]!.body)).toContain('-- alice');
    const article = { id: 'wiki:2', title: 'Runbook:DiskFull', url: 'https://wiki.example.invalid/Runbook:DiskFull' };
    expect(await api.linkArticle('jsm:OPS-1', article)).toBe(true);
    expect(await api.linkArticle('jsm:OPS-1', article)).toBe(true);
    expect(fake.issues[0]!.remoteLinks).toHaveLength(1);
    expect((await api.incidentById('jsm:OPS-1'))?.linkedArticleIds).toEqual(['wiki:2']);
    expect(await api.linkArticle('jsm:OPS-1', { ...article, url: null })).toBe(false);
    await expect(api.comment('jsm:OPS-99', { author: 'a', text: 'x', internal: false })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('incidentById: missing and foreign ids are null', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished);
    expect(await api.incidentById('jsm:OPS-99')).toBeNull();
    expect(await api.incidentById('rt:1')).toBeNull();
    expect(await api.incidentById('jsm:not a key')).toBeNull();
  });

  it('authenticates with a Data Center PAT as Bearer', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished, { email: undefined, apiToken: undefined, token: 'pat-1' }, { token: 'pat-1' });
    expect(await api.listIncidents({})).toHaveLength(5);
  });

  it('the removed /rest/api/3/search answers 410 in the fake', async ({ onTestFinished }) => {
    const { fake } = await setup(onTestFinished);
    const res = await fetch(`${fake.url}/rest/api/3/search?jql=`, {
      headers: { authorization: `Basic ${Buffer.from('bot@example.com:jira-api-token').toString('base64')}` },
    });
    expect(res.status).toBe(410);
  });

  it('maps faults: 401, 403, 500, timeout, invalid JSON, bad JQL; retries 429 on reads; no secret or URL in errors', async ({
    onTestFinished,
  }) => {
    const bad = await setup(onTestFinished, { apiToken: 'wrong-token-value' });
    const unauthorized = await failure(bad.api.listIncidents({}));
    expect(unauthorized.extensions).toEqual({ code: 'UPSTREAM_AUTH_FAILED', connector: 'jsm' });
    expect(`${unauthorized.message}${JSON.stringify(unauthorized.extensions)}`).not.toMatch(/wrong-token-value|127\.0\.0\.1/);

    const { api, fake } = await setup(onTestFinished, { cacheTtlMs: 0, timeoutMs: 300 });
    fake.setFailures([{ status: 403 }]);
    expect((await failure(api.listIncidents({}))).extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
    fake.setFailures([{ status: 500, body: `{"errorMessages":["${fake.url}"]}` }]);
    const boom = await failure(api.listIncidents({}));
    expect(boom.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(boom.message).not.toContain(fake.url);
    fake.setFailures([{ delayMs: 1000 }]);
    expect((await failure(api.listIncidents({}))).message).toContain('timed out');
    fake.setFailures([{ invalidJson: true }]);
    expect((await failure(api.listIncidents({}))).message).toContain('invalid JSON');
    const badJql = await failure((await setup(onTestFinished, { jql: 'nosuchfield = 1' })).api.listIncidents({}));
    expect(badJql.extensions['code']).toBe('UPSTREAM_REJECTED');

    const retrying = await setup(onTestFinished, { retryLimit: 1, timeoutMs: 2000 });
    retrying.fake.setFailures([{ status: 429, retryAfterS: 1 }]);
    expect(await retrying.api.listIncidents({})).toHaveLength(5);
    retrying.fake.setFailures([{ status: 503, method: 'POST' }]);
    await failure(retrying.api.createIncident(incident('no-retry')));
    expect(retrying.fake.requests.filter((r) => r === 'POST /rest/api/3/issue')).toHaveLength(1);
  });
});
