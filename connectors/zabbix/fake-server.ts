import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript, readBody } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';

/**
 * A protocol-faithful Zabbix JSON-RPC fake, in two modes:
 * - `7.0`: apiinfo.version "7.0.5"; credentials only as `Authorization: Bearer <token|session>`; a
 *   request carrying the `auth` field is refused with -32600 "Invalid request." /
 *   'Invalid parameter "/": unexpected parameter "auth".' (7.2+ behaviour, the strictest).
 * - `6.0`: apiinfo.version "6.0.14" (Debian 12); credentials only in the `auth` field; the Bearer
 *   header is ignored, so such a request is "Not authorized.".
 * Both: errors with HTTP 200, apiinfo.version refused with credentials, "Session terminated,
 * re-login, please." for an unknown session, 412 for a wrong Content-Type, -32700 for bad JSON,
 * ids as strings except event.acknowledge's numeric `eventids` (recorded on 6.0.14).
 * Data from fixtures/ recorded on Zabbix 6.0.14: host web01 (tag ci_id=CI0001, interface with DNS),
 * problem "HTTP down on web01" (severity 4), plus a disaster on "Zabbix server".
 */

export type ZabbixMode = '6.0' | '7.0';

interface Ack {
  acknowledgeid: string;
  userid: string;
  eventid: string;
  clock: string;
  message: string;
  action: string;
  old_severity: string;
  new_severity: string;
}
export interface FakeProblem {
  eventid: string;
  objectid: string;
  clock: string;
  name: string;
  acknowledged: string;
  severity: string;
  suppressed: string;
  opdata: string;
  tags: { tag: string; value: string }[];
  acknowledges: Ack[];
  /** Host of the problem's trigger. */
  hostid: string;
}

export interface FakeZabbixOptions {
  mode?: ZabbixMode;
  token?: string;
  username?: string;
  password?: string;
}

interface RpcError {
  code: number;
  message: string;
  data: string;
}

