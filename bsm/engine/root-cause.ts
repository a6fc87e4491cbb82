import type { GraphNode, RootCause } from './types.js';
import type { Reducer } from './kinds/kind.js';
import { type Index, type State, resolveInputs, rulesOf, valueOfMapped } from './core.js';
import { CRITICAL, OK, UNKNOWN, statusName } from './status.js';
import { type RuleInfo, ruleInfo } from './rules.js';

/**
 * Rule-aware root cause: at each node, the children whose recovery (set to OK) is the least that
 * lowers the node's status, then recursively the same inside each of them, down to CIs. Where
 * several sets are equally small (two databases of a quorum of three down: either recovery
 * restores it) every child of every such set is decisive, and all of them are root causes: a
 * tie is not settled by list order. OpenNMS enumerates the power set of a node's edges; this stays
 * polynomial and is exact for every rule kind (property tests check it against brute force).
 *
 * Recovering a child turns its mapped value v into OK. Facts the search rests on, and what each
 * kind declares for them (kinds/kind.ts, `monotone` and `recovery`):
 * 1. Forced inputs. Some inputs are in every solution (`forced`: under `worst`, every child at ≥ s,
 *    the node's status; and the own leaf when it is at ≥ s, as the node is the worst of own and
 *    rules). They are taken first; when they alone lower the status they are the only minimum set.
 * 2. Only rules still at ≥ s matter. For monotone rules recovering children never raises a rule
 *    that is already below s.
 * 3. Higher classes dominate for counting. Every monotone kind counts children from an upper set
 *    of values (`helps`; by default any v > OK), so a child with a higher v is in every set a lower
 *    one is in: for rules that only count, recovering the most severe children first is optimal,
 *    and the minimum is the shortest prefix of that order that lowers the status.
 * 4. Heavier dominates within a class. Counting rules do not see weight, and `weighted` rules gain
 *    more from a heavier child (their totals do not change). So some minimum set takes the k_v
 *    heaviest children of each value v, and with a single weighted rule left the minimum is the
 *    shortest prefix of its helping children by weight, heaviest first.
 * 5. Rules see children only through (value, weight): children alike in both (in value alone when
 *    no rule weighs) are interchangeable, so one of them stands for all when the decisive children
 *    are collected.
 * 6. For monotone rules, facts 3 and 4 also mean that a child at least as severe (and, where a rule
 *    weighs, as heavy) as one in a minimum set can take its place: it is decisive without a search.
 * When a weighted rule and another rule are both still at ≥ s, or a rule is not monotone, the class
 * counts (k_WARNING..k_CRITICAL) are enumerated by increasing total (fact 4), O(n^4) at worst and
 * stopping at the first total that works; past SEARCH_BUDGET checks (wide nodes with several
 * interacting rules) it falls back to the greedy order and prunes children found unnecessary.
 */
const SEARCH_BUDGET = 5_000;

export interface Recovery {
  /** Graph indexes of the children to recover. */
  children: number[];
  /** The node's own leaf must recover too. */
  self: boolean;
}

/** A node's inputs prepared for the search: mapped values (changed in place and restored by every step). */
interface Search {
  ix: Index;
  i: number;
  /** The node's rules, main first. */
  rules: RuleInfo[];
  vals: number[];
  weights: number[];
  n: number;
  /** The own leaf's value once it has recovered when it must (-1 without a leaf). */
  own: number;
  self: boolean;
  /** The node's status, to be lowered. */
  s: number;
}

function prepare(st: State, i: number): { search: Search; children: number[] } | null {
  const { ix, packed } = st;
  const s = (packed[i] as number) & 7;
  if (s === OK || s === UNKNOWN || ix.problems[i]) return null;
  const inp = resolveInputs(st, i);
  if (inp.n === 0) return null;
  const rules = rulesOf(ix, i).map(ruleInfo);
  if (valueOfMapped(ix, i, inp.vals, inp.weights, inp.n, inp.own) < s) return null;
  const self = inp.own >= s;
  return {
    search: { ix, i, rules, vals: inp.vals.slice(), weights: inp.weights, n: inp.n, own: self ? OK : inp.own, self, s },
    children: inp.children,
  };
}

/** Positions (into the node's inputs) of a minimum set of children to recover; null when no recovery lowers the status. */
function minimum(x: Search): number[] | null {
  const { ix, i, rules, vals, weights, n, own, s } = x;
  const lowers = () => valueOfMapped(ix, i, vals, weights, n, own) < s;
  const saved = vals.slice();
  const restore = () => {
    for (let k = 0; k < n; k++) vals[k] = saved[k] as number;
  };

  const chosen: number[] = [];
  for (let k = 0; k < n; k++) {
    if (rules.some((r) => r.recovery.forced(s, vals[k] as number))) {
      chosen.push(k);
      vals[k] = OK;
    }
  }
  const done = (extra: number[] | null) => {
    restore();
    return extra === null ? null : [...chosen, ...extra];
  };
  if (lowers()) return done([]);

  const candidates: number[] = [];
  for (let k = 0; k < n; k++) if ((vals[k] as number) > OK) candidates.push(k);
  const bySeverity = (a: number, b: number) =>
    (vals[b] as number) - (vals[a] as number) || (weights[b] as number) - (weights[a] as number) || a - b;
  const byWeight = (a: number, b: number) =>
    (weights[b] as number) - (weights[a] as number) || (vals[b] as number) - (vals[a] as number) || a - b;

  const monotone = rules.every((r) => r.monotone);
  const active = rules.filter((r) => (r.reducer as Reducer)(vals, weights, n, 0) >= s);
  const weighted = active.filter((r) => r.recovery.weighted);
  if (monotone && weighted.length === 0) return done(shortestPrefix(candidates.sort(bySeverity), vals, lowers));
  if (monotone && active.length === 1) {
    const { helps } = (active[0] as RuleInfo).recovery;
    return done(shortestPrefix(candidates.filter((k) => helps(vals[k] as number)).sort(byWeight), vals, lowers));
  }
  return done(enumerate(candidates, vals, weights, lowers));
}

