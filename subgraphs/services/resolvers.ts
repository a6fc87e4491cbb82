import type { GraphQLResolveInfo } from 'graphql';
import { DRILL_LEVELS, type ScopeRule } from '../../authz/viewer.js';
import { ERRORS } from '../../kernel/errors.js';
import type { Status } from '../../kernel/model.js';
import type { NodeRule, ReduceRule, RootCause } from '../../bsm/engine/types.js';
import { describeMap, describeRule, mapStatus, ruleKinds } from '../../bsm/engine/rules.js';
import { conditionOf } from '../../bsm/condition.js';
import type { HealthSnapshot } from '../../bsm/model.js';
import { rankOutages, type OutageImpact } from '../../bsm/ranking.js';
import type { ServiceImpactReport } from '../../bsm/service-report.js';
import type { ServiceTopology } from '../../bsm/service-topology.js';
import type { SlaReport } from '../../bsm/sla.js';
import { HOUR_MS, durationText } from '../../kernel/time.js';
import { byConsumerGroup, showback } from '../../bsm/showback.js';
import { type DowntimeCost, type DowntimeCostReport, downtimeCostReport, monthStart, serviceDowntimeCost } from '../../bsm/cost.js';
import { type ScenarioState, type ServiceWhatIf, whatIf } from '../../bsm/what-if.js';
import { explanationText, mentionsIncident, readKpi, serviceSentence } from '../../bsm/views.js';
import { checkFirst } from '../common/paging.js';
import type { ServicesContext, ServicesRequest } from './context.js';
import { type NodeRef, ciRef, serviceRef } from './parents.js';
import type { ConfigurationItemStatusHistoryArgs, PathElement, Resolvers, ScopeKind } from './resolver-types.generated.js';

/**
 * Resolvers of schema/services.graphql. Parents are references (`{ __typename, id }`); a field that
 * answers from health reads the request's one health snapshot (`health(info)`, which reports the
 * monitors that failed), one that answers from structure reads the topology alone. Scope is the
 * scope middleware's (subgraphs/common): every service and CI handed out is checked there. Here,
 * scope is read only where it changes an answer beyond the objects themselves: lists that are
 * counted or paged, aggregates, the ranking and the words of an explanation.
 */

/** Cursors are opaque: base64 of the offset of the last item returned. */
const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64');
function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined) return -1;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw ERRORS.BAD_USER_INPUT.err('after is not a cursor this list gave out');
  return Number(match[1]);
}

function parseInstant(value: unknown, name: string): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw ERRORS.BAD_USER_INPUT.err(`${name} must be an ISO 8601 date-time`);
  return date;
}

const duration = (seconds: number) => ({ seconds: Math.round(seconds), text: durationText(seconds) });

function nodeRef(topology: ServiceTopology, id: string): NodeRef {
  return topology.graph.nodes.get(id)?.kind === 'service' ? serviceRef(id) : ciRef(id);
}

const serviceIfKnown = (req: ServicesRequest, id: string) => (req.model.definitions.byId.has(id) ? serviceRef(id) : null);

async function ciIfKnown(req: ServicesRequest, id: string) {
  return (await req.topology()).graph.nodes.get(id)?.kind === 'ci' ? ciRef(id) : null;
}

interface RuleObject {
  kind: string;
  parameters: { name: string; value: string }[];
  extraRules: RuleObject[];
  text: string;
}

function ruleObject(rule: ReduceRule, extra: ReduceRule[] = []): RuleObject {
  return {
    kind: rule.kind,
    parameters: Object.entries(rule)
      .filter(([name, value]) => name !== 'kind' && value !== undefined)
      .map(([name, value]) => ({ name, value: String(value) })),
    extraRules: extra.map((r): RuleObject => ruleObject(r)),
    // Zabbix semantics: the node takes the worst of what the main rule and each extra rule say.
    text: extra.length === 0 ? describeRule(rule) : `the worst of: ${[rule, ...extra].map(describeRule).join('; ')}`,
  };
}

