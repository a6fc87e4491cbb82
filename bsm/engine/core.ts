import type { GraphNode, HealthGraph, LeafState, ReduceRule } from './types.js';
import type { Reducer } from './kinds/kind.js';
import { CRITICAL, OK, UNKNOWN, code } from './status.js';
import { type RuleInfo, mapInfo, mapTables, problemAt, ruleInfo } from './rules.js';

/**
 * The evaluator's machinery: the graph compiled into flat arrays in topological order (children
 * before parents, so a node's index is also its evaluation order), one node's status from its
 * inputs, and propagation of changes up the ancestor cone. evaluate.ts, root-cause.ts and impact.ts
 * share it; none of it is public API.
 *
 * A node's computed state is packed into one byte: status code (0-5) | acknowledged << 3 |
 * inMaintenance << 4. Packed bytes compare equal exactly when the result a parent sees is equal,
 * which is the stop condition of incremental propagation.
 *
 * A node the engine cannot evaluate (a rule or map its kind rejects, a rule its members can never
 * satisfy, a child missing from the graph, an edge that closes a cycle) is isolated rather than
 * failing the evaluation: it is UNKNOWN (or its own leaf's problem) with the reason in its
 * explanation, and every other node is evaluated as usual.
 */

export const ACK = 8;
export const MAINT = 16;

export interface Index {
  /** Node ids by index; the index order is topological (children first). */
  ids: string[];
  nodes: GraphNode[];
  pos: Map<string, number>;
  /** CSR adjacency of the edges that count (not `ignore`): children of i are child[start[i]..start[i+1]). */
  start: Int32Array;
  child: Int32Array;
  weight: Float64Array;
  /** Each edge's map as a table over codes (mapTables[edgeMap[e] * 8 + code]): see mapEdge. */
  edgeMap: Uint16Array;
  mapTables: Uint8Array;
  parentStart: Int32Array;
  parent: Int32Array;
  /** The node's compiled rules (main first, then the extra rules) are ruleFns[ruleStart[i]..ruleStart[i+1]). */
  ruleStart: Int32Array;
  ruleFns: Reducer[];
  /** Some rule of the node is not monotone (see decide). */
  nonMonotone: Uint8Array;
  /** Why a node cannot be evaluated; set only for such nodes. */
  problems: (readonly string[] | undefined)[];
  /** Every problem of the graph, as validateGraph lists them. */
  allProblems: string[];
  /** Every counted edge of the node is identity: its raw child codes are already the mapped values. */
  allIdentity: Uint8Array;
  /** Scratch space sized to the widest fan-out (the engine is synchronous, so one set suffices). */
  raw: Uint8Array;
  tmp: Uint8Array;
  vals: Uint8Array;
  kids: Uint8Array;
  /** Propagation overlay: overlay[i] is valid where stamp[i] is the current epoch. */
  overlay: Uint8Array;
  stamp: Uint32Array;
  queued: Uint32Array;
  epoch: { n: number };
}

/** The map of edge e applied to code c (maps apply to problems only and clamp to OK..CRITICAL). */
export function mapEdge(ix: Index, e: number, c: number): number {
  return ix.mapTables[((ix.edgeMap[e] as number) << 3) | c] as number;
}

export interface State {
  ix: Index;
  packed: Uint8Array;
  leaves: (LeafState | undefined)[];
}

/** A cycle as a path that starts and ends at the same node, or null. Ignored edges count: a loop is a modelling error either way. */
export function findCycle(graph: HealthGraph): string[] | null {
  const color = new Map<string, 1 | 2>();
  for (const root of graph.nodes.keys()) {
    if (color.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    color.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const edges = graph.nodes.get(top.id)?.edges ?? [];
      if (top.next >= edges.length) {
        color.set(top.id, 2);
        stack.pop();
        continue;
      }
      const childId = (edges[top.next++] as { childId: string }).childId;
      if (!graph.nodes.has(childId)) continue;
      const c = color.get(childId);
      if (c === 1) {
        const from = stack.findIndex((f) => f.id === childId);
        return [...stack.slice(from).map((f) => f.id), childId];
      }
      if (c === undefined) {
        color.set(childId, 1);
        stack.push({ id: childId, next: 0 });
      }
    }
  }
  return null;
}

