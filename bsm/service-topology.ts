import type { Logger } from '../kernel/log.js';
import type { ConfigurationItem } from '../kernel/model.js';
import type { Correlator } from '../kernel/correlate.js';
import type { SelectorDefinition, ServiceDefinitions } from './definitions.js';
import { findCycle } from './engine/evaluate.js';
import type { Edge, GraphNode, HealthGraph, NodeRule } from './engine/types.js';
import type { MergedCmdb } from './merged-cmdb.js';

/**
 * The health graph: service definitions (children and selectors) over one merge of the CMDBs (CIs
 * and their relations). Rebuilt only when the merge changes, shared by every request.
 */
export interface ServiceTopology {
  graph: HealthGraph;
  /** The merge this graph was built from. */
  cmdb: MergedCmdb;
  cis: Map<string, ConfigurationItem>;
  /** Parent ids of every node (services and CIs that depend on it). */
  parents: Map<string, string[]>;
  /** CI ids a service names as a child that no CMDB knows, with why (UNKNOWN in health). */
  missingCis: Map<string, string>;
  correlate: Correlator;
  /** Every CI below a service, through child services too. */
  components(serviceId: string): string[];
  /** Every service whose tree contains the node. */
  servicesAbove(nodeId: string): string[];
}

const DEFAULT_RULE: NodeRule = {
  main: { kind: 'worst' },
  extra: [],
  options: { unknownAs: 'UNKNOWN', acknowledgedAsOk: false, maintenance: 'checkmk' },
};

export function matchesSelector(selector: SelectorDefinition, ci: ConfigurationItem): boolean {
  if (selector.class !== undefined && ci.class !== selector.class) return false;
  if (selector.tag !== undefined && !ci.tags.includes(selector.tag)) return false;
  if (selector.namePattern !== undefined && !selector.namePattern.test(ci.name)) return false;
  if (selector.attribute) {
    for (const [k, v] of Object.entries(selector.attribute)) if (ci.attributes[k] !== v) return false;
  }
  return true;
}

function ciRule(definitions: ServiceDefinitions, ci: ConfigurationItem | undefined, id: string): NodeRule {
  const byId = definitions.nodeRules.find((r) => r.ci === id);
  if (byId) return byId.rule;
  const byClass = ci ? definitions.nodeRules.find((r) => r.class === ci.class) : undefined;
  return byClass?.rule ?? DEFAULT_RULE;
}

/** Builds the health graph over one merge of the CMDBs; exported for tests and benchmarks. */
export function buildServiceTopology(definitions: ServiceDefinitions, cmdb: MergedCmdb, log: Logger): ServiceTopology {
  const { cis, byId: ciById } = cmdb;
  const relations = [...cmdb.childrenOf.values()].flat();
  const nodes = new Map<string, GraphNode>();
  for (const ci of cis) nodes.set(ci.id, { id: ci.id, kind: 'ci', name: ci.name, rule: ciRule(definitions, ci, ci.id), edges: [] });
  // A child no CMDB knows: UNKNOWN, and why (a CMDB that failed may be where it lives).
  const failed = cmdb.failures.map((f) => String(f.extensions['connector'] ?? 'cmdb'));
  const missingReason = failed.length > 0 ? `not in any CMDB that answered (${failed.join(', ')} unavailable)` : 'not found in any CMDB';
  const missingCis = new Map<string, string>();
  for (const def of definitions.services) {
    for (const child of def.children) {
      if (child.kind === 'ci' && !ciById.has(child.id) && !nodes.has(child.id)) {
        missingCis.set(child.id, missingReason);
        nodes.set(child.id, { id: child.id, kind: 'ci', name: child.id, rule: ciRule(definitions, undefined, child.id), edges: [] });
      }
    }
  }
  const seenRelation = new Set<string>();
  for (const rel of relations) {
    const key = `${rel.parentId}\u0000${rel.childId}`;
    const parent = nodes.get(rel.parentId);
    if (!parent || !nodes.has(rel.childId) || seenRelation.has(key) || rel.parentId === rel.childId) continue;
    seenRelation.add(key);
    parent.edges.push({ childId: rel.childId, map: { kind: 'identity' }, weight: 1, relation: rel.type });
  }
  for (const def of definitions.services) {
    const edges: Edge[] = [];
    const has = new Set<string>();
    const add = (edge: Edge) => {
      if (has.has(edge.childId)) return;
      has.add(edge.childId);
      edges.push(edge);
    };
    for (const child of def.children) {
      add({ childId: child.id, map: child.map, weight: child.weight, relation: child.kind === 'service' ? 'SERVICE' : 'DEPENDS_ON' });
    }
    // Selectors are re-evaluated on every topology read: CIs join and leave as the CMDB changes.
    for (const selector of def.selectors) {
      for (const ci of cis)
        if (matchesSelector(selector, ci)) add({ childId: ci.id, map: selector.map, weight: selector.weight, relation: 'SELECTOR' });
    }
    nodes.set(def.id, { id: def.id, kind: 'service', name: def.name, rule: def.rule, edges });
  }
  const graph: HealthGraph = { nodes };

  // Service cycles are rejected at start; a CMDB can still hold one. Break it rather than loop.
  for (let guard = 0; guard < nodes.size; guard++) {
    const cycle = findCycle(graph);
    if (!cycle || cycle.length < 2) break;
    const from = cycle[cycle.length - 2] as string;
    const to = cycle[cycle.length - 1] as string;
    log.warn('the CMDB relations form a cycle; ignoring one edge', { cycle: cycle.join(' → '), ignored: `${from} → ${to}` });
    const node = nodes.get(from);
    if (node) node.edges = node.edges.filter((e) => e.childId !== to);
  }

  const parents = new Map<string, string[]>();
  for (const node of nodes.values()) {
    for (const e of node.edges) parents.set(e.childId, [...(parents.get(e.childId) ?? []), node.id]);
  }
  const componentsCache = new Map<string, string[]>();
  const components = (serviceId: string): string[] => {
    const cached = componentsCache.get(serviceId);
    if (cached) return cached;
    const out: string[] = [];
    const seen = new Set<string>([serviceId]);
    const stack = [...(nodes.get(serviceId)?.edges ?? [])].map((e) => e.childId).reverse();
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = nodes.get(id);
      if (node?.kind === 'ci') out.push(id);
      for (const e of [...(node?.edges ?? [])].reverse()) if (!seen.has(e.childId)) stack.push(e.childId);
    }
    componentsCache.set(serviceId, out);
    return out;
  };
  const servicesAbove = (nodeId: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [...(parents.get(nodeId) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (nodes.get(id)?.kind === 'service') out.push(id);
      stack.push(...(parents.get(id) ?? []));
    }
    return out;
  };
  return { graph, cmdb, cis: ciById, parents, missingCis, correlate: cmdb.correlate, components, servicesAbove };
}
