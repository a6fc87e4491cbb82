/**
 * The RT and MediaWiki connectors against the real tools started by `scripts/real-tools.sh start`
 * (RT 5 on 127.0.0.1:18080 with root/password, MediaWiki on 127.0.0.1:18081 with Admin). URLs and
 * credentials come from the environment, with those defaults:
 *   SG_REAL_RT_URL (or REAL_RT_URL), SG_REAL_RT_USER, SG_REAL_RT_PASSWORD,
 *   SG_REAL_MW_URL (or REAL_MEDIAWIKI_URL), SG_REAL_MW_USER, SG_REAL_MW_PASSWORD.
 * A suite is skipped only when REAL_TOOLS is set and does not name its tool.
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCache } from '../../connectors/core/cache.js';
import { silentLogger } from '../../kernel/log.js';
import { mediawikiConnector } from '../../connectors/mediawiki/index.js';
import { rtConnector } from '../../connectors/rt/index.js';
import type { RequestAuth } from '../../kernel/request.js';

const env = process.env;
const RT_URL = env['SG_REAL_RT_URL'] ?? env['REAL_RT_URL'] ?? 'http://127.0.0.1:18080';
const RT_USER = env['SG_REAL_RT_USER'] ?? 'root';
const RT_PASSWORD = env['SG_REAL_RT_PASSWORD'] ?? 'password';
const MW_URL = env['SG_REAL_MW_URL'] ?? env['REAL_MEDIAWIKI_URL'] ?? 'http://127.0.0.1:18081';
const MW_USER = env['SG_REAL_MW_USER'] ?? 'Admin';
const MW_PASSWORD = env['SG_REAL_MW_PASSWORD'] ?? 'Admin-Secret-123!';
const selected = (tool: string) => !env['REAL_TOOLS'] || env['REAL_TOOLS'].split(/\s+/).includes(tool);

const auth: RequestAuth = { sub: 'real-tester', roles: [], groups: [] };
const deps = (name: string) => ({ log: silentLogger, cache: createCache(name, silentLogger), estateDir: '/tmp', dataDir: '/tmp' });
const run = randomUUID().slice(0, 8);
/** RT takes seconds per write (it runs scrips and builds the transaction); vitest's default is too short. */
const SLOW = 60_000;

