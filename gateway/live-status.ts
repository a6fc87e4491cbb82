import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import { type DocumentNode, type GraphQLSchema, getOperationAST, parse, validate } from 'graphql';
import { createHandler } from 'graphql-sse';
import { buildAnnotationIndex, type AnnotationIndex } from '../authz/annotations.js';
import type { AuditLog } from '../authz/audit.js';
import { filterOperation } from '../authz/operation-filter.js';
import type { PolicyStore } from '../authz/policy.js';
import { coversAll, servicesInScope } from '../authz/scope.js';
import type { Viewer } from '../authz/viewer.js';
import { ERRORS } from '../kernel/errors.js';
import { readBody } from '../kernel/http-server.js';
import type { ServiceInfo, Status } from '../kernel/model.js';

/** A recorded transition of a node (a service or a CI), at its position in the status history. */
export interface LiveChange {
  seq: number;
  nodeId: string;
  at: Date;
  from: Status | null;
  to: Status;
  inMaintenance: boolean;
}

/** What live status reads: the tail of the status history (bsm/history-tail.ts) and the service catalogue. */
export interface LiveStatusSource {
  listen(listener: (change: LiveChange) => void): () => void;
  after(seq: number, limit: number): Promise<LiveChange[]>;
  services(): Promise<ServiceInfo[]>;
}

/** At most this many missed transitions are replayed to a reconnecting client (older ones: query the history). */
const MAX_REPLAY = 1000;

type StreamContext = Record<PropertyKey, unknown> & {
  viewer: Viewer;
  /** The client's Last-Event-ID: replay from there. */
  lastEventId: number | null;
  /** Position of the last change handed to the stream, written as the SSE `id:` of its event. */
  lastSeq: number | null;
};

/**
 * `Subscription.serviceStatusChanged` over GraphQL over Server-Sent Events (graphql-sse, distinct
 * connections mode), beside @apollo/gateway, which runs no subscriptions. The caller is authenticated
 * as on /graphql; the operation is validated against the same API schema and put through the same
 * field filter (authz/operation-filter.ts): a field the viewer's drill level may not read refuses the
 * subscription (a stream has no partial answer to null it in), audited as on /graphql. Only services
 * in the viewer's scope are sent. Every event carries its history position as SSE `id:`, so a client
 * that reconnects with `Last-Event-ID` is first sent what it missed.
 */
