/**
 * What the shared-state tests need from the Redis and PostgreSQL that scripts/test-scale.sh starts.
 * Outside the script the URLs are unset and the cases that need them are skipped; inside it
 * (SG_TEST_SCALE=1) a missing URL is an error, so the script can never pass by skipping.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresPool, type PostgresPool } from '../../kernel/postgres.js';
import { silentLogger } from '../../kernel/log.js';

export const REDIS_URL = process.env['SG_TEST_REDIS_URL'];
export const POSTGRES_URL = process.env['SG_TEST_POSTGRES_URL'];

if (process.env['SG_TEST_SCALE'] === '1' && (!REDIS_URL || !POSTGRES_URL)) {
  throw new Error('SG_TEST_SCALE=1 but SG_TEST_REDIS_URL or SG_TEST_POSTGRES_URL is unset: run through scripts/test-scale.sh');
}

export const noRedis = !REDIS_URL;
export const noPostgres = !POSTGRES_URL;

/** A unique name: each test gets its own Redis namespace and PostgreSQL database. */
export const unique = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** vitest's `onTestFinished`, as the test context hands it out. */
export type OnTestFinished = (fn: () => Promise<void>) => void;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh empty database for one test, dropped (its sessions ended) when the test finishes. */
export async function freshDatabase(onTestFinished: OnTestFinished): Promise<string> {
  if (!POSTGRES_URL) throw new Error('no PostgreSQL: run through scripts/test-scale.sh');
  const name = unique('sg_test');
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  onTestFinished(async () => {
    await admin((c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`));
  });
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A pool on a fresh database, ended before the database is dropped. */
export async function freshPool(onTestFinished: OnTestFinished, poolSize = 5): Promise<PostgresPool> {
  const url = await freshDatabase(onTestFinished);
  const pool = createPostgresPool({ url, poolSize }, silentLogger);
  onTestFinished(() => pool.end());
  return pool;
}

/**
 * Ends the sessions of a database with this application name, as the server does when their
 * process dies, and waits (up to 5 s) until they are gone, so the locks they held are free.
 */
export async function terminateSessions(database: string, applicationName: string): Promise<number> {
  const dbName = new URL(database).pathname.slice(1);
  const { rows } = await admin((c) =>
    c.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [dbName, applicationName],
    ),
  );
  return rows.filter((r) => r.ok).length;
}
