import type { Evaluation, HealthGraph, LeafState, NodeResult, RootCause } from './types.js';
import { type State, ACK, MAINT, evaluateAll, indexGraph, propagate } from './core.js';
import { explainNode } from './explain.js';
import { impactOf } from './impact.js';
import { decisiveRecovery, minimalRecovery, type Recovery, rootCausesOf } from './root-cause.js';
import { sinceOf } from './since.js';
import { statusName } from './status.js';

export { findCycle, validateGraph } from './core.js';

/**
 * Health rollup over a HealthGraph: every node's status from its leaf state and its children
 * through the edge maps and the node's rules, in topological order.
 *
 * - Never throws for a bad node: a rule or map its kind rejects, a rule its members cannot satisfy,
 *   a missing child or an edge that closes a cycle makes that node UNKNOWN (or its own leaf's
 *   problem) with the reason in its explanation; every other node is evaluated. validateGraph lists
 *   every such problem, for checks that must stop a start.
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
  const sinces = new Map<number, number | null>();
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
    since(id) {
      const i = ix.pos.get(id);
      const t = i === undefined ? null : sinceOf(st, i, sinces);
      return t === null ? null : new Date(t);
    },
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

/** Node ids of a recovery: the node itself first when its own leaf must recover. */
function idsOf(st: State, id: string, r: Recovery | null): string[] | null {
  return r ? [...(r.self ? [id] : []), ...r.children.map((j) => st.ix.ids[j] as string)] : null;
}

/**
 * The children (and the node itself, for its own alerts) whose recovery is the minimum that lowers
 * the node's status; null when no recovery lowers it. One level of rootCauses, for tests.
 */
export function recoverySet(evaluation: Evaluation, id: string): string[] | null {
  const st = states.get(evaluation);
  const i = st?.ix.pos.get(id);
  return st && i !== undefined ? idsOf(st, id, minimalRecovery(st, i)) : null;
}

/** Every input in some minimum recovery set: the decisive ones that rootCauses and explanations name. For tests. */
export function decisiveSet(evaluation: Evaluation, id: string): string[] | null {
  const st = states.get(evaluation);
  const i = st?.ix.pos.get(id);
  return st && i !== undefined ? idsOf(st, id, decisiveRecovery(st, i)) : null;
}
