import { createRequire } from 'node:module';
import { Keyv } from 'keyv';
import type { Logger } from '../../kernel/log.js';
import { observe } from '../../kernel/metrics.js';

/**
 * Read-through cache with stale-if-error and single-flight, in front of a tool.
 * - Fresh for `ttlMs`: served without calling the tool.
 * - Older: the tool is called; if it fails and an entry younger than `staleMs` exists, that entry is
 *   served marked stale (a partial view beats none), else the error propagates.
 * - Concurrent misses for one key share one upstream call, so a dashboard hitting 50 services
 *   costs one call per tool, not 50. On a shared store (Redis) this holds across replicas too: the
 *   first to miss takes a short lock on the key, the others wait for its entry, so N replicas call
 *   a tool once per TTL, not N times.
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

const require = createRequire(import.meta.url);
/** Loaded when a Redis is configured: the embedded default never pays its load time (about half a second). */
const loadRedis = (): typeof import('@keyv/redis') => require('@keyv/redis') as typeof import('@keyv/redis');

/** A lock per cache key shared by every replica; `null` from `acquire` means another holds it. */
interface KeyLock {
  acquire(key: string): Promise<(() => Promise<void>) | null>;
  isLocked(key: string): Promise<boolean>;
}

/**
 * The keyvs that live in a shared store carry that store's key lock. Kept beside the Keyv (not in
 * ConnectorDeps) so every connector gets cross-replica single-flight from `createCachedReader` alone.
 */
const locks = new WeakMap<Keyv, KeyLock>();

/** Where the connectors' caches live: this process's memory, or Redis shared by every replica. */
export interface CacheStore {
  /** One keyv per connector instance, namespaced by its name. */
  forConnector(namespace: string): Keyv;
  /** Throws when the shared store is unreachable (for /readyz); the memory store always answers. */
  healthCheck(): Promise<void>;
  /**
   * Settles once the shared store is first connected (or after a grace period without it); reads
   * made before wait for it, each for at most a command timeout.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisCacheOptions {
  url: string;
  /**
   * How long a replica that misses may keep the others waiting for its answer before they call the
   * tool themselves (it died, or the tool is that slow). @default 10000
   */
  lockMs?: number;
}

/**
 * The clock a cache measures freshness with, kept beside the Keyv (as its lock is) so that every
 * connector's reader uses it from `createCachedReader(deps.cache)` alone: a test that drives the
 * composition root's clock expires every connector's cache at once (their stale-if-error windows
 * included), without sleeping.
 */
const clocks = new WeakMap<Keyv, () => number>();

/** `now`: the clock its entries age by (epoch ms). */
function prepared(cache: Keyv, namespace: string, log: Logger, now: (() => number) | undefined): Keyv {
  // Keyv throws on an unhandled 'error' event; a broken cache store must degrade to "miss", not crash.
  cache.on('error', (error: unknown) => log.warn('cache error', { namespace, reason: String(error) }));
  if (now) clocks.set(cache, now);
  return cache;
}

/** One process's memory (the embedded default and tests). `now`: its clock. @default Date.now */
export function createCache(namespace: string, log: Logger, now?: () => number): Keyv {
  return prepared(new Keyv({ namespace }), namespace, log, now);
}

/**
 * Connects to Redis in the background: a start without Redis goes on, serving from the tools (every
 * read a miss) and reconnecting until it is back. `now`: the clock of every cache it makes.
 */
export function createCacheStore(options: { redis?: RedisCacheOptions | undefined }, log: Logger, now?: () => number): CacheStore {
  if (!options.redis) {
    const done = async () => {};
    return { forConnector: (namespace) => createCache(namespace, log, now), healthCheck: done, ready: done, close: done };
  }
  const { url } = options.redis;
  const lockMs = options.redis.lockMs ?? 10_000;
  const client = redisClient(url, log);
  const connecting = client.connect().catch(() => undefined);
  // Fail fast from the first connection on, or as soon as Redis is known absent (refused, no such
  // host), or once a start without it has waited long enough; a slow connect is waited for.
  let settle: () => void = () => {};
  const onAbsent = (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND') settle();
  };
  const ready = new Promise<void>((resolve) => {
    settle = resolve;
    client.once('ready', resolve);
    client.on('error', onAbsent);
    setTimeout(resolve, STARTUP_GRACE_MS).unref();
  }).then(() => {
    client.off('error', onAbsent);
    client.options.disableOfflineQueue = true;
  });
  return {
    forConnector(namespace) {
      // @keyv/redis types its client parameter for RESP 2 and 3 at once, which no created client matches.
      const KeyvRedis = loadRedis().default;
      const store = new KeyvRedis(client as unknown as ConstructorParameters<typeof KeyvRedis>[0], {
        namespace,
        throwOnConnectError: false,
      });
      const cache = prepared(new Keyv({ store, namespace }), namespace, log, now);
      locks.set(cache, redisKeyLock(client, `${namespace}::lock::`, lockMs));
      return cache;
    },
    async healthCheck() {
      await client.ping();
    },
    ready: () => ready,
    async close() {
      // A client still trying to reach Redis is stopped, not waited for.
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
      await connecting;
    },
  };
}

