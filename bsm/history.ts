import { join } from 'node:path';
import Database from 'better-sqlite3';
import { privateDir, privateFile } from '../kernel/private-files.js';
import type { Lease } from '../kernel/lease.js';
import type { Status } from '../kernel/model.js';
import type { PostgresPool } from '../kernel/postgres.js';
import { createPostgresHistory } from './history-postgres.js';

/**
 * Status history of services and CIs, keyed by stable ids (service ids, CI ids; a VDI pool, never a
 * desktop's host name), so "status since", availability and trends survive restarts. SQLite in the
 * data directory by default; PostgreSQL where several replicas run (`createHistoryStore`).
 *
 * A node's recorded state is its status and whether it is in planned maintenance: maintenance is a
 * state of its own in availability (as in Checkmk and ServiceNow), so entering or leaving it is a
 * transition even when the status stays the same.
 */

export interface NodeState {
  status: Status;
  /** In planned maintenance: the engine's maintenance rule says maintenance explains its status. */
  inMaintenance: boolean;
}

export interface StatusChange {
  at: Date;
  /** Null for the first status ever recorded for the node. */
  from: Status | null;
  to: Status;
  /** The node is in planned maintenance from `at`. */
  inMaintenance: boolean;
}

export interface Transition extends StatusChange {
  id: string;
  /** Whether the state it leaves was in maintenance (false for a first record): the compare half of compare-and-set. */
  fromMaintenance: boolean;
}

/** A transition as the store holds it: its position in the log, in write order. */
export interface RecordedChange extends StatusChange {
  /** Increases with every transition written (SQLite rowid, PostgreSQL seq): where a reader of the log stands. */
  seq: number;
  nodeId: string;
}

/** Whether a transition leaves exactly the node's last recorded state (none for a first record). */
export const continuesFrom = (last: NodeState | undefined, t: Pick<Transition, 'from' | 'fromMaintenance'>): boolean =>
  last ? last.status === t.from && last.inMaintenance === t.fromMaintenance : t.from === null;

export interface HistoryStore {
  /**
   * Compare-and-set, per transition: it is written only when it leaves the node's last recorded
   * state (`from` and `fromMaintenance`; no state at all for a null `from`), and dated no earlier
   * than that state's start. Returns the transitions written, as written. A stale one (another
   * recorder wrote first: a lease takeover, a replayed batch) is skipped, so no transition is ever
   * written twice.
   */
  record(transitions: readonly Transition[]): Promise<Transition[]>;
  /** The last recorded state of every node, to resume after a restart or a takeover. */
  latest(): Promise<Map<string, NodeState & { since: Date }>>;
  /** When the node entered its last recorded state; null when never recorded. */
  statusSince(id: string): Promise<Date | null>;
  /** Transitions with from ≤ at ≤ to, oldest first; at most `limit` when given. */
  history(id: string, from: Date, to: Date, limit?: number): Promise<StatusChange[]>;
  /** The state in effect at an instant; null when nothing was recorded before it. */
  stateAt(id: string, at: Date): Promise<NodeState | null>;
  /** Every node's transitions written after position `seq`, in write order, at most `limit` (what a tail of the log reads). */
  changesAfter(seq: number, limit: number): Promise<RecordedChange[]>;
  /** The position of the last transition written; 0 when none. */
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

/** PostgreSQL when the deployment has one (shared by every replica), else SQLite in `dataDir`. */
export function createHistoryStore(options: { dataDir: string; postgres?: PostgresPool | undefined }): HistoryStore {
  return options.postgres ? createPostgresHistory(options.postgres) : createSqliteHistory(options.dataDir);
}

interface Row {
  node_id: string;
  at: number;
  from_status: Status | null;
  to_status: Status;
  in_maintenance: 0 | 1;
}

const toChange = (row: Row): StatusChange => ({
  at: new Date(row.at),
  from: row.from_status,
  to: row.to_status,
  inMaintenance: row.in_maintenance === 1,
});
const stateOf = (row: Row): NodeState => ({ status: row.to_status, inMaintenance: row.in_maintenance === 1 });

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
  // Files written before maintenance was a state: every row they hold was outside maintenance.
  const columns = db.prepare('PRAGMA table_info(status_transition)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'in_maintenance')) {
    db.exec('ALTER TABLE status_transition ADD COLUMN in_maintenance INTEGER NOT NULL DEFAULT 0');
  }
  const insert = db.prepare('INSERT INTO status_transition (node_id, at, from_status, to_status, in_maintenance) VALUES (?, ?, ?, ?, ?)');
  // "Last" is the last written: record() keeps the chain (each from = the previous to) in rowid order.
  const lastOne = db.prepare('SELECT * FROM status_transition WHERE node_id = ? ORDER BY rowid DESC LIMIT 1');
  const compareAndInsert = db.transaction((rows: readonly Transition[]): Transition[] => {
    const written: Transition[] = [];
    for (const t of rows) {
      const prev = lastOne.get(t.id) as Row | undefined;
      if (!continuesFrom(prev && stateOf(prev), t)) continue;
      const at = prev && prev.at > t.at.getTime() ? new Date(prev.at) : t.at;
      insert.run(t.id, at.getTime(), t.from, t.to, t.inMaintenance ? 1 : 0);
      written.push({ ...t, at });
    }
    return written;
  });
  const latestAll = db.prepare(`
    SELECT t.node_id, t.at, t.from_status, t.to_status, t.in_maintenance FROM status_transition t
    JOIN (SELECT node_id, MAX(rowid) AS last FROM status_transition GROUP BY node_id) m
      ON t.node_id = m.node_id AND t.rowid = m.last`);
  // LIMIT -1 is SQLite for "no limit".
  const range = db.prepare('SELECT * FROM status_transition WHERE node_id = ? AND at >= ? AND at <= ? ORDER BY at, rowid LIMIT ?');
  const after = db.prepare('SELECT rowid AS seq, * FROM status_transition WHERE rowid > ? ORDER BY rowid LIMIT ?');
  const maxSeq = db.prepare('SELECT COALESCE(MAX(rowid), 0) AS seq FROM status_transition');
  const before = db.prepare('SELECT * FROM status_transition WHERE node_id = ? AND at <= ? ORDER BY at DESC, rowid DESC LIMIT 1');