/** Every problem of a graph at once: bad rules and maps, rules their members cannot satisfy, dangling edges, bad weights, cycles. */
export function validateGraph(graph: HealthGraph): string[] {
  return indexGraph(graph).allProblems;
}

const cycleProblem = (cycle: string[]) => `cycle: ${cycle.join(' → ')}`;

const indexes = new WeakMap<HealthGraph, Index>();

/**
 * Compiles (once per graph object: graphs are immutable once evaluated, build a new one to change
 * the model) and validates. Never throws for a bad node: the node is isolated (see the top of the
 * file) and its problems are kept for the explanation and validateGraph. Three passes, each its own
 * function so that each is optimised on its own: read, order, compile.
 */
export function indexGraph(graph: HealthGraph): Index {
  const cached = indexes.get(graph);
  if (cached) return cached;
  const read = readGraph(graph);
  const cycles = orderGraph(read);
  const ix = compileGraph(read, cycles);
  indexes.set(graph, ix);
  return ix;
}

/** The graph in its given (Map) order, with what each rule and edge is, and the problems found node by node. */
interface ReadGraph {
  given: GraphNode[];
  /** Edges of given node t are tChild[tStart[t]..tStart[t+1]): the child, -1 where the edge is dropped (dangling, closes a cycle). */
  tStart: Int32Array;
  tChild: Int32Array;
  /** The edge counts for its parent (a valid map that is not `ignore`). */
  tCounts: Uint8Array;
  tTable: Uint16Array;
  tUnchanged: Uint8Array;
  /** Each node's main rule, and its extra rules at extraInfo[extraAt[t]..extraAt[t+1]). */
  mainInfo: RuleInfo[];
  extraInfo: RuleInfo[];
  extraAt: Int32Array;
  /** Problems by given node. */
  found: Map<number, string[]>;
  /** Topological order (children first) of the given nodes, filled by orderGraph. */
  order: Int32Array;
}

function report(found: Map<number, string[]>, t: number, problem: string): void {
  const list = found.get(t);
  if (list) list.push(problem);
  else found.set(t, [problem]);
}

function readGraph(graph: HealthGraph): ReadGraph {
  // Provisional numbering in Map order, one id lookup per edge (which also finds dangling edges).
  const byId = new Map<string, number>();
  const given: GraphNode[] = [];
  for (const [id, node] of graph.nodes) {
    byId.set(id, given.length);
    given.push(node);
  }
  const n = given.length;
  let allEdges = 0;
  for (const node of given) allEdges += node.edges.length;
  const r: ReadGraph = {
    given,
    tStart: new Int32Array(n + 1),
    tChild: new Int32Array(allEdges),
    tCounts: new Uint8Array(allEdges),
    tTable: new Uint16Array(allEdges),
    tUnchanged: new Uint8Array(allEdges),
    mainInfo: new Array<RuleInfo>(n),
    extraInfo: [],
    extraAt: new Int32Array(n + 1),
    found: new Map(),
    order: new Int32Array(n),
  };
  const { tStart, tChild, tCounts, tTable, tUnchanged, mainInfo, extraInfo, extraAt, found } = r;
  let e = 0;
  for (let t = 0; t < n; t++) {
    tStart[t] = e;
    extraAt[t] = extraInfo.length;
    const node = given[t] as GraphNode;
    if (graph.nodes.get(node.id) !== node) report(found, t, 'not stored under its own id');
    const main = ruleInfo(node.rule.main);
    mainInfo[t] = main;
    if (main.problems.length > 0) for (const p of main.problems) report(found, t, p);
    for (const rule of node.rule.extra) {
      const extra = ruleInfo(rule);
      extraInfo.push(extra);
      if (extra.problems.length > 0) for (const p of extra.problems) report(found, t, p);
    }
    for (const edge of node.edges) {
      const c = byId.get(edge.childId);
      const map = mapInfo(edge.map);
      if (map.problems.length > 0) for (const p of map.problems) report(found, t, `edge to ${edge.childId}: ${p}`);
      if (c === undefined) report(found, t, `child ${edge.childId} is not in the graph`);
      if (!(edge.weight >= 0 && edge.weight < Infinity)) report(found, t, `edge to ${edge.childId}: weight must be a number ≥ 0`);
      tChild[e] = c ?? -1;
      tCounts[e] = c !== undefined && map.counts ? 1 : 0;
      tTable[e] = map.table;
      tUnchanged[e] = map.unchanged ? 1 : 0;
      e++;
    }
  }
  tStart[n] = e;
  extraAt[n] = extraInfo.length;
  return r;
}