const fixture = <T>(file: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as T;

type FakeHost = {
  hostid: string;
  host: string;
  name: string;
  status: string;
  maintenance_status: string;
  tags: unknown[];
  interfaces: unknown[];
};

export function seed(): { hosts: FakeHost[]; problems: FakeProblem[] } {
  const hosts = fixture<{ result: FakeHost[] }>('zbx-host-get.json').result;
  const [recorded] = fixture<{ result: Omit<FakeProblem, 'hostid' | 'opdata'>[] }>('zbx-problem-get.json').result;
  const problems: FakeProblem[] = [
    { ...recorded!, opdata: '', hostid: '10559' },
    {
      eventid: '7',
      objectid: '23140',
      clock: '1795812200',
      name: 'Zabbix server is unreachable',
      acknowledged: '0',
      severity: '5',
      suppressed: '0',
      opdata: 'last seen 5m ago',
      tags: [],
      acknowledges: [],
      hostid: '10084',
    },
  ];
  return { hosts, problems };
}

const invalidParams = (data: string): RpcError => ({ code: -32602, message: 'Invalid params.', data });
const appError = (data: string): RpcError => ({ code: -32500, message: 'Application error.', data });

export async function startFakeZabbix(options: FakeZabbixOptions = {}) {
  const mode = options.mode ?? '7.0';
  const token = options.token ?? 'zbx-api-token';
  const username = options.username ?? 'Admin';
  const password = options.password ?? 'zabbix';
  const data = seed();
  const hosts = data.hosts;
  const problems = new Map(data.problems.map((p) => [p.eventid, p]));
  const sessions = new Set<string>();
  const requests: string[] = [];
  /** Every JSON-RPC call: method, whether it carried `auth`, and its Authorization header. */
  const calls: { method: string; auth: unknown; authorization: string | undefined }[] = [];
  const faults = createFaultScript();
  /** Scripted JSON-RPC errors (HTTP 200) for the next calls of a method. */
  const rpcFaults: { method: string; error: RpcError }[] = [];
  let ackSeq = 100;
  /** event.acknowledge calls carried out per event: how many asked to acknowledge, how many to unacknowledge. */
  const carriedOut = new Map<string, { acknowledgements: number; removals: number }>();

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const ids = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);

  function credentialOf(req: IncomingMessage, body: Record<string, unknown>): string | undefined {
    if (mode === '6.0') return typeof body['auth'] === 'string' ? body['auth'] : undefined;
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7) : undefined;
  }

  function checkAuth(credential: string | undefined): RpcError | null {
    if (credential === undefined) return invalidParams('Not authorized.');
    if (credential === token || sessions.has(credential)) return null;
    // A 32-hex string looks like a session id; anything else like a token.
    return /^[0-9a-f]{32}$/.test(credential) ? invalidParams('Session terminated, re-login, please.') : invalidParams('Not authorized.');
  }

  const problemJson = (p: FakeProblem, params: Record<string, unknown>) => {
    const { hostid: _host, ...rest } = p;
    const out: Record<string, unknown> = { ...rest, r_eventid: '0', ns: '0', source: '0', object: '0', userid: '0', urls: [] };
    if (!params['selectTags']) delete out['tags'];
    if (!params['selectAcknowledges']) delete out['acknowledges'];
    return out;
  };

  function call(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'problem.get': {
        const wanted = params['eventids'] === undefined ? null : new Set(ids(params['eventids']));
        return [...problems.values()].filter((p) => !wanted || wanted.has(p.eventid)).map((p) => problemJson(p, params));
      }
      case 'event.get': {
        const wanted = new Set(ids(params['eventids']));
        return [...problems.values()]
          .filter((p) => wanted.has(p.eventid))
          .map((p) => {
            const host = hosts.find((h) => h.hostid === p.hostid);
            return {
              eventid: p.eventid,
              ...(params['selectHosts'] ? { hosts: host ? [{ hostid: host.hostid, host: host.host, name: host.name }] : [] } : {}),
            };
          });
      }
      case 'host.get':
        return hosts.map((h) => ({ ...h })).slice(0, typeof params['limit'] === 'number' ? params['limit'] : undefined);
      case 'event.acknowledge': {
        const eventids = ids(params['eventids']);
        const action = Number(params['action']);
        if (!Number.isInteger(action) || action < 1 || action > 511)
          throw invalidParams('Invalid parameter "/action": value must be one of 1-511.');
        if (action & 4 && !params['message']) throw invalidParams('Invalid parameter "/message": cannot be empty.');
        const targets = eventids.map((id) => problems.get(id));
        if (eventids.length === 0 || targets.some((p) => !p)) throw appError('No permissions to referred object or it does not exist!');
        for (const p of targets as FakeProblem[]) {
          const done = carriedOut.get(p.eventid) ?? { acknowledgements: 0, removals: 0 };
          if (action & 2) done.acknowledgements += 1;
          if (action & 16) done.removals += 1;
          carriedOut.set(p.eventid, done);
          // Zabbix records a repeated acknowledge as a plain message, and an unacknowledge of an
          // unacknowledged problem as nothing.
          let recorded = action;
          if (action & 2 && p.acknowledged === '1') recorded &= ~2;
          if (action & 16 && p.acknowledged === '0') recorded &= ~16;
          if (recorded & 2) p.acknowledged = '1';
          if (recorded & 16) p.acknowledged = '0';
          if (recorded) {
            p.acknowledges.push({
              acknowledgeid: String(++ackSeq),
              userid: '1',
              eventid: p.eventid,
              clock: String(Math.floor(Date.now() / 1000)),
              message: String(params['message'] ?? ''),
              action: String(recorded),
              old_severity: '0',
              new_severity: '0',
            });
          }
        }
        return { eventids: eventids.map(Number) };
      }
      default:
        throw { code: -32601, message: 'Method not found.', data: `Incorrect API "${method.split('.')[0]}".` } satisfies RpcError;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://fake').pathname !== '/api_jsonrpc.php') {
      return send(res, 404, { error: 'not found' });
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (!['application/json-rpc', 'application/json', 'application/jsonrequest'].includes(contentType ?? '')) {
      res.writeHead(412).end('Zabbix API: invalid Content-Type');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return send(res, 200, {
        jsonrpc: '2.0',
        error: {
          code: -32700,
          message: 'Parse error.',
          data: 'Invalid JSON. An error occurred on the server while parsing the JSON text.',
        },
        id: null,
      });
    }
    const id = body['id'] ?? null;
    const method = String(body['method'] ?? '');
    const params = (body['params'] ?? {}) as Record<string, unknown>;
    calls.push({ method, auth: body['auth'], authorization: req.headers.authorization });
    const answer = (result: unknown) => send(res, 200, { jsonrpc: '2.0', result, id });
    const fail = (error: RpcError) => send(res, 200, { jsonrpc: '2.0', error, id });

    if (body['jsonrpc'] !== '2.0')
      return fail({ code: -32600, message: 'Invalid request.', data: 'Invalid parameter "/jsonrpc": value must be "2.0".' });
    if (mode === '7.0' && 'auth' in body)
      return fail({ code: -32600, message: 'Invalid request.', data: 'Invalid parameter "/": unexpected parameter "auth".' });
    const scripted = rpcFaults.findIndex((f) => f.method === method);
    if (scripted >= 0) return fail(rpcFaults.splice(scripted, 1)[0]!.error);

    if (method === 'apiinfo.version') {
      if ('auth' in body) return fail(invalidParams('The "apiinfo.version" method must be called without the "auth" parameter.'));
      return answer(mode === '7.0' ? '7.0.5' : '6.0.14');
    }
    if (method === 'user.login') {
      if ('user' in params) return fail(invalidParams('Invalid parameter "/": unexpected parameter "user".'));
      if (params['username'] !== username || params['password'] !== password) {
        return fail(appError('Incorrect user name or password or account is temporarily blocked.'));
      }
      const session = randomBytes(16).toString('hex');
      sessions.add(session);
      return answer(session);
    }
    const denied = checkAuth(credentialOf(req, body));
    if (denied) return fail(denied);
    try {
      return answer(call(method, params));
    } catch (error) {
      return fail(error as RpcError);
    }
  }

  const served = await serveFake({
    requests,
    faults,
    answer: route,
    internalError: (res) => send(res, 500, { error: 'fake failed' }),
  });
  return {
    ...served,
    mode,
    calls,
    problems,
    hosts,
    /** Ends every session (as a server restart or session timeout would). */
    expireSessions: () => sessions.clear(),
    /** Answers the next call of `method` with this JSON-RPC error (HTTP 200). */
    failRpc: (method: string, error: RpcError) => rpcFaults.push({ method, error }),
    fail: faults.fail,
    /** event.acknowledge calls carried out for an event: those asking to acknowledge it, and to unacknowledge it. */
    recorded: (eventId: string) => ({ ...(carriedOut.get(eventId) ?? { acknowledgements: 0, removals: 0 }) }),
    /** Calls of a JSON-RPC method so far. */
    count: (method: string) => calls.filter((c) => c.method === method).length,
  };
}

export type FakeZabbix = Awaited<ReturnType<typeof startFakeZabbix>>;
