import { z } from 'zod';
import { GraphQLError } from 'graphql';
import { ERRORS } from '../../kernel/errors.js';
import { createHttpClient, garbage, parseAnswer } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { ZabbixConfig } from './config.js';

/**
 * Zabbix JSON-RPC 2.0 client: one HTTP client, one function per method. Errors arrive with HTTP 200
 * as `{"error":{code,message,data}}` and are mapped here. Zabbix promises strings everywhere but
 * `event.acknowledge` on 6.0 answers numeric ids, so every id and number is parsed defensively.
 */

const Id = z.union([z.string(), z.number()]).transform(String);
const Num = z.union([z.string(), z.number()]).transform(Number);
const Tag = z.object({ tag: z.string(), value: z.string().default('') }).loose();

export const AcknowledgeDto = z
  .object({
    acknowledgeid: Id.optional(),
    userid: Id.optional(),
    clock: Num,
    message: z.string().default(''),
    action: Num,
    /** Not in 6.0's problem.get answer; read when a version sends it. */
    username: z.string().optional(),
  })
  .loose();
export type AcknowledgeDto = z.infer<typeof AcknowledgeDto>;

export const ProblemDto = z
  .object({
    eventid: Id,
    objectid: Id,
    clock: Num,
    name: z.string(),
    acknowledged: Id,
    severity: Num,
    suppressed: Id.default('0'),
    opdata: z.string().default(''),
    tags: z.array(Tag).default([]),
    acknowledges: z.array(AcknowledgeDto).default([]),
  })
  .loose();
export type ProblemDto = z.infer<typeof ProblemDto>;

const HostRef = z.object({ hostid: Id, host: z.string(), name: z.string().optional() }).loose();
export const EventHostsDto = z.object({ eventid: Id, hosts: z.array(HostRef).default([]) }).loose();
export type EventHostsDto = z.infer<typeof EventHostsDto>;

