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

/**
 * How long a request may wait for the tools: every tool call made inside `runWithDeadline` gives up
 * when it passes (connectors/core/http.ts aborts the call and fits its retries inside it), so a slow
 * tool costs a request at most its deadline and the connector serves its last known answer, marked
 * stale. Kept apart from RequestContext, which every log line carries. Wall-clock time: it bounds
 * real waiting, whatever clock the model reads.
 */
export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  /** Aborted when the deadline passes. */
  readonly signal: AbortSignal;
}

const deadlines = new AsyncLocalStorage<Deadline>();

/** The reason a deadline's signal carries: a plain Error, so got reports an abort it does not retry. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`the request's deadline of ${ms} ms passed`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Runs `fn` with a deadline `ms` from now. Inside another deadline the sooner one counts: a part of a
 * request can only shorten what the request may wait, never lengthen it.
 */
export function runWithDeadline<T>(ms: number, fn: () => T): T {
  const outer = deadlines.getStore();
  const at = Date.now() + ms;
  if (outer && outer.at <= at) return deadlines.run(outer, fn);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms)), ms);
  // A deadline never keeps the process alive, and ends with the outer one if that aborts first.
  timer.unref();
  outer?.signal.addEventListener('abort', () => controller.abort(outer.signal.reason), { once: true });
  return deadlines.run({ at, signal: controller.signal }, fn);
}

/** The deadline of the work being done, or undefined when nothing bounds it. */
export function currentDeadline(): Deadline | undefined {
  return deadlines.getStore();
}

/**
 * `work`, unless the deadline passes first: then `late()` is the rejection (work that does not
 * honour the deadline goes on, unwaited). Without a deadline, `work` itself.
 */
export function beforeDeadline<T>(deadline: Deadline | undefined, work: Promise<T>, late: () => Error): Promise<T> {
  if (!deadline) return work;
  const { signal } = deadline;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(late());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Settling an already rejected promise again is a no-op, and work that fails late is not unhandled.
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
