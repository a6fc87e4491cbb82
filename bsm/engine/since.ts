import { type State, resolveInputs, valueOfMapped } from './core.js';
import { OK, UNKNOWN } from './status.js';

/**
 * "Down since": when a node entered its current problem status. A leaf's since is its own (the
 * start of its worst current alert). A node's is found by replaying its inputs' failures in time
 * order through the node's own rules: every failing child (and the own leaf) counts as OK until
 * its since and at its current value after; the node's since is the moment the replay last reached
 * the node's status. So it follows each kind without a formula per kind to drift from the reducer:
 * `worst` failed with its first child at that status, `worstIfAll` with its last failing child, a
 * quorum when the member that broke it failed, a threshold when the limit was crossed (the words
 * per kind are in kinds/, `since`).
 *
 * Null when the node is OK or UNKNOWN, when the replay reaches the status only with an input whose
 * start is unknown (the caller then dates it when first seen), or when the status holds even with
 * every input OK (both halves of an exclusive pair up).
 */
export function sinceOf(st: State, i: number, memo: Map<number, number | null>): number | null {
  const known = memo.get(i);
  if (known !== undefined) return known;
  const out = compute(st, i, memo);
  memo.set(i, out);
  return out;
}

function compute(st: State, i: number, memo: Map<number, number | null>): number | null {
  const { ix, packed, leaves } = st;
  const s = (packed[i] as number) & 7;
  if (s === OK || s === UNKNOWN) return null;
  const leaf = leaves[i];
  const leafSince = leaf?.since ? leaf.since.getTime() : Number.NaN;
  const n = (ix.start[i + 1] as number) - (ix.start[i] as number);
  // Without counted children, or when its rule cannot be evaluated, the status is the leaf's own.
  if (n === 0 || ix.problems[i]) return Number.isFinite(leafSince) ? leafSince : null;

  const inp = resolveInputs(st, i);
  const events: { k: number; t: number }[] = [];
  for (let k = 0; k < n; k++) {
    if ((inp.vals[k] as number) === OK) continue;
    const t = sinceOf(st, inp.children[k] as number, memo);
    events.push({ k, t: t ?? Number.POSITIVE_INFINITY });
  }
  if (inp.own > OK) events.push({ k: -1, t: Number.isFinite(leafSince) ? leafSince : Number.POSITIVE_INFINITY });
  events.sort((a, b) => a.t - b.t);

  const vals = new Array<number>(n).fill(OK);
  let own = inp.own < 0 ? -1 : OK;
  let value = valueOfMapped(ix, i, vals, inp.weights, n, own);
  let since: number | null = null;
  for (let e = 0; e < events.length; ) {
    const t = (events[e] as { t: number }).t;
    for (; e < events.length && (events[e] as { t: number }).t === t; e++) {
      const k = (events[e] as { k: number }).k;
      if (k < 0) own = inp.own;
      else vals[k] = inp.vals[k] as number;
    }
    const next = valueOfMapped(ix, i, vals, inp.weights, n, own);
    if (next === s && value !== s) since = t;
    value = next;
  }
  return value === s && since !== null && Number.isFinite(since) ? since : null;
}
