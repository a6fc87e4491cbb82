/**
 * One computation shared by every caller: concurrent callers share the one in flight, and a finished
 * result is reused for `ttlMs` (0: only shared while in flight). A failure is not kept.
 */
export function createSingleFlight<T>(build: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let cached: { settledAt: number | null; promise: Promise<T> } | null = null;
  return () => {
    if (cached && (cached.settledAt === null || now() - cached.settledAt < ttlMs)) return cached.promise;
    const entry: { settledAt: number | null; promise: Promise<T> } = { settledAt: null, promise: build() };
    cached = entry;
    entry.promise.then(
      () => {
        entry.settledAt = now();
      },
      () => {
        if (cached === entry) cached = null;
      },
    );
    return entry.promise;
  };
}
