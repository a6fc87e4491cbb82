import type { Offering } from '../../bsm/catalog.js';
import { graphql, type ExecutionResult } from 'graphql';
import type { Viewer, ScopeRule, DrillLevel } from '../../authz/viewer.js';
import type { ScopeIndex, ScopeSource } from '../../bsm/directory.js';
import type { CmdbApi, ConnectorInstance, HelpdeskApi, KnowledgeApi, MonitorApi, ConnectorSet } from '../../connectors/core/connector.js';
import { DEFAULT_IDENTIFICATION_RULES } from '../../kernel/correlate.js';
import { ERRORS } from '../../kernel/errors.js';
import { silentLogger } from '../../kernel/log.js';
import type { Alert, Article, CiMetric, ConfigurationItem, Incident, NewRequest, Relation, ServiceInfo } from '../../kernel/model.js';
import { testCi } from '../../connectors/core/test-support.js';
import { createMergedCmdbSource } from '../../bsm/merged-cmdb.js';
import { alert as modelAlert } from '../../bsm/test-fakes.js';
import type { BaseContext, SubgraphModule } from './module.js';
import { appendPartialErrors, type PartialErrors } from './partial-errors.js';
import { buildScopedSchema } from './schema.js';
import type { RequestAuth } from '../../kernel/request.js';

/**
 * In-memory connector instances, a catalog and viewers for the subgraph unit tests of cmdb,
 * monitoring, helpdesk and knowledge. Each fake counts its calls so tests can assert that a denied
 * action never reached the tool and that lookups are batched.
 */

export const unavailable = (connector: string) =>
  ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} is unavailable`, { extensions: { connector } });

function instance<K extends keyof ConnectorSet, T>(name: string, kind: K, api: T): ConnectorInstance<T> {
  return { name, kind, forRequest: () => api, healthCheck: async () => {}, dispose: async () => {} };
}

export const ci = (id: string, fields: Partial<ConfigurationItem> = {}): ConfigurationItem =>
  testCi(id, { sourceLinks: [{ tool: 'builtin', connector: 'cmdb', id, url: null }], ...fields });

export function fakeCmdb(name: string, cis: ConfigurationItem[], relations: Relation[] = [], options: { fail?: boolean } = {}) {
  const calls = { snapshots: 0 };
  const api: CmdbApi = {
    async snapshot() {
      calls.snapshots += 1;
      if (options.fail) throw unavailable(name);
      return { cis, relations, stale: false, asOf: '2026-11-27T09:00:00.000Z' };
    },
  };
  return { instance: instance(name, 'cmdb', api), calls };
}

/** An active alert as a monitor of the subgraph tests serves it (bsm's test alert with other defaults). */
export const alert = (connector: string, nativeId: string, fields: Partial<Alert> = {}): Alert =>
  modelAlert(connector, nativeId, {}, 'MAJOR', {
    tool: 'alertmanager',
    summary: `alert ${nativeId}`,
    startsAt: '2026-11-27T20:00:00.000Z',
    url: `https://${connector}.invalid/alerts/${nativeId}`,
    ...fields,
  });

export function fakeMonitor(
  name: string,
  alerts: Alert[],
  options: {
    fail?: boolean;
    failAck?: boolean;
    stale?: boolean;
    /** The metrics of each CI id; null: the monitor offers none. */
    metrics?: Record<string, CiMetric[]> | null;
  } = {},
) {
  const calls: {
    acknowledge: { id: string; author: string; comment: string; until?: string }[];
    unacknowledge: string[];
    metricsFor: string[];
  } = {
    acknowledge: [],
    unacknowledge: [],
    metricsFor: [],
  };
  const state = new Map(alerts.map((a) => [a.id, a]));
  const api: MonitorApi = {
    async snapshot() {
      if (options.fail) throw unavailable(name);
      return { alerts: [...state.values()], watched: [], stale: options.stale ?? false, asOf: '2026-11-27T20:00:00.000Z' };
    },
    async alertById(id) {
      return state.get(id) ?? null;
    },
    async acknowledge(id, ack) {
      calls.acknowledge.push({ id, ...ack });
      if (options.failAck) throw ERRORS.UPSTREAM_REJECTED.err(`${name} refused`, { extensions: { connector: name } });
      const current = state.get(id);
      if (!current) throw ERRORS.NOT_FOUND.err('gone', { extensions: { connector: name } });
      const updated = {
        ...current,
        acknowledged: true,
        acknowledgedBy: ack.author,
        acknowledgedAt: '2026-11-27T21:00:00.000Z',
        acknowledgedUntil: ack.until ?? null,
      };
      state.set(id, updated);
      return updated;
    },
    async unacknowledge(id, author) {
      calls.unacknowledge.push(`${id} by ${author}`);
      const current = state.get(id);
      if (!current) throw ERRORS.NOT_FOUND.err('gone', { extensions: { connector: name } });
      const updated = { ...current, acknowledged: false, acknowledgedBy: null, acknowledgedAt: null, acknowledgedUntil: null };
      state.set(id, updated);
      return updated;
    },
    async metricsFor(ci) {
      calls.metricsFor.push(ci.id);
      if (options.metrics === undefined || options.metrics === null) return null;
      return options.metrics[ci.id] ?? [];
    },
    async query() {
      return null;
    },
    async queryRange() {
      return null;
    },
    alertRules: async () => null,
  };
  return { instance: instance(name, 'monitor', api), calls };
}