/**
 * Post-order DFS over children (ignored edges too: a loop is a loop) gives children before parents
 * (into r.order); meeting a node still on the stack is a cycle: that edge is dropped and its parent
 * isolated. Returns the cycles, named by their paths.
 */
function orderGraph(r: ReadGraph): string[] {
  const { given, tStart, tChild, tCounts, order } = r;
  const n = given.length;
  const cycles: string[] = [];
  const color = new Uint8Array(n);
  const stackNode = new Int32Array(n);
  const stackNext = new Int32Array(n);
  let done = 0;
  for (let root = 0; root < n; root++) {
    if (color[root]) continue;
    let depth = 0;
    stackNode[0] = root;
    stackNext[0] = tStart[root] as number;
    color[root] = 1;
    while (depth >= 0) {
      const t = stackNode[depth] as number;
      const next = stackNext[depth] as number;
      if (next < (tStart[t + 1] as number)) {
        stackNext[depth] = next + 1;
        const c = tChild[next] as number;
        if (c < 0) continue;
        if (color[c] === 0) {
          color[c] = 1;
          depth++;
          stackNode[depth] = c;
          stackNext[depth] = tStart[c] as number;
        } else if (color[c] === 1) {
          let from = depth;
          while (stackNode[from] !== c) from--;
          const path = Array.from(stackNode.subarray(from, depth + 1), (x) => (given[x] as GraphNode).id);
          const problem = cycleProblem([...path, (given[c] as GraphNode).id]);
          cycles.push(problem);
          report(r.found, t, problem);
          tChild[next] = -1;
          tCounts[next] = 0;
        }
      } else {
        color[t] = 2;
        order[done++] = t;
        depth--;
      }
    }
  }
  return cycles;
}

