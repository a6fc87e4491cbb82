import { join } from 'node:path';
import Database from 'better-sqlite3';
import { privateDir, privateFile } from '../kernel/private-files.js';
import type { Status } from '../kernel/model.js';

/**
 * Status history of services and CIs, keyed by stable ids (service ids, CI ids; a VDI pool, never a
 * desktop's host name), so "status since", availability and trends survive restarts. The interface is
 * async so a PostgreSQL store can replace the embedded SQLite one where several replicas run.
 */

export interface StatusChange {
  at: Date;
  /** Null for the first status ever recorded for the node. */
  from: Status | null;
  to: Status;
}

export interface Transition extends StatusChange {
  id: string;
}

export interface HistoryStore {
  record(transitions: readonly Transition[]): Promise<void>;
  /** The last recorded status of every node, to resume after a restart. */
  latest(): Promise<Map<string, { status: Status; since: Date }>>;
  /** When the node entered its last recorded status; null when never recorded. */
  statusSince(id: string): Promise<Date | null>;
  /** Transitions with from ≤ at ≤ to, oldest first; at most `limit` when given. */
  history(id: string, from: Date, to: Date, limit?: number): Promise<StatusChange[]>;
  /** The status in effect at an instant; null when nothing was recorded before it. */
  statusAt(id: string, at: Date): Promise<Status | null>;
  close(): Promise<void>;
}

interface Row {
  node_id: string;
  at: number;
  from_status: Status | null;
  to_status: Status;
}

const toChange = (row: Row): StatusChange => ({ at: new Date(row.at), from: row.from_status, to: row.to_status });

/**
 * SQLite in WAL mode: one file in the data directory, safe to read while the evaluator writes.
 * `dataDir` ':memory:' keeps nothing across restarts (tests, throwaway runs).
 */
export function createSqliteHistory(dataDir: string, fileName = 'history.sqlite'): HistoryStore {
  const db = new Database(dataDir === ':memory:' ? ':memory:' : privateFile(join(privateDir(dataDir), fileName)));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS status_transition (
      node_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      from_status TEXT,
      to_status TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS status_transition_node_at ON status_transition (node_id, at);
  `);
  const insert = db.prepare('INSERT INTO status_transition (node_id, at, from_status, to_status) VALUES (?, ?, ?, ?)');
  const insertMany = db.transaction((rows: readonly Transition[]) => {
    for (const t of rows) insert.run(t.id, t.at.getTime(), t.from, t.to);
  });
  const latestAll = db.prepare(`
    SELECT t.node_id, t.at, t.from_status, t.to_status FROM status_transition t
    JOIN (SELECT node_id, MAX(rowid) AS last FROM status_transition GROUP BY node_id) m
      ON t.node_id = m.node_id AND t.rowid = m.last`);
  const lastOne = db.prepare('SELECT * FROM status_transition WHERE node_id = ? ORDER BY at DESC, rowid DESC LIMIT 1');
  // LIMIT -1 is SQLite for "no limit".
  const range = db.prepare('SELECT * FROM status_transition WHERE node_id = ? AND at >= ? AND at <= ? ORDER BY at, rowid LIMIT ?');
  const before = db.prepare('SELECT * FROM status_transition WHERE node_id = ? AND at <= ? ORDER BY at DESC, rowid DESC LIMIT 1');

  return {
    async record(transitions) {
      if (transitions.length > 0) insertMany(transitions);
    },
    async latest() {
      const out = new Map<string, { status: Status; since: Date }>();
      for (const row of latestAll.all() as Row[]) out.set(row.node_id, { status: row.to_status, since: new Date(row.at) });
      return out;
    },
    async statusSince(id) {
      const row = lastOne.get(id) as Row | undefined;
      return row ? new Date(row.at) : null;
    },
    async history(id, from, to, limit) {
      return (range.all(id, from.getTime(), to.getTime(), limit ?? -1) as Row[]).map(toChange);
    },
    async statusAt(id, at) {
      const row = before.get(id, at.getTime()) as Row | undefined;
      return row ? row.to_status : null;
    },
    async close() {
      db.close();
    },
  };
}

/**
 * Remembers the last recorded status of each node and writes only real transitions. A node seen for
 * the first time in a non-OK state is dated back to when its problem started (the alert's startsAt),
 * so "down since 09:12" is right even when servicegraph started at 09:20.
 */
export interface TransitionRecorder {
  observe(statuses: ReadonlyMap<string, Status>, at: Date, problemSince: (id: string) => Date | null): Promise<Transition[]>;
  /** From memory: when the node entered its current recorded status. */
  since(id: string): Date | null;
}

export function createTransitionRecorder(store: HistoryStore): TransitionRecorder {
  const last = new Map<string, { status: Status; since: Date }>();
  // Serialised, and the first step loads what was recorded before the restart.
  let chain: Promise<unknown> = store.latest().then((stored) => {
    for (const [id, entry] of stored) last.set(id, entry);
  });
  return {
    observe(statuses, at, problemSince) {
      const step = chain.then(async () => {
        const changes: Transition[] = [];
        for (const [id, status] of statuses) {
          const prev = last.get(id);
          if (prev?.status === status) continue;
          const started = !prev && status !== 'OK' && status !== 'UNKNOWN' ? problemSince(id) : null;
          const backdated = started && started < at ? started : at;
          changes.push({ id, at: backdated, from: prev?.status ?? null, to: status });
        }
        await store.record(changes);
        for (const c of changes) last.set(c.id, { status: c.to, since: c.at });
        return changes;
      });
      chain = step.catch(() => undefined);
      return step;
    },
    since: (id) => last.get(id)?.since ?? null,
  };
}
