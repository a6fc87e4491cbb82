import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GraphQLError } from 'graphql';
import { ERRORS } from '../../kernel/errors.js';
import { privateDir, privateFile } from '../../kernel/private-files.js';

/**
 * The builtin tools' state (acknowledgements, created tickets) survives a restart: in SQLite files
 * in the data directory by default, in the deployment's PostgreSQL when it has one, so every replica
 * sees the tickets and acknowledgements any of them wrote. Each tool's store has one interface and
 * both implementations (`ack-store.ts`, `ticket-store.ts`). In PostgreSQL every instance's rows share
 * one set of tables, keyed by the connector instance; each SQLite file serves one connector type.
 *
 * SQLite schema changes are numbered migrations tracked in `user_version`; each runs in a
 * transaction, so a failed upgrade leaves the file as it was. PostgreSQL's are the kernel's `lazyMigration`.
 */
export function openStore(file: string, migrations: readonly string[]): Database.Database {
  privateDir(dirname(file));
  const db = new Database(privateFile(file));
  // WAL lets a second process (a subgraph started alone) read while another writes.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    db.close();
    throw new Error(`${file} was written by a newer servicegraph (schema ${current} > ${migrations.length})`);
  }
  db.transaction(() => {
    for (const sql of migrations.slice(current)) db.exec(sql);
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return db;
}

/**
 * Wraps every method of an API so a store failure (disk full, locked too long, corrupt file, database down) becomes
 * UPSTREAM_UNAVAILABLE for this connector, as a failing remote tool would, without the SQL in the
 * message. Deliberate GraphQL errors pass through.
 */
export function withStoreErrors<T extends object>(connector: string, api: T): T {
  const wrapped = Object.entries(api).map(([key, fn]) => [
    key,
    async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector}: its data store failed`, {
          extensions: { connector },
          ...(error instanceof Error ? { originalError: error } : {}),
        });
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}
