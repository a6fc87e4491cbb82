import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createAuthzPlugin } from '../authz/gateway-plugin.js';
import type { AuditLog } from '../authz/audit.js';
import type { PolicyStore } from '../authz/policy.js';
import type { Viewer } from '../authz/viewer.js';
import { ERRORS } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import type { SubgraphName } from '../schema/subgraphs.js';
import { executeGraphQL, HttpProblem, readBody, sendJson, sendProblem } from '../kernel/http-server.js';
import { IDENTITY_HEADER, signIdentity } from '../kernel/identity-token.js';
import type { FormattedExecutionResult } from 'graphql';
import type { Identity } from './identity.js';
import { limitsPlugin } from './limits.js';
import type { RequestAuth } from '../kernel/request.js';
import { newRequestContext, runInRequest, type RequestContext } from '../kernel/request-context.js';
import { maskErrors } from '../kernel/mask-errors.js';
import { sendTraceContext } from '../kernel/tracing.js';
import { createRequestObserver, measuredDataSource, type RequestObservation } from './request-observer.js';

export interface GatewayContext {
  viewer: Viewer;
  auth: RequestAuth;
  /** The ids this request's log and audit lines carry, signed into the subgraphs' identity tokens. */
  request: RequestContext;
  /** One identity token per subgraph per request, signed on first use. */
  identityTokens: Map<string, Promise<string>>;
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
  subgraphUrls: Record<SubgraphName, string>;
  /** Subgraphs running in this process, called without an HTTP hop (the rest over HTTP). */
  inProcess?: Partial<Record<SubgraphName, InProcessSubgraph>>;
  policy: PolicyStore;
  verify: (token: string) => Promise<Identity>;
  internalKey: Uint8Array;
  internalTtlSeconds: number;
  limits: { maxBodyBytes: number; maxDepth: number; maxTokens: number; maxAliases: number };
  introspection: boolean;
  audit: AuditLog;
  log: Logger;
  /** /readyz: subgraphs and required tools reachable. */
  readiness: () => Promise<Record<string, 'ok' | string>>;
}

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
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
      const local = options.inProcess?.[name as SubgraphName];
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
    return new RemoteGraphQLDataSource<GatewayContext>({
      url: options.subgraphUrls[name as SubgraphName],
      willSendRequest: async ({ request, context }) => {
        // Health checks and schema loading run without a request context.
        if (!context.auth) return;
        let token = context.identityTokens.get(name);
        if (!token) {
          token = signIdentity(options.internalKey, context.auth, context.request, name, options.internalTtlSeconds);
          context.identityTokens.set(name, token);
        }
        request.http?.headers.set(IDENTITY_HEADER, await token);
        // For proxies' access logs only: the subgraph takes the id from the signed token.
        request.http?.headers.set('x-request-id', context.request.requestId);
        // The subgraph's spans join this fetch's (W3C traceparent; nothing when tracing is off).
        sendTraceContext((header, value) => request.http?.headers.set(header, value));
      },
    });
  }

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskErrors(log),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: !options.introspection,
    // Persisted-query hashes would arrive without a query text for the authorization filter to read.
    persistedQueries: false,
    // main.ts owns the signals and closes everything in order.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: options.limits.maxTokens },
    plugins: [
      createAuthzPlugin({
        policy,
        audit: options.audit,
        log,
        viewerOf: (context: GatewayContext) => context.viewer,
      }),
      limitsPlugin(options.limits),
      // Last: it reports the answer with every error the plugins before it added.
      observer.plugin,
    ],
  });
  await apollo.start();

  async function authenticate(header: string | undefined, request: RequestContext): Promise<Omit<GatewayContext, 'observation'>> {
    let auth: RequestAuth = { sub: 'anonymous', roles: [], groups: [] };
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new HttpProblem(401, ERRORS.UNAUTHENTICATED.code, 'Authorization header must be "Bearer <token>"');
      const identity = await options.verify(match[1]).catch((error: unknown) => {
        log.info('token rejected', { reason: error instanceof Error ? error.message : 'invalid' });
        throw new HttpProblem(401, ERRORS.UNAUTHENTICATED.code, 'invalid or expired token');
      });
      auth = { sub: identity.sub, roles: identity.roles, groups: identity.groups };
    }
    const viewer = policy.viewerFor({ sub: auth.sub === 'anonymous' ? null : auth.sub, roles: auth.roles, groups: auth.groups });
    return { viewer, auth, request, identityTokens: new Map() };
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
        if (url.pathname === '/readyz') {
          const checks = await options.readiness();
          const ready = Object.values(checks).every((v) => v === 'ok');
          return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
        }
        if (url.pathname !== '/graphql') throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'not found: use /graphql');
        // Reported once answered: one log line, its metrics and the root span of its trace.
        await observer.observed(res, request, async (observation) => {
          const context: GatewayContext = { ...(await authenticate(req.headers.authorization, request)), observation };
          observation.viewer(context.auth);
          const body = req.method === 'POST' ? await readBody(req, options.limits.maxBodyBytes) : '';
          await executeGraphQL(apollo, req, res, body, async () => context);
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
    listen: (port: number, host: string) =>
      new Promise<RunningGateway>((resolveListen, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const { port: bound } = http.address() as AddressInfo;
          resolveListen({
            url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}/graphql`,
            close: async () => {
              await new Promise<void>((done) => {
                http.close(() => done());
                http.closeAllConnections();
              });
              await apollo.stop();
            },
          });
        });
      }),
  };
}
