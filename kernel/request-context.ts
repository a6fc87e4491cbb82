import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * Which request a log or audit line belongs to. The gateway assigns `requestId` to every request it
 * receives; a caller's own `x-request-id` is kept beside it as `clientRequestId` and never used as the
 * id, since callers choose it (two of them could send the same one).
 */
export interface RequestContext {
  readonly requestId: string;
  readonly clientRequestId?: string;
}

/** What a caller may send as its own request id: anything else is dropped rather than logged. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

const storage = new AsyncLocalStorage<RequestContext>();

/** A new request: a random id of ours, and the caller's id if it is well-formed. */
export function newRequestContext(clientRequestId?: unknown): RequestContext {
  const requestId = randomUUID();
  return typeof clientRequestId === 'string' && CLIENT_REQUEST_ID.test(clientRequestId) ? { requestId, clientRequestId } : { requestId };
}

/**
 * Runs `fn` as part of `context`: everything it starts, awaits or schedules (resolvers, DataLoader
 * batches, tool calls, audit records) sees the same context, and a concurrent request sees its own.
 * Work shared between requests (a cached or single-flight tool read) belongs to the request that
 * started it.
 */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request being served, or undefined outside any (start-up, timers started at start-up). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
