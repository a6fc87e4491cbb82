import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { applyMiddleware } from 'graphql-middleware';
import type { FormattedExecutionResult } from 'graphql';
import { createShield } from '../../authz/shield.js';
import type { AuditLog } from '../../authz/audit.js';
import type { PolicyStore } from '../../authz/policy.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/log.js';
import type { ScopeSource } from '../../bsm/directory.js';
import { subgraphSdl } from '../../schema/subgraphs.js';
import {
  executeGraphQL,
  HttpProblem,
  type Listening,
  listenGracefully,
  readBody,
  sendJson,
  sendProblem,
} from '../../kernel/http-server.js';
import { notConfiguredPlugin } from './not-configured.js';
import { partialErrorsPlugin } from './partial-errors.js';
import { IDENTITY_HEADER, verifyIdentity, type BoundRequest } from '../../kernel/identity-token.js';
import type { BaseContext, SubgraphModule } from './module.js';
import type { RequestAuth } from '../../kernel/request.js';
import { newRequestContext, runInRequest, runWithDeadline, type RequestContext } from '../../kernel/request-context.js';
import { maskErrors } from '../../kernel/mask-errors.js';
import { callerTraceContext, inSpan } from '../../kernel/tracing.js';
import { SpanKind } from '@opentelemetry/api';
import { buildScopedSchema } from './schema.js';

/** One subgraph operation as the gateway sends it. */
export interface SubgraphRequest {
  query: string;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}

export interface SubgraphServer {
  readonly name: string;
  /** Resolves to http://host:port/graphql. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Runs an operation in this process for a gateway in the same process: the same schema, shield,
   * context, error masking and partial errors as over HTTP, without the HTTP hop. The identity is
   * the gateway's own (no token to check: nothing crosses a process boundary), and so is the request
   * context: the call runs inside the gateway's request.
   */
  executeInProcess(request: SubgraphRequest, auth: RequestAuth): Promise<FormattedExecutionResult>;
  close(): Promise<void>;
}

export interface SubgraphServerOptions {
  policy: PolicyStore;
  log: Logger;
  /** The gateway's signing key for identity tokens. */
  internalKey: Uint8Array;
  maxBodyBytes: number;
  audit: AuditLog;
  /** The service directory every request's scope reads. */
  directory: ScopeSource;
  /**
   * How long a query may wait for the tools (kernel/request-context.ts): then their last known
   * state, marked stale. A mutation has none: cutting a write short would not undo it, so it waits
   * for its tool's own timeout.
   */
  deadlineMs: number;
  /** On close: how long requests in flight may take before their connections are cut (server.shutdownGraceMs). */
  shutdownGraceMs: number;
}

/** Whether a document may hold a mutation: the keyword is the only way to write one (a false "yes" only waits longer). */
const mayWrite = (query: string) => /\bmutation\b/.test(query);
/** The parts of a subgraph request body its identity token is bound to; null when it is no single request. */
function boundRequest(body: string): BoundRequest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { query, operationName, variables } = parsed as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  return {
    query,
    operationName: typeof operationName === 'string' ? operationName : null,
    variables: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : null,
  };
}

/**
 * Serves one subgraph over HTTP. Every request must carry the gateway-signed identity token for this
 * subgraph; graphql-shield rules generated from the SDL's @drill/@action annotations guard every field.
 * Each request runs in the gateway's request context, whose ids the token carries.
 */