function nodeRuleObject(rule: NodeRule) {
  const obj = ruleObject(rule.main, rule.extra);
  const options: string[] = [];
  if (rule.options.unknownAs !== 'UNKNOWN') options.push(`unknown children count as ${rule.options.unknownAs}`);
  if (rule.options.acknowledgedAsOk) options.push('acknowledged problems count as OK');
  return { ...obj, text: options.length > 0 ? `${obj.text} (${options.join(', ')})` : obj.text };
}

function pathElements(snap: HealthSnapshot, path: readonly string[]): PathElement[] {
  return path.map((id) => {
    const node = snap.topology.graph.nodes.get(id);
    return { id, name: node?.name ?? id, kind: node?.kind === 'service' ? 'SERVICE' : 'CI' };
  });
}

/** How Viewer.scope.kinds names each kind of policy scope rule. */
const SCOPE_KINDS: Record<ScopeRule['kind'], ScopeKind> = { all: 'ALL', owned: 'OWNED', consumed: 'CONSUMED', list: 'LIST', tag: 'TAG' };

function slaObject(report: SlaReport) {
  return {
    objective: report.objective,
    windowDays: report.windowDays,
    schedule: report.schedule,
    availability: report.availability,
    errorBudget: duration(report.errorBudgetSeconds),
    errorBudgetLeft: duration(report.errorBudgetLeftSeconds),
    timeToBreach: report.timeToBreachSeconds === null ? null : duration(report.timeToBreachSeconds),
    breachAt: report.breachAt?.toISOString() ?? null,
    breached: report.breached,
  };
}

const emptyImpact: ServiceImpactReport = {
  revenuePerHourAtRisk: 0,
  usersAffected: 0,
  priorityScore: 0,
  calendarReason: null,
  calendarWeight: 1,
};

async function impactedServices(req: ServicesRequest, ciId: string, info: GraphQLResolveInfo) {
  const snap = await req.health(info);
  return snap.evaluation
    .impact(ciId)
    .filter((i) => req.model.definitions.byId.has(i.serviceId))
    .map((i) => impactedServiceObject(snap, i));
}

function impactedServiceObject(snap: HealthSnapshot, i: OutageImpact) {
  return {
    service: serviceRef(i.serviceId),
    statusWith: i.statusWith,
    statusWithout: i.statusWithout,
    magnitude: i.magnitude,
    path: pathElements(snap, i.path),
  };
}

/** Why the node has its status, in the words the viewer may read (causes it may not see are counted, not named). */
async function explanation(ctx: ServicesContext, id: string, info: GraphQLResolveInfo) {
  const [snap, scope] = await Promise.all([ctx.services.health(info), ctx.scope.load()]);
  const result = snap.evaluation.result(id);
  if (!result) return { text: 'not evaluated', rule: 'none', causes: [] };
  const children = (snap.topology.graph.nodes.get(id)?.edges ?? []).map((e) => {
    const child = snap.topology.graph.nodes.get(e.childId);
    return {
      id: e.childId,
      name: child?.name ?? e.childId,
      kind: child?.kind ?? 'ci',
      status: mapStatus(e.map, snap.status(e.childId)),
    };
  });
  const visible = (child: { id: string }) => {
    const ref = nodeRef(snap.topology, child.id);
    return scope.sees(ref.__typename, ref);
  };
  return {
    text: explanationText(result.explanation, result.status, children, visible),
    rule: result.explanation.rule,
    causes: result.explanation.causeIds.map((cause) => nodeRef(snap.topology, cause)),
  };
}