describe.skipIf(!selected('rt'))('rt connector against real RT 5', () => {
  const instance = (overrides: Record<string, unknown> = {}) =>
    rtConnector.create(
      'rt',
      rtConnector.config.parse({
        baseUrl: RT_URL,
        username: RT_USER,
        password: RT_PASSWORD,
        retryLimit: 0,
        timeoutMs: 10_000,
        cacheTtlMs: 0,
        ...overrides,
      }),
      deps('rt'),
    );

  it(
    'creates, finds by TicketSQL, comments, links, changes status; a repeated create opens no second ticket',
    async () => {
      const rt = instance();
      await rt.healthCheck();
      const api = rt.forRequest(auth);
      const input = {
        title: `server123 down ${run}`,
        description: 'Payroll batch cannot reach server123.',
        priority: 'CRITICAL' as const,
        ciId: 'server123',
        serviceId: 'payroll',
        caller: 'real-tester',
        correlationId: `real-${run}`,
      };
      const created = await api.createIncident(input);
      expect(created).toMatchObject({ title: input.title, state: 'NEW', priority: 'CRITICAL', tool: 'rt' });
      expect(created.number).toMatch(/^RT #\d+$/);
      expect(created.url).toBe(`${RT_URL}/Ticket/Display.html?id=${created.id.split(':')[1]}`);
      expect(Number.isNaN(Date.parse(created.openedAt))).toBe(false);
      expect(created.resolutionDue).toBeNull();

      // The same correlation id (a retry after a lost answer) finds the ticket instead of opening another.
      const again = await rt.forRequest(auth).createIncident(input);
      expect(again.id).toBe(created.id);
      const byText = await api.listIncidents({ text: run });
      expect(byText.map((i) => i.id)).toEqual([created.id]);
      // Without a CI custom field, RT correlates by the name in the Subject.
      expect((await api.listIncidents({ ciIds: ['server123'], openOnly: true })).map((i) => i.id)).toContain(created.id);
      expect((await api.incidentById(created.id))?.title).toBe(input.title);

      await api.comment(created.id, { author: 'real-tester', text: 'Looking into it.', internal: true });
      expect(
        await api.linkArticle(created.id, { id: 'wiki:2', title: 'Runbook:DiskFull', url: `${MW_URL}/index.php/Runbook:DiskFull` }),
      ).toBe(true);
      const replied = await api.comment(created.id, { author: 'real-tester', text: 'Rebooting server123.', internal: false });
      // RT's default lifecycle opens a new ticket on a reply.
      expect(replied.state).toBe('IN_PROGRESS');
      const resolved = await (api as ReturnType<ReturnType<typeof rtConnector.create>['forRequest']>).setState(created.id, 'RESOLVED');
      expect(resolved.state).toBe('RESOLVED');
      expect((await api.listIncidents({ text: run, openOnly: true })).map((i) => i.id)).toEqual([]);
      expect(await api.incidentById('rt:999999')).toBeNull();
    },
    SLOW,
  );

  it(
    'opens a catalogue request as one ticket in the request queue, also on retry, and not as an incident',
    async () => {
      // A fresh RT has only General: make the request queue (root may; it already exists on a second run).
      await fetch(`${RT_URL}/REST/2.0/queue`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${RT_USER}:${RT_PASSWORD}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ Name: 'Requests', Description: 'Catalogue requests from servicegraph' }),
      });
      const input = {
        offeringId: 'payroll.payslip-reissue',
        title: `Request: Payslip reissue ${run}`,
        description: 'For March.',
        serviceId: 'payroll',
        caller: 'real-tester',
        correlationId: `real-request-${run}`,
        toolIds: {},
      };
      const rt = instance({ requestQueue: 'Requests' });
      const opened = await rt.forRequest(auth).createRequest(input);
      expect(opened).toMatchObject({ connector: 'rt', number: expect.stringMatching(/^RT #\d+$/) });
      expect(await rt.forRequest(auth).createRequest(input)).toEqual(opened);
      const inRequestQueue = await instance({ queues: ['Requests'] })
        .forRequest(auth)
        .listIncidents({ text: run });
      expect(inRequestQueue.map((t) => t.id)).toEqual([opened.id]);
      expect(inRequestQueue[0]).toMatchObject({ title: input.title, priority: 'LOW' });
      // The incident queues (General) do not hold it.
      expect((await rt.forRequest(auth).listIncidents({ text: `Payslip reissue ${run}` })).map((t) => t.id)).toEqual([]);
    },
    SLOW,
  );

  it(
    'pages through TicketSQL results up to the cap',
    async () => {
      const writer = instance().forRequest(auth);
      for (const n of [1, 2, 3]) {
        await writer.createIncident({
          title: `paging-${run} ticket ${n}`,
          description: 'paging test',
          priority: 'LOW',
          ciId: null,
          serviceId: null,
          caller: 'real-tester',
          correlationId: `paging-${run}-${n}`,
        });
      }
      const api = instance({ perPage: 1, maxTickets: 2 }).forRequest(auth);
      const capped = await api.listIncidents({ text: `paging-${run}` });
      expect(capped.map((i) => i.title)).toEqual([`paging-${run} ticket 3`, `paging-${run} ticket 2`]);
      expect(
        await instance({ perPage: 2 })
          .forRequest(auth)
          .listIncidents({ text: `paging-${run}` }),
      ).toHaveLength(3);
    },
    SLOW,
  );

  it(
    'a wrong WebPath (302 to the login page) and a wrong password are errors, never empty successes',
    async () => {
      // RT 5.0.3 sends that redirect with a malformed chunked body, which Node rejects before seeing the 302.
      const wrongPath = instance({ baseUrl: `${RT_URL}/rt` }).forRequest(auth);
      const redirected = await wrongPath.listIncidents({}).then(
        () => null,
        (e: unknown) => e as GraphQLError,
      );
      expect(redirected?.extensions['connector']).toBe('rt');
      expect(['UPSTREAM_AUTH_FAILED', 'UPSTREAM_UNAVAILABLE']).toContain(redirected?.extensions['code']);
      const wrongPassword = instance({ password: 'not-the-password' });
      const error = await wrongPassword
        .forRequest(auth)
        .listIncidents({})
        .catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_AUTH_FAILED', connector: 'rt' } });
      expect((error as Error).message).not.toContain('not-the-password');
      await expect(wrongPassword.healthCheck()).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_AUTH_FAILED' } });
    },
    SLOW,
  );
});

describe.skipIf(!selected('mediawiki'))('mediawiki connector against real MediaWiki', () => {
  const token = `sgreal${run}`;
  const title = `Runbook:Real ${run}`;

  /** Seeds a page through the API as the wiki admin (clientlogin, then a CSRF token, then edit). */
  async function seedPage(): Promise<void> {
    const cookies = new Map<string, string>();
    const call = async (params: Record<string, string>, post = false) => {
      const body = new URLSearchParams({ ...params, format: 'json', formatversion: '2' });
      const response = await fetch(post ? `${MW_URL}/api.php` : `${MW_URL}/api.php?${body}`, {
        method: post ? 'POST' : 'GET',
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(post ? { body } : {}),
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      return (await response.json()) as Record<string, Record<string, unknown>>;
    };
    const login = await call({ action: 'query', meta: 'tokens', type: 'login' });
    const logintoken = (login['query']!['tokens'] as { logintoken: string }).logintoken;
    const loggedIn = await call(
      { action: 'clientlogin', username: MW_USER, password: MW_PASSWORD, logintoken, loginreturnurl: MW_URL },
      true,
    );
    expect(loggedIn['clientlogin']!['status']).toBe('PASS');
    const csrf = await call({ action: 'query', meta: 'tokens', type: 'csrf' });
    const edit = await call(
      {
        action: 'edit',
        title,
        text: `If '''web${run}''' reports ''${token}'', restart nginx and check the disk.\n[[Category:Runbooks]]`,
        summary: 'servicegraph real test',
        token: (csrf['query']!['tokens'] as { csrftoken: string }).csrftoken,
      },
      true,
    );
    expect(edit['edit']!['result']).toBe('Success');
  }

  const instance = (overrides: Record<string, unknown> = {}) =>
    mediawikiConnector.create(
      'wiki',
      mediawikiConnector.config.parse({ baseUrl: MW_URL, retryLimit: 0, timeoutMs: 10_000, cacheTtlMs: 0, ...overrides }),
      deps('wiki'),
    );

  it(
    'searches the seeded page, strips markup, labels from categories, URL from the wiki; parses it by id',
    async () => {
      await seedPage();
      const wiki = instance();
      await wiki.healthCheck();
      const api = wiki.forRequest(auth);
      const found = await api.search({ text: token, limit: 5 });
      expect(found).toHaveLength(1);
      const article = found[0]!;
      expect(article).toMatchObject({ title, tool: 'mediawiki', labels: ['Runbooks'], score: 1 });
      expect(article.snippet).toContain(`web${run} reports ${token}`);
      expect(article.snippet).not.toMatch(/<|&#039;|'''/);
      expect(article.url).toBe(`${MW_URL}/index.php/${title.replace(/ /g, '_')}`);

      const parsed = await api.articleById(article.id);
      expect(parsed).toMatchObject({ id: article.id, title, labels: ['Runbooks'], url: article.url, score: null });
      expect(parsed!.snippet).toContain('restart nginx');
      expect(parsed!.snippet).not.toContain('NewPP');
      expect(await api.articleById('wiki:99999999')).toBeNull();
    },
    SLOW,
  );

  it(
    'falls back to single words when the whole text finds nothing (the database search ANDs words)',
    async () => {
      const api = instance().forRequest(auth);
      const found = await api.search({ text: `web${run} unrelatedword ${token}`, ciNames: [`web${run}`], limit: 5 });
      expect(found.map((a) => a.title)).toContain(title);
      expect(found[0]!.score).toBeLessThan(1);
    },
    SLOW,
  );

  it(
    'finds the page seeded by real-tools.sh and reads it with clientlogin credentials',
    async () => {
      const api = instance({ username: MW_USER, password: MW_PASSWORD }).forRequest(auth);
      const found = await api.search({ text: 'DiskFull', limit: 5 });
      expect(found.map((a) => a.title)).toContain('Runbook:DiskFull');
      const wrong = instance({ username: MW_USER, password: 'not-the-password' }).forRequest(auth);
      const error = await wrong.search({ text: 'DiskFull', limit: 5 }).catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_AUTH_FAILED', connector: 'wiki' } });
      expect((error as Error).message).not.toContain('not-the-password');
    },
    SLOW,
  );
});
