import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector, HelpdeskApi } from '../core/connector.js';
import { createCorrelator, type Correlator } from '../../kernel/correlate.js';
import { ERRORS } from '../../kernel/errors.js';
import type { CiHint, Incident, IncidentFilter, IncidentPriority, IncidentState, NewIncident } from '../../kernel/model.js';
import { BuiltinConfig, estateDirOf } from './config.js';
import { INCIDENT_PRIORITIES, loadCmdbEstate, loadHelpdeskEstate, toHint, type IncidentDef } from './estate-files.js';
import { openStore, withStoreErrors } from './store.js';
import { splitQualifiedId } from '../../kernel/model.js';

/**
 * The builtin help desk: the open tickets of the estate's helpdesk.yaml plus the tickets created
 * through servicegraph, which live in SQLite (`builtin-helpdesk.sqlite` in the data directory) with
 * their comments and article links, so actions are real and survive a restart.
 *
 * Numbers of created tickets start at INC0010100 (the estate uses lower ones) and only grow. A
 * create with a correlation id already seen returns the ticket it opened: the gateway may retry.
 */

const MIGRATIONS = [
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

const FIRST_CREATED_SEQ = 10_100;
const OPEN_STATES: ReadonlySet<IncidentState> = new Set(['NEW', 'IN_PROGRESS', 'ON_HOLD']);

/** Ticket SLA targets by priority (response, resolution), in minutes: a common ITIL matrix. */
const TICKET_SLA_MINUTES: Record<IncidentPriority, [number, number] | null> = {
  CRITICAL: [15, 4 * 60],
  HIGH: [60, 8 * 60],
  MODERATE: [4 * 60, 3 * 24 * 60],
  LOW: [24 * 60, 5 * 24 * 60],
  PLANNING: null,
};

interface IncidentRow {
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

interface LinkRow {
  number: string;
  article_id: string;
}

const numberOf = (seq: number) => `INC${String(seq).padStart(7, '0')}`;
const addMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export const builtinHelpdeskConnector = {
  type: 'builtin-helpdesk',
  kind: 'helpdesk',
  config: BuiltinConfig,
  create(name, config, deps) {
    const estateDir = estateDirOf(config, deps);
    const estate = new Map(loadHelpdeskEstate(estateDir, new Date()).map((def) => [def.number, def]));
    // The filter `ciIds` is answered with the same identification rules the subgraphs use, over the
    // estate's own CMDB when there is one, so a ticket naming `server123.corp.example` still matches.
    const correlate: Correlator = existsSync(join(estateDir, 'cmdb.yaml'))
      ? createCorrelator(loadCmdbEstate(estateDir, name).cis)
      : (hint) => hint?.ciId ?? null;
    const db = openStore(join(deps.dataDir, 'builtin-helpdesk.sqlite'), MIGRATIONS);
    const errorOptions = { extensions: { connector: name } };

    const q = {
      all: db.prepare<[], IncidentRow>('SELECT * FROM incident ORDER BY seq'),
      byNumber: db.prepare<[string], IncidentRow>('SELECT * FROM incident WHERE number = ?'),
      byCorrelation: db.prepare<[string], IncidentRow>('SELECT * FROM incident WHERE correlation_id = ?'),
      maxSeq: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM incident'),
      insert: db.prepare<[IncidentRow]>(
        `INSERT INTO incident (number, seq, correlation_id, title, description, state, priority, ci_id, service_id,
           caller, assignee, opened_at, response_due, resolution_due)
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

    const base = (number: string) => ({ id: `${name}:${number}`, connector: name, tool: 'builtin', number, url: null });

    function fromEstate(def: IncidentDef, links: string[]): Incident {
      return {
        ...base(def.number),
        title: def.title,
        description: def.description,
        state: def.state,
        priority: def.priority,
        ci: def.ci ? toHint(def.ci) : null,
        serviceId: def.serviceId,
        assignee: def.assignee,
        openedAt: def.openedAt,
        responseDue: def.responseDue,
        resolutionDue: def.resolutionDue,
        linkedArticleIds: links,
      };
    }

    function fromRow(row: IncidentRow, links: string[]): Incident {
      return {
        ...base(row.number),
        title: row.title,
        description: row.description,
        state: row.state,
        priority: row.priority,
        ci: row.ci_id === null ? null : { ciId: row.ci_id },
        serviceId: row.service_id,
        assignee: row.assignee,
        openedAt: row.opened_at,
        responseDue: row.response_due,
        resolutionDue: row.resolution_due,
        linkedArticleIds: links,
      };
    }

    function load(number: string): Incident | null {
      const links = q.linksOf.all(number).map((l) => l.article_id);
      const def = estate.get(number);
      if (def) return fromEstate(def, links);
      const row = q.byNumber.get(number);
      return row ? fromRow(row, links) : null;
    }

    function numberFromId(id: string): string | null {
      const parts = splitQualifiedId(id);
      return parts?.connector === name ? parts.nativeId : null;
    }

    function mustLoad(id: string): Incident {
      const number = numberFromId(id);
      const incident = number === null ? null : load(number);
      if (!incident) throw ERRORS.NOT_FOUND.err(`${name}: no incident ${id}`, errorOptions);
      return incident;
    }

    function matches(incident: Incident, filter: IncidentFilter): boolean {
      if (filter.openOnly && !OPEN_STATES.has(incident.state)) return false;
      if (filter.serviceIds && (incident.serviceId === null || !filter.serviceIds.includes(incident.serviceId))) return false;
      if (filter.ciIds) {
        const hint: CiHint | null = incident.ci;
        const ids = new Set(filter.ciIds);
        const hit = hint !== null && [correlate(hint), hint.ciId, hint.name].some((id) => id != null && ids.has(id));
        if (!hit) return false;
      }
      if (filter.text) {
        const needle = filter.text.toLowerCase();
        const hay = `${incident.number}\n${incident.title}\n${incident.description ?? ''}`.toLowerCase();
        if (!hay.includes(needle)) return false;
      }
      return true;
    }

    const createTx = db.transaction((input: NewIncident, openedAt: string): IncidentRow => {
      // Looked up inside the transaction, so two concurrent creates with one key open one ticket.
      const existing = q.byCorrelation.get(input.correlationId);
      if (existing) return existing;
      const estateMax = Math.max(0, ...[...estate.keys()].map((n) => Number(n.slice(3))));
      const seq = Math.max(FIRST_CREATED_SEQ - 1, estateMax, q.maxSeq.get()?.seq ?? 0) + 1;
      const sla = TICKET_SLA_MINUTES[input.priority];
      const row: IncidentRow = {
        number: numberOf(seq),
        seq,
        correlation_id: input.correlationId,
        title: input.title.trim(),
        description: input.description,
        state: 'NEW',
        priority: input.priority,
        ci_id: input.ciId,
        service_id: input.serviceId,
        caller: input.caller,
        assignee: null,
        opened_at: openedAt,
        response_due: sla ? addMinutes(openedAt, sla[0]) : null,
        resolution_due: sla ? addMinutes(openedAt, sla[1]) : null,
      };
      q.insert.run(row);
      return row;
    });

    const api: HelpdeskApi = {
      async listIncidents(filter) {
        const links = new Map<string, string[]>();
        for (const l of q.allLinks.all()) links.set(l.number, [...(links.get(l.number) ?? []), l.article_id]);
        const all = [
          ...[...estate.values()].map((def) => fromEstate(def, links.get(def.number) ?? [])),
          ...q.all.all().map((row) => fromRow(row, links.get(row.number) ?? [])),
        ];
        // Newest first, as a help desk queue lists them.
        return all
          .filter((i) => matches(i, filter))
          .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.number.localeCompare(a.number));
      },
      async incidentById(id) {
        const number = numberFromId(id);
        return number === null ? null : load(number);
      },
      async createIncident(input) {
        if (input.title.trim() === '') throw ERRORS.BAD_USER_INPUT.err('an incident needs a title', errorOptions);
        if (input.correlationId.trim() === '') throw ERRORS.BAD_USER_INPUT.err('an incident needs a correlation id', errorOptions);
        if (!INCIDENT_PRIORITIES.includes(input.priority))
          throw ERRORS.BAD_USER_INPUT.err(`unknown priority ${String(input.priority)}`, errorOptions);
        // IMMEDIATE takes the write lock first, so another process sharing the file waits and then sees our row.
        const row = createTx.immediate(input, new Date().toISOString());
        return fromRow(
          row,
          q.linksOf.all(row.number).map((l) => l.article_id),
        );
      },
      async comment(incidentId, comment) {
        const incident = mustLoad(incidentId);
        if (comment.text.trim() === '') throw ERRORS.BAD_USER_INPUT.err('a comment needs text', errorOptions);
        q.comment.run({
          number: incident.number,
          author: comment.author,
          text: comment.text,
          internal: comment.internal ? 1 : 0,
          at: new Date().toISOString(),
        });
        return incident;
      },
      async linkArticle(incidentId, article) {
        const incident = mustLoad(incidentId);
        q.link.run({
          number: incident.number,
          article_id: article.id,
          title: article.title,
          url: article.url,
          at: new Date().toISOString(),
        });
        return true;
      },
    };

    const guardedApi = withStoreErrors(name, api);
    return {
      name,
      kind: 'helpdesk',
      // Auth is not needed: the builtin tools take authorship from the arguments (ack author, caller).
      forRequest: (_auth) => guardedApi,
      healthCheck: async () => {
        db.prepare('SELECT 1').get();
      },
      dispose: async () => {
        db.close();
      },
    };
  },
} satisfies Connector<BuiltinConfig, HelpdeskApi>;
