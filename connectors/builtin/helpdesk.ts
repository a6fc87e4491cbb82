import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HelpdeskApi } from '../core/connector.js';
import { createCorrelator, type Correlator } from '../../kernel/correlate.js';
import { ERRORS } from '../../kernel/errors.js';
import type { CiHint, Incident, IncidentFilter, IncidentPriority, IncidentState } from '../../kernel/model.js';
import { estateDirOf } from './config.js';
import { builtinConnector } from './connector.js';
import { INCIDENT_PRIORITIES, loadCmdbEstate, loadHelpdeskEstate, toHint, type IncidentDef } from './estate-files.js';
import { openTicketStore, type IncidentRow } from './ticket-store.js';
import { splitQualifiedId } from '../../kernel/model.js';

/**
 * The builtin help desk: the open tickets of the estate's helpdesk.yaml plus the tickets created
 * through servicegraph, which live in its store (SQLite in the data directory, or the deployment's
 * PostgreSQL) with their comments and article links, so actions are real and survive a restart.
 *
 * Numbers of created tickets start at INC0010100 (the estate uses lower ones) and only grow. A
 * create with a correlation id already seen returns the ticket it opened: the gateway may retry.
 *
 * Catalogue requests are request records in the same store, numbered REQ… from the same sequence
 * (so a correlation id opens one record, whichever kind): they are requests, so they are neither
 * listed nor found as incidents.
 */

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

const numberOf = (seq: number) => `INC${String(seq).padStart(7, '0')}`;
const requestNumberOf = (seq: number) => `REQ${String(seq).padStart(7, '0')}`;
const isRequest = (number: string) => number.startsWith('REQ');
const addMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export const builtinHelpdeskConnector = builtinConnector('builtin-helpdesk', 'helpdesk', {
  create(name, config, deps) {
    const estateDir = estateDirOf(config, deps);
    const estate = new Map(loadHelpdeskEstate(estateDir, new Date()).map((def) => [def.number, def]));
    // The filter `ciIds` is answered with the same identification rules the subgraphs use, over the
    // estate's own CMDB when there is one, so a ticket naming `server123.corp.example` still matches.
    const correlate: Correlator = existsSync(join(estateDir, 'cmdb.yaml'))
      ? createCorrelator(loadCmdbEstate(estateDir, name).cis)
      : (hint) => hint?.ciId ?? null;
    const tickets = openTicketStore(name, deps);
    const errorOptions = { extensions: { connector: name } };

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

    async function load(number: string): Promise<Incident | null> {
      const links = (await tickets.links(number)).map((l) => l.article_id);
      const def = estate.get(number);
      if (def) return fromEstate(def, links);
      const row = isRequest(number) ? undefined : await tickets.byNumber(number);
      return row ? fromRow(row, links) : null;
    }

    function numberFromId(id: string): string | null {
      const parts = splitQualifiedId(id);
      return parts?.connector === name ? parts.nativeId : null;
    }

    async function mustLoad(id: string): Promise<Incident> {
      const number = numberFromId(id);
      const incident = number === null ? null : await load(number);
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

    const estateMax = Math.max(0, ...[...estate.keys()].map((n) => Number(n.slice(3))));
    // Created tickets are numbered after the estate's and from FIRST_CREATED_SEQ on.
    const afterSeq = Math.max(FIRST_CREATED_SEQ - 1, estateMax);

    const api: HelpdeskApi = {
      async listIncidents(filter) {
        const links = new Map<string, string[]>();
        for (const l of await tickets.links()) links.set(l.number, [...(links.get(l.number) ?? []), l.article_id]);
        const all = [
          ...[...estate.values()].map((def) => fromEstate(def, links.get(def.number) ?? [])),
          ...(await tickets.all()).filter((row) => !isRequest(row.number)).map((row) => fromRow(row, links.get(row.number) ?? [])),
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
        const openedAt = new Date().toISOString();
        const sla = TICKET_SLA_MINUTES[input.priority];
        const row = await tickets.create(
          {
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
          },
          afterSeq,
          numberOf,
        );
        return fromRow(
          row,
          (await tickets.links(row.number)).map((l) => l.article_id),
        );
      },
      async createRequest(input) {
        if (input.title.trim() === '') throw ERRORS.BAD_USER_INPUT.err('a request needs a title', errorOptions);
        if (input.correlationId.trim() === '') throw ERRORS.BAD_USER_INPUT.err('a request needs a correlation id', errorOptions);
        const row = await tickets.create(
          {
            correlation_id: input.correlationId,
            title: input.title.trim(),
            description: input.description,
            state: 'NEW',
            priority: 'PLANNING',
            ci_id: null,
            service_id: input.serviceId,
            caller: input.caller,
            assignee: null,
            opened_at: new Date().toISOString(),
            response_due: null,
            resolution_due: null,
          },
          afterSeq,
          requestNumberOf,
        );
        if (!isRequest(row.number)) throw ERRORS.BAD_USER_INPUT.err(`correlation id already opened incident ${row.number}`, errorOptions);
        return { id: `${name}:${row.number}`, connector: name, number: row.number, url: null };
      },
      async comment(incidentId, comment) {
        const incident = await mustLoad(incidentId);
        if (comment.text.trim() === '') throw ERRORS.BAD_USER_INPUT.err('a comment needs text', errorOptions);
        await tickets.comment({
          number: incident.number,
          author: comment.author,
          text: comment.text,
          internal: comment.internal,
          at: new Date().toISOString(),
        });
        return incident;
      },
      async linkArticle(incidentId, article) {
        const incident = await mustLoad(incidentId);
        await tickets.link({
          number: incident.number,
          article_id: article.id,
          title: article.title,
          url: article.url,
          at: new Date().toISOString(),
        });
        return true;
      },
    };

    return { api, store: tickets };
  },
});
