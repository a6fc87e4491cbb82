import { createRequire } from 'node:module';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from './log.js';

const require = createRequire(import.meta.url);
/** Loaded when a database is configured: the embedded default never pays its load time. */
export const loadPg = (): typeof import('pg') => require('pg') as typeof import('pg');

/**
 * The shared PostgreSQL database where several replicas keep what they must agree on (status history,
 * the builtin tools' tickets and acknowledgements, the audit log). One pool per process, passed to
 * every store; the connection URL may hold a password, so it is never logged or put in an error.
 */

export type PostgresPool = Pool;

export interface PostgresOptions {
  url: string;
  /** Connections in this process's pool. @default 10 */
  poolSize?: number;
}

export function createPostgresPool(options: PostgresOptions, log: Logger): PostgresPool {
  const pool = new (loadPg().Pool)({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A database that does not answer must fail a request, not hang it.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    application_name: 'servicegraph',
  });
  // An idle connection that the server drops emits 'error' on the pool; unhandled, it kills the process.
  pool.on('error', (error) => log.warn('postgres connection lost', { reason: error.message }));
  return pool;
}

/**
 * Numbered migrations per component (`history`, `builtin-helpdesk`, …), recorded in one table and
 * applied in one transaction under an advisory lock, so N replicas starting together migrate once
 * and a failed upgrade changes nothing. Hand-written because the libraries (node-pg-migrate,
 * postgrator) migrate from files with a CLI, and our schemas are a few statements kept beside the
 * code that reads them.
 */
export async function migrate(pool: PostgresPool, component: string, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('servicegraph:migrate'))");
    await client.query('CREATE TABLE IF NOT EXISTS servicegraph_migration (component text PRIMARY KEY, version integer NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM servicegraph_migration WHERE component = $1', [component]);
    const current = found.rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`the ${component} tables were written by a newer servicegraph (schema ${current} > ${migrations.length})`);
    }
    for (const sql of migrations.slice(current)) await client.query(sql);
    await client.query(
      `INSERT INTO servicegraph_migration (component, version) VALUES ($1, $2)
       ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
      [component, migrations.length],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The same, on first use rather than at start (connectors and stores do no I/O when created): every
 * call waits for it, and a failed attempt is retried by the next call.
 */
export function lazyMigration(pool: PostgresPool, component: string, migrations: readonly string[]): () => Promise<PostgresPool> {
  let ready: Promise<PostgresPool> | null = null;
  return () => {
    ready ??= migrate(pool, component, migrations).then(
      () => pool,
      (error: unknown) => {
        ready = null;
        throw error;
      },
    );
    return ready;
  };
}

/** Runs `work` in one transaction on one connection; rolled back when it throws. */
export async function inTransaction<T>(pool: PostgresPool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
