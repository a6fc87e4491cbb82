import type { GraphNode, ReduceRule, RootCause } from './types.js';
import { type State, resolveInputs, valueOfMapped } from './core.js';
import { CRITICAL, OK, UNKNOWN, code, statusName } from './status.js';
import { reduceCodes } from './rules.js';

/**
 * Rule-aware root cause: at each node, the smallest set of inputs whose recovery (set to OK) would
 * lower the node's status, then recursively the same inside each chosen child, down to CIs.
 * OpenNMS enumerates the power set of a node's edges; this stays polynomial and is exact for every
 * rule kind (a property test checks it against brute force).
 *
 * Recovering a child turns its mapped value v into OK. Facts the search rests on:
 * 1. Forced inputs. Under `worst` every child at ≥ s (the node's status) must recover, and the own
 *    leaf must recover when it is at ≥ s (the node is the worst of own and rules). Those are in
 *    every solution, so they are taken first.
 * 2. Only rules still at ≥ s matter. Every rule but `exclusive` is monotone, so recovering children
 *    never raises a rule that is already below s.
 * 3. Higher classes dominate for counting. Every rule counts children from an upper set of values:
 *    threshold ≥ forms count v ≥ atLeast, the lessThan forms gain a healthy child for each recovered
 *    v > atLeast, quorum / best / worstIfAll need any v > OK. A child with a higher v is in every
 *    set a lower one is in, so for count-only rules recovering the most severe children first is
 *    optimal, and the minimum is the shortest prefix of that order that lowers the status.
 * 4. Heavier dominates within a class. Count rules do not see weight, and weight rules gain more
 *    from a heavier child (the ≥ forms lose more counted weight, the lessThan forms gain more healthy
 *    weight; totals do not change). So some minimum set takes the k_v heaviest children of each
 *    value v, and with a single weight rule left the minimum is the shortest prefix of its counted
 *    children by weight, heaviest first (the k heaviest maximise the weight removed for every k).
 * Per rule kind that is:
 * - worst: the forced set, nothing else (every child at the node's status, no fewer).
 * - best / worstIfAll: any single child (the first of the order: most severe, heaviest).
 * - threshold by count or percent: the fewest counted children to fall under the limit (each
 *   recovery lowers the count by one); by weight or weight percent: the heaviest counted first.
 *   lessThan forms: the uncounted children, most severe (count) or heaviest (weight) first.
 * - quorum: min − OK-count recoveries (or one, when `degraded` is already below the status).
 * - exclusive (not monotone): none OK → one recovery; several OK → no recovery helps (recoveries
 *   only add OK children), so nothing below this node is a root cause.
 * When a weight rule and another rule are both still at ≥ s, or an exclusive rule is involved, the
 * class counts (k_WARNING..k_CRITICAL) are enumerated by increasing total (fact 4), O(n^4) at worst
 * and stopping at the first total that works; past SEARCH_BUDGET checks (wide nodes with several
 * interacting rules) it falls back to the greedy order and prunes children found unnecessary.
 */
const SEARCH_BUDGET = 5_000;

export interface Recovery {
  /** Graph indexes of the children to recover. */
  children: number[];
  /** The node's own leaf must recover too. */
  self: boolean;
}

const isWeightRule = (r: ReduceRule) => r.kind === 'threshold' && (r.weight !== undefined || r.weightPercent !== undefined);

/** The minimum recovery set of a node at a known problem status, or null when no recovery lowers it. */
export function minimalRecovery(st: State, i: number): Recovery | null {
  const { ix, packed } = st;
  const s = (packed[i] as number) & 7;
  if (s === OK || s === UNKNOWN) return null;
  const node = ix.nodes[i] as GraphNode;
  const inp = resolveInputs(st, i);
  // Without counted children the status is the node's own state.
  if (inp.n === 0) return st.leaves[i] ? { children: [], self: true } : null;
  const rules: ReduceRule[] = [node.rule.main, ...node.rule.extra];
  const { n, weights } = inp;
  if (valueOfMapped(rules, inp.vals, weights, n, inp.own) < s) return null;
  const vals = inp.vals.slice();
  const self = inp.own >= s;
  const own = self ? OK : inp.own;
  const lowers = () => valueOfMapped(rules, vals, weights, n, own) < s;

  const chosen: number[] = [];
  if (rules.some((r) => r.kind === 'worst')) {
    for (let k = 0; k < n; k++) {
      if ((vals[k] as number) >= s) {
        chosen.push(k);
        vals[k] = OK;
      }
    }
  }
  const result = (extra: number[]) => ({ children: [...chosen, ...extra].map((k) => inp.children[k] as number), self });
  if (lowers()) return result([]);

  const candidates: number[] = [];
  for (let k = 0; k < n; k++) if ((vals[k] as number) > OK) candidates.push(k);
  const bySeverity = (a: number, b: number) =>
    (vals[b] as number) - (vals[a] as number) || (weights[b] as number) - (weights[a] as number) || a - b;
  const byWeight = (a: number, b: number) =>
    (weights[b] as number) - (weights[a] as number) || (vals[b] as number) - (vals[a] as number) || a - b;

  const monotone = rules.every((r) => r.kind !== 'exclusive');
  const active = rules.filter((r) => reduceCodes(r, vals, weights, n) >= s);
  const weighted = active.filter(isWeightRule);
  if (monotone && weighted.length === 0) return shortestPrefix(candidates.sort(bySeverity), vals, lowers, result);
  if (monotone && active.length === 1) {
    const rule = active[0] as ReduceRule & { kind: 'threshold' };
    const atLeast = code(rule.atLeast);
    const helps = (k: number) => (rule.lessThan ? (vals[k] as number) > atLeast : (vals[k] as number) >= atLeast);
    return shortestPrefix(candidates.filter(helps).sort(byWeight), vals, lowers, result);
  }
  return enumerate(candidates, vals, weights, lowers, result);
}

