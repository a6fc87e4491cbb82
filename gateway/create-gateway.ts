import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createAuthzPlugin } from '../authz/gateway-plugin.js';
import type { AuditLog } from '../authz/audit.js';
import type { PolicyStore } from '../authz/policy.js';
import type { Viewer } from '../authz/viewer.js';
import { ERRORS } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import {
  executeGraphQL,
  HttpProblem,
  listenGracefully,
  readBody,
  runGraphQL,
  sendJson,
  sendProblem,
  writeGraphQLResponse,
} from '../kernel/http-server.js';
import { IDENTITY_HEADER, signIdentity } from '../kernel/identity-token.js';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Identity } from './identity.js';
import { createAuthenticator } from './authenticate.js';
import { createOperationChecks } from './operation-checks.js';
import type { OperationLimits } from './limits.js';
import type { RateLimiterFactory } from './action-rate.js';
import type { RequestAuth } from '../kernel/request.js';
import { newRequestContext, runInRequest, type RequestContext } from '../kernel/request-context.js';
import { maskErrors } from '../kernel/mask-errors.js';
import { createCors, type CorsSettings } from './cors.js';
import { createExplorer, wantsExplorer } from './explorer.js';
import { createLiveStatus, type LiveStatusSource } from './live-status.js';
import { passed, type ReadinessCheck, runChecks, subgraphCheck } from './readiness.js';
import type { Route } from './static.js';
import { sendTraceContext } from '../kernel/tracing.js';
import { createRequestObserver, measuredDataSource, type RequestObservation } from './request-observer.js';
import { subgraphHttpDataSource } from './subgraph-http.js';
import { createRequestMerger } from './request-merging.js';

export interface GatewayContext {
  viewer: Viewer;
  auth: RequestAuth;
  /** The ids this request's log and audit lines carry, signed into the subgraphs' identity tokens. */
  request: RequestContext;
  /** What the request log line, metrics and trace report of it. */
  observation: RequestObservation;
}

/**
 * A subgraph running in the gateway's process (subgraphs/common/server.ts makes them): the gateway
 * hands it the operation and the caller's identity directly, without an HTTP hop or a token.
 */
export interface InProcessSubgraph {
  executeInProcess(
    request: { query: string; variables?: Record<string, unknown> | undefined; operationName?: string | undefined },
    auth: RequestAuth,
  ): Promise<FormattedExecutionResult>;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where the subgraphs not in `inProcess` answer over HTTP, by their names in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Subgraphs running in this process, called without an HTTP hop (the rest over HTTP). */
  inProcess?: Partial<Record<string, InProcessSubgraph>>;
  policy: PolicyStore;
  verify: (token: string) => Promise<Identity>;
  internalKey: Uint8Array;
  /** Lifetime of an identity token: transit time to the subgraph, not the request's. */
  internalTtlSeconds: number;
  limits: OperationLimits & { maxBodyBytes: number };
  /** The store of the action rate limit: in memory by default, a shared one across replicas. */
  rateLimiter?: RateLimiterFactory;
  introspection: boolean;
  audit: AuditLog;
  log: Logger;
  /**
   * /readyz: every subgraph the gateway calls over HTTP (checked by the gateway itself), plus these
   * checks (in local mode, every connector's tool); each one bounded by `timeoutMs`.
   */
  readiness: { checks: Record<string, ReadinessCheck>; timeoutMs: number };
  /** Cross-origin access from browsers; off when no origin is listed. */
  cors: CorsSettings;
  /** GraphiQL for browsers at GET /graphql, served offline by the gateway. */
  explorer: boolean;
  /** Live status at /graphql/stream (GraphQL over SSE); absent: the route answers 404. */
  liveStatus?: LiveStatusSource;
  /** Merge identical concurrent queries of viewers who may see the same data (request-merging.ts). @default false */
  mergeRequests?: boolean;
  /** Tried in order for every path but /graphql, /healthz and /readyz before the 404: the service board and its sign-in. */
  routes?: Route[];
}