export const incident = (connector: string, nativeId: string, fields: Partial<Incident> = {}): Incident => ({
  id: `${connector}:${nativeId}`,
  connector,
  tool: 'rt',
  number: nativeId,
  title: `incident ${nativeId}`,
  description: null,
  state: 'NEW',
  priority: 'MODERATE',
  ci: null,
  serviceId: null,
  assignee: null,
  openedAt: '2026-11-27T20:00:00.000Z',
  responseDue: null,
  resolutionDue: null,
  url: null,
  linkedArticleIds: [],
  ...fields,
});

const CLOSED = new Set(['RESOLVED', 'CLOSED', 'CANCELED']);

export function fakeHelpdesk(name: string, incidents: Incident[], options: { fail?: boolean; noLinks?: boolean } = {}) {
  const calls = { create: [] as string[], comment: [] as string[], link: [] as string[] };
  const state = new Map(incidents.map((i) => [i.id, i]));
  /** Catalogue requests opened, by correlation id. */
  const requests = new Map<string, NewRequest & { number: string }>();
  const byKey = new Map<string, string>();
  let seq = 100;
  const api: HelpdeskApi = {
    async listIncidents(filter) {
      if (options.fail) throw unavailable(name);
      return [...state.values()].filter((i) => !filter.openOnly || !CLOSED.has(i.state));
    },
    async incidentById(id) {
      if (options.fail) throw unavailable(name);
      return state.get(id) ?? null;
    },
    async createIncident(input) {
      calls.create.push(input.correlationId);
      const existing = byKey.get(input.correlationId);
      if (existing) return state.get(existing) as Incident;
      seq += 1;
      const created = incident(name, `INC00${seq}`, {
        title: input.title,
        description: input.description,
        priority: input.priority,
        ci: input.ciId ? { ciId: input.ciId } : null,
        serviceId: input.serviceId,
      });
      state.set(created.id, created);
      byKey.set(input.correlationId, created.id);
      return created;
    },
    async createRequest(input) {
      const opened = requests.get(input.correlationId) ?? { ...input, number: `REQ00${(seq += 1)}` };
      requests.set(input.correlationId, opened);
      return { id: `${name}:${opened.number}`, connector: name, number: opened.number, url: null };
    },
    async comment(id, comment) {
      calls.comment.push(`${id}: ${comment.text}`);
      const current = state.get(id);
      if (!current) throw ERRORS.NOT_FOUND.err('gone', { extensions: { connector: name } });
      return current;
    },
    async linkArticle(id, article) {
      calls.link.push(`${id} -> ${article.id}`);
      return !options.noLinks;
    },
  };
  return { instance: instance(name, 'helpdesk', api), calls, state, requests };
}

export const article = (connector: string, nativeId: string, fields: Partial<Article> = {}): Article => ({
  id: `${connector}:${nativeId}`,
  connector,
  tool: 'mediawiki',
  title: `article ${nativeId}`,
  snippet: '…',
  url: `https://${connector}.invalid/wiki/${nativeId}`,
  labels: [],
  score: null,
  ...fields,
});

export function fakeKnowledge(name: string, articles: Article[], options: { fail?: boolean } = {}) {
  const calls = { search: [] as string[], byId: [] as string[] };
  const api: KnowledgeApi = {
    async search(query) {
      calls.search.push(query.text);
      if (options.fail) throw unavailable(name);
      const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
      return articles.filter((a) => words.some((w) => a.title.toLowerCase().includes(w))).slice(0, query.limit);
    },
    async articleById(id) {
      calls.byId.push(id);
      if (options.fail) throw unavailable(name);
      return articles.find((a) => a.id === id) ?? null;
    },
  };
  return { instance: instance(name, 'knowledge', api), calls };
}