/** The shortest prefix of `order` whose recovery lowers the status; lowering is monotone in the prefix, so binary search. */
function shortestPrefix(order: number[], vals: number[], lowers: () => boolean, result: (extra: number[]) => Recovery): Recovery | null {
  const saved = vals.slice();
  const test = (p: number) => {
    for (let t = 0; t < p; t++) vals[order[t] as number] = OK;
    const ok = lowers();
    for (let t = 0; t < p; t++) vals[order[t] as number] = saved[order[t] as number] as number;
    return ok;
  };
  if (!test(order.length)) return null;
  let lo = 1;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return result(order.slice(0, lo));
}

/** Class counts by increasing total, most severe classes first (facts 1-4 above). */
function enumerate(
  candidates: number[],
  vals: number[],
  weights: number[],
  lowers: () => boolean,
  result: (extra: number[]) => Recovery,
): Recovery | null {
  const classes: number[][] = [[], [], [], []];
  for (const k of candidates) (classes[CRITICAL - (vals[k] as number)] as number[]).push(k);
  for (const c of classes) c.sort((a, b) => (weights[b] as number) - (weights[a] as number) || a - b);
  const saved = vals.slice();
  const take = [0, 0, 0, 0];
  let checks = 0;
  const test = () => {
    checks++;
    for (let c = 0; c < 4; c++) for (let t = 0; t < (take[c] as number); t++) vals[(classes[c] as number[])[t] as number] = OK;
    const ok = lowers();
    for (const k of candidates) vals[k] = saved[k] as number;
    return ok;
  };
  // Compositions of `left` over classes c..3, favouring the most severe classes.
  const compose = (c: number, left: number): boolean => {
    if (checks > SEARCH_BUDGET) return false;
    const cap = (classes[c] as number[]).length;
    if (c === 3) {
      if (left > cap) return false;
      take[3] = left;
      return test();
    }
    for (let t = Math.min(left, cap); t >= 0; t--) {
      take[c] = t;
      if (compose(c + 1, left - t)) return true;
    }
    return false;
  };
  for (let size = 1; size <= candidates.length; size++) {
    if (compose(0, size)) return result(take.flatMap((t, c) => (classes[c] as number[]).slice(0, t)));
    if (checks > SEARCH_BUDGET) return greedy(classes.flat(), vals, lowers, result);
  }
  return null;
}

/** Beyond the budget: add in order (most severe, heaviest) until the status drops, then drop what was not needed. */
function greedy(order: number[], vals: number[], lowers: () => boolean, result: (extra: number[]) => Recovery): Recovery | null {
  const saved = vals.slice();
  const picked: number[] = [];
  for (const k of order) {
    picked.push(k);
    vals[k] = OK;
    if (lowers()) break;
  }
  const found = lowers();
  if (found) {
    for (let p = picked.length - 1; p >= 0; p--) {
      const k = picked[p] as number;
      vals[k] = saved[k] as number;
      if (lowers()) picked.splice(p, 1);
      else vals[k] = OK;
    }
  }
  for (let k = 0; k < vals.length; k++) vals[k] = saved[k] as number;
  return found ? result(picked) : null;
}

/**
 * Root causes of a node, memoised per evaluation snapshot. A CI whose own state is a problem is a
 * root cause of itself; an UNKNOWN node's causes are its UNKNOWN inputs (what nobody can see);
 * a CI whose status no recovery below it would lower (e.g. both halves of an exclusive pair up) is
 * its own root cause. Services are never root causes themselves.
 */
export function rootCausesOf(st: State, i: number, memo: Map<number, RootCause[]>): RootCause[] {
  const done = memo.get(i);
  if (done) return done;
  const { ix, packed, leaves } = st;
  const id = ix.ids[i] as string;
  const node = ix.nodes[i] as GraphNode;
  const s = (packed[i] as number) & 7;
  const self: RootCause[] = node.kind === 'ci' || leaves[i] ? [{ ciId: id, status: statusName(s), path: [id] }] : [];
  let out: RootCause[];
  const n = (ix.start[i + 1] as number) - (ix.start[i] as number);
  if (s === OK) out = [];
  else if (n === 0) out = self;
  else {
    let recovery: Recovery | null;
    if (s === UNKNOWN) {
      const inp = resolveInputs(st, i);
      recovery = {
        children: inp.children.filter((_, k) => inp.raw[k] === UNKNOWN),
        self: leaves[i]?.status === 'UNKNOWN',
      };
    } else recovery = minimalRecovery(st, i);
    const found: RootCause[] = recovery?.self ? [...self] : [];
    for (const j of recovery?.children ?? []) {
      for (const rc of rootCausesOf(st, j, memo)) found.push({ ciId: rc.ciId, status: rc.status, path: [id, ...rc.path] });
    }
    out = found.length > 0 ? dedupe(found) : node.kind === 'ci' ? self : [];
  }
  memo.set(i, out);
  return out;
}

function dedupe(causes: RootCause[]): RootCause[] {
  const byCi = new Map<string, RootCause>();
  for (const c of causes) {
    const had = byCi.get(c.ciId);
    if (!had || c.path.length < had.path.length) byCi.set(c.ciId, c);
  }
  return [...byCi.values()];
}
