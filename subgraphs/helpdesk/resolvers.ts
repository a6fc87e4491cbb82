import { createHash, randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { ERRORS, connectorError } from '../../kernel/errors.js';
import { type Article, type IncidentPriority, type ServiceInfo, splitQualifiedId } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import type { Offering } from '../../bsm/catalog.js';
import type { DeskHandle, HelpdeskContext, IncidentView } from './context.js';
import type {
  MutationCommentIncidentArgs,
  MutationCreateIncidentArgs,
  MutationLinkArticleArgs,
  MutationReportProblemArgs,
  MutationRequestOfferingArgs,
  QueryIncidentsArgs,
  Resolvers,
} from './resolver-types.generated.js';

const PRIORITY_ORDER: IncidentPriority[] = ['CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'PLANNING'];

/** Most urgent first; among equals the newest, then by id for a stable order. */
function mostUrgentFirst(a: IncidentView, b: IncidentView): number {
  return (
    PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority) ||
    b.openedAt.localeCompare(a.openedAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The priority of a problem report, from the service's criticality: a report is one person's word,
 * unverified, so even a CRITICAL service's report opens at HIGH, one step below, and the help desk
 * raises it once it is confirmed. A service without a criticality gets MODERATE.
 */
const REPORT_PRIORITY: Record<NonNullable<ServiceInfo['criticality']>, IncidentPriority> = {
  CRITICAL: 'HIGH',
  HIGH: 'HIGH',
  MEDIUM: 'MODERATE',
  LOW: 'LOW',
};

/**
 * Every desk's incidents the viewer may see; a desk that fails adds its error and the others still
 * count. Scope is applied here, before a list is cut to `first` (the scope middleware would drop
 * them anyway, but the page would come up short).
 */
async function collect(ctx: HelpdeskContext, info: GraphQLResolveInfo, openOnly: boolean): Promise<IncidentView[]> {
  const [results, scope] = await Promise.all([Promise.allSettled(ctx.desks.map((desk) => desk.list(openOnly))), ctx.scope.load()]);
  const incidents = results.flatMap((result, i) => {
    if (result.status === 'fulfilled') return result.value;
    recordPartialError(ctx, connectorError(ctx.desks[i]?.name ?? 'helpdesk', result.reason, ctx.log), info);
    return [];
  });
  return scope.filter('Incident', incidents);
}

async function componentsOf(ctx: HelpdeskContext, serviceIds: readonly string[]): Promise<Set<string>> {
  const { index } = await ctx.scope.load();
  return new Set(serviceIds.flatMap((id) => index.components(id)));
}

function onServices(incident: IncidentView, serviceIds: ReadonlySet<string>, components: ReadonlySet<string>): boolean {
  return (incident.serviceId !== null && serviceIds.has(incident.serviceId)) || (incident.ciId !== null && components.has(incident.ciId));
}

function deskOf(ctx: HelpdeskContext, id: string): DeskHandle | null {
  const parts = splitQualifiedId(id);
  return (parts && ctx.desks.find((d) => d.name === parts.connector)) ?? null;
}

export async function findIncident(ctx: HelpdeskContext, id: string): Promise<{ desk: DeskHandle; incident: IncidentView } | null> {
  const desk = deskOf(ctx, id);
  if (!desk) return null;
  const incident = await desk.api.incidentById(id).catch((error: unknown) => {
    throw connectorError(desk.name, error, ctx.log);
  });
  return incident ? { desk, incident: await ctx.enrich(incident) } : null;
}

export const incidentById = async (ctx: HelpdeskContext, id: string): Promise<IncidentView | null> =>
  (await findIncident(ctx, id))?.incident ?? null;

async function incidents(_: unknown, args: QueryIncidentsArgs, ctx: HelpdeskContext, info: GraphQLResolveInfo): Promise<IncidentView[]> {
  const first = checkFirst(args.first, ctx.maxPageSize, info);
  const { filter } = args;
  const ciIds = filter.ciIds ? new Set(filter.ciIds) : null;
  const serviceIds = filter.serviceIds ? new Set(filter.serviceIds) : null;
  const components = serviceIds ? await componentsOf(ctx, [...serviceIds]) : new Set<string>();
  const text = filter.text?.trim().toLowerCase() ?? '';
  const matching = (await collect(ctx, info, filter.openOnly)).filter(
    (incident) =>
      (!ciIds || (incident.ciId !== null && ciIds.has(incident.ciId))) &&
      (!serviceIds || onServices(incident, serviceIds, components)) &&
      (!text || [incident.number, incident.title, incident.description].some((v) => v?.toLowerCase().includes(text))),
  );
  return matching.sort(mostUrgentFirst).slice(0, first);
}

/**
 * The incident a mutation acts on. The scope middleware has already found it and checked that the
 * viewer sees it and may take the action on what it serves; it can only have vanished since.
 */
async function incidentToActOn(ctx: HelpdeskContext, id: string): Promise<{ desk: DeskHandle; incident: IncidentView }> {
  const found = await findIncident(ctx, id);
  if (!found) throw ERRORS.NOT_FOUND.err(`No incident ${id}`);
  return found;
}

/** The CI a mutation argument names: from the merged CMDB; with a CMDB down, "no such CI" is not proven. */
export async function findCi(ctx: HelpdeskContext, id: string): Promise<{ id: string } | null> {
  const topology = await ctx.topology.load();
  if (topology.byId.has(id)) return { id };
  const failure = topology.failures[0];
  if (failure) throw failure;
  return null;
}

/**
 * The tool's idempotency key, per viewer: the same clientMutationId from two viewers is two keys, so
 * one never gets the other's ticket back. Hashed, so any key fits every tool's field (RT keeps 64
 * characters of [A-Za-z0-9._-]).
 */
const correlationKey = (viewerId: string, clientMutationId: string) =>
  createHash('sha256').update(`${viewerId}\n${clientMutationId}`).digest('hex').slice(0, 40);

function pickDesk(ctx: HelpdeskContext, connector: string | null | undefined): DeskHandle {
  const desk = connector ? ctx.desks.find((d) => d.name === connector) : ctx.desks[0];
  if (!desk && ctx.desks.length === 0) throw ERRORS.NOT_CONFIGURED.err('no help desk is configured: no incident can be opened');
  if (!desk) throw ERRORS.BAD_USER_INPUT.err(`No help desk named ${connector}`);
  return desk;
}

async function createIn(
  ctx: HelpdeskContext,
  desk: DeskHandle,
  input: Parameters<DeskHandle['api']['createIncident']>[0],
): Promise<IncidentView> {
  const created = await desk.api.createIncident(input).catch((error: unknown) => {
    throw connectorError(desk.name, error, ctx.log);
  });
  ctx.log.info('incident created', { target: created.id, viewer: ctx.viewer.id, connector: desk.name });
  return ctx.enrich(created);
}

/**
 * The scope middleware has checked that the viewer sees, and may open incidents on, the service and
 * the CI the input names (each of them). Without either, the ticket concerns nothing in particular:
 * the action right alone (checked by the gateway and the shield) will do, but only for a viewer who
 * sees everything, since only such a viewer could ever see that ticket again.
 */
async function createIncident(_: unknown, { input }: MutationCreateIncidentArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const title = input.title.trim();
  if (!title) throw ERRORS.BAD_USER_INPUT.err('title must not be empty');
  const desk = pickDesk(ctx, input.connector);
  if (!input.serviceId && !input.ciId && !(await ctx.scope.load()).seesAll) {
    throw ERRORS.BAD_USER_INPUT.err('name the serviceId or ciId the incident is about (one in your scope)');
  }
  const key = input.clientMutationId?.trim();
  return createIn(ctx, desk, {
    title,
    description: input.description,
    priority: input.priority,
    ciId: input.ciId ?? null,
    serviceId: input.serviceId ?? null,
    caller: ctx.viewer.id,
    correlationId: key ? correlationKey(ctx.viewer.id, key) : randomUUID(),
  });
}

async function commentIncident(_: unknown, args: MutationCommentIncidentArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const text = args.text.trim();
  if (!text) throw ERRORS.BAD_USER_INPUT.err('text must not be empty');
  const { desk } = await incidentToActOn(ctx, args.id);
  const updated = await desk.api.comment(args.id, { author: ctx.viewer.id, text, internal: args.internal }).catch((error: unknown) => {
    throw connectorError(desk.name, error, ctx.log);
  });
  ctx.log.info('incident commented', { target: args.id, viewer: ctx.viewer.id, connector: desk.name });
  return ctx.enrich(updated);
}

export async function findArticle(ctx: HelpdeskContext, id: string): Promise<Article | null> {
  const parts = splitQualifiedId(id);
  const kb = parts && ctx.knowledgeBases.find((k) => k.name === parts.connector);
  if (!kb) return null;
  return kb.api.articleById(id).catch((error: unknown) => {
    throw connectorError(kb.name, error, ctx.log);
  });
}

async function linkArticle(_: unknown, args: MutationLinkArticleArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const { desk, incident } = await incidentToActOn(ctx, args.incidentId);
  const article = await findArticle(ctx, args.articleId);
  if (!article) throw ERRORS.NOT_FOUND.err(`No article ${args.articleId}`);
  const stored = await desk.api
    .linkArticle(args.incidentId, { id: article.id, title: article.title, url: article.url })
    .catch((error: unknown) => {
      throw connectorError(desk.name, error, ctx.log);
    });
  if (!stored) throw ERRORS.UPSTREAM_REJECTED.err(`${desk.name} cannot record article links`, { extensions: { connector: desk.name } });
  ctx.log.info('article linked', { target: args.incidentId, article: article.id, viewer: ctx.viewer.id, connector: desk.name });
  // The connector's per-request loader may hold the ticket as read before the link: add it here.
  const linked = incident.linkedArticleIds.includes(article.id) ? incident.linkedArticleIds : [...incident.linkedArticleIds, article.id];
  return { ...incident, linkedArticleIds: linked };
}

async function reportProblem(
  _: unknown,
  args: MutationReportProblemArgs,
  ctx: HelpdeskContext,
): Promise<{ number: string; message: string }> {
  const text = args.text.trim();
  if (!text) throw ERRORS.BAD_USER_INPUT.err('text must not be empty');
  // The scope middleware has checked that the viewer sees the service and may report on it.
  const service = (await ctx.scope.load()).catalog.find((s) => s.id === args.serviceId);
  if (!service) throw ERRORS.BAD_USER_INPUT.err(`serviceId: no service ${JSON.stringify(args.serviceId)}`);
  const created = await createIn(ctx, pickDesk(ctx, null), {
    title: `${service.name}: problem reported by a user`,
    description: text,
    priority: service.criticality ? REPORT_PRIORITY[service.criticality] : 'MODERATE',
    ciId: null,
    serviceId: service.id,
    caller: ctx.viewer.id,
    correlationId: randomUUID(),
  });
  return { number: created.number, message: `Thanks — we opened ${created.number} for ${service.name}.` };
}

export const offeringById = (ctx: HelpdeskContext, id: string): Offering | null => ctx.catalog.find((o) => o.id === id) ?? null;

/**
 * A catalogue request: a request in the help desk's own sense (HelpdeskApi.createRequest: a
 * ServiceNow sc_request, a JSM request of the offering's request type, an RT ticket in the request
 * queue), on the offering's service, which every help desk connector makes idempotent by the
 * correlation id. The key is per viewer and kept apart from createIncident's, so the same
 * clientMutationId there never returns this request. The scope middleware has checked that the
 * viewer sees the offering's service and may request on it.
 */
async function requestOffering(
  _: unknown,
  { input }: MutationRequestOfferingArgs,
  ctx: HelpdeskContext,
): Promise<{ number: string; offering: Offering; message: string }> {
  const key = input.clientMutationId.trim();
  if (!key) throw ERRORS.BAD_USER_INPUT.err('clientMutationId must not be empty');
  const offering = offeringById(ctx, input.offeringId);
  if (!offering) throw ERRORS.BAD_USER_INPUT.err(`offeringId: no offering ${JSON.stringify(input.offeringId)}`);
  const note = input.note.trim();
  const desk = pickDesk(ctx, null);
  const created = await desk.api
    .createRequest({
      offeringId: offering.id,
      title: `Request: ${offering.name}`,
      description: [`Catalogue offering ${offering.id}, ${offering.monthlyCost} per month, for ${offering.owner}.`, note]
        .filter(Boolean)
        .join('\n\n'),
      serviceId: offering.serviceId,
      caller: ctx.viewer.id,
      correlationId: correlationKey(ctx.viewer.id, `offering\n${key}`),
      toolIds: offering.request,
    })
    .catch((error: unknown) => {
      throw connectorError(desk.name, error, ctx.log);
    });
  ctx.log.info('request opened', { target: created.id, offering: offering.id, viewer: ctx.viewer.id, connector: desk.name });
  return { number: created.number, offering, message: `We opened ${created.number} for ${offering.name}.` };
}

async function incidentsOn(
  ctx: HelpdeskContext,
  info: GraphQLResolveInfo,
  openOnly: boolean,
  match: (incident: IncidentView) => boolean,
): Promise<IncidentView[]> {
  return (await collect(ctx, info, openOnly)).filter(match).sort(mostUrgentFirst);
}

/** Seconds fit a GraphQL Int (32 bits) for 68 years either way; clamp beyond that rather than fail. */
const INT_MAX = 2 ** 31 - 1;
function secondsUntil(iso: string | null): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(-INT_MAX, Math.min(INT_MAX, Math.round((at - Date.now()) / 1000)));
}

export const helpdeskResolvers = {
  Query: {
    incidents,
    incident: (_, args, ctx) => incidentById(ctx, args.id),
    // The scope middleware keeps the offerings of the services the viewer sees.
    catalog: (_, __, ctx) => [...ctx.catalog],
  },
  Mutation: { createIncident, commentIncident, linkArticle, reportProblem, requestOffering },
  Offering: {
    __resolveReference: (ref, ctx) => offeringById(ctx, ref.id),
    service: (offering) => ({ id: offering.serviceId }),
  },
  Incident: {
    __resolveReference: (ref, ctx) => incidentById(ctx, ref.id),
    ci: (incident) => {
      if (incident.ciId !== null) return { id: incident.ciId };
      if (incident.ciError) throw incident.ciError;
      return null;
    },
    service: (incident) => (incident.serviceIds[0] ? { id: incident.serviceIds[0] } : null),
    resolutionTimeLeftSeconds: (incident) => secondsUntil(incident.resolutionDue),
    source: (incident) => incident.tool,
    searchText: async (incident, _, ctx) => {
      const topology = await ctx.topology.load();
      const ciName = (incident.ciId ? topology.byId.get(incident.ciId)?.name : undefined) ?? incident.ci?.name;
      const serviceId = incident.serviceIds[0];
      const serviceName = serviceId ? (await ctx.scope.load()).catalog.find((s) => s.id === serviceId)?.name : undefined;
      return [incident.title, ciName, serviceName].filter((part): part is string => !!part).join(' ');
    },
  },
  ConfigurationItem: {
    incidents: (ci, args, ctx, info) => incidentsOn(ctx, info, args.openOnly, (incident) => incident.ciId === ci.id),
  },
  Service: {
    incidents: async (service, args, ctx, info) => {
      // The gateway passes componentIds (@requires); the directory answers when called without them.
      const components = new Set(service.componentIds ?? (await ctx.scope.load()).index.components(service.id));
      const own = new Set([service.id]);
      return incidentsOn(ctx, info, args.openOnly, (incident) => onServices(incident, own, components));
    },
  },
} satisfies Resolvers;