/**
 * Services with the CIs directly below each (`components`) and their child services; the rest of
 * the scope index is derived: a service's components include its children's, a CI is served by
 * every service above, and directly by those that list it.
 */
export function fakeCatalog(
  services: (Omit<ServiceInfo, 'childServiceIds' | 'tags' | 'consumers'> & {
    components: string[];
    consumers?: string[];
    children?: string[];
  })[],
): ScopeSource {
  const infos: ServiceInfo[] = services.map(({ components: _components, children, consumers, ...s }) => ({
    ...s,
    consumers: consumers ?? [],
    tags: [],
    childServiceIds: children ?? [],
  }));
  const below = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    const s = services.find((x) => x.id === id);
    return s ? [...s.components, ...(s.children ?? []).flatMap((c) => below(c, seen))] : [];
  };
  const index: ScopeIndex = {
    components: (id) => [...new Set(below(id))],
    servicesAbove: (ciId) => services.filter((s) => below(s.id).includes(ciId)).map((s) => s.id),
    nearestServices: (ciId) => services.filter((s) => s.components.includes(ciId)).map((s) => s.id),
    named(word) {
      const w = word.toLowerCase();
      return {
        serviceIds: services.filter((s) => s.id === w || s.name.toLowerCase() === w).map((s) => s.id),
        ciIds: [...new Set(services.flatMap((s) => s.components))].filter((c) => c.toLowerCase() === w),
      };
    },
  };
  return { services: async () => infos, scopeIndex: async () => index };
}

export interface GrantSpec {
  role: string;
  actions?: string[];
  scope?: ScopeRule[];
  drillLevel?: DrillLevel;
  actOnChildren?: boolean;
}

export function viewer(id: string, grants: GrantSpec[], groups: string[] = []): Viewer {
  const full = grants.map((g) => ({
    role: g.role,
    drillLevel: g.drillLevel ?? 'TELEMETRY',
    actions: g.actions ?? [],
    scope: g.scope ?? [{ kind: 'all' as const }],
    actOnChildren: g.actOnChildren ?? false,
  }));
  return {
    id,
    anonymous: false,
    roles: full.map((g) => g.role),
    groups,
    drillLevel: 'TELEMETRY',
    actions: [...new Set(full.flatMap((g) => g.actions))],
    scope: full.flatMap((g) => g.scope),
    grants: full,
  };
}

/**
 * What the cmdb, monitoring, helpdesk and knowledge subgraphs serve from, over the given fakes (one
 * object satisfies each subgraph's deps type).
 */
export function testDeps(connectors: Partial<ConnectorSet>, maxPageSize = 200, catalog: readonly Offering[] = []) {
  return {
    monitors: connectors.monitor ?? [],
    helpdesks: connectors.helpdesk ?? [],
    knowledgeBases: connectors.knowledge ?? [],
    // No sharing across requests: tests change their fakes between operations.
    cmdb: createMergedCmdbSource(connectors.cmdb ?? [], { identification: DEFAULT_IDENTIFICATION_RULES, log: silentLogger, ttlMs: 0 }),
    catalog,
    maxPageSize,
  };
}

const auth = (v: Viewer): RequestAuth => ({ sub: v.id, roles: v.roles, groups: v.groups });

/**
 * Runs an operation as the server does (minus shield and HTTP): the scoped schema, one context per
 * request from the module over the given catalog, then the recorded partial errors appended to the
 * response. `audits` collects what the request audited.
 */
export function createRunner<C extends BaseContext & PartialErrors>(
  module: SubgraphModule<C>,
  directory: ScopeSource,
  audits: unknown[] = [],
) {
  const { schema, baseContext } = buildScopedSchema(module, directory);
  return async (who: Viewer, source: string, variableValues?: Record<string, unknown>): Promise<ExecutionResult & { data?: any }> => {
    const contextValue = await module.createContext(
      baseContext({ auth: auth(who), viewer: who, log: silentLogger, audit: (event) => audits.push(event) }),
    );
    const result = await graphql({ schema, source, contextValue, ...(variableValues ? { variableValues } : {}) });
    return appendPartialErrors(result, contextValue);
  };
}

export const codes = (result: ExecutionResult) => (result.errors ?? []).map((e) => e.extensions['code']);
