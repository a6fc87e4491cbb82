import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript, readBody } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';

/**
 * A protocol-faithful Icinga 2 REST API fake (plain HTTP: TLS is tested against the real Icinga),
 * modelled on responses recorded from Icinga 2.13.6 (fixtures/): Basic auth with 401
 * `{"error":401,…}`, `Accept: application/json` required on non-GET requests, object queries as POST
 * with `X-HTTP-Method-Override: GET` (`filter` + `filter_vars`, `attrs`, `joins`), per-object action
 * results with 409 for acknowledging an OK or already acknowledged object (or an expiry in the past),
 * 400 without author/comment, 500 (after setting it!) for an empty comment,
 * 500 `{"results":[]}` when a filter matches nothing, acknowledgement comments (entry_type 4).
 * Filters: `a.b == x` / `a.b != x` clauses joined by `&&` (parentheses ignored), x a number, a
 * "string" or a filter variable: what the connector sends.
 */

type Attrs = Record<string, unknown>;
export interface FakeObject {
  name: string;
  attrs: Attrs;
}

export interface FakeIcingaOptions {
  username?: string;
  password?: string;
  hosts?: FakeObject[];
  services?: FakeObject[];
}

const fixture = (file: string): { results: FakeObject[] } =>
  JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { results: FakeObject[] };

/** db01 DOWN, web01 UP with web01!disk WARNING, web01!http CRITICAL (recorded), plus web01!ping OK. */
export function seedObjects(): { hosts: FakeObject[]; services: FakeObject[] } {
  const hosts = fixture('icinga-hosts-live.json').results.map(({ name, attrs }) => ({ name, attrs: { ...attrs } }));
  const services: FakeObject[] = fixture('icinga-services-problems.json').results.map(({ name, attrs }) => ({
    name,
    attrs: { acknowledgement_expiry: 0, downtime_depth: 0, ...attrs },
  }));
  services.push({
    name: 'web01!ping',
    attrs: {
      name: 'ping',
      display_name: 'ping',
      host_name: 'web01',
      state: 0,
      state_type: 1,
      acknowledgement: 0,
      acknowledgement_expiry: 0,
      downtime_depth: 0,
      last_check_result: { output: 'PING OK', execution_end: 1795811777 },
    },
  });
  return { hosts, services };
}

class BadFilter extends Error {}

/** Evaluates the filter subset described above against an object's attributes. */
function compileFilter(filter: string | undefined, vars: Record<string, unknown>): (lookup: (path: string) => unknown) => boolean {
  if (!filter) return () => true;
  const clauses = filter
    .replace(/[()]/g, ' ')
    .split('&&')
    .map((clause) => {
      const m = /^\s*([a-z_]+\.[a-z_0-9]+)\s*(==|!=)\s*(.+?)\s*$/i.exec(clause);
      if (!m) throw new BadFilter();
      const raw = m[3] ?? '';
      let value: unknown;
      if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
      else if (/^".*"$/.test(raw)) value = raw.slice(1, -1);
      else if (raw in vars) value = vars[raw];
      else throw new BadFilter();
      return { path: m[1] ?? '', equal: m[2] === '==', value };
    });
  return (lookup) => clauses.every((c) => (lookup(c.path) === c.value) === c.equal);
}