/** The index: typed arrays in topological order, the compiled rules, and the nodes that cannot be evaluated. */
function compileGraph(r: ReadGraph, cycles: string[]): Index {
  const { given, order, tStart, tChild, tCounts, tTable, tUnchanged, mainInfo, extraInfo, extraAt, found } = r;
  const n = given.length;
  const posOf = new Int32Array(n);
  for (let i = 0; i < n; i++) posOf[order[i] as number] = i;
  const nodes = Array.from(order, (t) => given[t] as GraphNode);
  const ids = nodes.map((node) => node.id);
  const pos = new Map<string, number>();
  for (let i = 0; i < n; i++) pos.set(ids[i] as string, i);

  let edgeCount = 0;
  let ruleCount = 0;
  let widest = 1;
  for (let t = 0; t < n; t++) {
    let k = 0;
    for (let te = tStart[t] as number; te < (tStart[t + 1] as number); te++) k += tCounts[te] as number;
    edgeCount += k;
    widest = Math.max(widest, k);
    ruleCount += 1 + (extraAt[t + 1] as number) - (extraAt[t] as number);
  }
  const start = new Int32Array(n + 1);
  const child = new Int32Array(edgeCount);
  const weight = new Float64Array(edgeCount);
  const edgeMap = new Uint16Array(edgeCount);
  const parentCount = new Int32Array(n + 1);
  const ruleStart = new Int32Array(n + 1);
  const ruleFns: Reducer[] = new Array<Reducer>(ruleCount);
  const nonMonotone = new Uint8Array(n);
  const allIdentity = new Uint8Array(n).fill(1);
  const problems = new Array<readonly string[] | undefined>(n);
  let e = 0;
  let rf = 0;
  for (let i = 0; i < n; i++) {
    start[i] = e;
    ruleStart[i] = rf;
    const t = order[i] as number;
    const node = nodes[i] as GraphNode;
    let te = tStart[t] as number;
    let totalWeight = 0;
    for (const edge of node.edges) {
      const at = te++;
      if (tCounts[at] !== 1) continue;
      const c = posOf[tChild[at] as number] as number;
      child[e] = c;
      weight[e] = edge.weight;
      totalWeight += edge.weight;
      edgeMap[e] = tTable[at] as number;
      if (!tUnchanged[at]) allIdentity[i] = 0;
      parentCount[c + 1] = (parentCount[c + 1] as number) + 1;
      e++;
    }
    const main = mainInfo[t] as RuleInfo;
    const x0 = extraAt[t] as number;
    const x1 = extraAt[t + 1] as number;
    // A rule is only checked against its members where it applies: without counted children the node is its own leaf.
    if (!found.has(t) && e > (start[i] as number)) {
      const count = e - (start[i] as number);
      for (const p of main.members(count, totalWeight)) report(found, t, problemAt(node.rule.main.kind, p));
      for (let x = x0; x < x1; x++) {
        const rule = node.rule.extra[x - x0] as ReduceRule;
        for (const p of (extraInfo[x] as RuleInfo).members(count, totalWeight)) report(found, t, problemAt(rule.kind, p));
      }
    }
    const bad = found.get(t);
    if (bad) problems[i] = bad;
    else {
      ruleFns[rf++] = main.reducer as Reducer;
      if (!main.monotone) nonMonotone[i] = 1;
      for (let x = x0; x < x1; x++) {
        const extra = extraInfo[x] as RuleInfo;
        ruleFns[rf++] = extra.reducer as Reducer;
        if (!extra.monotone) nonMonotone[i] = 1;
      }
    }
  }
  start[n] = e;
  ruleStart[n] = rf;
  ruleFns.length = rf;
  const parentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) parentStart[i + 1] = (parentStart[i] as number) + (parentCount[i + 1] as number);
  const fill = parentStart.slice(0, n);
  const parent = new Int32Array(edgeCount);
  for (let i = 0; i < n; i++) {
    for (let k = start[i] as number; k < (start[i + 1] as number); k++) {
      const c = child[k] as number;
      const at = fill[c] as number;
      // A child listed twice under one parent would enqueue the parent twice; the queued stamp absorbs it.
      parent[at] = i;
      fill[c] = at + 1;
    }
  }
  const allProblems: string[] = [];
  for (const [t, list] of found) {
    const id = (given[t] as GraphNode).id;
    for (const p of list) if (!cycles.includes(p)) allProblems.push(`${id}: ${p}`);
  }
  allProblems.push(...cycles);
  const ix: Index = {
    ids,
    nodes,
    pos,
    start,
    child,
    weight,
    edgeMap,
    mapTables: mapTables(),
    parentStart,
    parent,
    ruleStart,
    ruleFns,
    nonMonotone,
    problems,
    allProblems,
    allIdentity,
    raw: new Uint8Array(widest),
    tmp: new Uint8Array(widest),
    vals: new Uint8Array(widest),
    kids: new Uint8Array(widest),
    overlay: new Uint8Array(n),
    stamp: new Uint32Array(n),
    queued: new Uint32Array(n),
    epoch: { n: 0 },
  };
  return ix;
}

