import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { HTTPError, RequestError, type Got, type OptionsInit } from 'got';
import { createBreaker, CircuitOpenError, type Breaker, type BreakerOptions } from './breaker.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/log.js';
import { currentDeadline, DeadlineExceeded } from '../../kernel/request-context.js';
import { observe, secondsSince } from '../../kernel/metrics.js';
import { inSpan } from '../../kernel/tracing.js';
import { SpanKind, type Span } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { HttpSettings } from './http-settings.js';
import type { z } from 'zod';

/**
 * The only file that knows got's error classes. Every connector builds its client here, so timeouts,
 * retries (reads only, Retry-After honoured), the request's deadline, keep-alive, TLS pinning, the
 * circuit breaker, the error mapping and the report of each tool call (one log line, its metrics,
 * its span) are the same for every tool.
 *
 * The deadline (kernel/request-context.ts) bounds a whole call, retries included: the call is aborted
 * when it passes, a retry whose wait would end after it is not made, and a call that starts after it
 * fails at once. The connector's cache then serves its last good answer, marked stale.
 */

export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  /** A custom scheme: `Authorization: <scheme> <token>` (NetBox `Token`, RT `token`). */
  | { kind: 'scheme'; scheme: string; token: string };

export interface HttpClientOptions {
  connector: string;
  settings: HttpSettings;
  auth: HttpAuth;
  log: Logger;
  /** Read once at startup by the caller (no I/O here). */
  ca?: string;
  headers?: Record<string, string>;
  breaker?: BreakerOptions;
}

export interface HttpClient {
  readonly connector: string;
  readonly got: Got;
  readonly breaker: Breaker;
  /** Runs a call through the breaker and maps any failure to a coded GraphQLError. */
  call<T>(fn: (http: Got) => Promise<T>): Promise<T>;
}

/** What one `call` sent and got, filled in by got's hooks: the last attempt's request and status. */
interface CallRecord {
  method?: string;
  url?: URL;
  status?: number;
  attempts: number;
}

/** The call a got request belongs to: got's hooks run inside the connector's `call`, which sets it. */
const calls = new AsyncLocalStorage<CallRecord>();

/**
 * The path of a call as a template, so that neither ids nor query values (search text, PromQL,
 * filters) reach a log line and the lines of one endpoint group together: relative to the
 * connector's base URL, no query, and each segment that holds a digit or an escape, other than an
 * API version (`v2`, the `3` of `api/3`), written `{}`. That covers every id the tools put in paths
 * (RT and Confluence numbers, ServiceNow sys_ids, Alertmanager silence UUIDs, Jira keys).
 */
export function pathTemplate(url: URL, basePath: string): string {
  const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  const segments = path.split('/');
  const isValue = (segment: string, i: number) =>
    /[\d%]/.test(segment) && !/^v\d+$/.test(segment) && !(/^\d+$/.test(segment) && segments[i - 1] === 'api');
  return segments.map((segment, i) => (isValue(segment, i) ? '{}' : segment)).join('/');
}