export async function startFakeIcinga(options: FakeIcingaOptions = {}) {
  const username = options.username ?? 'gateway';
  const password = options.password ?? 'gateway-secret';
  const seed = seedObjects();
  const hosts = new Map((options.hosts ?? seed.hosts).map((h) => [h.name, h]));
  const services = new Map((options.services ?? seed.services).map((s) => [s.name, s]));
  const comments = new Map<string, FakeObject>();
  /** Acknowledgements and removals carried out, per object name (`host` or `host!service`). */
  const carriedOut = new Map<string, { acknowledgements: number; removals: number }>();
  const count = (object: string, what: 'acknowledgements' | 'removals') => {
    const entry = carriedOut.get(object) ?? { acknowledgements: 0, removals: 0 };
    entry[what] += 1;
    carriedOut.set(object, entry);
  };
  const requests: string[] = [];
  const faults = createFaultScript();

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const hostOf = (service: FakeObject) => hosts.get(String(service.attrs['host_name']));
  /** `host.name` on a service means its host; `service.x` its own attribute. */
  const lookupFor = (type: 'Host' | 'Service' | 'Comment', object: FakeObject) => (path: string) => {
    const [scope, attr] = path.split('.') as [string, string];
    if (type === 'Comment' && scope === 'comment') return object.attrs[attr];
    if (type === 'Host' && scope === 'host') return attr === 'name' ? object.name : object.attrs[attr];
    if (type === 'Service' && scope === 'service') return object.attrs[attr];
    if (type === 'Service' && scope === 'host') {
      const host = hostOf(object);
      return attr === 'name' ? host?.name : host?.attrs[attr];
    }
    throw new BadFilter();
  };

  const project = (object: FakeObject, attrs: string[] | undefined): Attrs =>
    attrs
      ? Object.fromEntries(
          attrs
            .filter((a) => a in object.attrs || a === 'name')
            .map((a) => [a, a === 'name' ? (object.attrs['name'] ?? object.name) : object.attrs[a]]),
        )
      : { ...object.attrs };

  function queryObjects(type: 'Host' | 'Service' | 'Comment', body: Attrs): unknown[] {
    const source = type === 'Host' ? hosts : type === 'Service' ? services : comments;
    const matches = compileFilter(body['filter'] as string | undefined, (body['filter_vars'] as Record<string, unknown>) ?? {});
    const joins = (body['joins'] as string[] | undefined) ?? [];
    return [...source.values()]
      .filter((o) => matches(lookupFor(type, o)))
      .map((o) => {
        const joined: Record<string, Attrs> = {};
        if (type === 'Service' && joins.length) {
          const host = hostOf(o);
          joined['host'] = Object.fromEntries(
            joins
              .filter((j) => j.startsWith('host.'))
              .map((j) => j.slice(5))
              .map((a) => [a, a === 'name' ? host?.name : host?.attrs[a]]),
          );
        }
        return { attrs: project(o, body['attrs'] as string[] | undefined), joins: joined, meta: {}, name: o.name, type };
      });
  }

  const objectsFor = (type: unknown, body: Attrs): [string, FakeObject][] => {
    const source = type === 'Host' ? hosts : type === 'Service' ? services : null;
    if (!source) throw new BadFilter();
    const matches = compileFilter(body['filter'] as string | undefined, (body['filter_vars'] as Record<string, unknown>) ?? {});
    return [...source.values()].filter((o) => matches(lookupFor(type as 'Host' | 'Service', o))).map((o) => [type as string, o]);
  };

  /** Icinga answers with the objects' common code, or 500 when they differ (or nothing matched). */
  function sendResults(res: ServerResponse, results: { code: number; status: string }[]): void {
    const codes = new Set(results.map((r) => r.code));
    send(res, codes.size === 1 ? [...codes][0]! : 500, { results });
  }

  function acknowledge(type: string, object: FakeObject, body: Attrs): { code: number; status: string } {
    const label = type === 'Host' ? `Host ${object.name}` : `Service ${object.name}`;
    if (body['author'] === undefined || body['comment'] === undefined)
      return { code: 400, status: 'Acknowledgements require author and comment.' };
    if (object.attrs['state'] === 0) return { code: 409, status: `${label} is ${type === 'Host' ? 'UP' : 'OK'}.` };
    if (Number(object.attrs['acknowledgement']) > 0) return { code: 409, status: `${label} is already acknowledged.` };
    const expiry = body['expiry'] === undefined ? 0 : Number(body['expiry']);
    if (expiry && expiry < Date.now() / 1000)
      return { code: 409, status: `Acknowledgement 'expiry' timestamp must be in the future for object ${object.name}` };
    // Icinga 2.13 sets the acknowledgement, then fails to add an empty comment: 500, yet acknowledged.
    if (body['comment'] === '') {
      object.attrs['acknowledgement'] = body['sticky'] ? 2 : 1;
      return { code: 500, status: "Action execution failed: 'Error: Could not create comment.\n'." };
    }
    object.attrs['acknowledgement'] = body['sticky'] ? 2 : 1;
    object.attrs['acknowledgement_expiry'] = expiry;
    count(object.name, 'acknowledgements');
    const [hostName, serviceName] = type === 'Host' ? [object.name, ''] : [String(object.attrs['host_name']), String(object.attrs['name'])];
    const id = `${object.name}!${randomUUID()}`;
    comments.set(id, {
      name: id,
      attrs: {
        author: body['author'],
        text: body['comment'],
        entry_type: 4,
        entry_time: Date.now() / 1000,
        expire_time: expiry,
        host_name: hostName,
        service_name: serviceName,
      },
    });
    return { code: 200, status: `Successfully acknowledged problem for object '${object.name}'.` };
  }

  function removeAcknowledgement(type: string, object: FakeObject): { code: number; status: string } {
    count(object.name, 'removals');
    object.attrs['acknowledgement'] = 0;
    object.attrs['acknowledgement_expiry'] = 0;
    const [hostName, serviceName] = type === 'Host' ? [object.name, ''] : [String(object.attrs['host_name']), String(object.attrs['name'])];
    for (const [id, c] of comments) {
      if (c.attrs['entry_type'] === 4 && c.attrs['host_name'] === hostName && c.attrs['service_name'] === serviceName) comments.delete(id);
    }
    return { code: 200, status: `Successfully removed acknowledgement for object '${object.name}'.` };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = String(req.headers['x-http-method-override'] ?? req.method ?? 'GET').toUpperCase();
    if (req.method !== 'GET' && req.headers.accept !== 'application/json') {
      return send(res, 400, { error: 400, status: "Accept header is missing or not set to 'application/json'." });
    }
    let body: Attrs = {};
    const text = await readBody(req);
    if (text) {
      try {
        body = JSON.parse(text) as Attrs;
      } catch {
        return send(res, 400, { error: 400, status: 'Invalid request body: Error: syntax error while parsing JSON' });
      }
    }
    const objects: Record<string, 'Host' | 'Service' | 'Comment'> = {
      '/v1/objects/hosts': 'Host',
      '/v1/objects/services': 'Service',
      '/v1/objects/comments': 'Comment',
    };
    const objectType = objects[url.pathname];
    if (objectType && method === 'GET') return send(res, 200, { results: queryObjects(objectType, body) });
    if (req.method === 'POST' && url.pathname === '/v1/actions/acknowledge-problem') {
      return sendResults(
        res,
        objectsFor(body['type'], body).map(([type, o]) => acknowledge(type, o, body)),
      );
    }
    if (req.method === 'POST' && url.pathname === '/v1/actions/remove-acknowledgement') {
      return sendResults(
        res,
        objectsFor(body['type'], body).map(([type, o]) => removeAcknowledgement(type, o)),
      );
    }
    if (method === 'GET' && url.pathname === '/v1/status/IcingaApplication') {
      return send(res, 200, { results: [{ name: 'IcingaApplication', status: { icingaapplication: { app: { version: 'r2.13.6-1' } } } }] });
    }
    return send(res, 404, { error: 404, status: 'The requested path could not be found.' });
  }

  const served = await serveFake({
    requests,
    faults,
    answer: (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`) {
        return send(res, 401, { error: 401, status: 'Unauthorized. Please check your user credentials.' });
      }
      return route(req, res);
    },
    internalError: (res, error) => {
      if (error instanceof BadFilter) send(res, 400, { error: 400, status: 'Invalid filter specified.' });
      else send(res, 500, { error: 500, status: 'fake failed' });
    },
  });
  return {
    ...served,
    hosts,
    services,
    comments,
    fail: faults.fail,
    count: (prefix: string) => requests.filter((r) => r.startsWith(prefix)).length,
    /** What Icinga carried out for an object (`host` or `host!service`): acknowledgements, and removals of one. */
    recorded: (object: string) => ({ ...(carriedOut.get(object) ?? { acknowledgements: 0, removals: 0 }) }),
    /** Changes an object's state as a check result would. */
    setState(name: string, state: number) {
      const object = hosts.get(name) ?? services.get(name);
      if (!object) throw new Error(`no object ${name}`);
      object.attrs['state'] = state;
      if (state === 0 && Number(object.attrs['acknowledgement']) === 1) object.attrs['acknowledgement'] = 0;
    },
  };
}

export type FakeIcinga = Awaited<ReturnType<typeof startFakeIcinga>>;
