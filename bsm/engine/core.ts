import { ConfigError } from '../../connectors/core/errors.js';
import type { EdgeMap, GraphNode, HealthGraph, LeafState, ReduceRule } from './types.js';
import { CRITICAL, OK, UNKNOWN, code } from './status.js';
import { mapCode, reduceCodes, validateMap, validateRule } from './rules.js';

/**
 * The evaluator's machinery: the graph compiled into flat arrays in topological order (children
 * before parents, so a node's index is also its evaluation order), one node's status from its
 * inputs, and propagation of changes up the ancestor cone. evaluate.ts, root-cause.ts and impact.ts
 * share it; none of it is public API.
 *
 * A node's computed state is packed into one byte: status code (0-5) | acknowledged << 3 |
 * inMaintenance << 4. Packed bytes compare equal exactly when the result a parent sees is equal,
 * which is the stop condition of incremental propagation.
 */

export const ACK = 8;
export const MAINT = 16;
export const statusOf = (packed: number) => packed & 7;

export interface Index {
  graph: HealthGraph;
  /** Node ids by index; the index order is topological (children first). */
  ids: string[];
  nodes: GraphNode[];
  pos: Map<string, number>;
  /** CSR adjacency of the edges that count (not `ignore`): children of i are child[start[i]..start[i+1]). */
  start: Int32Array;
  child: Int32Array;
  weight: Float64Array;
  map: EdgeMap[];
  parentStart: Int32Array;
  parent: Int32Array;
  hasExclusive: Uint8Array;
  /** Scratch space sized to the widest fan-out (the engine is synchronous, so one set suffices). */
  raw: Uint8Array;
  tmp: Uint8Array;
  vals: Uint8Array;
  queued: Uint32Array;
  epoch: { n: number };
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

/** Every problem of a graph at once: dangling edges, cycles, bad rules, maps and weights. */
export function validateGraph(graph: HealthGraph): string[] {
  const problems: string[] = [];
  for (const [id, node] of graph.nodes) {
    if (node.id !== id) problems.push(`${id}: node id is ${JSON.stringify(node.id)}`);
    for (const rule of [node.rule.main, ...node.rule.extra]) problems.push(...validateRule(rule).map((p) => `${id}: ${p}`));
    for (const edge of node.edges) {
      if (!graph.nodes.has(edge.childId)) problems.push(`${id}: child ${edge.childId} is not in the graph`);
      problems.push(...validateMap(edge.map).map((p) => `${id} → ${edge.childId}: ${p}`));
      if (!(Number.isFinite(edge.weight) && edge.weight >= 0)) problems.push(`${id} → ${edge.childId}: weight must be a number ≥ 0`);
    }
  }
  if (problems.length === 0) {
    const cycle = findCycle(graph);
    if (cycle) problems.push(`cycle: ${cycle.join(' → ')}`);
  }
  return problems;
}

const indexes = new WeakMap<HealthGraph, Index>();

/**
 * Compiles (once per graph object: graphs are immutable once evaluated, build a new one to change
 * the model) and validates. Throws ConfigError listing every problem, cycles named by their path.
 */
export function indexGraph(graph: HealthGraph): Index {
  const cached = indexes.get(graph);
  if (cached) return cached;
  const problems = validateGraph(graph);
  if (problems.length > 0) throw new ConfigError('health graph', problems);

  // Post-order DFS over children gives children before parents.
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const root of graph.nodes.keys()) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const edges = (graph.nodes.get(top.id) as GraphNode).edges;
      if (top.next < edges.length) {
        const childId = (edges[top.next++] as { childId: string }).childId;
        if (!seen.has(childId)) {
          seen.add(childId);
          stack.push({ id: childId, next: 0 });
        }
      } else {
        ids.push(top.id);
        stack.pop();
      }
    }
  }
  const n = ids.length;
  const pos = new Map<string, number>();
  ids.forEach((id, i) => pos.set(id, i));
  const nodes = ids.map((id) => graph.nodes.get(id) as GraphNode);

  let edgeCount = 0;
  let widest = 1;
  for (const node of nodes) {
    let k = 0;
    for (const e of node.edges) if (e.map.kind !== 'ignore') k++;
    edgeCount += k;
    widest = Math.max(widest, k);
  }
  const start = new Int32Array(n + 1);
  const child = new Int32Array(edgeCount);
  const weight = new Float64Array(edgeCount);
  const map: EdgeMap[] = new Array<EdgeMap>(edgeCount);
  const parentCount = new Int32Array(n + 1);
  const hasExclusive = new Uint8Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    start[i] = e;
    const node = nodes[i] as GraphNode;
    for (const edge of node.edges) {
      if (edge.map.kind === 'ignore') continue;
      const c = pos.get(edge.childId) as number;
      child[e] = c;
      weight[e] = edge.weight;
      map[e] = edge.map;
      parentCount[c + 1] = (parentCount[c + 1] as number) + 1;
      e++;
    }
    if (node.rule.main.kind === 'exclusive' || node.rule.extra.some((r) => r.kind === 'exclusive')) hasExclusive[i] = 1;
  }
  start[n] = e;
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
  const ix: Index = {
    graph,
    ids,
    nodes,
    pos,
    start,
    child,
    weight,
    map,
    parentStart,
    parent,
    hasExclusive,
    raw: new Uint8Array(widest),
    tmp: new Uint8Array(widest),
    vals: new Uint8Array(widest),
    queued: new Uint32Array(n),
    epoch: { n: 0 },
  };
  indexes.set(graph, ix);
  return ix;
}

