import type { Status } from '../../kernel/model.js';
import type { EdgeMap, GraphNode, HealthGraph, LeafState, NodeOptions, ReduceRule } from './types.js';

/** Compact builders for engine tests and the benchmark: graphs read like the service definitions. */

export const DEFAULTS: NodeOptions = { unknownAs: 'UNKNOWN', acknowledgedAsOk: false, maintenance: 'checkmk' };

export interface ChildSpec {
  id: string;
  map?: EdgeMap;
  weight?: number;
}

export function node(
  id: string,
  kind: 'service' | 'ci',
  main: ReduceRule,
  children: (string | ChildSpec)[] = [],
  more: { extra?: ReduceRule[]; options?: Partial<NodeOptions> } = {},
): GraphNode {
  return {
    id,
    kind,
    name: id,
    rule: { main, extra: more.extra ?? [], options: { ...DEFAULTS, ...more.options } },
    edges: children.map((c) => {
      const spec = typeof c === 'string' ? { id: c } : c;
      return { childId: spec.id, map: spec.map ?? { kind: 'identity' }, weight: spec.weight ?? 1, relation: 'DEPENDS_ON' };
    }),
  };
}

export const ci = (id: string, children: (string | ChildSpec)[] = [], main: ReduceRule = { kind: 'worst' }) =>
  node(id, 'ci', main, children);

export function graphOf(...nodes: GraphNode[]): HealthGraph {
  return { nodes: new Map(nodes.map((n) => [n.id, n])) };
}

/** A service `svc` over leaf CIs c0, c1, … each with its map and weight: the shape of the one-node tests. */
export function serviceOverKids(
  main: ReduceRule,
  kids: { map?: EdgeMap; weight?: number }[],
  more: { extra?: ReduceRule[]; options?: Partial<NodeOptions> } = {},
): { graph: HealthGraph; ids: string[] } {
  const ids = kids.map((_, k) => `c${k}`);
  const children = ids.map((id, k) => ({ id, ...kids[k] }));
  return { graph: graphOf(node('svc', 'service', main, children, more), ...ids.map((id) => ci(id))), ids };
}

export function leaf(status: Status, flags: { ack?: boolean; maint?: boolean; reason?: string } = {}): LeafState {
  return {
    status,
    acknowledged: flags.ack ?? false,
    inMaintenance: flags.maint ?? false,
    reason: flags.reason ?? `${status} from test`,
  };
}

export function leavesOf(states: Record<string, Status | LeafState>): Map<string, LeafState> {
  return new Map(Object.entries(states).map(([id, s]) => [id, typeof s === 'string' ? leaf(s) : s]));
}
