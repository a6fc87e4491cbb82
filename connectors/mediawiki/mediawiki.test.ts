import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { connectorForTest, failure, testAuth, type OnTestFinished } from '../core/test-support.js';
import { startFakeMediaWiki, type FakeMediaWikiOptions } from './fake-server.js';
import { mediawikiConnector } from './index.js';
import { articleUrl, plainText, rankScore, searchPlan } from './mapping.js';

const setup = (onTestFinished: OnTestFinished, overrides: Record<string, unknown> = {}, fakeOptions: FakeMediaWikiOptions = {}) =>
  connectorForTest(onTestFinished, mediawikiConnector, 'wiki', startFakeMediaWiki(fakeOptions), { ...overrides });

describe('mediawiki mapping', () => {
  it('turns the recorded search snippet into plain text', () => {
    const recorded = JSON.parse(readFileSync(new URL('./fixtures/mw-search.json', import.meta.url), 'utf8')) as {
      query: { search: { snippet: string }[] };
    };
    expect(plainText(recorded.query.search[0]!.snippet)).toBe(
      'If db01 reports DiskFull, rotate logs with logrotate -f and extend the volume.',
    );
  });

  it('turns the recorded parse HTML into plain text without the parser report', () => {
    const recorded = JSON.parse(readFileSync(new URL('./fixtures/mw-parse.json', import.meta.url), 'utf8')) as { parse: { text: string } };
    const text = plainText(recorded.parse.text);
    expect(text).toBe('Disk full on database servers If db01 reports DiskFull, rotate logs with logrotate -f and extend the volume.');
  });

  it('plans bounded searches: whole text, then names, then long words', () => {
    expect(searchPlan('web01 HTTP CRITICAL - Connection refused', ['web01'], 3)).toEqual([
      'web01 HTTP CRITICAL Connection refused',
      'web01',
      'Connection',
    ]);
    expect(searchPlan('disk', [], 3)).toEqual(['disk']);
    expect(rankScore(0, 0, 5)).toBe(1);
    expect(rankScore(1, 0, 5)).toBeLessThan(rankScore(0, 4, 5));
    expect(rankScore(2, 0, 5)).toBeLessThan(rankScore(1, 4, 5));
    expect(rankScore(0, 1, 5)).toBeLessThan(rankScore(0, 0, 5));
    expect(articleUrl('https://wiki.example.invalid/wiki/$1', 'Runbook:Disk Full')).toBe(
      'https://wiki.example.invalid/wiki/Runbook:Disk_Full',
    );
  });
});

