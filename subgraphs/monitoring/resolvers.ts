import type { GraphQLResolveInfo } from 'graphql';
import { ERRORS, connectorError } from '../../kernel/errors.js';
import { type CiMetric, SEVERITY_ORDER, type Status, splitQualifiedId } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import { toAlertView, type AlertView, type MonitorHandle, type MonitoringContext } from './context.js';
import type {
  MutationAcknowledgeAlertArgs,
  MutationUnacknowledgeAlertArgs,
  QueryAlertRulesArgs,
  QueryAlertsArgs,
  QueryUnmappedAlertsArgs,
  Resolvers,
} from './resolver-types.generated.js';

const rank = (status: Status) => SEVERITY_ORDER.indexOf(status as (typeof SEVERITY_ORDER)[number]);

/** Worst first; among equals the unacknowledged, then the longest-running, then by id for a stable order. */
function worstFirst(a: AlertView, b: AlertView): number {
  return (
    rank(b.severity) - rank(a.severity) ||
    Number(a.acknowledged) - Number(b.acknowledged) ||
    a.startsAt.localeCompare(b.startsAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * Every (named) monitor's alerts the viewer may see; a monitor that fails adds its error and the
 * others still count. Scope is applied here, before any list is cut to `first`, so a page is never
 * short because of alerts the viewer cannot see (the scope middleware would drop them anyway).
 */
async function collect(ctx: MonitoringContext, info: GraphQLResolveInfo, names?: readonly string[] | null): Promise<AlertView[]> {
  const monitors = names ? ctx.monitors.filter((m) => names.includes(m.name)) : ctx.monitors;
  const [results, scope] = await Promise.all([Promise.allSettled(monitors.map((m) => m.alerts())), ctx.scope.load()]);
  const alerts = results.flatMap((result, i) => {
    if (result.status === 'fulfilled') return result.value;
    recordPartialError(ctx, connectorError(monitors[i]?.name ?? 'monitor', result.reason, ctx.log), info);
    return [];
  });
  return scope.filter('Alert', alerts);
}

function monitorOf(ctx: MonitoringContext, id: string): MonitorHandle | null {
  const parts = splitQualifiedId(id);
  return (parts && ctx.monitors.find((m) => m.name === parts.connector)) ?? null;
}

/** The alert by its tool-qualified id, from the snapshot or (a resolved one) from the tool. */
async function findAlert(ctx: MonitoringContext, id: string): Promise<{ monitor: MonitorHandle; alert: AlertView } | null> {
  const monitor = monitorOf(ctx, id);
  if (!monitor) return null;
  const active = (await monitor.alerts()).find((a) => a.id === id);
  if (active) return { monitor, alert: active };
  const alert = await monitor.api.alertById(id).catch((error: unknown) => {
    throw connectorError(monitor.name, error, ctx.log);
  });
  return alert ? { monitor, alert: toAlertView(alert, false, await ctx.topology.load()) } : null;
}

export const alertById = async (ctx: MonitoringContext, id: string): Promise<AlertView | null> => (await findAlert(ctx, id))?.alert ?? null;

async function alerts(_: unknown, args: QueryAlertsArgs, ctx: MonitoringContext, info: GraphQLResolveInfo): Promise<AlertView[]> {
  const first = checkFirst(args.first, ctx.maxPageSize, info);
  const filter = args.filter ?? {};
  // UNKNOWN is not on the severity scale and no alert has it: as a minimum it filters nothing.
  const min = filter.minSeverity && filter.minSeverity !== 'UNKNOWN' ? rank(filter.minSeverity) : -1;
  const ciIds = filter.ciIds ? new Set(filter.ciIds) : null;
  const matching = (await collect(ctx, info, filter.connectors)).filter(
    (a) =>
      rank(a.severity) >= min &&
      (filter.acknowledged == null || a.acknowledged === filter.acknowledged) &&
      (!ciIds || (a.ciId !== null && ciIds.has(a.ciId))),
  );
  return matching.sort(worstFirst).slice(0, first);
}

async function unmappedAlerts(
  _: unknown,
  args: QueryUnmappedAlertsArgs,
  ctx: MonitoringContext,
  info: GraphQLResolveInfo,
): Promise<AlertView[]> {
  const first = checkFirst(args.first, ctx.maxPageSize, info);
  const all = await collect(ctx, info);
  // With a CMDB down, "maps to no CI" is unproven for some alerts: say so rather than list them.
  const unproven = all.find((a) => a.ciError);
  if (unproven?.ciError) recordPartialError(ctx, unproven.ciError, info);
  const unmapped = all.filter((a) => a.ciId === null && a.ciError === null);
  return unmapped.sort(worstFirst).slice(0, first);
}

async function alertsOnCis(ctx: MonitoringContext, info: GraphQLResolveInfo, ciIds: ReadonlySet<string>): Promise<AlertView[]> {
  return (await collect(ctx, info)).filter((a) => a.ciId !== null && ciIds.has(a.ciId)).sort(worstFirst);
}

async function metrics(ci: { id: string }, _: unknown, ctx: MonitoringContext, info: GraphQLResolveInfo): Promise<CiMetric[]> {
  const known = (await ctx.topology.load()).byId.get(ci.id);
  if (!known) return [];
  const perMonitor = await Promise.all(
    ctx.monitors.map(async (monitor) => {
      try {
        // A monitor that offers no metrics says so with null.
        return (await monitor.api.metricsFor(known)) ?? [];
      } catch (error) {
        recordPartialError(ctx, connectorError(monitor.name, error, ctx.log), info);
        return [];
      }
    }),
  );
  return perMonitor.flat();
}

/** Every monitor's alerting rules, firing first; a monitor that fails adds an error, the others still answer. */
async function alertRules(_: unknown, args: QueryAlertRulesArgs, ctx: MonitoringContext, info: GraphQLResolveInfo) {
  const first = checkFirst(args.first, ctx.maxPageSize, info);
  const perMonitor = await Promise.all(
    ctx.monitors.map(async (monitor) => {
      try {
        return (await monitor.api.alertRules()) ?? [];
      } catch (error) {
        recordPartialError(ctx, connectorError(monitor.name, error, ctx.log), info);
        return [];
      }
    }),
  );
  const RANK: Record<string, number> = { firing: 0, pending: 1 };
  const order = (state: string) => RANK[state] ?? 2;
  return perMonitor
    .flat()
    .sort((a, b) => order(a.state) - order(b.state) || a.id.localeCompare(b.id))
    .slice(0, first)
    .map((rule) => ({ ...rule, source: { tool: rule.tool, connector: rule.connector, url: rule.url } }));
}

/** Links from every monitor watching the CI; a monitor that fails adds an error, the others still answer. */
async function monitorLinks(ci: { id: string }, _: unknown, ctx: MonitoringContext, info: GraphQLResolveInfo) {
  const topology = await ctx.topology.load();
  const perMonitor = await Promise.all(
    ctx.monitors.map(async (monitor) => {
      try {
        const { watched } = await monitor.snapshot();
        return watched.flatMap(({ link, ...hint }) =>
          link && topology.correlate(hint) === ci.id ? [{ tool: link.tool, connector: monitor.name, url: link.url }] : [],
        );
      } catch (error) {
        recordPartialError(ctx, connectorError(monitor.name, error, ctx.log), info);
        return [];
      }
    }),
  );
  return perMonitor.flat();
}

/** DateTime has no parser of its own: whatever JSON the client sent arrives here. */
function validateUntil(until: unknown): string | undefined {
  if (until == null) return undefined;
  const at = typeof until === 'string' ? Date.parse(until) : Number.NaN;
  if (Number.isNaN(at)) throw ERRORS.BAD_USER_INPUT.err('until must be an ISO 8601 date-time');
  if (at <= Date.now()) throw ERRORS.BAD_USER_INPUT.err('until must be in the future');
  return new Date(at).toISOString();
}

/**
 * The alert a mutation acts on. The scope middleware has already found it and checked that the
 * viewer sees it and may acknowledge on what it serves; it can only have vanished since.
 */
async function alertToActOn(ctx: MonitoringContext, id: string): Promise<{ monitor: MonitorHandle; alert: AlertView }> {
  const found = await findAlert(ctx, id);
  if (!found) throw ERRORS.NOT_FOUND.err(`No alert ${id}`);
  return found;
}

async function acknowledgeAlert(_: unknown, args: MutationAcknowledgeAlertArgs, ctx: MonitoringContext): Promise<AlertView> {
  const comment = args.comment.trim();
  if (!comment) throw ERRORS.BAD_USER_INPUT.err('comment must not be empty');
  const until = validateUntil(args.until);
  const { monitor } = await alertToActOn(ctx, args.id);
  const updated = await monitor.api
    .acknowledge(args.id, { author: ctx.viewer.id, comment, ...(until ? { until } : {}) })
    .catch((error: unknown) => {
      throw connectorError(monitor.name, error, ctx.log);
    });
  ctx.log.info('alert acknowledged', { target: args.id, viewer: ctx.viewer.id, connector: monitor.name });
  return toAlertView(updated, false, await ctx.topology.load());
}

async function unacknowledgeAlert(_: unknown, args: MutationUnacknowledgeAlertArgs, ctx: MonitoringContext): Promise<AlertView> {
  const { monitor } = await alertToActOn(ctx, args.id);
  const updated = await monitor.api.unacknowledge(args.id, ctx.viewer.id).catch((error: unknown) => {
    throw connectorError(monitor.name, error, ctx.log);
  });
  ctx.log.info('alert unacknowledged', { target: args.id, viewer: ctx.viewer.id, connector: monitor.name });
  return toAlertView(updated, false, await ctx.topology.load());
}

export const monitoringResolvers = {
  Query: {
    alerts,
    alert: (_, args, ctx) => alertById(ctx, args.id),
    unmappedAlerts,
    alertRules,
  },
  Mutation: { acknowledgeAlert, unacknowledgeAlert },
  Alert: {
    __resolveReference: (ref, ctx) => alertById(ctx, ref.id),
    source: (a) => ({ tool: a.tool, connector: a.connector, url: a.url }),
    labels: (a) => Object.entries(a.labels).map(([name, value]) => ({ name, value })),
    ci: (a) => {
      if (a.ciId !== null) return { id: a.ciId };
      if (a.ciError) throw a.ciError;
      return null;
    },
  },
  ConfigurationItem: {
    __resolveReference: (ref) => ({ id: ref.id }),
    alerts: (ci, _, ctx, info) => alertsOnCis(ctx, info, new Set([ci.id])),
    metrics,
    monitorLinks,
  },
  Service: {
    alerts: async (service, _, ctx, info) => {
      // The gateway passes componentIds (@requires); the directory answers when called without them.
      const components = service.componentIds ?? (await ctx.scope.load()).index.components(service.id);
      return alertsOnCis(ctx, info, new Set(components));
    },
  },
} satisfies Resolvers;