/** Service.statusHistory and ConfigurationItem.statusHistory take the same arguments. */
async function statusHistory(req: ServicesRequest, id: string, args: ConfigurationItemStatusHistoryArgs, info: GraphQLResolveInfo) {
  const from = parseInstant(args.from, 'from');
  const to = args.to === null || args.to === undefined ? req.now : parseInstant(args.to, 'to');
  if (from > to) throw ERRORS.BAD_USER_INPUT.err('from must not be after to');
  const first = checkFirst(args.first, req.maxPageSize, info);
  const changes = await req.model.history.history(id, from, to, first);
  return changes.map((c) => ({ at: c.at.toISOString(), from: c.from, to: c.to, inMaintenance: c.inMaintenance }));
}

async function statusSince(req: ServicesRequest, id: string, info: GraphQLResolveInfo): Promise<string | null> {
  await req.health(info); // records the current status first, so "since" matches it
  return req.model.statusSince(id)?.toISOString() ?? null;
}

type HealthResolver<T> = (ref: NodeRef, _: unknown, ctx: ServicesContext, info: GraphQLResolveInfo) => Promise<T>;
/** A HealthNode field read from the request's health snapshot. */
const fromHealth =
  <T>(read: (snap: HealthSnapshot, id: string) => T): HealthResolver<T> =>
  async (ref, _, ctx, info) =>
    read(await ctx.services.health(info), ref.id);

/** The HealthNode fields, the same for services and CIs. */
const healthFields = {
  status: fromHealth((snap, id) => snap.status(id)),
  statusSince: (ref: NodeRef, _: unknown, ctx: ServicesContext, info: GraphQLResolveInfo) => statusSince(ctx.services, ref.id, info),
  statusAsOf: fromHealth((snap, id) => snap.freshness(id).asOf?.toISOString() ?? null),
  statusStale: fromHealth((snap, id) => snap.freshness(id).stale),
  acknowledged: fromHealth((snap, id) => snap.evaluation.result(id)?.acknowledged ?? false),
  inMaintenance: fromHealth((snap, id) => snap.state(id).inMaintenance),
  maintenanceUntil: fromHealth((snap, id) => snap.maintenance(id)?.until?.toISOString() ?? null),
  explanation: (ref: NodeRef, _: unknown, ctx: ServicesContext, info: GraphQLResolveInfo) => explanation(ctx, ref.id, info),
  statusHistory: (ref: NodeRef, args: ConfigurationItemStatusHistoryArgs, ctx: ServicesContext, info: GraphQLResolveInfo) =>
    statusHistory(ctx.services, ref.id, args, info),
};

function def(ctx: ServicesContext, id: string) {
  const found = ctx.services.model.definition(id);
  // Only reachable with a ref this subgraph handed out, so a missing definition is a bug, not input.
  if (!found) throw ERRORS.INTERNAL_SERVER_ERROR.err('unknown service');
  return found;
}

