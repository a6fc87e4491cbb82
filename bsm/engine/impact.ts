import type { GraphNode, Impact } from './types.js';
import { type State, propagate } from './core.js';
import { OK, UNKNOWN, statusName } from './status.js';

/**
 * Bottom-up impact: every service whose status would change if this CI were OK. The CI is pinned to
 * OK (not acknowledged, not in maintenance) and only its ancestor cone is re-evaluated, stopping
 * where nothing changes, so the cost is the size of the affected cone, not of the estate.
 *
 * magnitude = severity steps the CI adds (rank with − rank without); it is negative where the
 * failure makes a service look better (an exclusive pair whose standby failed). When one side is
 * UNKNOWN the steps cannot be counted and magnitude is 1.
 */
export function impactOf(st: State, ciId: string): Impact[] {
  const { ix, packed } = st;
  const i = ix.pos.get(ciId);
  if (i === undefined) return [];
  const changed = propagate(st, st.leaves, [i], { node: i, packed: OK });
  if (changed.size === 0) return [];

  // Upward BFS through the changed cone: the first parent that reaches a node gives its shortest path to the CI.
  const below = new Map<number, number>([[i, -1]]);
  const queue = [i];
  for (let q = 0; q < queue.length; q++) {
    const j = queue[q] as number;
    for (let k = ix.parentStart[j] as number; k < (ix.parentStart[j + 1] as number); k++) {
      const p = ix.parent[k] as number;
      if (!below.has(p) && changed.has(p)) {
        below.set(p, j);
        queue.push(p);
      }
    }
  }

  const out: Impact[] = [];
  for (const [j, next] of changed) {
    if ((ix.nodes[j] as GraphNode).kind !== 'service') continue;
    const withCi = (packed[j] as number) & 7;
    const without = next & 7;
    if (withCi === without) continue;
    const path: string[] = [];
    for (let at: number | undefined = j; at !== undefined && at !== -1; at = below.get(at)) path.push(ix.ids[at] as string);
    out.push({
      serviceId: ix.ids[j] as string,
      statusWith: statusName(withCi),
      statusWithout: statusName(without),
      magnitude: withCi === UNKNOWN || without === UNKNOWN ? 1 : withCi - without,
      path,
    });
  }
  return out.sort((a, b) => b.magnitude - a.magnitude || a.serviceId.localeCompare(b.serviceId));
}
