import type { Logger } from '../kernel/log.js';
import type { HistoryStore, RecordedChange } from './history.js';

/**
 * Follows the status history as it is written, for live status. Every replica tails the store, the
 * lease holder too: the evaluator runs on the holder only, and with several replicas the store is
 * the shared PostgreSQL, so reading it is the one way every replica learns every transition, in the
 * order it was written. The store is polled (at the evaluator interval: nothing is written faster)
 * only while someone listens.
 */
export interface HistoryTail {
  /** Calls `listener` with each transition written from now on, in write order; returns the unsubscribe. */
  listen(listener: (change: RecordedChange) => void): () => void;
  /** Transitions written after position `seq` (what a reconnecting client missed), in write order. */
  after(seq: number, limit: number): Promise<RecordedChange[]>;
  /** Reads the store now and hands what is new to the listeners (the timer calls it; tests may too). */
  poll(): Promise<void>;
  close(): void;
}

/** How many rows one read takes; a poll reads until it has caught up. */
const PAGE = 500;

export function createHistoryTail(
  store: Pick<HistoryStore, 'changesAfter' | 'lastSeq'>,
  options: { intervalMs: number; log: Logger },
): HistoryTail {
  const listeners = new Set<(change: RecordedChange) => void>();
  // Where the tail stands; read from the store on the first listen, so a listener gets only what follows.
  let position: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  // One read at a time: each starts where the last ended, so nothing is handed out twice.
  let reading: Promise<void> = Promise.resolve();

  const readNew = async () => {
    if (!position || listeners.size === 0) return;
    let seq = await position;
    for (;;) {
      const page = await store.changesAfter(seq, PAGE);
      for (const change of page) {
        seq = change.seq;
        for (const listener of listeners) listener(change);
      }
      // A tail nobody listens to any more restarts from the store's end (listen), not from here.
      if (listeners.size === 0) return;
      position = Promise.resolve(seq);
      if (page.length < PAGE) return;
    }
  };
  const poll = () => {
    reading = reading.then(readNew).catch((error: unknown) => {
      options.log.warn('reading the status history for live status failed', {
        reason: error instanceof Error ? error.message : String(error),
      });
    });
    return reading;
  };

  return {
    listen(listener) {
      position ??= store.lastSeq();
      listeners.add(listener);
      if (!timer) {
        timer = setInterval(() => void poll(), options.intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !timer) return;
        clearInterval(timer);
        timer = null;
        // Nobody listens: the next listener starts from the store's end, not from here.
        position = null;
      };
    },
    after: (seq, limit) => store.changesAfter(seq, limit),
    poll,
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      listeners.clear();
    },
  };
}