export const servicesResolvers = {
  Query: {
    async services(_, args, ctx, info) {
      const req = ctx.services;
      const first = checkFirst(args.first, req.maxPageSize, info);
      const offset = decodeCursor(args.after) + 1;
      const f = args.filter ?? {};
      // Only a filter on status needs health: a list of names never waits for a monitor.
      const [scope, snap] = await Promise.all([req.scope(), f.status ? req.health(info) : null]);
      const text = f.text?.toLowerCase();
      const matching = req.model.definitions.services.filter(
        (d) =>
          scope.has(d.id) &&
          (!f.status || !snap || f.status.includes(snap.status(d.id))) &&
          (!f.criticality || f.criticality.includes(d.criticality)) &&
          (!f.tag || d.tags.includes(f.tag)) &&
          (!text || [d.id, d.name, d.description ?? ''].some((s) => s.toLowerCase().includes(text))),
      );
      const page = matching.slice(offset, offset + first);
      const hasNextPage = offset + first < matching.length;
      return {
        nodes: page.map((d) => serviceRef(d.id)),
        totalCount: matching.length,
        endCursor: hasNextPage && page.length > 0 ? encodeCursor(offset + page.length - 1) : null,
        hasNextPage,
      };
    },
    service: (_, args, ctx) => serviceIfKnown(ctx.services, args.id),
    async myServices(_, __, ctx, info) {
      const req = ctx.services;
      const groups = new Set(ctx.viewer.groups);
      const [snap, incidents] = await Promise.all([req.health(info), req.incidents()]);
      return req.model.definitions.services
        .filter((d) => d.consumers.some((c) => groups.has(c)))
        .map((d) => {
          const state = snap.state(d.id);
          const since = req.model.statusSince(d.id);
          const incident = incidents.get(d.id)?.number ?? null;
          return {
            service: serviceRef(d.id),
            status: state.status,
            since: since?.toISOString() ?? null,
            text: serviceSentence(d.name, {
              state,
              since,
              incidentNumber: incident,
              maintenanceUntil: snap.maintenance(d.id)?.until ?? null,
              now: req.now,
            }),
            incidentNumber: incident,
          };
        });
    },
    async outages(_, args, ctx, info) {
      const req = ctx.services;
      const first = checkFirst(args.first, req.maxPageSize, info);
      const [scope, snap, reporter] = await Promise.all([req.scope(), req.health(info), req.reporter()]);
      const ranked = await rankOutages(req.model, snap, { reporter, visible: (id) => scope.has(id) });
      return ranked.slice(0, first).map((o) => ({
        rank: o.rank,
        ci: ciRef(o.ciId),
        status: o.status,
        impactedServices: o.impacts.map((i) => impactedServiceObject(snap, i)),
        revenuePerHourAtRisk: o.revenuePerHourAtRisk,
        usersAtRisk: o.usersAtRisk,
        calendarReason: o.calendarReason,
        timeToBreach: o.timeToBreachSeconds === null ? null : duration(o.timeToBreachSeconds),
        breachAt: o.breachAt?.toISOString() ?? null,
        priorityScore: o.priorityScore,
        why: o.why,
      }));
    },
    async businessImpact(_, __, ctx, info) {
      const req = ctx.services;
      const [snap, reporter] = await Promise.all([req.health(info), req.reporter()]);
      const ids = await servicesInScope(req);
      const conditions = ids.map((id) => conditionOf(snap.state(id)));
      const count = (condition: string) => conditions.filter((c) => c === condition).length;
      const impacts = await Promise.all(ids.map(async (id) => ({ id, impact: (await reporter.impact(id)) ?? emptyImpact })));
      return {
        servicesTotal: ids.length,
        servicesDown: count('down'),
        servicesDegraded: count('degraded'),
        servicesInMaintenance: count('maintenance'),
        servicesUnknown: count('unknown'),
        revenuePerHourAtRisk: impacts.reduce((a, i) => a + i.impact.revenuePerHourAtRisk, 0),
        usersAffected: impacts.reduce((a, i) => a + i.impact.usersAffected, 0),
        ranked: impacts
          .filter((i) => i.impact.priorityScore > 0)
          .sort((a, b) => b.impact.priorityScore - a.impact.priorityScore || a.id.localeCompare(b.id)),
      };
    },
    slaAtRisk: (_, args, ctx, info) => slaRisks(ctx.services, args.horizonMinutes, info),
    async whatIf(_, args, ctx, info) {
      const req = ctx.services;
      const from = args.from === null || args.from === undefined ? req.now : parseInstant(args.from, 'from');
      const to = args.to === null || args.to === undefined ? new Date(from.getTime() + HOUR_MS) : parseInstant(args.to, 'to');
      const [snap, scope] = await Promise.all([req.health(info), ctx.scope.load()]);
      // A node out of scope reads as unknown: a what-if must not tell which ids exist.
      for (const change of args.changes) {
        const ref = snap.topology.graph.nodes.has(change.id) ? nodeRef(snap.topology, change.id) : null;
        if (!ref || !scope.sees(ref.__typename, ref)) throw ERRORS.NOT_FOUND.err(`no service or CI "${change.id}"`);
      }
      const hypotheses = args.changes.map((c) => ({ id: c.id, status: c.status ?? undefined, maintenance: c.maintenance }));
      const visible = await req.scope();
      const report = await whatIf(req.model, snap, hypotheses, { window: { from, to }, visible: (id) => visible.has(id) });
      const sum = (pick: (s: ServiceWhatIf) => number) => report.services.reduce((a, s) => a + pick(s), 0);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        services: report.services.map((s) => ({
          service: serviceRef(s.serviceId),
          current: scenarioObject(s.now),
          hypothetical: scenarioObject(s.then),
          changed: s.changed,
          rootCauses: s.rootCauses.map((c) => rootCauseObject(snap, c)),
          slaBreach: s.slaBreach,
          windowRevenue: s.windowRevenue,
          windowUserHours: s.windowUserHours,
          windowCost: s.windowCost,
        })),
        revenuePerHourAtRiskNow: sum((s) => s.now.impact.revenuePerHourAtRisk),
        revenuePerHourAtRiskThen: sum((s) => s.then.impact.revenuePerHourAtRisk),
        usersAtRiskNow: sum((s) => s.now.impact.usersAffected),
        usersAtRiskThen: sum((s) => s.then.impact.usersAffected),
        slaBreaches: report.services.filter((s) => s.slaBreach).map((s) => serviceRef(s.serviceId)),
        windowRevenue: sum((s) => s.windowRevenue),
        windowUserHours: sum((s) => s.windowUserHours),
        windowCost: sum((s) => s.windowCost),
      };
    },
    async downtimeCost(_, args, ctx, info) {
      const req = ctx.services;
      const { from, to } = costPeriod(req, args);
      await req.health(info); // records the current status first, so the period's end is in the history
      return costReportObject(await downtimeCostReport(req.model, await servicesInScope(req), from, to));
    },
    async showback(_, args, ctx) {
      const req = ctx.services;
      const month = args.month ?? req.now.toISOString().slice(0, 7);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw ERRORS.BAD_USER_INPUT.err(`month: expected YYYY-MM, got ${JSON.stringify(month)}`);
      const scope = new Set(await servicesInScope(req));
      const services = showback(req.model.definitions, await req.topology()).filter((s) => scope.has(s.serviceId));
      return {
        month,
        total: services.reduce((sum, s) => sum + s.ownCost, 0),
        services: [...services]
          .sort((a, b) => b.totalCost - a.totalCost || a.serviceId.localeCompare(b.serviceId))
          .map((s) => ({ ...s, service: serviceRef(s.serviceId) })),
        byConsumerGroup: byConsumerGroup(services),
      };
    },
    ruleKinds: () => ruleKinds,
    async viewer(_, __, ctx) {
      const v = ctx.viewer;
      const kinds = [...new Set(v.scope.map((rule) => SCOPE_KINDS[rule.kind]))];
      return {
        id: v.id,
        roles: v.roles,
        groups: v.groups,
        drillLevel: DRILL_LEVELS.includes(v.drillLevel) ? v.drillLevel : 'BUSINESS',
        actions: v.actions,
        scope: { kinds: kinds.length > 0 ? kinds : ['NONE'], services: [...(await ctx.scope.load()).serviceIds] },
      };
    },
  },

  BusinessImpact: {
    downtimeCostMonthToDate: async (_, __, ctx, info) => {
      const req = ctx.services;
      await req.health(info);
      return costReportObject(await downtimeCostReport(req.model, await servicesInScope(req), monthStart(req.now), req.now));
    },
    slasAtRisk: (_, args, ctx, info) => slaRisks(ctx.services, args.horizonMinutes, info),
    topServices: (parent, args, ctx, info) =>
      parent.ranked.slice(0, checkFirst(args.first, ctx.services.maxPageSize, info)).map((i) => serviceRef(i.id)),
  },

  HealthNode: {
    __resolveType: (ref) => ref.__typename,
  },

  Service: {
    __resolveReference: (ref, ctx) => serviceIfKnown(ctx.services, ref.id),
    ...healthFields,
    name: (ref, _, ctx) => def(ctx, ref.id).name,
    description: (ref, _, ctx) => def(ctx, ref.id).description,
    criticality: (ref, _, ctx) => def(ctx, ref.id).criticality,
    valueClass: (ref, _, ctx) => def(ctx, ref.id).valueClass,
    owner: (ref, _, ctx) => def(ctx, ref.id).owner,
    consumers: (ref, _, ctx) => def(ctx, ref.id).consumers,
    tags: (ref, _, ctx) => def(ctx, ref.id).tags,
    async summary(ref, _, ctx, info) {
      const req = ctx.services;
      const snap = await req.health(info);
      const state = snap.state(ref.id);
      const incident = mentionsIncident(state) ? ((await req.incidents()).get(ref.id)?.number ?? null) : null;
      const maintenanceUntil = snap.maintenance(ref.id)?.until ?? null;
      const since = req.model.statusSince(ref.id);
      return serviceSentence(def(ctx, ref.id).name, { state, since, incidentNumber: incident, maintenanceUntil, now: req.now });
    },
    async impact(ref, _, ctx, info) {
      await ctx.services.health(info);
      return (await (await ctx.services.reporter()).impact(ref.id)) ?? emptyImpact;
    },
    async sla(ref, _, ctx, info) {
      await ctx.services.health(info);
      const report = await (await ctx.services.reporter()).sla(ref.id);
      return report ? slaObject(report) : null;
    },
    kpis: (ref, _, ctx) => Promise.all(def(ctx, ref.id).kpis.map((k) => readKpi(k, ctx.services.monitors, ctx.services.now, ctx.log))),
    rule: (ref, _, ctx) => nodeRuleObject(def(ctx, ref.id).rule),
    async downtimeCost(ref, args, ctx, info) {
      const req = ctx.services;
      const { from, to } = costPeriod(req, args);
      await req.health(info);
      return costObject(await serviceDowntimeCost(req.model, def(ctx, ref.id), from, to));
    },
    async dependencies(ref, _, ctx, info) {
      const snap = await ctx.services.health(info);
      return (snap.topology.graph.nodes.get(ref.id)?.edges ?? []).map((e) => ({
        node: nodeRef(snap.topology, e.childId),
        relation: e.relation,
        map: describeMap(e.map),
        weight: e.weight,
        effectiveStatus: mapStatus(e.map, snap.status(e.childId)),
      }));
    },
    dependents: async (ref, _, ctx) => (await ctx.services.topology()).servicesAbove(ref.id).sort().map(serviceRef),
    async tree(ref, args, ctx, info) {
      const maxDepth = args.depth;
      if (maxDepth < 0 || maxDepth > 20) throw ERRORS.BAD_USER_INPUT.err('depth must be an integer from 0 to 20');
      const snap = await ctx.services.health(info);
      const out: { node: NodeRef; name: string; depth: number; parentId: string | null; status: Status }[] = [];
      const limit = ctx.services.maxPageSize * 20;
      const walk = (id: string, depth: number, parentId: string | null, trail: Set<string>) => {
        if (out.length >= limit) return;
        const node = snap.topology.graph.nodes.get(id);
        out.push({ node: nodeRef(snap.topology, id), name: node?.name ?? id, depth, parentId, status: snap.status(id) });
        if (depth >= maxDepth) return;
        for (const e of node?.edges ?? []) if (!trail.has(e.childId)) walk(e.childId, depth + 1, id, new Set([...trail, e.childId]));
      };
      walk(ref.id, 0, null, new Set([ref.id]));
      return out;
    },
    async rootCauses(ref, _, ctx, info) {
      const snap = await ctx.services.health(info);
      return snap.evaluation.rootCauses(ref.id).map((c) => rootCauseObject(snap, c));
    },
    components: async (ref, _, ctx) => (await ctx.services.topology()).components(ref.id).map(ciRef),
    componentIds: async (ref, _, ctx) => (await ctx.services.topology()).components(ref.id),
  },

  ConfigurationItem: {
    __resolveReference: (ref, ctx) => ciIfKnown(ctx.services, ref.id),
    ...healthFields,
    impactedServices: (ref, _, ctx, info) => impactedServices(ctx.services, ref.id, info),
  },
} satisfies Resolvers;

