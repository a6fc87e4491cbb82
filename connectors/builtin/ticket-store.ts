import { join } from 'node:path';
import type { ConnectorDeps } from '../core/connector.js';
import type { IncidentPriority, IncidentState } from '../../kernel/model.js';
import { inTransaction, lazyMigration } from '../../kernel/postgres.js';
import { openStore } from './store.js';

/**
 * The tickets the builtin help desk creates, with their comments and article links: SQLite
 * (`builtin-helpdesk.sqlite` in the data directory) or the deployment's PostgreSQL, so a ticket
 * created through one replica is read through every other.
 */

export interface IncidentRow {
  number: string;
  seq: number;
  correlation_id: string;
  title: string;
  description: string;
  state: IncidentState;
  priority: IncidentPriority;
  ci_id: string | null;
  service_id: string | null;
  caller: string;
  assignee: string | null;
  opened_at: string;
  response_due: string | null;
  resolution_due: string | null;
}

export interface LinkRow {
  number: string;
  article_id: string;
}

export type NewIncidentRow = Omit<IncidentRow, 'number' | 'seq'>;

export interface TicketStore {
  /** Created tickets, oldest first. */
  all(): Promise<IncidentRow[]>;
  byNumber(number: string): Promise<IncidentRow | undefined>;
  /**
   * Opens a ticket numbered after every other (seq > `afterSeq` and > every stored seq), or returns
   * the one already opened with this correlation id: concurrent creates with one id, from one
   * replica or several, open one ticket.
   */
  create(row: NewIncidentRow, afterSeq: number, numberOf: (seq: number) => string): Promise<IncidentRow>;
  comment(comment: { number: string; author: string; text: string; internal: boolean; at: string }): Promise<void>;
  /** A link already there is kept as it was. */
  link(link: { number: string; article_id: string; title: string; url: string | null; at: string }): Promise<void>;
  /** Links of one ticket (or of all when `number` is omitted), oldest first. */
  links(number?: string): Promise<LinkRow[]>;
  /** Throws when the store cannot be read. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_MIGRATIONS = [
  `CREATE TABLE incident (
     number         TEXT PRIMARY KEY,
     seq            INTEGER NOT NULL UNIQUE,
     correlation_id TEXT NOT NULL UNIQUE,
     title          TEXT NOT NULL,
     description    TEXT NOT NULL,
     state          TEXT NOT NULL,
     priority       TEXT NOT NULL,
     ci_id          TEXT,
     service_id     TEXT,
     caller         TEXT NOT NULL,
     assignee       TEXT,
     opened_at      TEXT NOT NULL,
     response_due   TEXT,
     resolution_due TEXT
   );
   CREATE TABLE comment (
     id       INTEGER PRIMARY KEY AUTOINCREMENT,
     number   TEXT NOT NULL,
     author   TEXT NOT NULL,
     text     TEXT NOT NULL,
     internal INTEGER NOT NULL,
     at       TEXT NOT NULL
   );
   CREATE INDEX comment_by_number ON comment (number);
   CREATE TABLE article_link (
     number     TEXT NOT NULL,
     article_id TEXT NOT NULL,
     title      TEXT NOT NULL,
     url        TEXT,
     at         TEXT NOT NULL,
     PRIMARY KEY (number, article_id)
   );`,
];

const POSTGRES_MIGRATIONS = [
  `CREATE TABLE builtin_incident (
     connector      text NOT NULL,
     number         text NOT NULL,
     seq            integer NOT NULL,
     correlation_id text NOT NULL,
     title          text NOT NULL,
     description    text NOT NULL,
     state          text NOT NULL,
     priority       text NOT NULL,
     ci_id          text,
     service_id     text,
     caller         text NOT NULL,
     assignee       text,
     opened_at      text NOT NULL,
     response_due   text,
     resolution_due text,
     PRIMARY KEY (connector, number),
     UNIQUE (connector, seq),
     UNIQUE (connector, correlation_id)
   );
   CREATE TABLE builtin_comment (
     id        bigserial PRIMARY KEY,
     connector text NOT NULL,
     number    text NOT NULL,
     author    text NOT NULL,
     text      text NOT NULL,
     internal  boolean NOT NULL,
     at        text NOT NULL
   );
   CREATE INDEX builtin_comment_by_number ON builtin_comment (connector, number);
   CREATE TABLE builtin_article_link (
     connector  text NOT NULL,
     number     text NOT NULL,
     article_id text NOT NULL,
     title      text NOT NULL,
     url        text,
     at         text NOT NULL,
     PRIMARY KEY (connector, number, article_id)
   );`,
];

const COLUMNS =
  'number, seq, correlation_id, title, description, state, priority, ci_id, service_id, caller, assignee, opened_at, response_due, resolution_due';

/** `name` is the connector instance: in PostgreSQL every instance's rows share the tables. */
export function openTicketStore(name: string, deps: Pick<ConnectorDeps, 'dataDir' | 'postgres'>): TicketStore {
  return deps.postgres ? postgresTickets(name, deps.postgres) : sqliteTickets(deps.dataDir);
}

function postgresTickets(name: string, pool: NonNullable<ConnectorDeps['postgres']>): TicketStore {
  const db = lazyMigration(pool, 'builtin-helpdesk', POSTGRES_MIGRATIONS);
  const selectIncident = `SELECT ${COLUMNS} FROM builtin_incident WHERE connector = $1`;
  return {
    async all() {
      return (await (await db()).query<IncidentRow>(`${selectIncident} ORDER BY seq`, [name])).rows;
    },
    async byNumber(number) {
      return (await (await db()).query<IncidentRow>(`${selectIncident} AND number = $2`, [name, number])).rows[0];
    },
    async create(row, afterSeq, numberOf) {
      return inTransaction(await db(), async (client) => {
        // One creator at a time per connector: the number is the next one, and the correlation id is checked first.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('servicegraph:builtin-helpdesk:' || $1))", [name]);
        const existing = await client.query<IncidentRow>(`${selectIncident} AND correlation_id = $2`, [name, row.correlation_id]);
        if (existing.rows[0]) return existing.rows[0];
        const max = await client.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM builtin_incident WHERE connector = $1', [name]);
        const seq = Math.max(afterSeq, max.rows[0]?.seq ?? 0) + 1;
        const created: IncidentRow = { ...row, number: numberOf(seq), seq };
        await client.query(
          `INSERT INTO builtin_incident (connector, ${COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [
            name,
            created.number,
            created.seq,
            created.correlation_id,
            created.title,
            created.description,
            created.state,
            created.priority,
            created.ci_id,
            created.service_id,
            created.caller,
            created.assignee,
            created.opened_at,
            created.response_due,
            created.resolution_due,
          ],
        );
        return created;
      });
    },
    async comment(c) {
      await (await db()).query(
        'INSERT INTO builtin_comment (connector, number, author, text, internal, at) VALUES ($1, $2, $3, $4, $5, $6)',
        [name, c.number, c.author, c.text, c.internal, c.at],
      );
    },
    async link(l) {
      await (await db()).query(
        `INSERT INTO builtin_article_link (connector, number, article_id, title, url, at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [name, l.number, l.article_id, l.title, l.url, l.at],
      );
    },
    async links(number) {
      const { rows } = await (await db()).query<LinkRow>(
        `SELECT number, article_id FROM builtin_article_link WHERE connector = $1 AND ($2::text IS NULL OR number = $2)
         ORDER BY at, article_id`,
        [name, number ?? null],
      );
      return rows;
    },
    async ping() {
      await (await db()).query('SELECT 1');
    },
    // The pool belongs to the composition root.
    async close() {},
  };
}

function sqliteTickets(dataDir: string): TicketStore {
  const db = openStore(join(dataDir, 'builtin-helpdesk.sqlite'), SQLITE_MIGRATIONS);
  const q = {
    all: db.prepare<[], IncidentRow>('SELECT * FROM incident ORDER BY seq'),
    byNumber: db.prepare<[string], IncidentRow>('SELECT * FROM incident WHERE number = ?'),
    byCorrelation: db.prepare<[string], IncidentRow>('SELECT * FROM incident WHERE correlation_id = ?'),
    maxSeq: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM incident'),
    insert: db.prepare<[IncidentRow]>(
      `INSERT INTO incident (${COLUMNS})
       VALUES (@number, @seq, @correlation_id, @title, @description, @state, @priority, @ci_id, @service_id,
         @caller, @assignee, @opened_at, @response_due, @resolution_due)`,
    ),
    comment: db.prepare<[{ number: string; author: string; text: string; internal: number; at: string }]>(
      'INSERT INTO comment (number, author, text, internal, at) VALUES (@number, @author, @text, @internal, @at)',
    ),
    link: db.prepare<[{ number: string; article_id: string; title: string; url: string | null; at: string }]>(
      'INSERT OR IGNORE INTO article_link (number, article_id, title, url, at) VALUES (@number, @article_id, @title, @url, @at)',
    ),
    linksOf: db.prepare<[string], LinkRow>('SELECT number, article_id FROM article_link WHERE number = ? ORDER BY at, article_id'),
    allLinks: db.prepare<[], LinkRow>('SELECT number, article_id FROM article_link ORDER BY at, article_id'),
  };
  const createTx = db.transaction((row: NewIncidentRow, afterSeq: number, numberOf: (seq: number) => string): IncidentRow => {
    // Looked up inside the transaction, so two concurrent creates with one key open one ticket.
    const existing = q.byCorrelation.get(row.correlation_id);
    if (existing) return existing;
    const seq = Math.max(afterSeq, q.maxSeq.get()?.seq ?? 0) + 1;
    const created: IncidentRow = { ...row, number: numberOf(seq), seq };
    q.insert.run(created);
    return created;
  });
  return {
    all: async () => q.all.all(),
    byNumber: async (number) => q.byNumber.get(number),
    // IMMEDIATE takes the write lock first, so another process sharing the file waits and then sees our row.
    create: async (row, afterSeq, numberOf) => createTx.immediate(row, afterSeq, numberOf),
    comment: async (c) => {
      q.comment.run({ ...c, internal: c.internal ? 1 : 0 });
    },
    link: async (l) => {
      q.link.run(l);
    },
    links: async (number) => (number === undefined ? q.allLinks.all() : q.linksOf.all(number)),
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => {
      db.close();
    },
  };
}