export interface RunningGateway {
  url: string;
  /**
   * Readiness answers 503 at once and no connection is accepted; requests in flight finish within
   * `graceMs` (then their connections are cut); then Apollo stops. Resolves with how many were cut.
   */
  close(graceMs?: number): Promise<{ cut: number }>;
}

/**
 * The federation gateway: @apollo/gateway over the static supergraph inside Apollo Server, with
 * authentication in front, the authorization filter before planning, operation limits, and identity
 * forwarded to subgraphs as a token the gateway signs.
 */
export async function createGateway(options: GatewayOptions) {
  const { log, policy } = options;
  const observer = createRequestObserver(log);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const local = options.inProcess?.[name];
      return measuredDataSource(name, local ? inProcessDataSource(local) : remoteDataSource(name));
    },
  });

  /** A co-located subgraph: its Apollo Server pipeline runs in this process with the caller's identity. */
  function inProcessDataSource(subgraph: InProcessSubgraph): GraphQLDataSource<GatewayContext> {
    return {
      async process(request) {
        // Health checks and schema loading have no caller; the static supergraph needs neither.
        const auth = (request.context as Partial<GatewayContext>).auth;
        if (!auth || typeof request.request.query !== 'string') {
          return { errors: [{ message: 'no caller identity', extensions: { code: ERRORS.UNAUTHENTICATED.code } }] };
        }
        const { query, variables, operationName } = request.request;
        return subgraph.executeInProcess({ query, variables: variables ?? undefined, operationName: operationName ?? undefined }, auth);
      },
    };
  }

  function remoteDataSource(name: string): GraphQLDataSource<GatewayContext> {
    const url = options.subgraphUrls[name];
    if (!url) throw new Error(`subgraph ${name} is neither in this process nor at a URL`);
    return subgraphHttpDataSource<GatewayContext>({
      url,
      headers: async (context, request) => {
        // Health checks and schema loading run without a request context.
        if (!context.auth) return {};
        // One token per fetch, bound to what this fetch asks (a few µs: an HMAC, kernel/identity-token.ts).
        const bound = { query: request.query ?? '', operationName: request.operationName, variables: request.variables };
        const headers: Record<string, string> = {
          [IDENTITY_HEADER]: await signIdentity(
            options.internalKey,
            context.auth,
            context.request,
            name,
            options.internalTtlSeconds,
            bound,
          ),
          // For proxies' access logs only: the subgraph takes the id from the signed token.
          'x-request-id': context.request.requestId,
        };
        // The subgraph's spans join this fetch's (W3C traceparent; nothing when tracing is off).
        sendTraceContext((header, value) => {
          headers[header] = value;
        });
        return headers;
      },
    });
  }

  const masked = maskErrors(log);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: (formatted, error) => shortMessage(masked(formatted, error)),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: !options.introspection,
    // Persisted-query hashes would arrive without a query text for the authorization filter to read.
    persistedQueries: false,
    // The authorization plugin parses, validates and caches documents itself, per permission set.
    documentStore: null,
    // main.ts owns the signals and closes everything in order.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: options.limits.maxTokens },
    plugins: [
      // Apollo's default landing page loads Sandbox from a CDN; the explorer below needs no network.
      ApolloServerPluginLandingPageDisabled(),
      createAuthzPlugin({
        policy,
        audit: options.audit,
        log,
        viewerOf: (context: GatewayContext) => context.viewer,
        parseOptions: { maxTokens: options.limits.maxTokens },
        checks: createOperationChecks({
          limits: options.limits,
          policy,
          ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
        }),
      }),
      // Last: it reports the answer with every error the plugins before it added.
      observer.plugin,
    ],
  });
  const authenticate = createAuthenticator({ verify: options.verify, policy, audit: options.audit, log });

  // Before start: live status learns the API schema from the gateway's first load.
  const { liveStatus } = options;
  const live = liveStatus
    ? createLiveStatus({
        source: liveStatus,
        gateway,
        policy,
        audit: options.audit,
        maxBodyBytes: options.limits.maxBodyBytes,
        authenticate,
      })
    : null;

  await apollo.start();

  const readiness = readinessOf(options);
  const corsFor = createCors(options.cors);
  const explorer = options.explorer ? createExplorer('/graphql') : null;
  let draining = false;
  const merger = options.mergeRequests ? createRequestMerger() : null;

  async function answerReadiness(res: ServerResponse): Promise<void> {
    if (draining) return sendJson(res, 503, { status: 'shutting down' });
    const checks = await readiness();
    // A shutdown that began while the checks ran wins: the load balancer must stop sending.
    if (draining) return sendJson(res, 503, { status: 'shutting down' });
    const ready = Object.values(checks).every(passed);
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  }

  /** What /graphql answers a browser itself, before GraphQL: CORS preflights and the explorer. True when answered. */
  async function answerBrowser(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (corsFor?.(req, res)) return true;
    if (req.method === 'OPTIONS') throw new HttpProblem(403, ERRORS.FORBIDDEN.code, 'cross-origin calls are not allowed from this origin');
    if (!wantsExplorer(req, url)) return false;
    if (!explorer)
      throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'no explorer here (server.explorer in the config); POST GraphQL to /graphql');
    await explorer(req, res);
    return true;
  }

  // Every request gets an id of ours (the caller's x-request-id is kept beside it, never used as it),
  // answered in x-request-id and carried into every log and audit line the request causes.
  const http: Server = createServer((req, res) => {
    const request = newRequestContext(req.headers['x-request-id']);
    res.setHeader('x-request-id', request.requestId);
    void runInRequest(request, async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
        if (url.pathname === '/readyz') return await answerReadiness(res);
        if (url.pathname === '/graphql/stream' && live) return await live(req, res);
        if (url.pathname !== '/graphql') {
          for (const route of options.routes ?? []) if (await route(req, res, url)) return;
          throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'not found: use /graphql');
        }
        if (await answerBrowser(req, res, url)) return;
        // Reported once answered: one log line, its metrics and the root span of its trace.
        await observer.observed(res, request, async (observation) => {
          const context: GatewayContext = { ...(await authenticate(req.headers.authorization)), request, observation };
          observation.viewer(context.auth);
          const body = req.method === 'POST' ? await readBody(req, options.limits.maxBodyBytes) : '';
          if (merger && req.method === 'POST') {
            const run = () => runGraphQL(apollo, req, body, async () => context);
            await writeGraphQLResponse(res, await merger.run(context.viewer, req.headers.accept ?? '', body, run));
          } else await executeGraphQL(apollo, req, res, body, async () => context);
        });
      } catch (error) {
        if (error instanceof HttpProblem) return sendProblem(res, error);
        log.error('gateway request failed', { reason: error instanceof Error ? error.message : String(error) });
        sendProblem(res, new HttpProblem(500, ERRORS.INTERNAL_SERVER_ERROR.code, `unexpected error (request ${request.requestId})`));
      }
    });
  });
  http.keepAliveTimeout = 65_000;

  return {
    async listen(port: number, host: string): Promise<RunningGateway> {
      const listening = await listenGracefully(http, port, host);
      return {
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${listening.port}/graphql`,
        async close(graceMs = 0) {
          draining = true;
          const drained = await listening.drain(graceMs);
          await apollo.stop();
          return drained;
        },
      };
    },
  };
}

/** The gateway's own checks of the subgraphs it calls over HTTP, and the checks it was given. */
function readinessOf(options: GatewayOptions): () => Promise<Record<string, string>> {
  const checks: Record<string, ReadinessCheck> = { ...options.readiness.checks };
  for (const [name, url] of Object.entries(options.subgraphUrls)) {
    if (!options.inProcess?.[name]) checks[`subgraph:${name}`] = subgraphCheck(name, url, options.internalKey);
  }
  return () => runChecks(checks, options.readiness.timeoutMs);
}

/** Longest error message a client gets: a message that quotes a huge argument is cut, never echoed whole. */
const MAX_MESSAGE = 500;

function shortMessage(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return formatted.message.length > MAX_MESSAGE
    ? { ...formatted, message: `${formatted.message.slice(0, MAX_MESSAGE)}… (cut)` }
    : formatted;
}