/** max(own, main rule, every extra rule) over known raw inputs; own is -1 when the node has no leaf. */
export function combinedValue(ix: Index, i: number, raw: Uint8Array, own: number): number {
  const s = ix.start[i] as number;
  const n = (ix.start[i + 1] as number) - s;
  let vals = raw;
  if (!ix.allIdentity[i]) {
    vals = ix.vals;
    for (let k = 0; k < n; k++) vals[k] = mapEdge(ix, s + k, raw[k] as number);
  }
  const r0 = ix.ruleStart[i] as number;
  const r1 = ix.ruleStart[i + 1] as number;
  let v = own;
  for (let r = r0; r < r1 && v < CRITICAL; r++) v = Math.max(v, (ix.ruleFns[r] as Reducer)(vals, ix.weight, n, s));
  return v;
}

/** Same over already-mapped values with their own weights (root cause, explanations and "since" work on mapped values). */
export function valueOfMapped(ix: Index, i: number, vals: ArrayLike<number>, weights: ArrayLike<number>, n: number, own: number): number {
  let v = own;
  for (let r = ix.ruleStart[i] as number; r < (ix.ruleStart[i + 1] as number); r++)
    v = Math.max(v, (ix.ruleFns[r] as Reducer)(vals, weights, n, 0));
  return v;
}

/** The node's rules, main first, in the order of its compiled reducers. */
export const rulesOf = (ix: Index, i: number): ReduceRule[] => {
  const rule = (ix.nodes[i] as GraphNode).rule;
  return [rule.main, ...rule.extra];
};

/**
 * The node's status where some inputs are UNKNOWN (code 5 in raw, own may be 5), per unknownAs:
 * - 'OK' / 'WORST': unknown inputs count as OK / CRITICAL (before the edge map).
 * - 'UNKNOWN' (default): consider every status the unknown inputs could really have. lo and hi are
 *   the best and worst results over those possibilities. If they agree, the known inputs decide
 *   (e.g. a CRITICAL child under `worst`). If lo is a problem, report lo: the known inputs already
 *   make the node at least that bad, and hiding a known failure behind UNKNOWN would help nobody
 *   (the explanation says it could be worse). If lo is OK but hi is not, report UNKNOWN: OK is never
 *   reported when unknown inputs could change it.
 *   For monotone rules lo and hi are reached with every unknown input OK or every one CRITICAL; a
 *   rule that is not monotone depends only on the number of OK children (kinds/kind.ts), and
 *   "exactly one unknown OK" covers the remaining outcome.
 */
function decide(ix: Index, i: number, raw: Uint8Array, n: number, own: number, mode: string): number {
  let unknownKids = 0;
  for (let k = 0; k < n; k++) if (raw[k] === UNKNOWN) unknownKids++;
  if (unknownKids === 0 && own !== UNKNOWN) return combinedValue(ix, i, raw, own);
  if (mode === 'OK') return assume(ix, i, raw, n, own, OK, OK);
  if (mode === 'WORST') return assume(ix, i, raw, n, own, CRITICAL, CRITICAL);
  const allOk = assume(ix, i, raw, n, own, OK, OK);
  const allCritical = assume(ix, i, raw, n, own, CRITICAL, CRITICAL);
  let lo = Math.min(allOk, allCritical);
  let hi = Math.max(allOk, allCritical);
  if (ix.nonMonotone[i] && unknownKids > 0) {
    const one = assume(ix, i, raw, n, own, CRITICAL, OK);
    lo = Math.min(lo, one);
    hi = Math.max(hi, one);
  }
  if (lo === hi || lo > OK) return lo;
  return UNKNOWN;
}

/** The node's value with its UNKNOWN inputs assumed `as` (the first unknown child `firstAs`). */
function assume(ix: Index, i: number, raw: Uint8Array, n: number, own: number, as: number, firstAs: number): number {
  const tmp = ix.tmp;
  let first = true;
  for (let k = 0; k < n; k++) {
    const r = raw[k] as number;
    if (r === UNKNOWN) {
      tmp[k] = first ? firstAs : as;
      first = false;
    } else tmp[k] = r;
  }
  return combinedValue(ix, i, tmp, own === UNKNOWN ? as : own);
}

/**
 * One node's packed result from its leaf and its children's packed results. Children are read from
 * `packed`, or from the propagation overlay where it is stamped with the current epoch.
 */
