import { join } from 'node:path';
import type { ConnectorDeps } from '../core/connector.js';
import { lazyMigration } from '../../kernel/postgres.js';
import { openStore } from './store.js';

/**
 * The builtin monitor's acknowledgements, one row per alert (its native id): SQLite
 * (`builtin-monitor.sqlite` in the data directory) or the deployment's PostgreSQL.
 */

export interface AckRow {
  alert_id: string;
  acknowledged: 0 | 1;
  author: string;
  comment: string;
  at: string;
  until: string | null;
}

export interface AckStore {
  get(alertId: string): Promise<AckRow | undefined>;
  all(): Promise<AckRow[]>;
  /** Replaces the alert's row (the last acknowledgement or unacknowledgement wins). */
  put(row: AckRow): Promise<void>;
  /** Throws when the store cannot be read. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_MIGRATIONS = [
  `CREATE TABLE ack (
     alert_id     TEXT PRIMARY KEY,
     acknowledged INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
     author       TEXT NOT NULL,
     comment      TEXT NOT NULL,
     at           TEXT NOT NULL,
     until        TEXT
   )`,
];

const POSTGRES_MIGRATIONS = [
  `CREATE TABLE builtin_ack (
     connector    text NOT NULL,
     alert_id     text NOT NULL,
     acknowledged smallint NOT NULL CHECK (acknowledged IN (0, 1)),
     author       text NOT NULL,
     comment      text NOT NULL,
     at           text NOT NULL,
     until        text,
     PRIMARY KEY (connector, alert_id)
   )`,
];

/** `name` is the connector instance: in PostgreSQL every instance's rows share one table. */
export function openAckStore(name: string, deps: Pick<ConnectorDeps, 'dataDir' | 'postgres'>): AckStore {
  const { postgres } = deps;
  if (postgres) {
    const db = lazyMigration(postgres, 'builtin-monitor', POSTGRES_MIGRATIONS);
    const columns = 'alert_id, acknowledged, author, comment, at, until';
    return {
      async get(alertId) {
        const { rows } = await (await db()).query<AckRow>(`SELECT ${columns} FROM builtin_ack WHERE connector = $1 AND alert_id = $2`, [
          name,
          alertId,
        ]);
        return rows[0];
      },
      async all() {
        return (await (await db()).query<AckRow>(`SELECT ${columns} FROM builtin_ack WHERE connector = $1`, [name])).rows;
      },
      async put(row) {
        await (await db()).query(
          `INSERT INTO builtin_ack (connector, ${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (connector, alert_id) DO UPDATE SET acknowledged = excluded.acknowledged, author = excluded.author,
             comment = excluded.comment, at = excluded.at, until = excluded.until`,
          [name, row.alert_id, row.acknowledged, row.author, row.comment, row.at, row.until],
        );
      },
      async ping() {
        await (await db()).query('SELECT 1');
      },
      // The pool belongs to the composition root.
      async close() {},
    };
  }
  const db = openStore(join(deps.dataDir, 'builtin-monitor.sqlite'), SQLITE_MIGRATIONS);
  const selectAck = db.prepare<[string], AckRow>('SELECT * FROM ack WHERE alert_id = ?');
  const selectAcks = db.prepare<[], AckRow>('SELECT * FROM ack');
  const upsertAck = db.prepare<[AckRow]>(
    `INSERT INTO ack (alert_id, acknowledged, author, comment, at, until)
     VALUES (@alert_id, @acknowledged, @author, @comment, @at, @until)
     ON CONFLICT (alert_id) DO UPDATE SET acknowledged = excluded.acknowledged, author = excluded.author,
       comment = excluded.comment, at = excluded.at, until = excluded.until`,
  );
  return {
    get: async (alertId) => selectAck.get(alertId),
    all: async () => selectAcks.all(),
    put: async (row) => {
      upsertAck.run(row);
    },
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => {
      db.close();
    },
  };
}
