import type { Client } from 'pg';
import type { Logger } from './log.js';
import { loadPg } from './postgres.js';

/**
 * One holder among N replicas, for the work only one of them may do (recording status transitions,
 * firing notifications). In PostgreSQL: a session advisory lock held on a connection of its own.
 * The server releases it the moment that connection ends, so a holder that dies (killed, crashed,
 * its host gone) is replaced at the next renewal of another replica: at once for a killed process
 * (its socket closes), within the TCP keepalive below for a host that vanished.
 *
 * `tick` is one round (take the lease if free, confirm it if held); `start` runs it every `renewMs`.
 * Tests call `tick` themselves instead of waiting for the timer.
 */
export interface Lease {
  /** True while this process holds the lease; checked before every write it guards. */
  held(): boolean;
  /** Takes the lease if it is free, confirms it if held; resolves to `held()`. Never throws. */
  tick(): Promise<boolean>;
  /** Ticks every `renewMs` until closed (the first tick at once). */
  start(): void;
  /** Releases the lease (a clean shutdown hands over at the others' next tick) and stops ticking. */
  close(): Promise<void>;
}

export interface LeaseOptions {
  /** What is leased; replicas contend for the same name. */
  name: string;
  log: Logger;
  /** How often a replica tries to take the lease, and the holder checks it still has it. @default 2000 */
  renewMs?: number | undefined;
  /** Called when this process gains or loses the lease. */
  onChange?: (held: boolean) => void;
}

/** One process: it always holds the lease (the embedded default). */
export function createLocalLease(): Lease {
  return { held: () => true, tick: async () => true, start: () => {}, close: async () => {} };
}

/** Advisory lock keys are two int4s: a fixed class for servicegraph, and the name's hash. */
const LOCK_CLASS = 0x5347_4c45; // "SGLE"

export function createPostgresLease(options: LeaseOptions & { url: string }): Lease {
  const { name, log } = options;
  const renewMs = options.renewMs ?? 2000;
  let client: Client | null = null;
  let holding = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<boolean> = Promise.resolve(false);

  const set = (next: boolean) => {
    if (next === holding) return;
    holding = next;
    log.info(next ? 'lease taken' : 'lease lost', { lease: name });
    options.onChange?.(next);
  };
  const drop = (reason: string) => {
    const lost = client;
    client = null;
    set(false);
    if (lost) {
      log.warn('lease connection dropped', { lease: name, reason });
      lost.end().catch(() => undefined);
    }
  };

  async function connect(): Promise<Client> {
    const c = new (loadPg().Client)({
      connectionString: options.url,
      connectionTimeoutMillis: Math.max(renewMs, 1000),
      keepAlive: true,
      application_name: `servicegraph lease ${name}`,
    });
    // Without a listener a lost connection would crash the process; losing it means losing the lease.
    c.on('error', (error) => {
      if (client === c) drop(error.message);
    });
    c.on('end', () => {
      if (client === c) drop('connection ended');
    });
    await c.connect();
    // The server notices a vanished holder host within about 5 + 3 × 1 s instead of TCP's two hours.
    await c.query(
      "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3; SET tcp_user_timeout = '8s'",
    );
    return c;
  }

  async function once(): Promise<boolean> {
    if (closed) return false;
    try {
      if (!client) {
        const c = await connect();
        if (closed) {
          await c.end();
          return false;
        }
        client = c;
      }
      const current = client;
      if (holding) {
        // Still ours while the session lives; a failing query means it is gone.
        await current.query('SELECT 1');
      } else {
        const { rows } = await current.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_CLASS, name]);
        if (client === current) set(rows[0]?.ok === true);
      }
    } catch (error) {
      drop(error instanceof Error ? error.message : String(error));
    }
    return holding;
  }

  const tick = () => {
    round = round.then(once, once);
    return round;
  };

  return {
    held: () => holding && client !== null,
    tick,
    start() {
      if (timer || closed) return;
      void tick();
      timer = setInterval(() => void tick(), renewMs);
      timer.unref();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await round.catch(() => undefined);
      const c = client;
      client = null;
      set(false);
      // Ending the session releases the advisory lock.
      if (c) await c.end().catch(() => undefined);
    },
  };
}

/** The lease for a deployment: PostgreSQL's when it has one, else this process holds it. */
export function createLease(options: LeaseOptions & { postgres?: { url: string } | undefined }): Lease {
  return options.postgres ? createPostgresLease({ ...options, url: options.postgres.url }) : createLocalLease();
}