export function computeNode(ix: Index, i: number, packed: Uint8Array, overlaid: boolean, leaves: (LeafState | undefined)[]): number {
  const leaf = leaves[i];
  const s = ix.start[i] as number;
  const n = (ix.start[i + 1] as number) - s;
  if (n === 0 || ix.problems[i]) {
    if (!leaf) return UNKNOWN;
    const c = code(leaf.status);
    // A node that cannot be evaluated keeps what its own leaf knows of a problem, else it cannot know.
    if (ix.problems[i] && (c === OK || c === UNKNOWN)) return UNKNOWN;
    return c | (leaf.acknowledged && c > OK && c < UNKNOWN ? ACK : 0) | (leaf.inMaintenance ? MAINT : 0);
  }
  const options = (ix.nodes[i] as GraphNode).rule.options;
  const { raw, kids, overlay, stamp } = ix;
  const epoch = ix.epoch.n;
  let flags = 0;
  for (let k = 0; k < n; k++) {
    const j = ix.child[s + k] as number;
    const p = overlaid && stamp[j] === epoch ? (overlay[j] as number) : (packed[j] as number);
    kids[k] = p;
    raw[k] = p & 7;
    flags |= p;
  }
  const own = leaf ? code(leaf.status) : -1;
  const ownAcked = !!leaf && leaf.acknowledged && own > OK && own < UNKNOWN;
  const rawStatus = decide(ix, i, raw, n, own, options.unknownAs);

  let status = rawStatus;
  let acknowledged = false;
  if ((flags & ACK || ownAcked) && (rawStatus !== OK || options.acknowledgedAsOk)) {
    // Checkmk: assume every acknowledged problem were OK; if the node would then be OK, it is acknowledged.
    for (let k = 0; k < n; k++) if ((kids[k] as number) & ACK) raw[k] = OK;
    const ackStatus = decide(ix, i, raw, n, ownAcked ? OK : own, options.unknownAs);
    acknowledged = rawStatus !== OK && ackStatus === OK;
    if (options.acknowledgedAsOk) status = ackStatus;
  }

  let inMaintenance = false;
  if (options.maintenance === 'ignore') inMaintenance = !!leaf?.inMaintenance;
  else if (flags & MAINT || leaf?.inMaintenance) inMaintenance = maintenanceMatters(ix, i, n, leaf);
  return status | (acknowledged ? ACK : 0) | (inMaintenance ? MAINT : 0);
}

/**
 * Checkmk BI downtime semantics: assume every input in maintenance is CRITICAL and every other one
 * OK; the node is in maintenance if that makes it as bad as a failure of all its inputs would (for
 * identity maps and rules that reach CRITICAL this is Checkmk's "CRIT under this assumption"; the
 * comparison with the all-fail result extends it to decreasing maps and rules capped below
 * CRITICAL). A maintained node of a healthy cluster therefore does not put the cluster in maintenance.
 * Reads the children from ix.kids, filled by computeNode.
 */
function maintenanceMatters(ix: Index, i: number, n: number, leaf: LeafState | undefined): boolean {
  const { tmp, kids } = ix;
  for (let k = 0; k < n; k++) tmp[k] = (kids[k] as number) & MAINT ? CRITICAL : OK;
  const assumed = combinedValue(ix, i, tmp, leaf ? (leaf.inMaintenance ? CRITICAL : OK) : -1);
  if (assumed === OK) return false;
  tmp.fill(CRITICAL, 0, n);
  return assumed >= combinedValue(ix, i, tmp, leaf ? CRITICAL : -1);
}

export function evaluateAll(ix: Index, leaves: (LeafState | undefined)[]): Uint8Array {
  const packed = new Uint8Array(ix.ids.length);
  for (let i = 0; i < packed.length; i++) packed[i] = computeNode(ix, i, packed, false, leaves);
  return packed;
}

