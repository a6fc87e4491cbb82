import type { Keyv } from 'keyv';
import type { AuditSink } from '../authz/audit.js';
import { createCacheStore } from '../connectors/core/cache.js';
import { createLease, type Lease } from '../kernel/lease.js';
import type { Logger } from '../kernel/log.js';
import { createPostgresPool, type PostgresPool } from '../kernel/postgres.js';
import type { Config } from './config.js';

/**
 * What the replicas of one deployment share, opened once per process from the config: the
 * connectors' cache (memory, or Redis), the database (none: SQLite files in dataDir, or PostgreSQL,
 * where the status history, the builtin tools' state and the audit log then live), and the
 * evaluator's lease. The embedded defaults need nothing running. Nothing here does I/O when
 * created: Redis connects in the background, PostgreSQL tables are migrated on first use.
 */
export interface SharedState {
  /** The keyv of one connector instance (ConnectorDeps.cache). */
  cacheFor(connector: string): Keyv;
  /** The shared database, when configured (ConnectorDeps.postgres, createHistoryStore). */
  readonly postgres: PostgresPool | undefined;
  /** The audit sink the config names (`postgres` resolved to the pool). */
  readonly auditSink: AuditSink;
  /**
   * Held by one evaluating process among the replicas (always this one without PostgreSQL). Only a
   * process that evaluates health (the services subgraph) calls `start`.
   */
  readonly lease: Lease;
  /** Settles once Redis answered or failed to (at once without Redis). */
  ready(): Promise<void>;
  /** Readiness probes of the shared stores (none for the embedded defaults), by name. */
  checks(): Record<string, () => Promise<unknown>>;
  /** Closes everything opened here: after the connectors, stores and audit log that use it. */
  close(): Promise<void>;
}

/** `now`: the clock the caches measure freshness with (the composition root's). */
export function createSharedState(config: Config, log: Logger, now?: () => number): SharedState {
  const pg = config.storage.postgres;
  const postgres = pg ? createPostgresPool({ url: pg.url, poolSize: pg.poolSize }, log) : undefined;
  const caches = createCacheStore({ redis: config.cache.redis }, log, now);
  const lease = createLease({ name: 'evaluator', log, postgres: pg, renewMs: pg?.leaseRenewMs });
  const sink = config.audit.sink;
  return {
    cacheFor: (connector) => caches.forConnector(connector),
    postgres,
    // The config refuses `postgres` without storage.postgres.
    auditSink: sink === 'postgres' ? { postgres: postgres as PostgresPool } : sink,
    lease,
    ready: () => caches.ready(),
    checks: () => ({
      ...(config.cache.redis ? { 'cache:redis': () => caches.healthCheck() } : {}),
      ...(postgres ? { 'storage:postgres': () => postgres.query('SELECT 1') } : {}),
    }),
    async close() {
      await lease.close();
      await caches.close();
      await postgres?.end();
    },
  };
}
