import { Keyv } from 'keyv';
import type { Logger } from '../../kernel/log.js';
import { observe } from '../../kernel/metrics.js';

/**
 * Read-through cache with stale-if-error and single-flight, in front of a tool.
 * - Fresh for `ttlMs`: served without calling the tool.
 * - Older: the tool is called; if it fails and an entry younger than `staleMs` exists, that entry is
 *   served marked stale (a partial view beats none), else the error propagates.
 * - Concurrent misses for one key share one upstream call, so a dashboard hitting 50 services
 *   costs one call per tool, not 50.
 * Each read is counted in /metrics under the cache's namespace (the connector instance's name).
 */
interface Entry<T> {
  value: T;
  fetchedAt: number;
}

export interface Cached<T> {
  value: T;
  stale: boolean;
  /** When the tool gave this value (epoch ms): how fresh an answer is, for `asOf`. */
  fetchedAt: number;
}

export function createCache(namespace: string, log: Logger): Keyv {
  const cache = new Keyv({ namespace });
  // Keyv throws on an unhandled 'error' event; a broken cache store must degrade to "miss", not crash.
  cache.on('error', (error: unknown) => log.warn('cache error', { namespace, reason: String(error) }));
  return cache;
}

export function createCachedReader(cache: Keyv, now: () => number = Date.now) {
  const inFlight = new Map<string, Promise<Cached<unknown>>>();
  const connector = cache.namespace ?? 'default';
  async function cachedRead<T>(key: string, ttlMs: number, staleMs: number, fetch: () => Promise<T>): Promise<Cached<T>> {
    const entry = (await cache.get(key)) as Entry<T> | undefined;
    if (entry && now() - entry.fetchedAt < ttlMs) {
      observe.cacheRead(connector, 'hit');
      return { value: entry.value, stale: false, fetchedAt: entry.fetchedAt };
    }
    const pending = inFlight.get(key) as Promise<Cached<T>> | undefined;
    if (pending) {
      observe.cacheRead(connector, 'shared');
      return pending;
    }
    const load = (async (): Promise<Cached<T>> => {
      try {
        const value = await fetch();
        const fetchedAt = now();
        await cache.set(key, { value, fetchedAt } satisfies Entry<T>, ttlMs + staleMs);
        observe.cacheRead(connector, 'miss');
        return { value, stale: false, fetchedAt };
      } catch (error) {
        const usable = entry && now() - entry.fetchedAt < ttlMs + staleMs;
        observe.cacheRead(connector, usable ? 'stale' : 'error');
        if (usable) return { value: entry.value, stale: true, fetchedAt: entry.fetchedAt };
        throw error;
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, load);
    return load;
  }
  /**
   * Rewrites a cached value in place, keeping its age: after a write whose effect is known, the
   * cached copy shows it, and a tool failure right after serves that copy (stale) rather than an
   * error. No entry: nothing to do. A read in flight may carry data from before the write, so the
   * change waits for it and applies on top: `change` must be idempotent.
   */
  async function update<T>(key: string, change: (value: T) => T): Promise<void> {
    await inFlight.get(key)?.catch(() => undefined);
    const raw = await cache.getRaw<Entry<T>>(key);
    if (!raw?.value) return;
    // keyv keeps the expiry on its own clock: the rewritten entry expires when the old one would have.
    const left = raw.expires ? raw.expires - Date.now() : undefined;
    if (left !== undefined && left <= 0) return;
    await cache.set(key, { value: change(raw.value.value), fetchedAt: raw.value.fetchedAt } satisfies Entry<T>, left);
  }
  return Object.assign(cachedRead, { update });
}
