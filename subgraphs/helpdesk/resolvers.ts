import { randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { ERRORS, connectorError } from '../../kernel/errors.js';
import { type Article, type IncidentPriority, type ServiceInfo, splitQualifiedId } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import type { DeskHandle, HelpdeskContext, IncidentView } from './context.js';
import type {
  MutationCommentIncidentArgs,
  MutationCreateIncidentArgs,
  MutationLinkArticleArgs,
  MutationReportProblemArgs,
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
 * A problem an end user reports is unverified, so even a critical service's report starts one step
 * below CRITICAL: the help desk raises it once it is confirmed.
 */
const REPORT_PRIORITY: Record<NonNullable<ServiceInfo['criticality']>, IncidentPriority> = {
  CRITICAL: 'HIGH',
  HIGH: 'HIGH',
  MEDIUM: 'MODERATE',
  LOW: 'LOW',
};

/** Every desk's incidents; a desk that fails adds its error and the others still count. */
async function collect(ctx: HelpdeskContext, info: GraphQLResolveInfo, openOnly: boolean): Promise<IncidentView[]> {
  const results = await Promise.allSettled(ctx.desks.map((desk) => desk.list(openOnly)));
  return results.flatMap((result, i) => {
    if (result.status === 'fulfilled') return result.value;
    recordPartialError(ctx, connectorError(ctx.desks[i]?.name ?? 'helpdesk', result.reason, ctx.log), info);
    return [];
  });
}

/** Incidents whose services are all outside the viewer's scope are left out, not reported as errors. */
async function visibleOnly(ctx: HelpdeskContext, incidents: IncidentView[]): Promise<IncidentView[]> {
  const keep = await Promise.all(incidents.map((incident) => ctx.scope.visible(incident.serviceIds)));
  return incidents.filter((_, i) => keep[i]);
}

async function componentsOf(ctx: HelpdeskContext, serviceIds: readonly string[]): Promise<Set<string>> {
  const lists = await Promise.all(serviceIds.map((id) => ctx.scope.componentIds(id)));
  return new Set(lists.flat());
}

function onServices(incident: IncidentView, serviceIds: ReadonlySet<string>, components: ReadonlySet<string>): boolean {
  return (incident.serviceId !== null && serviceIds.has(incident.serviceId)) || (incident.ciId !== null && components.has(incident.ciId));
}

function deskOf(ctx: HelpdeskContext, id: string): DeskHandle | null {
  const parts = splitQualifiedId(id);
  return (parts && ctx.desks.find((d) => d.name === parts.connector)) ?? null;
}

async function findIncident(ctx: HelpdeskContext, id: string): Promise<{ desk: DeskHandle; incident: IncidentView } | null> {
  const desk = deskOf(ctx, id);
  if (!desk) return null;
  const incident = await desk.api.incidentById(id).catch((error: unknown) => {
    throw connectorError(desk.name, error, ctx.log);
  });
  return incident ? { desk, incident: await ctx.enrich(incident) } : null;
}

/** A lookup outside the viewer's scope is null, as if the ticket did not exist. */
async function visibleIncident(ctx: HelpdeskContext, id: string): Promise<IncidentView | null> {
  const found = await findIncident(ctx, id);
  return found && (await ctx.scope.visible(found.incident.serviceIds)) ? found.incident : null;
}

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
  return (await visibleOnly(ctx, matching)).sort(mostUrgentFirst).slice(0, first);
}

/**
 * The incident a mutation acts on, once the viewer's right on it is checked. An incident the viewer
 * cannot see is NOT_FOUND (its existence is not leaked); one they see but may not act on is FORBIDDEN.
 */
async function incidentToActOn(ctx: HelpdeskContext, id: string, action: string): Promise<{ desk: DeskHandle; incident: IncidentView }> {
  const found = await findIncident(ctx, id);
  if (!found || !(await ctx.scope.visible(found.incident.serviceIds))) throw ERRORS.NOT_FOUND.err(`No incident ${id}`);
  if (!(await ctx.scope.mayAct(action, found.incident.serviceIds))) {
    ctx.audit({ kind: 'denial', action, target: id, result: 'denied' });
    throw ERRORS.FORBIDDEN.err(`You may not ${action.split(':')[1] ?? action} incidents on the services this incident concerns`);
  }
  return found;
}

/** A service the viewer may see; anything else reads "no such service" so existence does not leak. */
async function serviceInScope(ctx: HelpdeskContext, serviceId: string): Promise<ServiceInfo> {
  const service = (await ctx.scope.services()).find((s) => s.id === serviceId);
  if (!service || !(await ctx.scope.visible([service.id]))) throw ERRORS.NOT_FOUND.err(`No such service: ${serviceId}`);
  return service;
}

function pickDesk(ctx: HelpdeskContext, connector: string | null | undefined): DeskHandle {
  const desk = connector ? ctx.desks.find((d) => d.name === connector) : ctx.desks[0];
  if (!desk) throw ERRORS.BAD_USER_INPUT.err(connector ? `No help desk named ${connector}` : 'No help desk is configured');
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

async function createIncident(_: unknown, { input }: MutationCreateIncidentArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const title = input.title.trim();
  if (!title) throw ERRORS.BAD_USER_INPUT.err('title must not be empty');
  const desk = pickDesk(ctx, input.connector);
  const ciId = input.ciId ?? null;
  const serviceId = input.serviceId ?? null;
  if (ciId) {
    const topology = await ctx.topology.load();
    // With a CMDB down the CI may be one we cannot see; the help desk takes the id as given.
    if (!topology.byId.has(ciId) && topology.failures.length === 0) throw ERRORS.BAD_USER_INPUT.err(`No such CI: ${ciId}`);
  }
  if (serviceId) await serviceInScope(ctx, serviceId);
  const services = serviceId ? [serviceId] : ciId ? await ctx.scope.servicesForCi(ciId) : null;
  // Without a CI or service the ticket concerns nothing in particular: any grant of the action will do.
  const allowed = services ? await ctx.scope.mayAct('incident:create', services) : ctx.viewer.actions.includes('incident:create');
  if (!allowed) {
    ctx.audit({ kind: 'denial', action: 'incident:create', target: serviceId ?? ciId ?? undefined, result: 'denied' });
    throw ERRORS.FORBIDDEN.err('You may not open incidents on this service');
  }
  return createIn(ctx, desk, {
    title,
    description: input.description,
    priority: input.priority,
    ciId,
    serviceId,
    caller: ctx.viewer.id,
    correlationId: input.clientMutationId?.trim() || randomUUID(),
  });
}

async function commentIncident(_: unknown, args: MutationCommentIncidentArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const text = args.text.trim();
  if (!text) throw ERRORS.BAD_USER_INPUT.err('text must not be empty');
  const { desk } = await incidentToActOn(ctx, args.id, 'incident:comment');
  const updated = await desk.api.comment(args.id, { author: ctx.viewer.id, text, internal: args.internal }).catch((error: unknown) => {
    throw connectorError(desk.name, error, ctx.log);
  });
  ctx.log.info('incident commented', { target: args.id, viewer: ctx.viewer.id, connector: desk.name });
  return ctx.enrich(updated);
}

async function findArticle(ctx: HelpdeskContext, id: string): Promise<Article | null> {
  const parts = splitQualifiedId(id);
  const kb = parts && ctx.knowledgeBases.find((k) => k.name === parts.connector);
  if (!kb) return null;
  return kb.api.articleById(id).catch((error: unknown) => {
    throw connectorError(kb.name, error, ctx.log);
  });
}

async function linkArticle(_: unknown, args: MutationLinkArticleArgs, ctx: HelpdeskContext): Promise<IncidentView> {
  const { desk, incident } = await incidentToActOn(ctx, args.incidentId, 'article:link');
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
  const service = await serviceInScope(ctx, args.serviceId);
  if (!(await ctx.scope.mayAct('problem:report', [service.id]))) {
    ctx.audit({ kind: 'denial', action: 'problem:report', target: service.id, result: 'denied' });
    throw ERRORS.FORBIDDEN.err(`You may not report problems with ${service.name}`);
  }
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

async function incidentsOn(
  ctx: HelpdeskContext,
  info: GraphQLResolveInfo,
  openOnly: boolean,
  match: (incident: IncidentView) => boolean,
): Promise<IncidentView[]> {
  const found = (await collect(ctx, info, openOnly)).filter(match);
  return (await visibleOnly(ctx, found)).sort(mostUrgentFirst);
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
    incident: (_, args, ctx) => visibleIncident(ctx, args.id),
  },
  Mutation: { createIncident, commentIncident, linkArticle, reportProblem },
  Incident: {
    __resolveReference: (ref, ctx) => visibleIncident(ctx, ref.id),
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
      const serviceName = serviceId ? (await ctx.scope.services()).find((s) => s.id === serviceId)?.name : undefined;
      return [incident.title, ciName, serviceName].filter((part): part is string => !!part).join(' ');
    },
  },
  ConfigurationItem: {
    incidents: (ci, args, ctx, info) => incidentsOn(ctx, info, args.openOnly, (incident) => incident.ciId === ci.id),
  },
  Service: {
    incidents: async (service, args, ctx, info) => {
      // The gateway passes componentIds (@requires); the catalog answers when called without them.
      const components = new Set(service.componentIds ?? (await ctx.scope.componentIds(service.id)));
      const own = new Set([service.id]);
      return incidentsOn(ctx, info, args.openOnly, (incident) => onServices(incident, own, components));
    },
  },
} satisfies Resolvers;