export async function createSubgraphServer<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  options: SubgraphServerOptions,
): Promise<SubgraphServer> {
  const { policy, internalKey } = options;
  const log = options.log.child({ subgraph: module.name });
  const scoped = buildScopedSchema(module, options.directory);
  // The shield is outermost: a field the viewer may not read is refused before it is resolved.
  const schema = applyMiddleware(
    scoped.schema,
    createShield(subgraphSdl(module.name), policy, { log, audit: options.audit, subgraph: module.name }),
  );
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: maskErrors(log),
    includeStacktraceInErrorResponses: false,
    // Only the gateway reaches a subgraph, and it needs `_service { sdl }` for nothing: the supergraph is static.
    introspection: false,
    // main.ts owns the signals and closes everything in order.
    stopOnTerminationSignals: false,
    // Tools that fail inside a merged list report through the context (see partial-errors.ts);
    // federated tracing is for Apollo's hosted studio, which servicegraph does not use.
    plugins: [
      partialErrorsPlugin as never,
      ApolloServerPluginInlineTraceDisabled(),
      ...(module.unconfigured ? [notConfiguredPlugin(module.unconfigured)] : []),
    ],
  });
  await apollo.start();
  await module.start?.();

  const contextFor = (auth: RequestAuth) => {
    const viewer = policy.viewerFor({ sub: auth.sub === 'anonymous' ? null : auth.sub, roles: auth.roles, groups: auth.groups });
    const audit = (event: Parameters<BaseContext['audit']>[0]) =>
      options.audit.record({ ...event, who: auth.sub, roles: auth.roles, at: module.name });
    return module.createContext(scoped.baseContext({ auth, viewer, log, audit }, { dryRun: policy.current().dryRun }));
  };

  /** A request refused before it is read as GraphQL: audited (under a request id of its own) and answered 401. */
  const refuse = (reason: string, message: string): never => {
    runInRequest(newRequestContext(), () =>
      options.audit.record({ who: 'unknown', kind: 'authentication', result: 'denied', reason, at: module.name }),
    );
    throw new HttpProblem(401, ERRORS.UNAUTHENTICATED.code, message);
  };

  const http: Server = createServer((req, res) => {
    void (async () => {
      let request: RequestContext | undefined;
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        // Alive and listening (no token: probes come from the kubelet, and it tells nothing but that).
        if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
        if (url.pathname !== '/graphql') throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'not found');
        if (req.method !== 'POST') throw new HttpProblem(405, ERRORS.BAD_USER_INPUT.code, 'use POST');
        const token = req.headers[IDENTITY_HEADER];
        if (typeof token !== 'string' || token.length === 0) refuse('no identity token', 'subgraphs accept requests from the gateway only');
        // The token is bound to the request it was made for: read the body before believing it.
        const body = await readBody(req, options.maxBodyBytes);
        const received = boundRequest(body);
        if (!received) throw new HttpProblem(400, ERRORS.BAD_USER_INPUT.code, 'the body must be one JSON GraphQL request with a query');
        const verified = await verifyIdentity(internalKey, token as string, module.name, received).catch((error: unknown) =>
          refuse(error instanceof Error ? error.message : 'invalid', 'invalid gateway identity token'),
        );
        request = verified.request;
        // A span of the gateway's trace (its traceparent, trusted once the identity token is): tool calls nest below.
        const attributes = { 'servicegraph.request_id': request.requestId };
        await inSpan(
          `subgraph ${module.name}`,
          { kind: SpanKind.SERVER, attributes },
          () =>
            runInRequest(verified.request, async () => {
              // What the gateway asked for, at debug level: the proof that filtered fields never reach a subgraph.
              log.debug('subgraph operation', { body: body.slice(0, 4000) });
              const execute = () => executeGraphQL(apollo, req, res, body, async () => contextFor(verified.auth));
              await (mayWrite(body) ? execute() : runWithDeadline(options.deadlineMs, execute));
            }),
          callerTraceContext(req.headers),
        );
      } catch (error) {
        if (error instanceof HttpProblem) return sendProblem(res, error);
        // The gateway's request once the token is read, else one of this subgraph's own.
        const failed = request ?? newRequestContext();
        runInRequest(failed, () =>
          log.error('subgraph request failed', { reason: error instanceof Error ? error.message : String(error) }),
        );
        sendProblem(res, new HttpProblem(500, ERRORS.INTERNAL_SERVER_ERROR.code, `unexpected error (request ${failed.requestId})`));
      }
    })();
  });
  http.keepAliveTimeout = 65_000;
  let listening: Listening | undefined;

  return {
    name: module.name,
    async listen(port, host) {
      listening = await listenGracefully(http, port, host);
      return `http://${host}:${listening.port}/graphql`;
    },
    async executeInProcess(request, auth) {
      log.debug('subgraph operation', { body: JSON.stringify(request).slice(0, 4000) });
      const contextValue = await contextFor(auth);
      const operation = {
        query: request.query,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.operationName ? { operationName: request.operationName } : {}),
      };
      const execute = () => apollo.executeOperation(operation, { contextValue });
      const response = await (mayWrite(request.query) ? execute() : runWithDeadline(options.deadlineMs, execute));
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used between gateway and subgraphs');
      return response.body.singleResult;
    },
    async close() {
      // Requests in flight finish (the gateway's last ones included) before the tools they use close.
      const { cut } = listening ? await listening.drain(options.shutdownGraceMs) : { cut: 0 };
      if (cut > 0) log.warn('requests cut at shutdown', { cut });
      await module.stop?.();
      await apollo.stop();
    },
  };
}
