import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Keyv } from 'keyv';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createBreaker, CircuitOpenError } from './breaker.js';
import { createCachedReader } from './cache.js';
import { errorCodeTable, ERRORS } from '../../kernel/errors.js';
import { listenOnLoopback } from './fake-http.js';
import { createHttpClient } from './http.js';
import { HttpSettings } from './http-settings.js';
import { silentLogger } from '../../kernel/log.js';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  const listener = await listenOnLoopback(server);
  onTestFinished(listener.close);
  return { url: listener.url, requests };
}

const client = (baseUrl: string, extra: Partial<HttpSettings> = {}) =>
  createHttpClient({
    connector: 'tool-a',
    settings: HttpSettings.parse({ baseUrl, timeoutMs: 300, retryLimit: 0, ...extra }),
    auth: { kind: 'bearer', token: 'secret-token-value' },
    log: silentLogger,
  });

describe('http client', () => {
  it('maps 401 to UPSTREAM_AUTH_FAILED and 404 to NOT_FOUND, naming the connector and nothing else', async () => {
    const fake = await serve((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 401, { 'content-type': 'application/json' }).end('{"error":"secret-body"}');
    });
    const http = client(fake.url);
    const auth = await http.call((g) => g.get('private').json()).catch((e: unknown) => e);
    expect(auth).toMatchObject({ extensions: { code: 'UPSTREAM_AUTH_FAILED', connector: 'tool-a' } });
    const missing = await http.call((g) => g.get('missing').json()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ extensions: { code: 'NOT_FOUND', connector: 'tool-a' } });
    const text = JSON.stringify([auth, missing, (auth as Error).message, (missing as Error).message]);
    for (const leak of ['secret-body', 'secret-token-value', '127.0.0.1']) expect(text).not.toContain(leak);
  });

  it('times out with UPSTREAM_UNAVAILABLE', async () => {
    const fake = await serve((_req, res) => setTimeout(() => res.end('{}'), 1000));
    const error = await client(fake.url)
      .call((g) => g.get('slow').json())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'tool-a timed out', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('reports invalid JSON as UPSTREAM_UNAVAILABLE', async () => {
    const fake = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{not json'));
    const error = await client(fake.url)
      .call((g) => g.get('x').json())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'tool-a answered invalid JSON', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('retries a read after 429 honouring Retry-After, and never retries a write', async () => {
    let reads = 0;
    let writes = 0;
    const fake = await serve((req, res) => {
      if (req.method === 'GET') {
        reads += 1;
        if (reads === 1) res.writeHead(429, { 'retry-after': '0' }).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      writes += 1;
      res.writeHead(503).end();
    });
    const http = client(fake.url, { retryLimit: 2 });
    await expect(http.call((g) => g.get('r').json())).resolves.toEqual({ ok: true });
    expect(reads).toBe(2);
    await expect(http.call((g) => g.post('w', { json: {} }).json())).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(writes).toBe(1);
  });

  it('opens the circuit after repeated outages and fails fast', async () => {
    const fake = await serve((_req, res) => res.writeHead(500).end());
    const http = client(fake.url, { breakerThreshold: 2, breakerCooldownMs: 60_000 });
    for (let i = 0; i < 2; i++) await http.call((g) => g.get('x')).catch(() => {});
    const before = fake.requests.length;
    await expect(http.call((g) => g.get('x'))).rejects.toMatchObject({ message: 'tool-a is unavailable (circuit open)' });
    expect(fake.requests.length).toBe(before);
  });
});

describe('breaker', () => {
  it('lets one trial through after the cooldown and closes on success', async () => {
    let now = 0;
    const breaker = createBreaker('b', { threshold: 1, cooldownMs: 100, now: () => now });
    await breaker.run(() => Promise.reject(new Error('down'))).catch(() => {});
    await expect(breaker.run(async () => 1)).rejects.toBeInstanceOf(CircuitOpenError);
    now = 150;
    expect(breaker.state()).toBe('half-open');
    await expect(breaker.run(async () => 2)).resolves.toBe(2);
    expect(breaker.state()).toBe('closed');
  });

  it('does not count a "no" from a live tool as an outage', async () => {
    const breaker = createBreaker('b', { threshold: 1 });
    await breaker
      .run(
        () => Promise.reject(new Error('404')),
        () => false,
      )
      .catch(() => {});
    expect(breaker.state()).toBe('closed');
  });
});

describe('cached reads', () => {
  it('serves fresh entries, shares one upstream call between concurrent misses, and serves stale on error', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const read = createCachedReader(new Keyv(), { now: () => now });
    const fetch = async () => {
      calls += 1;
      if (fail) throw new Error('down');
      return calls;
    };
    const [a, b] = await Promise.all([read('k', 100, 1000, fetch), read('k', 100, 1000, fetch)]);
    expect([a, b]).toEqual([
      { value: 1, stale: false, fetchedAt: 0 },
      { value: 1, stale: false, fetchedAt: 0 },
    ]);
    expect(calls).toBe(1);
    expect(await read('k', 100, 1000, fetch)).toEqual({ value: 1, stale: false, fetchedAt: 0 });
    now = 500;
    fail = true;
    // The stale copy says when the tool gave it.
    expect(await read('k', 100, 1000, fetch)).toEqual({ value: 1, stale: true, fetchedAt: 0 });
    now = 5000;
    await expect(read('k', 100, 1000, fetch)).rejects.toThrow('down');
  });
});

describe('error registry', () => {
  it('gives every code a description for the README table', () => {
    const table = errorCodeTable();
    for (const code of Object.keys(ERRORS)) expect(table).toContain(`\`${code}\``);
  });
});
