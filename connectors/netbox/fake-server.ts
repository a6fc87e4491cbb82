import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createFaultScript, type Fault } from '../core/fake-faults.js';
import { listenOnLoopback } from '../core/fake-http.js';

/**
 * A protocol-faithful fake of the NetBox 4.x REST API for the endpoints the connector reads, from
 * fixtures/*.json (shapes from netbox-community/netbox docs/integrations/rest-api.md; see README.md).
 *
 * What it checks and answers like NetBox:
 * - `Authorization: Token <40 hex>` (v1) or `Authorization: Bearer nbt_<key>.<secret>` (v2); missing →
 *   403 `{"detail":"Authentication credentials were not provided."}`, wrong → 403
 *   `{"detail":"Invalid v1 token"}` / `{"detail":"Invalid v2 token"}`;
 * - a path without its trailing slash → 301 to the same path with one (Django's APPEND_SLASH);
 * - `{count, next, previous, results}` pages with `limit` (default 50, at most 1000) and `offset`;
 *   `next`/`previous` are absolute URLs built on `publicOrigin` (what NetBox believes its address is);
 * - `?brief=1`, `?id=`, `?name=` filters; detail views `/<id>/`, 404 `{"detail":"Not found."}`;
 * - read only: other methods → 405.
 * Scripted faults (connectors/core/fake-faults.ts) answer with NetBox's `{"detail": …}` body.
 */

export const FAKE_NETBOX_V1_TOKEN = '0123456789abcdef0123456789abcdef01234567';
export const FAKE_NETBOX_V2_TOKEN = 'nbt_fake1key2.fakesecretfakesecretfakesecret';

export interface FakeNetBoxOptions {
  v1Token?: string;
  v2Token?: string;
  /** The origin NetBox puts into `url`, `next` and `previous` (a proxy may make it differ). @default the fake's own */
  publicOrigin?: string;
}

export interface FakeNetBox {
  url: string;
  requests: string[];
  setFailures(faults: Fault[]): void;
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;

const FIXTURE_ORIGIN = 'http://netbox.example.invalid';

const ENDPOINTS: Record<string, string> = {
  'dcim/devices': 'devices',
  'virtualization/virtual-machines': 'virtual_machines',
  'virtualization/clusters': 'clusters',
  'ipam/ip-addresses': 'ip_addresses',
  'ipam/services': 'services',
};

function detailFor(status: number): string {
  if (status === 401 || status === 403) return 'Authentication credentials were not provided.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Request was throttled.';
  return 'Server Error (500)';
}

export async function startFakeNetBox(options: FakeNetBoxOptions = {}): Promise<FakeNetBox> {
  const v1 = options.v1Token ?? FAKE_NETBOX_V1_TOKEN;
  const v2 = options.v2Token ?? FAKE_NETBOX_V2_TOKEN;
  const requests: string[] = [];
  const faults = createFaultScript();
  let origin = '';
  let publicOrigin = '';
  const data = new Map<string, Obj[]>();

  function load(endpoint: string): Obj[] {
    const file = ENDPOINTS[endpoint]!;
    if (!data.has(file)) {
      const text = readFileSync(new URL(`./fixtures/${file}.json`, import.meta.url), 'utf8').replaceAll(FIXTURE_ORIGIN, publicOrigin);
      data.set(file, JSON.parse(text) as Obj[]);
    }
    return data.get(file)!;
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', 'api-version': '4.4', ...headers }).end(JSON.stringify(body));

  /** null when the request may pass, else the 403 detail NetBox would answer. */
  function authProblem(req: IncomingMessage): string | null {
    const header = req.headers.authorization;
    if (!header) return 'Authentication credentials were not provided.';
    const [scheme, token] = header.split(' ', 2);
    if (scheme === 'Token') return token === v1 ? null : 'Invalid v1 token';
    if (scheme === 'Bearer') return token === v2 ? null : 'Invalid v2 token';
    return 'Authentication credentials were not provided.';
  }

  const brief = (o: Obj): Obj => ({
    id: o['id'],
    url: o['url'],
    display: o['display'],
    name: o['name'] ?? null,
    description: o['description'] ?? '',
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { detail: `Method "${req.method}" not allowed.` });
      return;
    }
    const match = /^\/api\/([a-z-]+\/[a-z-]+)(?:\/(\d+))?(\/?)$/.exec(url.pathname);
    if (!match || !ENDPOINTS[match[1]!]) {
      send(res, 404, { detail: 'Not found.' });
      return;
    }
    const [, endpoint, id, slash] = match;
    if (!slash) {
      res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    const all = load(endpoint!);
    const shape = url.searchParams.get('brief') ? brief : (o: Obj) => o;
    if (id) {
      const found = all.find((o) => String(o['id']) === id);
      send(res, found ? 200 : 404, found ? shape(found) : { detail: 'Not found.' });
      return;
    }
    const ids = url.searchParams.getAll('id');
    const names = url.searchParams.getAll('name');
    const filtered = all.filter(
      (o) => (ids.length === 0 || ids.includes(String(o['id']))) && (names.length === 0 || names.includes(String(o['name']))),
    );
    const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 50) || 50);
    const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
    const pageAt = (o: number) => {
      const next = new URL(url.pathname + url.search, publicOrigin);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('offset', String(o));
      return next.toString();
    };
    send(res, 200, {
      count: filtered.length,
      next: offset + limit < filtered.length ? pageAt(offset + limit) : null,
      previous: offset > 0 ? pageAt(Math.max(0, offset - limit)) : null,
      results: filtered.slice(offset, offset + limit).map(shape),
    });
  }

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    void (async () => {
      if (await faults.apply(req, res)) return;
      if (res.destroyed) return;
      const problem = authProblem(req);
      if (problem) send(res, 403, { detail: problem });
      else route(req, res);
    })();
  });
  const listener = await listenOnLoopback(server);
  origin = listener.url;
  publicOrigin = options.publicOrigin ?? origin;
  return {
    url: origin,
    requests,
    setFailures(list) {
      for (const f of list) faults.fail(f.status && !f.body ? { ...f, body: JSON.stringify({ detail: detailFor(f.status) }) } : f);
    },
    close: listener.close,
  };
}