/** The services in the viewer's scope, in definition order. */
async function servicesInScope(req: ServicesRequest): Promise<string[]> {
  const scope = await req.scope();
  return req.model.definitions.services.map((d) => d.id).filter((id) => scope.has(id));
}

/** Services whose SLA breaks within the horizon if their current outage goes on, soonest first. */
async function slaRisks(req: ServicesRequest, horizonMinutes: number, info: GraphQLResolveInfo) {
  if (horizonMinutes < 0) throw ERRORS.BAD_USER_INPUT.err('horizonMinutes must not be negative');
  const [ids, reporter] = await Promise.all([servicesInScope(req), req.reporter(), req.health(info)]);
  return (await reporter.slaAtRisk(ids, horizonMinutes * 60)).map(slaRiskObject);
}

/** A cost period from optional arguments: month to date (UTC) by default. */
function costPeriod(req: ServicesRequest, args: { from?: unknown; to?: unknown }) {
  const to = args.to === null || args.to === undefined ? req.now : parseInstant(args.to, 'to');
  const from = args.from === null || args.from === undefined ? monthStart(to) : parseInstant(args.from, 'from');
  if (from > to) throw ERRORS.BAD_USER_INPUT.err('from must not be after to');
  return { from, to };
}

function costObject(c: DowntimeCost) {
  return {
    from: c.from.toISOString(),
    to: c.to.toISOString(),
    downtime: duration(c.downSeconds),
    degraded: duration(c.degradedSeconds),
    maintenance: duration(c.maintenanceSeconds),
    availability: c.availability,
    revenueLost: c.revenueLost,
    userHoursLost: c.userHoursLost,
    productivityCost: c.productivityCost,
    total: c.total,
  };
}

