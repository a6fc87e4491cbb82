import type { Status } from '../kernel/model.js';
import { inTransaction, lazyMigration, type PostgresPool } from '../kernel/postgres.js';
import { continuesFrom, type HistoryStore, type NodeState, type RecordedChange, type StatusChange, type Transition } from './history.js';

/**
 * The status history in PostgreSQL, shared by every replica: an append-only log of transitions and
 * one row per node with its current status (what `latest` and the compare-and-set read). Writers are
 * serialised by a transaction-scoped advisory lock: there is one writer (the lease holder) except
 * for the moment of a takeover, when the compare-and-set decides which write counts.
 */

const MIGRATIONS = [
  `CREATE TABLE status_transition (
     seq         bigserial PRIMARY KEY,
     node_id     text NOT NULL,
     at          timestamptz NOT NULL,
     from_status text,
     to_status   text NOT NULL
   );
   CREATE INDEX status_transition_node_at ON status_transition (node_id, at, seq);
   CREATE TABLE status_current (
     node_id text PRIMARY KEY,
     status  text NOT NULL,
     since   timestamptz NOT NULL
   );`,
  // Planned maintenance as part of a node's state; rows written before were outside it.
  `ALTER TABLE status_transition ADD COLUMN in_maintenance boolean NOT NULL DEFAULT false;
   ALTER TABLE status_current ADD COLUMN in_maintenance boolean NOT NULL DEFAULT false;`,
];

interface Row {
  at: Date;
  from_status: Status | null;
  to_status: Status;
  in_maintenance: boolean;
}

interface CurrentRow {
  node_id: string;
  status: Status;
  in_maintenance: boolean;
  since: Date;
}

const toChange = (row: Row): StatusChange => ({ at: row.at, from: row.from_status, to: row.to_status, inMaintenance: row.in_maintenance });
const CURRENT = 'SELECT node_id, status, in_maintenance, since FROM status_current';

export function createPostgresHistory(pool: PostgresPool): HistoryStore {
  const db = lazyMigration(pool, 'history', MIGRATIONS);
  return {
    async record(transitions) {
      if (transitions.length === 0) return [];
      return inTransaction(await db(), async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('servicegraph:history'))");
        const ids = [...new Set(transitions.map((t) => t.id))];
        const current = new Map<string, NodeState & { since: Date }>();
        const found = await client.query<CurrentRow>(`${CURRENT} WHERE node_id = ANY($1)`, [ids]);
        for (const row of found.rows) current.set(row.node_id, { status: row.status, inMaintenance: row.in_maintenance, since: row.since });
        const written: Transition[] = [];
        for (const t of transitions) {
          const prev = current.get(t.id);
          if (!continuesFrom(prev, t)) continue;
          const at = prev && prev.since > t.at ? prev.since : t.at;
          written.push({ ...t, at });
          current.set(t.id, { status: t.to, inMaintenance: t.inMaintenance, since: at });
        }
        if (written.length === 0) return written;
        await client.query(
          `INSERT INTO status_transition (node_id, at, from_status, to_status, in_maintenance)
           SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::boolean[])`,
          [
            written.map((t) => t.id),
            written.map((t) => t.at),
            written.map((t) => t.from),
            written.map((t) => t.to),
            written.map((t) => t.inMaintenance),
          ],
        );
        // One row per node: the last of the batch wins.
        const heads = [...new Map(written.map((t) => [t.id, t])).values()];
        await client.query(
          `INSERT INTO status_current (node_id, status, in_maintenance, since)
           SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::timestamptz[])
           ON CONFLICT (node_id) DO UPDATE SET status = excluded.status, in_maintenance = excluded.in_maintenance, since = excluded.since`,
          [heads.map((t) => t.id), heads.map((t) => t.to), heads.map((t) => t.inMaintenance), heads.map((t) => t.at)],
        );
        return written;
      });
    },
    async latest() {
      const { rows } = await (await db()).query<CurrentRow>(CURRENT);
      return new Map(rows.map((row) => [row.node_id, { status: row.status, inMaintenance: row.in_maintenance, since: row.since }]));
    },
    async statusSince(id) {
      const { rows } = await (await db()).query<{ since: Date }>('SELECT since FROM status_current WHERE node_id = $1', [id]);
      return rows[0]?.since ?? null;
    },
    async history(id, from, to, limit) {
      const { rows } = await (await db()).query<Row>(
        `SELECT at, from_status, to_status, in_maintenance FROM status_transition
         WHERE node_id = $1 AND at >= $2 AND at <= $3 ORDER BY at, seq LIMIT $4`,
        [id, from, to, limit ?? null],
      );
      return rows.map(toChange);
    },
    async stateAt(id, at) {
      const { rows } = await (await db()).query<Row>(
        `SELECT at, from_status, to_status, in_maintenance FROM status_transition
         WHERE node_id = $1 AND at <= $2 ORDER BY at DESC, seq DESC LIMIT 1`,
        [id, at],
      );
      const row = rows[0];
      return row ? { status: row.to_status, inMaintenance: row.in_maintenance } : null;
    },
    async changesAfter(seq, limit) {
      const { rows } = await (await db()).query<Row & { seq: string; node_id: string }>(
        `SELECT seq, node_id, at, from_status, to_status, in_maintenance FROM status_transition WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [seq, limit],
      );
      return rows.map((row): RecordedChange => ({ ...toChange(row), seq: Number(row.seq), nodeId: row.node_id }));
    },
    async lastSeq() {
      const { rows } = await (await db()).query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM status_transition');
      return Number(rows[0]?.seq ?? 0);
    },
    // The pool belongs to the composition root, which closes it after every store.
    async close() {},
  };
}
