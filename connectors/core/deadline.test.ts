import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Keyv } from 'keyv';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../kernel/log.js';
import { currentDeadline, runWithDeadline } from '../../kernel/request-context.js';
import { createCachedReader } from './cache.js';
import { listenOnLoopback } from './fake-http.js';
import { createHttpClient } from './http.js';
import { HttpSettings } from './http-settings.js';

/**
 * The request's deadline bounds a whole tool call, retries included: a tool answering after 10 s
 * costs a request its deadline, not attempts × timeout, and the cache then serves its last good answer.
 */
/** A fake tool; `hold(res)` keeps a request open without answering until the test ends (no timer). */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, hold: (res: ServerResponse) => void) => void) {
  const requests: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res, (r) => held.push(r));
  });
  const listener = await listenOnLoopback(server);
  onTestFinished(async () => {
    for (const res of held) res.destroy();
    await listener.close();
  });
  return { url: listener.url, requests };
}

// What production runs with: 5 s per attempt, two retries, a breaker that needs five failures.
const client = (baseUrl: string) =>
  createHttpClient({
    connector: 'slow-tool',
    settings: HttpSettings.parse({ baseUrl, timeoutMs: 5000, retryLimit: 2 }),
    auth: { kind: 'none' },
    log: silentLogger,
  });

// No test reads a wall clock: on a loaded machine any bound would be a guess. What ended a call is
// told by its error (the deadline's message, or the tool's own answer) and by the requests the fake saw.
const settle = <T>(work: () => Promise<T>) => work().catch((e: unknown) => e);
const DEADLINE_ERROR = {
  message: "slow-tool did not answer within the request's deadline",
  extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'slow-tool' },
};

describe('the request deadline in the HTTP client', () => {
  it('aborts a call to a tool that answers after 10 s at the deadline, with a coded error naming the tool', async () => {
    const fake = await serve((_req, res, hold) => hold(res));
    const result = await settle(() => runWithDeadline(300, () => client(fake.url).call((g) => g.get('slow').json())));
    expect(result).toMatchObject(DEADLINE_ERROR);
    expect(fake.requests).toHaveLength(1);
  });

  it('makes no retry whose wait would end after the deadline', async () => {
    // Retry-After: 2 s, inside one attempt's timeout, so got would wait and ask again.
    const fake = await serve((_req, res) => res.writeHead(503, { 'retry-after': '2' }).end());
    const result = await settle(() => runWithDeadline(1000, () => client(fake.url).call((g) => g.get('busy').json())));
    // The tool's 503 at once, not the deadline's message after waiting for it.
    expect(result).toMatchObject({
      message: 'slow-tool is unavailable (HTTP 503)',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'slow-tool' },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries within the deadline when the wait fits', async () => {
    let calls = 0;
    const fake = await serve((_req, res) => (++calls === 1 ? res.writeHead(503, { 'retry-after': '0' }).end() : res.end('{"ok":true}')));
    // got waits about 1 s before its first retry: well inside 4 s.
    await expect(runWithDeadline(4000, () => client(fake.url).call((g) => g.get('flaky').json()))).resolves.toEqual({ ok: true });
    expect(fake.requests).toHaveLength(2);
  });

  it('asks nothing once the deadline has passed', async () => {
    const fake = await serve((_req, res) => res.end('{}'));
    const http = client(fake.url);
    const error = await runWithDeadline(10, async () => {
      // Wait for the deadline itself to pass (its signal), not for a guessed time.
      const signal = currentDeadline()?.signal;
      if (signal && !signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return http.call((g) => g.get('late').json()).catch((e: unknown) => e);
    });
    expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'slow-tool' } });
    expect(fake.requests).toEqual([]);
  });

  it('only shortens: a part of a request cannot wait longer than the request', async () => {
    const fake = await serve((_req, res, hold) => hold(res));
    const result = await settle(() =>
      runWithDeadline(300, () => runWithDeadline(60_000, () => client(fake.url).call((g) => g.get('slow').json()))),
    );
    expect(result).toMatchObject(DEADLINE_ERROR);
    expect(fake.requests).toHaveLength(1);
  });

  it('ends in the cache’s last good answer, marked stale, when the tool has become slow', async () => {
    let slow = false;
    const fake = await serve((_req, res, hold) => (slow ? hold(res) : res.end('{"n":1}')));
    const http = client(fake.url);
    let now = 0;
    const read = createCachedReader(new Keyv(), { now: () => now });
    const get = () => read('key', 1000, 60_000, () => http.call((g) => g.get('x').json<{ n: number }>()));
    await expect(runWithDeadline(1000, get)).resolves.toMatchObject({ value: { n: 1 }, stale: false });
    slow = true;
    now = 5000;
    const result = await settle(() => runWithDeadline(300, get));
    expect(result).toMatchObject({ value: { n: 1 }, stale: true, fetchedAt: 0 });
    // One fresh read, one slow attempt ended by the deadline: no retry of the slow one.
    expect(fake.requests).toHaveLength(2);
  });
});