/** The shortest prefix of `order` whose recovery lowers the status; lowering is monotone in the prefix, so binary search. */
function shortestPrefix(order: number[], vals: number[], lowers: () => boolean): number[] | null {
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
  return order.slice(0, lo);
}

/** Class counts by increasing total, most severe classes first (facts 1-4 above). */
function enumerate(candidates: number[], vals: number[], weights: number[], lowers: () => boolean): number[] | null {
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
    if (compose(0, size)) return take.flatMap((t, c) => (classes[c] as number[]).slice(0, t));
    if (checks > SEARCH_BUDGET) return greedy(classes.flat(), vals, lowers);
  }
  return null;
}

/** Beyond the budget: add in order (most severe, heaviest) until the status drops, then drop what was not needed. */
function greedy(order: number[], vals: number[], lowers: () => boolean): number[] | null {
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
  return found ? picked : null;
}

/** A minimum recovery set of a node at a known problem status, or null when no recovery lowers it. */
export function minimalRecovery(st: State, i: number): Recovery | null {
  const prepared = prepare(st, i);
  if (!prepared) return leafOnly(st, i);
  const picks = minimum(prepared.search);
  return picks === null ? null : { children: picks.map((k) => prepared.children[k] as number), self: prepared.search.self };
}

/**
 * The decisive inputs of a node at a known problem status: every child that is in some minimum
 * recovery set (fact 5 keeps it to one test per class of alike children), and the own leaf when it
 * must recover. Null when no recovery lowers the status.
 */
export function decisiveRecovery(st: State, i: number): Recovery | null {
  const prepared = prepare(st, i);
  if (!prepared) return leafOnly(st, i);
  const positions = decisive(prepared.search);
  return positions === null ? null : { children: positions.map((k) => prepared.children[k] as number), self: prepared.search.self };
}

/** decisiveRecovery as positions into the node's counted inputs (explanations name children by position). */
export function decisivePositions(st: State, i: number): number[] | null {
  const prepared = prepare(st, i);
  return prepared ? decisive(prepared.search) : null;
}

function decisive(x: Search): number[] | null {
  const picks = minimum(x);
  if (picks === null) return null;
  const found = new Set(picks);
  const forced = (k: number) => x.rules.some((r) => r.recovery.forced(x.s, x.vals[k] as number));
  // When the forced inputs alone lower the status, they are the one minimum set.
  if (picks.some((k) => !forced(k))) {
    const weighed = x.rules.some((r) => r.recovery.weighted);
    const classes = new Map<string, number[]>();
    for (let k = 0; k < x.n; k++) {
      if ((x.vals[k] as number) === OK || forced(k)) continue;
      const key = weighed ? `${x.vals[k]}:${x.weights[k]}` : String(x.vals[k]);
      const members = classes.get(key);
      if (members) members.push(k);
      else classes.set(key, [k]);
    }
    const monotone = x.rules.every((r) => r.monotone);
    const chosen = picks.filter((k) => !forced(k));
    // Fact 6: swapping a chosen child for one at least as severe (and as heavy, where a rule weighs)
    // recovers at least as much, so such a child is in a minimum set too.
    const dominates = (k: number) =>
      monotone &&
      chosen.some(
        (p) => (x.vals[p] as number) <= (x.vals[k] as number) && (!weighed || (x.weights[p] as number) <= (x.weights[k] as number)),
      );
    for (const members of classes.values()) {
      let joins = members.some((k) => found.has(k)) || dominates(members[0] as number);
      if (!joins) {
        const rep = members[0] as number;
        const was = x.vals[rep] as number;
        x.vals[rep] = OK;
        const rest = minimum(x);
        x.vals[rep] = was;
        joins = rest !== null && rest.length === picks.length - 1;
      }
      if (joins) for (const k of members) found.add(k);
    }
  }
  return [...found].sort((a, b) => a - b);
}

const isProblem = (st: State, i: number) => {
  const s = (st.packed[i] as number) & 7;
  return s !== OK && s !== UNKNOWN;
};

/** Without counted children the status is the node's own state. */
function leafOnly(st: State, i: number): Recovery | null {
  const n = (st.ix.start[i + 1] as number) - (st.ix.start[i] as number);
  return n === 0 && st.leaves[i] && isProblem(st, i) ? { children: [], self: true } : null;
}

/**
 * Root causes of a node, memoised per evaluation snapshot. A CI whose own state is a problem is a
 * root cause of itself; an UNKNOWN node's causes are its UNKNOWN inputs (what nobody can see);
 * a CI whose status no recovery below it would lower (e.g. both halves of an exclusive pair up) is
 * its own root cause, and so is a CI the engine could not evaluate. Services are never root causes
 * themselves.
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
  else if (n === 0 || ix.problems[i]) out = self;
  else {
    let recovery: Recovery | null;
    if (s === UNKNOWN) {
      const inp = resolveInputs(st, i);
      recovery = {
        children: inp.children.filter((_, k) => inp.raw[k] === UNKNOWN),
        self: leaves[i]?.status === 'UNKNOWN',
      };
    } else recovery = decisiveRecovery(st, i);
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