/** max(own, main rule, every extra rule) over known raw inputs; own is -1 when the node has no leaf. */
export function combinedValue(ix: Index, i: number, raw: ArrayLike<number>, own: number): number {
  const s = ix.start[i] as number;
  const n = (ix.start[i + 1] as number) - s;
  const vals = ix.vals;
  for (let k = 0; k < n; k++) vals[k] = mapCode(ix.map[s + k] as EdgeMap, raw[k] as number);
  const weights = ix.weight.subarray(s, s + n);
  const rule = (ix.nodes[i] as GraphNode).rule;
  let v = Math.max(own, reduceCodes(rule.main, vals, weights, n));
  for (const extra of rule.extra) if (v < CRITICAL) v = Math.max(v, reduceCodes(extra, vals, weights, n));
  return v;
}

/** Same over already-mapped values (root cause and explanations work on mapped values). */
export function valueOfMapped(rules: ReduceRule[], vals: ArrayLike<number>, weights: ArrayLike<number>, n: number, own: number): number {
  let v = own;
  for (const r of rules) v = Math.max(v, reduceCodes(r, vals, weights, n));
  return v;
}

/**
 * The node's status where some inputs are UNKNOWN (code 5 in raw, own may be 5), per unknownAs:
 * - 'OK' / 'WORST': unknown inputs count as OK / CRITICAL (before the edge map).
 * - 'UNKNOWN' (default): consider every status the unknown inputs could really have. lo and hi are
 *   the best and worst results over those possibilities. If they agree, the known inputs decide
 *   (e.g. a CRITICAL child under `worst`). If lo is a problem, report lo: the known inputs already
 *   make the node at least that bad, and hiding a known failure behind UNKNOWN would help nobody
 *   (the explanation says it could be worse). If lo is OK but hi is not, report UNKNOWN: OK is never
 *   reported when unknown inputs could change it.
 *   Every rule but `exclusive` is monotone, so lo and hi are reached with every unknown input OK or
 *   every one CRITICAL; for `exclusive` only the number of OK children matters and "exactly one
 *   unknown OK" covers the remaining outcome.
 */
function decide(ix: Index, i: number, raw: Uint8Array, n: number, own: number, mode: string): number {
  let unknownKids = 0;
  for (let k = 0; k < n; k++) if (raw[k] === UNKNOWN) unknownKids++;
  if (unknownKids === 0 && own !== UNKNOWN) return combinedValue(ix, i, raw, own);
  const tmp = ix.tmp;
  const assume = (as: number, firstAs: number) => {
    let first = true;
    for (let k = 0; k < n; k++) {
      const r = raw[k] as number;
      if (r === UNKNOWN) {
        tmp[k] = first ? firstAs : as;
        first = false;
      } else tmp[k] = r;
    }
    return combinedValue(ix, i, tmp, own === UNKNOWN ? as : own);
  };
  if (mode === 'OK') return assume(OK, OK);
  if (mode === 'WORST') return assume(CRITICAL, CRITICAL);
  const allOk = assume(OK, OK);
  const allCritical = assume(CRITICAL, CRITICAL);
  let lo = Math.min(allOk, allCritical);
  let hi = Math.max(allOk, allCritical);
  if (ix.hasExclusive[i] && unknownKids > 0) {
    const one = assume(CRITICAL, OK);
    lo = Math.min(lo, one);
    hi = Math.max(hi, one);
  }
  if (lo === hi || lo > OK) return lo;
  return UNKNOWN;
}

