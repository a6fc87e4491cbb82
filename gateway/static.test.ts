import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProblem, sendJson, sendProblem } from '../kernel/http-server.js';
import { BOARD_CSP, createStaticSite, type Route } from './static.js';

/** The board's files as the gateway serves them: a route in front of the gateway's 404. */
const dir = mkdtempSync(join(tmpdir(), 'servicegraph-static-'));
const servers: Server[] = [];

async function serve(route: Route): Promise<string> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (!(await route(req, res, url))) sendJson(res, 404, { fallthrough: true });
    } catch (error) {
      if (error instanceof HttpProblem) sendProblem(res, error);
      else throw error;
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let base: string;
beforeAll(async () => {
  mkdirSync(join(dir, 'web/assets'), { recursive: true });
  writeFileSync(join(dir, 'web/index.html'), '<!doctype html><title>board</title>');
  writeFileSync(join(dir, 'web/assets/index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the board');
  base = await serve(createStaticSite(join(dir, 'web')));
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the service board’s files', () => {
  it('serves the page at / under a CSP that allows only this origin, revalidated on every visit', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>board</title>');
    expect(res.headers.get('content-security-policy')).toBe(BOARD_CSP);
    expect(BOARD_CSP).toContain("script-src 'self'");
    expect(BOARD_CSP).toContain("connect-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('caches hashed bundles for a year', async () => {
    const res = await fetch(`${base}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('leaves every other path, method and anything outside its folder to the gateway', async () => {
    for (const path of ['/graphqx', '/assets/missing.js', '/../secret.txt', '/%2e%2e/secret.txt']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ fallthrough: true });
    }
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(404);
  });

  it('says how to build it when it is not built', async () => {
    const unbuilt = await serve(createStaticSite(join(dir, 'nowhere')));
    const res = await fetch(`${unbuilt}/`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toEqual({ message: expect.stringContaining('npm run build'), extensions: { code: 'NOT_FOUND' } });
    expect((await fetch(`${unbuilt}/healthz`)).status).toBe(404);
  });
});
