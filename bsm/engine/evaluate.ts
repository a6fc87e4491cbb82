import type { Evaluation, HealthGraph, LeafState, NodeResult, RootCause } from './types.js';
import { type State, ACK, MAINT, evaluateAll, indexGraph, propagate } from './core.js';
import { explainNode } from './explain.js';
import { impactOf } from './impact.js';
import { minimalRecovery, rootCausesOf } from './root-cause.js';
import { statusName } from './status.js';

export { findCycle, validateGraph } from './core.js';

/**
 * Health rollup over a HealthGraph: every node's status from its leaf state and its children
 * through the edge maps and the node's rules, in topological order.
 *
 * - Throws ConfigError (every problem at once, a cycle named by its path) for an invalid graph.
 * - The graph is compiled once per object: treat it as immutable and build a new one to change it.
 * - Leaf states for ids that are not in the graph are ignored.
 * - A node without leaf and without counted children is UNKNOWN.
 * - An Evaluation is an immutable snapshot; update() returns a new one and leaves this one valid.
 */
export function evaluate(graph: HealthGraph, leaves: Map<string, LeafState>): Evaluation {
  const ix = indexGraph(graph);
  const byIndex: (LeafState | undefined)[] = new Array<LeafState | undefined>(ix.ids.length);
  for (const [id, leaf] of leaves) {
    const i = ix.pos.get(id);
    if (i !== undefined) byIndex[i] = leaf;
  }
  return snapshot({ ix, packed: evaluateAll(ix, byIndex), leaves: byIndex });
}

const states = new WeakMap<Evaluation, State>();

function snapshot(st: State): Evaluation {
  const { ix, packed } = st;
  const results = new Map<number, NodeResult>();
  const causes = new Map<number, RootCause[]>();
  const evaluation: Evaluation = {
    result(id) {
      const i = ix.pos.get(id);
      if (i === undefined) return undefined;
      let r = results.get(i);
      if (!r) {
        const p = packed[i] as number;
        r = { status: statusName(p & 7), acknowledged: (p & ACK) !== 0, inMaintenance: (p & MAINT) !== 0, explanation: explainNode(st, i) };
        results.set(i, r);
      }
      return r;
    },
    rootCauses(id) {
      const i = ix.pos.get(id);
      return i === undefined ? [] : rootCausesOf(st, i, causes);
    },
    impact: (ciId) => impactOf(st, ciId),
    update(changes) {
      const leaves = st.leaves.slice();
      const seeds: number[] = [];
      for (const [id, leaf] of changes) {
        const i = ix.pos.get(id);
        if (i === undefined) continue;
        leaves[i] = leaf;
        seeds.push(i);
      }
      const changed = propagate(st, leaves, seeds);
      const next = packed.slice();
      for (const [i, p] of changed) next[i] = p;
      return snapshot({ ix, packed: next, leaves });
    },
  };
  states.set(evaluation, st);
  return evaluation;
}

/**
 * The children (and the node itself, for its own alerts) whose recovery is the minimum that lowers
 * the node's status; null when no recovery lowers it. One level of rootCauses, for tests and
 * explanations.
 */
export function recoverySet(evaluation: Evaluation, id: string): string[] | null {
  const st = states.get(evaluation);
  const i = st?.ix.pos.get(id);
  if (!st || i === undefined) return null;
  const r = minimalRecovery(st, i);
  if (!r) return null;
  return [...(r.self ? [id] : []), ...r.children.map((j) => st.ix.ids[j] as string)];
}
