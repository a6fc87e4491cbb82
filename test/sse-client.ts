import type { Status } from '../kernel/model.js';

/**
 * A GraphQL-over-SSE client for the gateway's /graphql/stream (distinct connections mode), for tests:
 * it reads events as they arrive and lets a test wait for one.
 */

export const SUBSCRIPTION = 'subscription { serviceStatusChanged { id serviceId serviceName from to at } }';

export interface StreamEvent {
  id: string | null;
  event: string;
  data: { data?: { serviceStatusChanged: { id: string; serviceId: string; to: Status; from: Status | null } }; errors?: unknown[] };
}

/** A GraphQL-over-SSE subscriber (distinct connections mode), reading events as they arrive. */
export async function subscribe(url: string, options: { token?: string; query?: string; lastEventId?: string } = {}) {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    body: JSON.stringify({ query: options.query ?? SUBSCRIPTION }),
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  const waiters: (() => void)[] = [];
  const reading = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map(
            block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.has('event')) {
            const data = fields.get('data');
            events.push({ id: fields.get('id') ?? null, event: fields.get('event') as string, data: data ? JSON.parse(data) : {} });
            for (const wake of waiters.splice(0)) wake();
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  /** Resolves with the first event that matches, waiting for it as long as the test's timeout allows. */
  const next = async (match: (e: StreamEvent) => boolean): Promise<StreamEvent> => {
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    res,
    events,
    next,
    async close() {
      controller.abort();
      await reading;
    },
  };
}
