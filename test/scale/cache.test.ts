import { describe, expect, it } from 'vitest';
import { createCachedReader, createCacheStore, type CacheStore } from '../../connectors/core/cache.js';
import { silentLogger } from '../../kernel/log.js';
import { noRedis, type OnTestFinished, REDIS_URL, unique } from './support.js';

/**
 * One suite, two stores (as @keyv/test-suite does): the connectors' cache in this process's memory
 * and in Redis gives every connector the same guarantees. Then what only a shared store can give:
 * N replicas call a tool once per TTL, not N times.
 */

type MakeStore = (onTestFinished: OnTestFinished, options?: { lockMs?: number }) => Promise<CacheStore>;

const memory: MakeStore = async () => createCacheStore({}, silentLogger);
const redis: MakeStore = async (onTestFinished, options) => {
  const store = createCacheStore({ redis: { url: REDIS_URL ?? '', ...options } }, silentLogger);
  onTestFinished(() => store.close());
  await store.ready();
  return store;
};

const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

// Long TTLs with an injected clock: the store's own expiry (Redis PX) never decides a test.
const TTL = 60_000;
const STALE = 600_000;

function defineCacheSuite(name: string, make: MakeStore, skip: boolean) {
  describe.skipIf(skip)(`connector cache: ${name}`, () => {
    it('serves fresh entries, shares one call between concurrent misses, serves stale on error, then fails', async ({ onTestFinished }) => {
      let now = 0;
      let calls = 0;
      let fail = false;
      const read = createCachedReader((await make(onTestFinished)).forConnector(unique('ns')), { now: () => now });
      const fetch = async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return { calls };
      };
      const both = await Promise.all([read('k', TTL, STALE, fetch), read('k', TTL, STALE, fetch)]);
      expect(both).toEqual([
        { value: { calls: 1 }, stale: false, fetchedAt: expect.any(Number) },
        { value: { calls: 1 }, stale: false, fetchedAt: expect.any(Number) },
      ]);
      expect(await read('k', TTL, STALE, fetch)).toEqual({ value: { calls: 1 }, stale: false, fetchedAt: expect.any(Number) });
      expect(calls).toBe(1);
      now = TTL + 1;
      fail = true;
      expect(await read('k', TTL, STALE, fetch)).toEqual({ value: { calls: 1 }, stale: true, fetchedAt: expect.any(Number) });
      now = TTL + STALE + 1;
      await expect(read('k', TTL, STALE, fetch)).rejects.toThrow('down');
    });

    it('keeps connectors apart and gives back what was stored, as JSON', async ({ onTestFinished }) => {
      const store = await make(onTestFinished);
      const [a, b] = [unique('a'), unique('b')].map((ns) => createCachedReader(store.forConnector(ns)));
      const value = { alerts: [{ id: 'x:1', labels: { ci: ':colon' }, acknowledgedBy: null }], at: '2026-11-27T09:12:00.000Z' };
      expect(await a?.('snapshot', TTL, STALE, async () => value)).toEqual({ value, stale: false, fetchedAt: expect.any(Number) });
      expect(await b?.('snapshot', TTL, STALE, async () => 'other')).toEqual({
        value: 'other',
        stale: false,
        fetchedAt: expect.any(Number),
      });
      expect(await a?.('snapshot', TTL, STALE, async () => 'never')).toEqual({ value, stale: false, fetchedAt: expect.any(Number) });
    });

    it('answers its health check', async ({ onTestFinished }) => {
      await expect((await make(onTestFinished)).healthCheck()).resolves.toBeUndefined();
    });
  });
}

defineCacheSuite('memory', memory, false);
defineCacheSuite('redis', redis, noRedis);

describe.skipIf(noRedis)('connector cache shared by replicas (redis)', () => {
  it('two replicas that miss together call the tool once: the second waits for the first one’s answer', async ({ onTestFinished }) => {
    const ns = unique('ns');
    const [one, two] = await Promise.all([redis(onTestFinished), redis(onTestFinished)]);
    let calls = 0;
    const gate = deferred();
    const oneFetching = deferred();
    const twoWaiting = deferred();
    const readOne = createCachedReader(one.forConnector(ns));
    const fromOne = readOne('alerts', TTL, STALE, async () => {
      calls += 1;
      oneFetching.resolve();
      await gate.promise;
      return 'from one';
    });
    await oneFetching.promise;
    // Replica two looks again only once replica one has answered: no timer decides the order.
    const readTwo = createCachedReader(two.forConnector(ns), {
      pause: async () => {
        twoWaiting.resolve();
        await fromOne;
      },
    });
    const fromTwo = readTwo('alerts', TTL, STALE, async () => {
      calls += 1;
      return 'from two';
    });
    // (A replica that did not wait would call the tool here: the race lets the test fail instead of hang.)
    await Promise.race([twoWaiting.promise, fromTwo]);
    gate.resolve();
    expect(await fromOne).toEqual({ value: 'from one', stale: false, fetchedAt: expect.any(Number) });
    expect(await fromTwo).toEqual({ value: 'from one', stale: false, fetchedAt: expect.any(Number) });
    expect(calls).toBe(1);
  });

  it('forty concurrent reads on two replicas make one call', async ({ onTestFinished }) => {
    const ns = unique('ns');
    const readers = (await Promise.all([redis(onTestFinished), redis(onTestFinished)])).map((store) =>
      createCachedReader(store.forConnector(ns)),
    );
    let calls = 0;
    const fetch = async () => {
      calls += 1;
      return 'v';
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => readers[i % 2]?.('k', TTL, STALE, fetch)));
    expect(new Set(results.map((r) => r?.value))).toEqual(new Set(['v']));
    expect(calls).toBe(1);
  });

  it('a replica that dies while fetching holds the others only for lockMs: then they call the tool themselves', async ({
    onTestFinished,
  }) => {
    const ns = unique('ns');
    const lockMs = 300;
    const dying = createCachedReader((await redis(onTestFinished, { lockMs })).forConnector(ns));
    const hung = deferred<string>();
    const started = deferred();
    void dying('k', TTL, STALE, () => {
      started.resolve();
      return hung.promise;
    });
    onTestFinished(async () => hung.resolve('late'));
    await started.promise;
    const survivor = createCachedReader((await redis(onTestFinished, { lockMs })).forConnector(ns));
    const t0 = Date.now();
    expect(await survivor('k', TTL, STALE, async () => 'survivor')).toEqual({
      value: 'survivor',
      stale: false,
      fetchedAt: expect.any(Number),
    });
    // It waited for the lock to lapse (Redis's PX), not for ever.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(lockMs - 50);
  });
});

describe('connector cache without its Redis', () => {
  it('reads the tool instead of failing or hanging, and fails its health check', async ({ onTestFinished }) => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const store = createCacheStore({ redis: { url: 'redis://127.0.0.1:1' } }, silentLogger);
    onTestFinished(() => store.close());
    const read = createCachedReader(store.forConnector('down'));
    let calls = 0;
    const fetch = async () => ++calls;
    expect(await read('k', TTL, STALE, fetch)).toEqual({ value: 1, stale: false, fetchedAt: expect.any(Number) });
    expect(await read('k', TTL, STALE, fetch)).toEqual({ value: 2, stale: false, fetchedAt: expect.any(Number) });
    await expect(store.healthCheck()).rejects.toThrow();
  });
});
