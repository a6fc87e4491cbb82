import { describe, expect, it } from 'vitest';
import { connectorForTest, failure, testAuth, type OnTestFinished } from '../core/test-support.js';
import { parseCql, startFakeConfluence, type FakeConfluenceOptions } from './fake-server.js';
import { confluenceConnector } from './index.js';
import { buildCql, plainText, queryWords } from './mapping.js';

const setup = (onTestFinished: OnTestFinished, overrides: Record<string, unknown> = {}, fakeOptions: FakeConfluenceOptions = {}) =>
  connectorForTest(onTestFinished, confluenceConnector, 'kb', startFakeConfluence(fakeOptions), {
    email: 'bot@example.com',
    apiToken: 'confluence-api-token',
    ...overrides,
  });

describe('confluence mapping', () => {
  it('strips highlight markup and storage format', () => {
    expect(plainText('@@@hl@@@Disk@@@endhl@@@ full on <strong>db01</strong>&nbsp;&amp; more')).toBe('Disk full on db01 & more');
    expect(plainText('<h2>Symptoms</h2><p>If <strong>db01</strong> reports.</p>')).toBe('Symptoms If db01 reports.');
  });

  it('builds CQL from distinct words, names and spaces, which the fake parses', () => {
    const words = queryWords(['Reboot the server123 - the payroll batch', 'server123'], 3);
    expect(words).toEqual(['reboot', 'server123', 'payroll']);
    const cql = buildCql(words, ['OPS', 'K"B']);
    expect(cql).toBe(
      'type = page AND (text ~ "reboot" OR title ~ "reboot" OR text ~ "server123" OR title ~ "server123" OR text ~ "payroll" OR title ~ "payroll") AND space in ("OPS","K\\"B")',
    );
    expect(() => parseCql(cql)).not.toThrow();
  });
});

describe('confluence connector against the fake', () => {
  it('searches pages by CQL: ranked, scored, clean snippets, labels, absolute URLs', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const found = await api.search({ text: 'payroll batch down', ciNames: ['server123'], limit: 5 });
    expect(found.map((a) => a.title)).toEqual(['Restart the payroll batch']);
    expect(found[0]).toEqual({
      id: 'kb:65602',
      connector: 'kb',
      tool: 'confluence',
      title: 'Restart the payroll batch',
      snippet: 'When server123 is down the payroll batch stops. Reboot server123, then restart the batch from the scheduler.',
      url: `${fake.url}/wiki/spaces/OPS/pages/65602/Restart%2Bthe%2Bpayroll%2Bbatch`,
      labels: ['runbook', 'payroll'],
      score: 1,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toContain('excerpt=highlight');
  });

  it('ranks pages that match more words first and limits by space', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished);
    const found = await api.search({ text: 'db01 disk email', limit: 5 });
    expect(found.map((a) => a.id)).toEqual(['kb:65601', 'kb:65603']);
    expect(found[0]!.score!).toBeGreaterThan(found[1]!.score!);
    const opsOnly = await setup(onTestFinished, { spaces: ['OPS'] });
    expect((await opsOnly.api.search({ text: 'db01 disk email', limit: 5 })).map((a) => a.id)).toEqual(['kb:65601']);
  });

  it('reads a page by id through v2 with its storage body and labels; missing and foreign ids are null', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const page = await api.articleById('kb:65601');
    expect(page).toMatchObject({
      title: 'Disk full on database servers',
      snippet: 'Symptoms If db01 reports DiskFull, rotate logs with logrotate -f and extend the volume.',
      labels: ['runbook', 'database'],
      url: `${fake.url}/wiki/spaces/OPS/pages/65601/Disk%2Bfull%2Bon%2Bdatabase%2Bservers`,
      score: null,
    });
    expect(fake.requests[0]).toMatch(/^GET \/wiki\/api\/v2\/pages\/65601\?body-format=storage/);
    expect(await api.articleById('kb:99999')).toBeNull();
    expect(await api.articleById('wiki:65601')).toBeNull();
    expect(await api.articleById('kb:../../x')).toBeNull();
  });

  it('a query without searchable words costs no call', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    expect(await api.search({ text: 'a - the', limit: 5 })).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('authenticates with a Bearer token', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished, { email: undefined, apiToken: undefined, token: 'pat-9' }, { token: 'pat-9' });
    expect(await api.search({ text: 'email', limit: 5 })).toHaveLength(1);
  });

  it('maps faults: 401, 403, 500, timeout, invalid JSON, rejected CQL; retries 429; stale on error; no secret in errors', async ({
    onTestFinished,
  }) => {
    const bad = await setup(onTestFinished, { apiToken: 'wrong-secret-token' });
    const unauthorized = await failure(bad.api.search({ text: 'email', limit: 5 }));
    expect(unauthorized.extensions).toEqual({ code: 'UPSTREAM_AUTH_FAILED', connector: 'kb' });
    expect(`${unauthorized.message}${JSON.stringify(unauthorized.extensions)}`).not.toMatch(/wrong-secret-token|127\.0\.0\.1/);

    const { api, fake } = await setup(onTestFinished, { cacheTtlMs: 0, timeoutMs: 300 });
    const cases: [Parameters<typeof fake.setFailures>[0][number], string, string][] = [
      [{ status: 403 }, 'UPSTREAM_AUTH_FAILED', 'one'],
      [{ status: 500, body: `{"message":"${fake.url}"}` }, 'UPSTREAM_UNAVAILABLE', 'two'],
      [{ delayMs: 1000 }, 'UPSTREAM_UNAVAILABLE', 'three'],
      [{ invalidJson: true }, 'UPSTREAM_UNAVAILABLE', 'four'],
      [{ status: 400, body: '{"statusCode":400,"message":"Could not parse cql"}' }, 'UPSTREAM_REJECTED', 'five'],
    ];
    for (const [fault, code, text] of cases) {
      fake.setFailures([fault]);
      const error = await failure(api.search({ text, limit: 5 }));
      expect(error.extensions).toEqual({ code, connector: 'kb' });
      expect(error.message).not.toContain(new URL(fake.url).host);
    }

    const retrying = await setup(onTestFinished, { retryLimit: 1, timeoutMs: 2000, cacheTtlMs: 50 });
    retrying.fake.setFailures([{ status: 429, retryAfterS: 1 }]);
    const first = await retrying.api.search({ text: 'email', limit: 5 });
    expect(first).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    retrying.fake.setFailures([{ status: 503 }, { status: 503 }]);
    expect(await retrying.instance.forRequest(testAuth()).search({ text: 'email', limit: 5 })).toEqual(first);
  });
});