describe('mediawiki connector against the fake', () => {
  it('searches text, strips highlight markup, labels from categories, urls in one batched call', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    const found = await api.search({ text: 'rotate logs', limit: 5 });
    expect(found).toEqual([
      {
        id: 'wiki:2',
        connector: 'wiki',
        tool: 'mediawiki',
        title: 'Runbook:DiskFull',
        snippet: 'If db01 reports DiskFull, rotate logs with logrotate -f and extend the volume.',
        url: `${fake.url}/index.php/Runbook:DiskFull`,
        labels: ['Runbooks'],
        score: 1,
      },
    ]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toContain('srwhat=text');
    expect(fake.requests[1]).toContain('pageids=2');
  });

  it('falls back to single words when the whole text finds nothing, within maxSearches', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { maxSearches: 3 });
    const found = await api.search({ text: 'web01 HTTP CRITICAL - Connection refused', ciNames: ['nginx'], limit: 5 });
    expect(found.map((a) => a.id)).toEqual(['wiki:3']);
    expect(found[0]!.score).toBeGreaterThan(0);
    expect(found[0]!.score).toBeLessThan(1);
    expect(found[0]!.labels).toEqual(['Runbooks', 'Web']);
    expect(fake.requests.filter((r) => r.includes('list=search'))).toHaveLength(2);
  });

  it('builds URLs from articlePath without asking the wiki', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { articlePath: 'https://wiki.example.invalid/wiki/$1' });
    const article = await api.articleById('wiki:3');
    expect(article).toMatchObject({
      title: 'HTTP connection refused',
      url: 'https://wiki.example.invalid/wiki/HTTP_connection_refused',
      labels: ['Runbooks', 'Web'],
      score: null,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads an article by page id (parse) and answers null for missing or foreign ids', async ({ onTestFinished }) => {
    const { api } = await setup(onTestFinished);
    const article = await api.articleById('wiki:2');
    expect(article).toMatchObject({ id: 'wiki:2', title: 'Runbook:DiskFull', labels: ['Runbooks'] });
    expect(article!.snippet).toContain('rotate logs');
    expect(article!.snippet).not.toContain('NewPP');
    expect(article!.url).toMatch(/\/index\.php\/Runbook:DiskFull$/);
    expect(await api.articleById('wiki:999')).toBeNull();
    expect(await api.articleById('confluence:2')).toBeNull();
    expect(await api.articleById('wiki:Main_Page')).toBeNull();
  });

  it('logs in with clientlogin on a private wiki, and reports bad credentials', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { username: 'Admin', password: 'Admin-Secret-123!' }, { privateWiki: true });
    expect(await api.search({ text: 'DiskFull', limit: 3 })).toHaveLength(1);
    expect(fake.requests[0]).toContain('type=login');
    expect(fake.requests[1]).toBe('POST /api.php');

    const anonymous = await setup(onTestFinished, {}, { privateWiki: true });
    expect((await failure(anonymous.api.search({ text: 'DiskFull', limit: 3 }))).extensions).toEqual({
      code: 'UPSTREAM_AUTH_FAILED',
      connector: 'wiki',
    });

    const wrong = await setup(onTestFinished, { username: 'Admin', password: 'not-the-password' }, { privateWiki: true });
    const error = await failure(wrong.api.search({ text: 'DiskFull', limit: 3 }));
    expect(error.extensions['code']).toBe('UPSTREAM_AUTH_FAILED');
    expect(error.message).not.toContain('not-the-password');
  });

  it('maps faults: 401, 403, 500, timeout, invalid JSON; retries 429; serves stale on error', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished, { cacheTtlMs: 0, timeoutMs: 300 });
    const cases: [Parameters<typeof fake.setFailures>[0][number], string][] = [
      [{ status: 401 }, 'UPSTREAM_AUTH_FAILED'],
      [{ status: 403 }, 'UPSTREAM_AUTH_FAILED'],
      [{ status: 500, body: `{"error":"at ${fake.url}"}` }, 'UPSTREAM_UNAVAILABLE'],
      [{ delayMs: 1000 }, 'UPSTREAM_UNAVAILABLE'],
      [{ invalidJson: true }, 'UPSTREAM_UNAVAILABLE'],
    ];
    for (const [fault, code] of cases) {
      fake.setFailures([fault]);
      const error = await failure(api.search({ text: 'DiskFull', limit: 3 }));
      expect(error.extensions).toEqual({ code, connector: 'wiki' });
      expect(error.message).not.toContain(new URL(fake.url).host);
    }

    const retrying = await setup(onTestFinished, { retryLimit: 1, timeoutMs: 2000, cacheTtlMs: 50 });
    retrying.fake.setFailures([{ status: 429, retryAfterS: 1 }]);
    const first = await retrying.api.search({ text: 'DiskFull', limit: 3 });
    expect(first).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    retrying.fake.setFailures(Array.from({ length: 4 }, () => ({ status: 503 })));
    expect(await retrying.instance.forRequest(testAuth()).search({ text: 'DiskFull', limit: 3 })).toEqual(first);
  });

  it('a text without searchable words costs no call (MediaWiki would answer missingparam)', async ({ onTestFinished }) => {
    const { api, fake } = await setup(onTestFinished);
    expect(await api.search({ text: '- -', limit: 3 })).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