function costReportObject(r: DowntimeCostReport) {
  return {
    total: costObject(r.total),
    byService: [...r.byService]
      .sort((a, b) => b.cost.total - a.cost.total || a.serviceId.localeCompare(b.serviceId))
      .map((s) => ({ service: serviceRef(s.serviceId), cost: costObject(s.cost) })),
    byValueClass: r.byValueClass.map((v) => ({ valueClass: v.valueClass, cost: costObject(v.cost) })),
  };
}

function rootCauseObject(snap: HealthSnapshot, c: RootCause) {
  const path = pathElements(snap, c.path);
  return { ci: ciRef(c.ciId), status: c.status, path, pathText: path.map((p) => p.name).join(' → ') };
}

function scenarioObject(s: ScenarioState) {
  return {
    status: s.status,
    inMaintenance: s.inMaintenance,
    revenuePerHourAtRisk: s.impact.revenuePerHourAtRisk,
    usersAffected: s.impact.usersAffected,
    calendarReason: s.impact.calendarReason,
    timeToBreach: s.sla?.timeToBreachSeconds == null ? null : duration(s.sla.timeToBreachSeconds),
    breachAt: s.sla?.breachAt?.toISOString() ?? null,
  };
}

function slaRiskObject(risk: { serviceId: string; report: SlaReport }) {
  return {
    service: serviceRef(risk.serviceId),
    timeToBreach: duration(risk.report.timeToBreachSeconds ?? 0),
    breachAt: (risk.report.breachAt ?? new Date()).toISOString(),
  };
}