// Generous: a replica starting on a loaded machine blocks its event loop for seconds while it loads.
const CONNECT_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 2000;
const STARTUP_GRACE_MS = 10_000;

function redisClient(url: string, log: Logger) {
  const client = loadRedis().createClient({
    url,
    // Until the first connection (or STARTUP_GRACE_MS), commands wait for it, so a replica just
    // started shares the cache at once; after, they fail at once while Redis is away (a miss: the
    // tool is read) instead of queueing.
    disableOfflineQueue: false,
    // The backstop: a Redis that accepts but never answers costs a read this much, not for ever.
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  });
  // The URL may hold a password: only the reason is logged.
  client.on('error', (error: Error) => log.warn('redis cache unavailable', { reason: error.message }));
  // Every connector's KeyvRedis adds its listeners to this one client: more than Node's warning threshold of 10.
  client.setMaxListeners(0);
  return client;
}
type RedisClient = ReturnType<typeof redisClient>;

// Deletes the lock only if it is still ours: a holder slower than lockMs must not free a successor's lock.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function redisKeyLock(client: RedisClient, prefix: string, lockMs: number): KeyLock {
  let counter = 0;
  const owner = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  return {
    async acquire(key) {
      const token = `${owner}:${++counter}`;
      const ok = await client.set(prefix + key, token, { condition: 'NX', expiration: { type: 'PX', value: lockMs } });
      if (ok !== 'OK') return null;
      return async () => {
        await client.eval(RELEASE, { keys: [prefix + key], arguments: [token] });
      };
    },
    async isLocked(key) {
      return (await client.exists(prefix + key)) === 1;
    },
  };
}

export interface CachedReaderOptions {
  now?: () => number;
  /** How a replica waits between looks at a key another replica is fetching. @default 50 ms timer */
  pause?: () => Promise<void>;
}

const pause50 = () => new Promise<void>((resolve) => setTimeout(resolve, 50));

/** `cachedRead(key, ttlMs, staleMs, fetch)`, as createCachedReader makes it. */
export type CachedReader = ReturnType<typeof createCachedReader>;

export function createCachedReader(cache: Keyv, options: CachedReaderOptions = {}) {
  const { now = clocks.get(cache) ?? Date.now, pause = pause50 } = options;
  const lock = locks.get(cache);
  const inFlight = new Map<string, Promise<Cached<unknown>>>();
  const connector = cache.namespace ?? 'default';

  const read = async <T>(key: string) => (await cache.get(key)) as Entry<T> | undefined;
  const isFresh = (entry: Entry<unknown>, ttlMs: number) => now() - entry.fetchedAt < ttlMs;

  /** Another replica is fetching the key: its entry, once written, or undefined when it gave up or died. */
  async function awaitOther<T>(key: string, ttlMs: number): Promise<Entry<T> | undefined> {
    for (;;) {
      await pause();
      const entry = await read<T>(key);
      if (entry && isFresh(entry, ttlMs)) return entry;
      if (!(await lock?.isLocked(key).catch(() => false))) return undefined;
    }
  }

  async function cachedRead<T>(key: string, ttlMs: number, staleMs: number, fetch: () => Promise<T>): Promise<Cached<T>> {
    const entry = await read<T>(key);
    if (entry && isFresh(entry, ttlMs)) {
      observe.cacheRead(connector, 'hit');
      return { value: entry.value, stale: false, fetchedAt: entry.fetchedAt };
    }
    const pending = inFlight.get(key) as Promise<Cached<T>> | undefined;
    if (pending) {
      observe.cacheRead(connector, 'shared');
      return pending;
    }
    const load = (async (): Promise<Cached<T>> => {
      let release: (() => Promise<void>) | null = null;
      try {
        if (lock) {
          // A broken Redis must not stop reads: without the lock this replica reads the tool itself.
          release = await lock.acquire(key).catch(() => async () => {});
          if (!release) {
            const theirs = await awaitOther<T>(key, ttlMs);
            if (theirs) {
              observe.cacheRead(connector, 'shared');
              return { value: theirs.value, stale: false, fetchedAt: theirs.fetchedAt };
            }
            // The other replica failed or died: this one reads the tool (holding the lock if it is free).
            release = await lock.acquire(key).catch(() => null);
          }
        }
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
        await release?.().catch(() => undefined);
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