/**
 * Re-evaluates the ancestor cone of the seeds in topological order, stopping wherever a node's
 * packed result does not change. `forced` pins one node to a packed result (impact's "if this CI
 * were OK"). Returns only the nodes whose result changed, with their new packed result. Because
 * every push goes to a parent (a higher index) and the heap pops the lowest index, each node is
 * computed at most once, after all of its changed children.
 */
export function propagate(
  st: State,
  leaves: (LeafState | undefined)[],
  seeds: Iterable<number>,
  forced?: { node: number; packed: number },
): Map<number, number> {
  const { ix, packed } = st;
  const { overlay, stamp, queued } = ix;
  const changed = new Map<number, number>();
  const epoch = ++ix.epoch.n;
  const heap: number[] = [];
  for (const i of seeds) push(heap, queued, epoch, i);
  while (heap.length > 0) {
    const i = pop(heap);
    const next = forced?.node === i ? forced.packed : computeNode(ix, i, packed, true, leaves);
    if (next === packed[i]) continue;
    changed.set(i, next);
    overlay[i] = next;
    stamp[i] = epoch;
    for (let k = ix.parentStart[i] as number; k < (ix.parentStart[i + 1] as number); k++) push(heap, queued, epoch, ix.parent[k] as number);
  }
  return changed;
}

/** Binary min-heap of node indexes; `queued` stamps keep a node in it at most once per epoch. */
function push(heap: number[], queued: Uint32Array, epoch: number, i: number): void {
  if (queued[i] === epoch) return;
  queued[i] = epoch;
  let c = heap.length;
  heap.push(i);
  while (c > 0) {
    const p = (c - 1) >> 1;
    if ((heap[p] as number) <= i) break;
    heap[c] = heap[p] as number;
    c = p;
  }
  heap[c] = i;
}

function pop(heap: number[]): number {
  const top = heap[0] as number;
  const last = heap.pop() as number;
  if (heap.length > 0) {
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const m = r < heap.length && (heap[r] as number) < (heap[l] as number) ? r : l;
      if ((heap[m] as number) >= last) break;
      heap[c] = heap[m] as number;
      c = m;
    }
    heap[c] = last;
  }
  return top;
}

/** A node's inputs as known values, resolved the way its status was decided (for explanations and root cause). */
export interface ResolvedInputs {
  n: number;
  /** Graph indexes of the counted children. */
  children: number[];
  /** Raw child codes (may be UNKNOWN). */
  raw: number[];
  /** Mapped, known values: acknowledged problems as OK when acknowledgedAsOk; UNKNOWN per unknownAs, 'UNKNOWN' as OK (the lower bound the status reports). */
  vals: number[];
  weights: number[];
  /** Own leaf value resolved the same way, -1 without a leaf. */
  own: number;
  unknown: number;
  acknowledgedAsOk: number;
}

export function resolveInputs(st: State, i: number): ResolvedInputs {
  const { ix, packed, leaves } = st;
  const s = ix.start[i] as number;
  const n = (ix.start[i + 1] as number) - s;
  const options = (ix.nodes[i] as GraphNode).rule.options;
  const out: ResolvedInputs = { n, children: [], raw: [], vals: [], weights: [], own: -1, unknown: 0, acknowledgedAsOk: 0 };
  const resolve = (c: number, acked: boolean) => {
    if (acked && options.acknowledgedAsOk) {
      out.acknowledgedAsOk++;
      return OK;
    }
    if (c !== UNKNOWN) return c;
    out.unknown++;
    return options.unknownAs === 'WORST' ? CRITICAL : OK;
  };
  for (let k = 0; k < n; k++) {
    const j = ix.child[s + k] as number;
    const p = packed[j] as number;
    out.children.push(j);
    out.raw.push(p & 7);
    out.vals.push(mapEdge(ix, s + k, resolve(p & 7, (p & ACK) !== 0)));
    out.weights.push(ix.weight[s + k] as number);
  }
  const leaf = leaves[i];
  if (leaf) {
    const c = code(leaf.status);
    out.own = resolve(c, leaf.acknowledged && c > OK && c < UNKNOWN);
  }
  return out;
}