export function createLiveStatus(options: {
  source: LiveStatusSource;
  gateway: ApolloGateway;
  policy: PolicyStore;
  audit: AuditLog;
  maxBodyBytes: number;
  authenticate: (header: string | undefined) => Promise<{ viewer: Viewer }>;
}) {
  const { source, policy, audit } = options;
  let schema: GraphQLSchema | undefined;
  let coreSdl: string | undefined;
  // As in the authorization plugin: the supergraph's annotations, the policy's `unannotated` default elsewhere.
  let index: { key: string; value: AnnotationIndex } | undefined;
  options.gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    schema = apiSchema;
    coreSdl = coreSupergraphSdl;
    index = undefined;
  });
  const currentIndex = (sdl: string): AnnotationIndex => {
    const unannotated = policy.current().unannotated;
    const key = `${unannotated.drillLevel}|${unannotated.action ?? ''}`;
    if (index?.key !== key) index = { key, value: buildAnnotationIndex(sdl, unannotated) };
    return index.value;
  };

  /** The transitions of the services the viewer sees, missed ones first, then live, each once. */
  async function changesFor(context: StreamContext): Promise<AsyncIterableIterator<{ serviceStatusChanged: unknown }>> {
    const catalog = await source.services();
    const visible = coversAll(context.viewer.scope)
      ? new Set(catalog.map((s) => s.id))
      : servicesInScope(context.viewer.scope, context.viewer.groups, catalog);
    const names = new Map(catalog.map((s) => [s.id, s.name]));
    const queue: LiveChange[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const unlisten = source.listen((change) => {
      queue.push(change);
      wake?.();
    });
    // Listening before reading what was missed: a change written meanwhile is in both, sent once (by seq).
    if (context.lastEventId !== null) queue.unshift(...(await source.after(context.lastEventId, MAX_REPLAY)));
    let sent = context.lastEventId ?? Number.NEGATIVE_INFINITY;
    const finish = () => {
      done = true;
      unlisten();
      wake?.();
      return Promise.resolve({ done: true as const, value: undefined });
    };
    const iterator: AsyncIterableIterator<{ serviceStatusChanged: unknown }> = {
      [Symbol.asyncIterator]: () => iterator,
      async next() {
        for (;;) {
          if (done) return { done: true as const, value: undefined };
          const change = queue.shift();
          if (!change) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            continue;
          }
          if (change.seq <= sent || !visible.has(change.nodeId)) continue;
          sent = change.seq;
          context.lastSeq = change.seq;
          const value = {
            serviceStatusChanged: {
              id: String(change.seq),
              serviceId: change.nodeId,
              serviceName: names.get(change.nodeId) ?? change.nodeId,
              from: change.from,
              to: change.to,
              at: change.at.toISOString(),
              inMaintenance: change.inMaintenance,
            },
          };
          return { done: false as const, value };
        }
      },
      return: finish,
    };
    return iterator;
  }

  const handler = createHandler<IncomingMessage, StreamContext, StreamContext>({
    onSubscribe: async (req, params) => {
      if (!schema || !coreSdl)
        return [
          JSON.stringify({ errors: [{ message: 'the schema is not loaded yet' }] }),
          { status: 503, statusText: 'Service Unavailable' },
        ];
      const contextValue = req.context;
      const { viewer } = contextValue;
      const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
        [
          JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }),
          { status, statusText: code, headers: { 'content-type': 'application/json' } },
        ] as const;
      let document: DocumentNode;
      try {
        document = parse(params.query);
      } catch (error) {
        return refuse(400, ERRORS.BAD_USER_INPUT.code, error instanceof Error ? error.message : 'syntax error');
      }
      const invalid = validate(schema, document);
      if (invalid.length > 0) return refuse(400, ERRORS.BAD_USER_INPUT.code, invalid.map((e) => e.message).join('; '));
      const operation = getOperationAST(document, params.operationName);
      if (operation?.operation !== 'subscription') {
        return refuse(400, ERRORS.BAD_USER_INPUT.code, 'only subscriptions are served here: POST queries and mutations to /graphql');
      }
      const current = policy.current();
      const filtered = filterOperation(document, schema, currentIndex(coreSdl), viewer);
      if (filtered.denied.length > 0 && !current.dryRun) {
        for (const d of filtered.denied) {
          audit.record({
            who: viewer.id,
            roles: viewer.roles,
            kind: 'denial',
            field: d.field,
            target: d.path.join('.'),
            needs: d.needs,
            result: 'denied',
            at: 'gateway',
          });
        }
        const code = viewer.anonymous ? ERRORS.UNAUTHENTICATED.code : ERRORS.FORBIDDEN.code;
        return refuse(
          403,
          code,
          `Forbidden: ${[...new Set(filtered.denied.map((d) => `${d.field} needs drill level ${d.needs}`))].join('; ')}`,
          {
            denied: filtered.denied.map((d) => ({ path: d.path, field: d.field, requiredLevel: d.needs })),
          },
        );
      }
      return {
        schema,
        document,
        operationName: params.operationName ?? null,
        variableValues: params.variables ?? null,
        contextValue,
        subscribeFieldResolver: (_root: unknown, _args: unknown, ctx: StreamContext) => changesFor(ctx),
      };
    },
  });

  /** Answers one request to the stream route (GET or POST with Accept: text/event-stream). */
  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { viewer } = await options.authenticate(req.headers.authorization);
    const body = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : null;
    const lastEventHeader = req.headers['last-event-id'];
    const lastEventId = typeof lastEventHeader === 'string' && /^\d{1,15}$/.test(lastEventHeader) ? Number(lastEventHeader) : null;
    const stream: StreamContext = { viewer, lastEventId, lastSeq: null };
    const [content, init] = await handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: {
        get: (key) => {
          const header = req.headers[key];
          return Array.isArray(header) ? header.join('\n') : header;
        },
      },
      body,
      raw: req,
      context: stream,
    });
    res.writeHead(init.status ?? 200, init.statusText ?? '', init.headers);
    if (!content || typeof content === 'string') {
      res.end(content ?? undefined);
      return;
    }
    const stop = () => void content.return?.(undefined);
    res.once('close', stop);
    try {
      for await (const message of content) {
        if (!res.writable) break;
        // graphql-sse frames the events but writes no `id:`: the change just handed out is this event's.
        res.write(message.startsWith('event: next') && stream.lastSeq !== null ? `id: ${stream.lastSeq}\n${message}` : message);
      }
    } finally {
      res.off('close', stop);
      res.end();
    }
  };
}