  return {
    async record(transitions) {
      // IMMEDIATE takes the write lock before reading, so another process sharing the file cannot interleave.
      return transitions.length > 0 ? compareAndInsert.immediate(transitions) : [];
    },
    async latest() {
      const out = new Map<string, NodeState & { since: Date }>();
      for (const row of latestAll.all() as Row[]) out.set(row.node_id, { ...stateOf(row), since: new Date(row.at) });
      return out;
    },
    async statusSince(id) {
      const row = lastOne.get(id) as Row | undefined;
      return row ? new Date(row.at) : null;
    },
    async history(id, from, to, limit) {
      return (range.all(id, from.getTime(), to.getTime(), limit ?? -1) as Row[]).map(toChange);
    },
    async stateAt(id, at) {
      const row = before.get(id, at.getTime()) as Row | undefined;
      return row ? stateOf(row) : null;
    },
    async changesAfter(seq, limit) {
      return (after.all(seq, limit) as (Row & { seq: number })[]).map((row) => ({ ...toChange(row), seq: row.seq, nodeId: row.node_id }));
    },
    async lastSeq() {
      return (maxSeq.get() as { seq: number }).seq;
    },
    async close() {
      db.close();
    },
  };
}

/**
 * Remembers the last recorded state of each node and writes only real transitions (of the status, or
 * into or out of maintenance). A node seen for the first time in a non-OK state is dated back to when
 * its problem started (the alert's startsAt), so "down since 09:12" is right even when servicegraph
 * started at 09:20.
 *
 * With a lease, only its holder writes: every other replica follows what the holder recorded (its
 * `since` reads the store), and a replica that takes the lease over first reloads the store, so it
 * carries on from what the last holder wrote. A transition the old holder was writing when it died
 * is either in the store (the new holder sees it and writes nothing) or not (the new holder records
 * it, dated when it sees it); the store's compare-and-set makes a late write of the old holder a no-op.
 */
export interface TransitionRecorder {
  observe(states: ReadonlyMap<string, NodeState>, at: Date, problemSince: (id: string) => Date | null): Promise<Transition[]>;
  /** From memory: when the node entered its current recorded state. */
  since(id: string): Date | null;
}

export function createTransitionRecorder(store: HistoryStore, options: { lease?: Pick<Lease, 'held'> } = {}): TransitionRecorder {
  const { lease } = options;
  const last = new Map<string, NodeState & { since: Date }>();
  const reload = async () => {
    const stored = await store.latest();
    last.clear();
    for (const [id, entry] of stored) last.set(id, entry);
  };
  const changesFor = (states: ReadonlyMap<string, NodeState>, at: Date, problemSince: (id: string) => Date | null) => {
    const changes: Transition[] = [];
    for (const [id, { status, inMaintenance }] of states) {
      const prev = last.get(id);
      if (prev?.status === status && prev.inMaintenance === inMaintenance) continue;
      const started = !prev && status !== 'OK' && status !== 'UNKNOWN' ? problemSince(id) : null;
      const backdated = started && started < at ? started : at;
      changes.push({
        id,
        at: backdated,
        from: prev?.status ?? null,
        to: status,
        inMaintenance,
        fromMaintenance: prev?.inMaintenance ?? false,
      });
    }
    return changes;
  };
  const remember = (written: Transition[]) => {
    for (const c of written) last.set(c.id, { status: c.to, inMaintenance: c.inMaintenance, since: c.at });
  };
  // Whether memory holds what this recorder wrote itself (false: read the store before writing).
  let writing = false;
  // Serialised, and the first step loads what was recorded before the restart.
  let chain: Promise<unknown> = reload().then(
    () => {
      writing = !lease;
    },
    () => undefined,
  );
  return {
    observe(states, at, problemSince) {
      const step = chain.then(async (): Promise<Transition[]> => {
        if (lease && !lease.held()) {
          writing = false;
          await reload();
          return [];
        }
        if (!writing) await reload();
        writing = true;
        const changes = changesFor(states, at, problemSince);
        const written = await store.record(changes);
        remember(written);
        if (written.length === changes.length) return written;
        // Someone else wrote meanwhile (a holder that had not yet noticed it lost the lease): carry on from the store.
        await reload();
        const rest = await store.record(changesFor(states, at, problemSince));
        remember(rest);
        return [...written, ...rest];
      });
      chain = step.catch(() => {
        writing = false;
      });
      return step;
    },
    since: (id) => last.get(id)?.since ?? null,
  };
}