export const HostDto = z
  .object({
    hostid: Id,
    host: z.string(),
    name: z.string().optional(),
    maintenance_status: Id.default('0'),
    tags: z.array(Tag).default([]),
    interfaces: z
      .array(
        z
          .object({
            ip: z.string().default(''),
            dns: z.string().default(''),
            useip: Id.default('1'),
            main: Id.default('0'),
            type: Id.default('1'),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();
export type HostDto = z.infer<typeof HostDto>;

const Acknowledged = z.object({ eventids: z.array(Id) }).loose();

const RpcError = z
  .object({ jsonrpc: z.literal('2.0'), error: z.object({ code: z.number(), message: z.string(), data: z.string().optional() }).loose() })
  .loose();
const RpcResult = z.object({ jsonrpc: z.literal('2.0'), result: z.unknown() }).loose();

export interface ApiVersion {
  major: number;
  minor: number;
}

/** 6.4 introduced `Authorization: Bearer`; 7.2 rejects the `auth` field outright. */
export const usesBearer = (v: ApiVersion) => v.major > 6 || (v.major === 6 && v.minor >= 4);
/** `user.login` takes `username` since 5.4 (`user` before). */
const loginParam = (v: ApiVersion) => (v.major > 5 || (v.major === 5 && v.minor >= 4) ? 'username' : 'user');

/** Error data texts that mean "your credentials or session are no good", across 6.0–7.x. */
const AUTH_FAILURE =
  /not authori[sz]ed|session terminated|re-login|incorrect user name or password|login name or password is incorrect|api token expired|no permissions to call/i;

/** Event update bits of event.acknowledge. */
export const ACTION = { acknowledge: 2, message: 4, unacknowledge: 16 } as const;

export const PROBLEM_OUTPUT = ['eventid', 'objectid', 'clock', 'name', 'acknowledged', 'severity', 'suppressed', 'opdata'];

export function createZabbixClient(name: string, config: ZabbixConfig, log: Logger) {
  const http = createHttpClient({
    connector: name,
    settings: { ...config, baseUrl: `${config.baseUrl.replace(/\/+$/, '')}/` },
    // Credentials depend on the version: added per request below, never by the shared client.
    auth: { kind: 'none' },
    log,
  });
  let nextId = 1;
  let version: Promise<ApiVersion> | null = null;
  let session: Promise<string> | null = null;

  function rpcError(method: string, error: { code: number; message: string; data?: string | undefined }, read: boolean): GraphQLError {
    const text = `${error.message} ${error.data ?? ''}`;
    // The upstream text stays out of the message: only the method and the JSON-RPC code.
    if (AUTH_FAILURE.test(text))
      return ERRORS.UPSTREAM_AUTH_FAILED.err(`${name}: credentials rejected (${method}, JSON-RPC ${error.code})`);
    if (read) return ERRORS.UPSTREAM_UNAVAILABLE.err(`${name} failed ${method} (JSON-RPC ${error.code})`);
    return ERRORS.UPSTREAM_REJECTED.err(`${name} rejected ${method} (JSON-RPC ${error.code})`);
  }

  /** One JSON-RPC request. Reads are retried like GETs (they are POSTs only because JSON-RPC is). */
  const send = (method: string, params: unknown, options: { read: boolean; auth?: string; bearer?: string }) =>
    http.call(async (got) => {
      const body = { jsonrpc: '2.0', method, params, id: nextId++, ...(options.auth ? { auth: options.auth } : {}) };
      const answer = await got
        .post('api_jsonrpc.php', {
          json: body,
          headers: { 'content-type': 'application/json-rpc', ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}) },
          ...(options.read ? { retry: { methods: ['POST' as const] } } : {}),
        })
        .json();
      const failed = RpcError.safeParse(answer);
      if (failed.success) throw rpcError(method, failed.data.error, options.read);
      const parsed = RpcResult.safeParse(answer);
      if (!parsed.success || !('result' in parsed.data)) throw garbage(name, `${method} answer`);
      return parsed.data.result;
    });

  /** Asked once, unauthenticated (Zabbix refuses apiinfo.version with credentials). */
  function apiVersion(): Promise<ApiVersion> {
    version ??= send('apiinfo.version', {}, { read: true })
      .then((result) => {
        const m = /^(\d+)\.(\d+)/.exec(String(result));
        if (!m) throw garbage(name, 'version');
        log.info('zabbix api version', { connector: name, version: String(result) });
        return { major: Number(m[1]), minor: Number(m[2]) };
      })
      .catch((error: unknown) => {
        version = null;
        throw error;
      });
    return version;
  }

  async function credential(): Promise<string> {
    if (config.token) return config.token;
    session ??= (async () => {
      const v = await apiVersion();
      const result = await send('user.login', { [loginParam(v)]: config.username, password: config.password }, { read: true });
      if (typeof result !== 'string' || !result) throw garbage(name, 'login answer');
      return result;
    })().catch((error: unknown) => {
      session = null;
      throw error;
    });
    return session;
  }

  /** An authenticated call; a session that expired is renewed once (the failed call changed nothing). */
  async function rpc(method: string, params: unknown, read: boolean): Promise<unknown> {
    const v = await apiVersion();
    const attempt = async () => {
      const cred = await credential();
      return send(method, params, { read, ...(usesBearer(v) ? { bearer: cred } : { auth: cred }) });
    };
    const used = session;
    try {
      return await attempt();
    } catch (error) {
      const authFailed = error instanceof GraphQLError && error.extensions['code'] === 'UPSTREAM_AUTH_FAILED';
      if (config.token || !authFailed || used === null) throw error;
      if (session === used) session = null;
      return attempt();
    }
  }

  const parse = <T>(schema: z.ZodType<T>, body: unknown, what: string) => parseAnswer(name, schema, body, what);

  const problemParams = { output: PROBLEM_OUTPUT, selectTags: 'extend', selectAcknowledges: 'extend', recent: false, source: 0, object: 0 };

  return {
    apiVersion,
    /** An authenticated call that costs Zabbix nothing: proves reachability, credentials, and an answer we can read. */
    ping: async () => {
      parse(z.array(z.object({ hostid: Id }).loose()), await rpc('host.get', { output: ['hostid'], limit: 1 }, true), 'host list');
    },
    /** Unresolved trigger problems (recent: false leaves out the recently resolved). */
    problems: async (eventids?: string[]) =>
      parse(z.array(ProblemDto), await rpc('problem.get', { ...problemParams, ...(eventids ? { eventids } : {}) }, true), 'problem list'),
    /** Hosts of many events in one call (a problem's trigger may span hosts). */
    eventHosts: async (eventids: string[]) =>
      eventids.length === 0
        ? []
        : parse(
            z.array(EventHostsDto),
            await rpc('event.get', { eventids, output: ['eventid'], selectHosts: ['hostid', 'host', 'name'] }, true),
            'event list',
          ),
    /** Monitored hosts with their interfaces (IP/DNS) and tags. */
    hosts: async () =>
      parse(
        z.array(HostDto),
        await rpc(
          'host.get',
          {
            output: ['hostid', 'host', 'name', 'maintenance_status'],
            monitored_hosts: true,
            selectInterfaces: ['ip', 'dns', 'useip', 'main', 'type'],
            selectTags: 'extend',
          },
          true,
        ),
        'host list',
      ),
    updateEvents: async (eventids: string[], action: number, message?: string) =>
      parse(
        Acknowledged,
        await rpc('event.acknowledge', { eventids, action, ...(message ? { message } : {}) }, false),
        'acknowledge answer',
      ).eventids,
  };
}
