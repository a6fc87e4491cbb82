import type { Keyv } from 'keyv';
import type { AuditSink } from '../authz/audit.js';
import { createHistoryStore, type HistoryStore } from '../bsm/history.js';
import { createCacheStore } from '../connectors/core/cache.js';
import { createLease, type Lease } from '../kernel/lease.js';
import type { Logger } from '../kernel/log.js';
import { createPostgresPool, type PostgresPool } from '../kernel/postgres.js';
import type { Config } from './config.js';

/**
 * What the replicas of one deployment share, opened once per process from the config: the
 * connectors' cache (memory, or Redis), the database (none: SQLite files in dataDir, or
 * PostgreSQL), the status history on it, the audit sink, and the evaluator's lease. The embedded
 * defaults need nothing running; `storage.postgres` and `cache.redis` switch to the shared ones.
 */
export interface SharedState {
  /** The keyv of one connector instance (ConnectorDeps.cache). */
  cacheFor(connector: string): Keyv;
  /** The shared database, when configured (ConnectorDeps.postgres). */
  readonly postgres: PostgresPool | undefined;
  /** The audit sink the config names (`postgres` resolved to the pool). */
  readonly auditSink: AuditSink;
  /**
   * Held by one evaluating process among the replicas (always this one without PostgreSQL). Only a
   * process that evaluates health (the services subgraph) calls `start`.
   */
  readonly lease: Lease;
  /** The status history: SQLite in dataDir, or PostgreSQL. Closed by `close`. */
  openHistory(): Promise<HistoryStore>;
  /** Readiness checks of the shared stores (none for the embedded defaults): name → 'ok' or why not. */
  checks(): Promise<Record<string, string>>;
  /** Closes everything opened here: after the connectors and the model that use it. */
  close(): Promise<void>;
}

export async function openSharedState(config: Config, options: { dataDir: string; log: Logger }): Promise<SharedState> {
  const log = options.log.child({ part: 'shared-state' });
  const pg = config.storage.postgres;
  const postgres = pg ? createPostgresPool({ url: pg.url, poolSize: pg.poolSize }, log) : undefined;
  const caches = await createCacheStore({ redis: config.cache.redis }, log);
  const lease = createLease({ name: 'evaluator', log, postgres: pg, renewMs: pg?.leaseRenewMs });
  const histories: HistoryStore[] = [];
  const sink = config.audit.sink;
  return {
    cacheFor: (connector) => caches.forConnector(connector),
    postgres,
    auditSink: sink === 'postgres' ? { postgres: postgres as PostgresPool } : sink,
    lease,
    async openHistory() {
      const history = await createHistoryStore({ dataDir: options.dataDir, postgres });
      histories.push(history);
      return history;
    },
    async checks() {
      const checks: Record<string, string> = {};
      const check = async (name: string, probe: () => Promise<unknown>) => {
        checks[name] = await probe().then(
          () => 'ok',
          (e: unknown) => (e instanceof Error ? e.message : 'unavailable'),
        );
      };
      await Promise.all([
        config.cache.redis ? check('cache:redis', () => caches.healthCheck()) : undefined,
        postgres ? check('storage:postgres', () => postgres.query('SELECT 1')) : undefined,
      ]);
      return checks;
    },
    async close() {
      await lease.close();
      for (const history of histories.splice(0)) await history.close();
      await caches.close();
      await postgres?.end();
    },
  };
}