/** One node's packed result from its leaf and its children's packed results. */
export function computeNode(ix: Index, i: number, get: (j: number) => number, leaves: (LeafState | undefined)[]): number {
  const leaf = leaves[i];
  const s = ix.start[i] as number;
  const n = (ix.start[i + 1] as number) - s;
  if (n === 0) {
    if (!leaf) return UNKNOWN;
    const c = code(leaf.status);
    return c | (leaf.acknowledged && c > OK && c < UNKNOWN ? ACK : 0) | (leaf.inMaintenance ? MAINT : 0);
  }
  const options = (ix.nodes[i] as GraphNode).rule.options;
  const raw = ix.raw;
  let acked = false;
  let maint = false;
  for (let k = 0; k < n; k++) {
    const p = get(ix.child[s + k] as number);
    raw[k] = p & 7;
    if (p & ACK) acked = true;
    if (p & MAINT) maint = true;
  }
  const own = leaf ? code(leaf.status) : -1;
  const ownAcked = !!leaf && leaf.acknowledged && own > OK && own < UNKNOWN;
  const rawStatus = decide(ix, i, raw, n, own, options.unknownAs);

  let status = rawStatus;
  let acknowledged = false;
  if ((acked || ownAcked) && (rawStatus !== OK || options.acknowledgedAsOk)) {
    // Checkmk: assume every acknowledged problem were OK; if the node would then be OK, it is acknowledged.
    for (let k = 0; k < n; k++) if (get(ix.child[s + k] as number) & ACK) raw[k] = OK;
    const ackStatus = decide(ix, i, raw, n, ownAcked ? OK : own, options.unknownAs);
    acknowledged = rawStatus !== OK && ackStatus === OK;
    if (options.acknowledgedAsOk) status = ackStatus;
  }

  let inMaintenance = false;
  if (options.maintenance === 'ignore') inMaintenance = !!leaf?.inMaintenance;
  else if (maint || leaf?.inMaintenance) inMaintenance = maintenanceMatters(ix, i, get, n, leaf);
  return status | (acknowledged ? ACK : 0) | (inMaintenance ? MAINT : 0);
}

/**
 * Checkmk BI downtime semantics: assume every input in maintenance is CRITICAL and every other one
 * OK; the node is in maintenance if that makes it as bad as a failure of all its inputs would (for
 * identity maps and rules that reach CRITICAL this is Checkmk's "CRIT under this assumption"; the
 * comparison with the all-fail result extends it to decreasing maps and rules capped below
 * CRITICAL). A maintained node of a healthy cluster therefore does not put the cluster in maintenance.
 */
function maintenanceMatters(ix: Index, i: number, get: (j: number) => number, n: number, leaf: LeafState | undefined): boolean {
  const s = ix.start[i] as number;
  const tmp = ix.tmp;
  for (let k = 0; k < n; k++) tmp[k] = get(ix.child[s + k] as number) & MAINT ? CRITICAL : OK;
  const assumed = combinedValue(ix, i, tmp, leaf ? (leaf.inMaintenance ? CRITICAL : OK) : -1);
  if (assumed === OK) return false;
  tmp.fill(CRITICAL, 0, n);
  return assumed >= combinedValue(ix, i, tmp, leaf ? CRITICAL : -1);
}

export function evaluateAll(ix: Index, leaves: (LeafState | undefined)[]): Uint8Array {
  const packed = new Uint8Array(ix.ids.length);
  const get = (j: number) => packed[j] as number;
  for (let i = 0; i < packed.length; i++) packed[i] = computeNode(ix, i, get, leaves);
  return packed;
}

/**
 * Re-evaluates the ancestor cone of the seeds in topological order, stopping wherever a node's
 * packed result does not change. `forced` pins nodes to a packed result (impact's "if this CI were
 * OK"). Returns only the nodes whose result changed. Because every push goes to a parent (a higher
 * index) and the heap pops the lowest index, each node is computed at most once, after all of its
 * changed children.
 */
export function propagate(
  st: State,
  leaves: (LeafState | undefined)[],
  seeds: Iterable<number>,
  forced?: Map<number, number>,
): Map<number, number> {
  const { ix, packed } = st;
  const changed = new Map<number, number>();
  const get = (j: number) => changed.get(j) ?? (packed[j] as number);
  const epoch = ++ix.epoch.n;
  const heap: number[] = [];
  const push = (i: number) => {
    if (ix.queued[i] === epoch) return;
    ix.queued[i] = epoch;
    heap.push(i);
    let c = heap.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if ((heap[p] as number) <= i) break;
      heap[c] = heap[p] as number;
      c = p;
    }
    heap[c] = i;
  };
  const pop = (): number => {
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
  };
  for (const i of seeds) push(i);
  while (heap.length > 0) {
    const i = pop();
    const next = forced?.get(i) ?? computeNode(ix, i, get, leaves);
    if (next === packed[i]) continue;
    changed.set(i, next);
    for (let k = ix.parentStart[i] as number; k < (ix.parentStart[i + 1] as number); k++) push(ix.parent[k] as number);
  }
  return changed;
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
    out.vals.push(mapCode(ix.map[s + k] as EdgeMap, resolve(p & 7, (p & ACK) !== 0)));
    out.weights.push(ix.weight[s + k] as number);
  }
  const leaf = leaves[i];
  if (leaf) {
    const c = code(leaf.status);
    out.own = resolve(c, leaf.acknowledged && c > OK && c < UNKNOWN);
  }
  return out;
}
