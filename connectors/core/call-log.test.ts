import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureLogger } from '../../kernel/log.js';
import { runInRequest } from '../../kernel/request-context.js';
import { listenOnLoopback } from './fake-http.js';
import { createHttpClient, pathTemplate } from './http.js';
import { HttpSettings } from './http-settings.js';

/** The one line every tool call writes (connectors/core/http.ts). */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const listener = await listenOnLoopback(createServer(handler));
  onTestFinished(listener.close);
  return listener.url;
}

function client(baseUrl: string, extra: Partial<HttpSettings> = {}) {
  const { log, lines } = captureLogger();
  const http = createHttpClient({
    connector: 'tool-a',
    settings: HttpSettings.parse({ baseUrl, timeoutMs: 300, retryLimit: 0, ...extra }),
    auth: { kind: 'bearer', token: 'secret-token-value' },
    log: log.child({ connector: 'tool-a' }),
  });
  const calls = () => lines.filter((l) => String(l['msg']).startsWith('tool call'));
  return { http, lines, calls };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('tool call log', () => {
  it('logs one line per call: method, tool, path template, status, duration and the request ids', async () => {
    const url = await serve((_req, res) => json(res, 200, { ok: true }));
    const { http, calls } = client(`${url}/REST/2.0/`);
    await runInRequest({ requestId: 'server-1', clientRequestId: 'client-1' }, () =>
      http.call((g) => g.get('ticket/4711/comment', { searchParams: { query: 'Owner = "alice"' } }).json()),
    );
    expect(calls()).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        requestId: 'server-1',
        clientRequestId: 'client-1',
        connector: 'tool-a',
        method: 'GET',
        path: 'ticket/{}/comment',
        status: 200,
        ms: expect.any(Number),
        msg: 'tool call',
      },
    ]);
    expect(JSON.stringify(calls())).not.toMatch(/4711|alice|secret-token-value/);
  });

  it('a failed call is one warning with its status and code; a lookup of nothing is not a failure', async () => {
    const url = await serve((req, res) => json(res, req.url === '/missing/42' ? 404 : 503, { error: 'upstream body' }));
    const { http, calls } = client(url);
    await http.call((g) => g.post('silences', { json: { comment: 'x' } }).json()).catch(() => {});
    await http.call((g) => g.get('missing/42').json()).catch(() => {});
    expect(calls()).toMatchObject([
      { level: 'warn', msg: 'tool call failed', method: 'POST', path: 'silences', status: 503, code: 'UPSTREAM_UNAVAILABLE' },
      { level: 'info', msg: 'tool call', method: 'GET', path: 'missing/{}', status: 404, code: 'NOT_FOUND' },
    ]);
    expect(JSON.stringify(calls())).not.toContain('upstream body');
  });

  it('a retried read is still one line, with the attempts and the last status', async () => {
    let reads = 0;
    const url = await serve((_req, res) => {
      reads += 1;
      if (reads === 1) res.writeHead(503, { 'retry-after': '0.001' }).end();
      else json(res, 200, {});
    });
    const { http, calls } = client(url, { retryLimit: 2 });
    await http.call((g) => g.get('api/v1/targets').json());
    expect(calls()).toMatchObject([{ msg: 'tool call', method: 'GET', path: 'api/v1/targets', status: 200, attempts: 2 }]);
  });

  it('a call that never reached the tool (timeout) has no status, and says why', async () => {
    const url = await serve(() => {}); // never answers
    const { http, calls } = client(url, { timeoutMs: 50 });
    await http.call((g) => g.get('status/IcingaApplication').json()).catch(() => {});
    expect(calls()).toMatchObject([{ level: 'warn', method: 'GET', path: 'status/IcingaApplication', status: null, reason: 'ETIMEDOUT' }]);
  });
});

describe('path template', () => {
  // Every route the connectors call with an id in it, and some without, against their base URL's path.
  it.each([
    ['/REST/2.0/', '/REST/2.0/ticket/4711/correspond', 'ticket/{}/correspond'],
    ['/', '/api/v2/silence/0f6b6e1c-2a1d-4b7e-9a55-2d7f1f0c9e11', 'api/v2/silence/{}'],
    ['/', '/api/v1/query_range', 'api/v1/query_range'],
    ['/', '/rest/api/3/issue/OPS-12/remotelink', 'rest/api/3/issue/{}/remotelink'],
    ['/', '/rest/servicedeskapi/request/OPS-12/sla', 'rest/servicedeskapi/request/{}/sla'],
    ['/', '/api/now/table/cmdb_ci/6816f79cc0a8016401c5a33be04be441', 'api/now/table/cmdb_ci/{}'],
    ['/wiki/', '/wiki/api/v2/pages/65601', 'api/v2/pages/{}'],
    ['/v1/', '/v1/objects/hosts', 'objects/hosts'],
    ['/', '/api_jsonrpc.php', 'api_jsonrpc.php'],
    ['/', '/api/dcim/devices/', 'api/dcim/devices/'],
    ['/w/', '/w/api.php', 'api.php'],
    ['/', '/ticket/caf%C3%A9', 'ticket/{}'],
  ])('under %s, %s is %s', (base, path, template) => {
    expect(pathTemplate(new URL(`http://tool${path}?q=secret`), base)).toBe(template);
  });
});