function authHeader(auth: HttpAuth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
    case 'scheme':
      return `${auth.scheme} ${auth.token}`;
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { connector, settings, log } = options;
  const authorization = authHeader(options.auth);
  const basePath = new URL(settings.baseUrl).pathname.replace(/\/?$/, '/');
  const instanceOptions: OptionsInit = {
    prefixUrl: settings.baseUrl,
    headers: { 'user-agent': 'servicegraph', ...(authorization ? { authorization } : {}), ...options.headers },
    timeout: { request: settings.timeoutMs },
    retry: {
      limit: settings.retryLimit,
      methods: ['GET', 'HEAD', 'OPTIONS'],
      // Never wait longer for Retry-After than one attempt may take.
      maxRetryAfter: settings.timeoutMs,
      backoffLimit: 2000,
      // 0 = no retry: one whose wait ends after the deadline could only be aborted.
      calculateDelay: ({ computedValue }) => {
        const deadline = currentDeadline();
        return deadline && Date.now() + computedValue >= deadline.at ? 0 : computedValue;
      },
    },
    agent: {
      http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
    },
    https: {
      ...(options.ca ? { certificateAuthority: options.ca } : {}),
      ...(settings.allowHostnameMismatch ? { checkServerIdentity: () => undefined } : {}),
    },
    hooks: {
      // Every request of a call, retries too, ends when the deadline of the work it serves passes.
      init: [
        (init) => {
          const deadline = currentDeadline();
          if (deadline) init.signal = deadline.signal;
        },
      ],
      beforeRequest: [
        (request) => {
          const call = calls.getStore();
          if (!call) return;
          call.attempts += 1;
          call.method = request.method;
          if (request.url instanceof URL) call.url = request.url;
          delete call.status;
        },
      ],
      afterResponse: [
        (response) => {
          const call = calls.getStore();
          if (call) call.status = response.statusCode;
          return response;
        },
      ],
      beforeRetry: [(error, count) => log.warn('retrying upstream read', { connector, attempt: count, code: error.code })],
    },
  };
  const http = got.extend(instanceOptions);
  const breaker = createBreaker(connector, {
    threshold: settings.breakerThreshold,
    cooldownMs: settings.breakerCooldownMs,
    ...options.breaker,
  });
  /**
   * Each tool call is reported once: its span, its metrics and one line at info: tool calls are bounded by the cache, not by client traffic, and
   * each is what an operator matches against the tool's own logs (by request id and time), writes
   * included. A failure is a warning with its code; a lookup of something the tool lacks is not one.
   */
  function reportCall(span: Span, call: CallRecord, startedAt: number, error?: { mapped: GraphQLError; cause: unknown }) {
    const code = error?.mapped.extensions['code'];
    const path = call.url ? pathTemplate(call.url, basePath) : null;
    observe.toolCall(connector, secondsSince(startedAt), error ? String(code) : undefined);
    if (span.isRecording()) {
      span.updateName(`${connector} ${call.method ?? ''} ${path ?? ''}`.trim());
      span.setAttributes({
        'servicegraph.connector': connector,
        ...(call.method ? { 'http.request.method': call.method } : {}),
        ...(path !== null ? { 'url.template': path } : {}),
        ...(call.status !== undefined ? { 'http.response.status_code': call.status } : {}),
        ...(call.attempts > 1 ? { 'http.request.resend_count': call.attempts - 1 } : {}),
        ...(error ? { 'error.type': String(code) } : {}),
      });
    }
    const fields = {
      connector,
      method: call.method ?? null,
      path,
      status: call.status ?? null,
      ms: Math.round((performance.now() - startedAt) * 10) / 10,
      ...(call.attempts > 1 ? { attempts: call.attempts } : {}),
      ...(error ? { code, reason: describe(error.cause) } : {}),
    };
    if (error && code !== 'NOT_FOUND') log.warn('tool call failed', fields);
    else log.info('tool call', fields);
  }

  return {
    connector,
    got: http,
    breaker,
    call<T>(fn: (http: Got) => Promise<T>): Promise<T> {
      return inSpan(connector, { kind: SpanKind.CLIENT }, async (span) => {
        const call: CallRecord = { attempts: 0 };
        const startedAt = performance.now();
        try {
          // Past the deadline nothing is asked: the caller has stopped waiting.
          const passed = currentDeadline()?.signal.reason;
          if (passed instanceof DeadlineExceeded) throw passed;
          const result = await calls.run(call, () => breaker.run(() => fn(http), isOutage));
          reportCall(span, call, startedAt);
          return result;
        } catch (error) {
          const mapped = fromUpstream(connector, error);
          // A body that is not JSON fails before afterResponse sees the answer.
          if (call.status === undefined && error instanceof RequestError && error.response) call.status = error.response.statusCode;
          reportCall(span, call, startedAt, { mapped, cause: error });
          throw mapped;
        }
      });
    },
  };
}

/** Whether a failure says the tool is down (counts against the circuit), rather than "no" from a live tool. */
export function isOutage(error: unknown): boolean {
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    return status === 429 || status >= 500;
  }
  if (error instanceof GraphQLError) return error.extensions['code'] === 'UPSTREAM_UNAVAILABLE';
  return true;
}

/** A short reason for logs: status or error code, never a URL or body. */
function describe(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.statusCode}`;
  if (error instanceof RequestError) return error.code;
  if (error instanceof CircuitOpenError) return 'circuit open';
  if (error instanceof DeadlineExceeded || (error instanceof RequestError && error.code === 'ERR_ABORTED')) return 'deadline';
  if (error instanceof GraphQLError) return String(error.extensions['code']);
  return error instanceof Error ? error.name : 'unknown';
}

/** Maps any failure of a tool call to a coded error naming the connector and nothing else. */
export function fromUpstream(connector: string, error: unknown): GraphQLError {
  if (error instanceof GraphQLError && error.extensions['code']) {
    return new GraphQLError(error.message, { extensions: { ...error.extensions, connector } });
  }
  const options = { extensions: { connector } };
  if (error instanceof CircuitOpenError) {
    return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} is unavailable (circuit open)`, options);
  }
  if (error instanceof DeadlineExceeded || (error instanceof RequestError && error.code === 'ERR_ABORTED')) {
    return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} did not answer within the request's deadline`, options);
  }
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    if (status === 404) return ERRORS.NOT_FOUND.err(`${connector}: not found`, options);
    if (status === 401 || status === 403) return ERRORS.UPSTREAM_AUTH_FAILED.err(`${connector}: credentials rejected`, options);
    if (status === 400 || status === 409 || status === 422) {
      return ERRORS.UPSTREAM_REJECTED.err(`${connector} rejected the request (HTTP ${status})`, options);
    }
    return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} is unavailable (HTTP ${status})`, options);
  }
  if (error instanceof RequestError) {
    const reason = error.code === 'ETIMEDOUT' ? 'timed out' : error.name === 'ParseError' ? 'answered invalid JSON' : 'is unreachable';
    return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} ${reason}`, options);
  }
  return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} is unavailable`, options);
}

/** An error for a tool that answered 2xx with a body we cannot use. */
export function garbage(connector: string, what: string): GraphQLError {
  return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} answered an unexpected ${what}`, { extensions: { connector } });
}

/** A 2xx answer as `schema` reads it: a shape the connector cannot use is an outage of that tool, not a crash. */
export function parseAnswer<T>(connector: string, schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw garbage(connector, what);
  return parsed.data;
}
