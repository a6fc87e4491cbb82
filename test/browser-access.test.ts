import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_CSP } from '../gateway/explorer.js';
import { type Stack, startStack } from './harness.js';

/** What a browser meets: CORS from the allow-list, and the offline explorer. */

const PORTAL = 'https://portal.example.com';
const OTHER = 'https://evil.example.net';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
const post = (url: string, headers: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ viewer { id } }' }),
  });
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-')).sort();

describe('CORS', () => {
  let off: Stack;
  let on: Stack;
  beforeAll(async () => {
    [off, on] = await Promise.all([
      startStack(),
      startStack({ server: `cors: { origins: ["${PORTAL}"], credentials: true, maxAgeSeconds: 120 }` }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([off?.close(), on?.close()]);
  });

  it('is off by default: no response carries a CORS header, a preflight is refused', async () => {
    expect(corsHeaders(await post(off.url, { origin: PORTAL }))).toEqual([]);
    const answer = await preflight(off.url, PORTAL);
    expect(answer.status).toBe(403);
    expect(corsHeaders(answer)).toEqual([]);
  });

  it('answers an allowed origin’s preflight, and its calls carry its origin and credentials', async () => {
    const answer = await preflight(on.url, PORTAL);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(answer.headers.get('access-control-max-age')).toBe('120');
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    const call = await post(on.url, { origin: PORTAL, authorization: `Bearer ${await on.token('operator')}` });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(call.headers.get('access-control-allow-credentials')).toBe('true');
    expect(call.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('gives any other origin nothing: no CORS header (so no credentials), a refused preflight', async () => {
    const answer = await preflight(on.url, OTHER);
    expect(answer.status).toBe(403);
    expect(corsHeaders(answer)).toEqual([]);
    expect(corsHeaders(await post(on.url, { origin: OTHER }))).toEqual([]);
    // Calls without an Origin (curl, servers) are not cross-origin: unchanged.
    expect(corsHeaders(await post(on.url, {}))).toEqual([]);
  });
});

describe('the offline explorer', () => {
  let off: Stack;
  let on: Stack;
  beforeAll(async () => {
    [off, on] = await Promise.all([startStack(), startStack({ server: 'explorer: true' })]);
  });
  afterAll(async () => {
    await Promise.all([off?.close(), on?.close()]);
  });
  const openInBrowser = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers: { accept: 'text/html,application/xhtml+xml', ...headers } });

  it('serves GraphiQL from the gateway itself: the page needs nothing from any other host', async () => {
    const page = await openInBrowser(on.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // The browser enforces it: scripts, styles, fonts, images and workers only inline, from data:
    // or blob: URLs or this origin, and requests to this origin only.
    expect(page.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    for (const directive of EXPLORER_CSP.split('; ')) expect(directive).not.toMatch(/https?:|\*/);
    const html = await page.text();
    expect(html).toContain('<title>servicegraph</title>');
    expect(html).toContain('renderYogaGraphiQL');
    // Nothing the page itself would load from elsewhere: no external src, href or stylesheet import.
    const external = [...html.matchAll(/(?:src|href)\s*=\s*["'](https?:)?\/\/[^"']+["']|@import\s+url\(\s*["']?https?:/g)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(html).toContain('"endpoint":"/graphql"');
  });

  it('is revalidated with its ETag', async () => {
    const first = await openInBrowser(on.url);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect((await openInBrowser(on.url, { 'if-none-match': etag ?? '' })).status).toBe(304);
  });

  it('is off by default, and never falls back to Apollo’s CDN-hosted landing page', async () => {
    const page = await openInBrowser(off.url);
    expect(page.status).toBe(404);
    expect(await page.text()).toMatch(/server\.explorer/);
  });

  it('leaves API calls alone', async () => {
    const token = await on.token('operator');
    const res = await fetch(`${on.url}?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(await res.json()).toEqual({ data: { viewer: { id: 'test-operator' } } });
  });
});
