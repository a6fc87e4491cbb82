import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLDataSource } from '@apollo/gateway';
import { SpanKind } from '@opentelemetry/api';
import { ERRORS } from '../kernel/errors.js';
import { HttpProblem } from '../kernel/http-server.js';
import type { Logger } from '../kernel/log.js';
import { observe, type Outcome, secondsSince } from '../kernel/metrics.js';
import type { RequestAuth } from '../kernel/request.js';
import type { RequestContext } from '../kernel/request-context.js';
import { currentTraceId, inSpan } from '../kernel/tracing.js';

/**
 * What the gateway reports of each GraphQL request, once, when it is answered: one log line
 * (operation, outcome, duration, viewer and roles, request id), its metrics (latency by operation
 * and outcome, errors by code) and its span, the root of the request's trace. A request refused
 * before GraphQL runs (a bad token, a body too large: `handle` throws) is reported the same way, with
 * the refusal's code, and the error goes on to the caller, who answers it.
 */
export interface RequestObservation {
  /** The caller, once authenticated. */
  viewer(auth: RequestAuth): void;
  /** What Apollo answered (the plugin below tells). */
  answered(seen: GraphQLSeen): void;
}

interface GraphQLSeen {
  /** The operation's name, '' when unnamed, null when none was resolved (unparsable, invalid). */
  operation: string | null;
  operationType: string | null;
  /** extensions.code of each error of the answer. */
  codes: string[];
  hasData: boolean;
}

export function createRequestObserver(log: Logger) {
  /** Serves one request to /graphql through `handle` and reports it when answered. */
  function observed(
    res: ServerResponse,
    request: RequestContext,
    handle: (observation: RequestObservation) => Promise<void>,
  ): Promise<void> {
    const startedAt = performance.now();
    // The gateway starts every trace: a caller's traceparent is not trusted, like its x-request-id.
    return inSpan('POST /graphql', { kind: SpanKind.SERVER, root: true, attributes: requestAttributes(request) }, async (span) => {
      let auth: RequestAuth | null = null;
      let refused: HttpProblem | null = null;
      let seen: GraphQLSeen | null = null;
      const observation: RequestObservation = {
        viewer: (a) => {
          auth = a;
        },
        answered: (s) => {
          seen = s;
        },
      };
      try {
        await handle(observation);
      } catch (error) {
        refused = error instanceof HttpProblem ? error : new HttpProblem(500, ERRORS.INTERNAL_SERVER_ERROR.code, 'unexpected error');
        throw error;
      } finally {
        const report = summarize(seen, (refused as HttpProblem | null)?.code ?? null);
        const status = (refused as HttpProblem | null)?.status ?? res.statusCode;
        const seconds = secondsSince(startedAt);
        const viewer = auth as RequestAuth | null;
        observe.graphqlRequest(report.operationLabel, report.outcome, seconds, report.codes);
        span.setAttributes({
          'http.response.status_code': status,
          'servicegraph.outcome': report.outcome,
          ...(report.operation ? { 'graphql.operation.name': report.operation } : {}),
          ...(report.operationType ? { 'graphql.operation.type': report.operationType } : {}),
        });
        if (report.operation) span.updateName(`${report.operationType ?? 'operation'} ${report.operation}`);
        const traceId = currentTraceId();
        log.info('graphql request', {
          operation: report.operation,
          operationType: report.operationType,
          outcome: report.outcome,
          status,
          ms: Math.round(seconds * 10_000) / 10,
          viewer: viewer?.sub ?? null,
          roles: viewer?.roles ?? [],
          ...(report.codes.length > 0 ? { errors: [...new Set(report.codes)] } : {}),
          ...(traceId ? { traceId } : {}),
        });
      }
    });
  }

  /** Reads the operation and the answer's errors from Apollo; last in the plugin list, so it sees every error. */
  const plugin: ApolloServerPlugin<BaseContext & { observation?: RequestObservation }> = {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, operation, response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          contextValue.observation?.answered({
            operation: operation ? (operationName ?? '') : null,
            operationType: operation?.operation ?? null,
            codes: (result?.errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR')),
            hasData: result?.data !== undefined && result.data !== null,
          });
        },
      };
    },
  };

  return { observed, plugin };
}

function requestAttributes(request: RequestContext) {
  return {
    'servicegraph.request_id': request.requestId,
    ...(request.clientRequestId ? { 'servicegraph.client_request_id': request.clientRequestId } : {}),
  };
}

/** Outcome and labels of one answered request. An unnamed operation is `(anonymous)`; none resolved, `(none)`. */
function summarize(seen: GraphQLSeen | null, refused: string | null) {
  const codes = seen?.codes ?? (refused ? [refused] : []);
  const outcome: Outcome = codes.length === 0 ? 'success' : seen?.hasData ? 'partial' : 'error';
  const operation = seen?.operation || null;
  const operationLabel = seen?.operation === '' ? '(anonymous)' : (operation ?? '(none)');
  return { outcome, codes, operation, operationType: seen?.operationType ?? null, operationLabel };
}

/** A data source whose fetches are timed per subgraph (the span of each fetch is @apollo/gateway's gateway.fetch). */
// biome-ignore lint/suspicious/noExplicitAny: @apollo/gateway's own bound for a data source's context
export function measuredDataSource<TContext extends Record<string, any>>(
  subgraph: string,
  source: GraphQLDataSource<TContext>,
): GraphQLDataSource<TContext> {
  return {
    async process(options) {
      const startedAt = performance.now();
      try {
        const response = await source.process(options);
        const failed = (response.errors?.length ?? 0) > 0;
        observe.subgraphFetch(subgraph, !failed ? 'success' : response.data ? 'partial' : 'error', secondsSince(startedAt));
        return response;
      } catch (error) {
        observe.subgraphFetch(subgraph, 'error', secondsSince(startedAt));
        throw error;
      }
    },
  };
}
