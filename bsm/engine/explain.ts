import type { Edge, Explanation, GraphNode } from './types.js';
import { type State, ACK, MAINT, mapEdge, resolveInputs, rulesOf } from './core.js';
import { decisivePositions } from './root-cause.js';
import { explainRule, mapChanged, mapCounts, reduceCodes } from './rules.js';
import { OK, UNKNOWN, statusName } from './status.js';

/**
 * Why a node has its status, in words: the rule that decided, in its kind's words, and every child
 * that decides it, each as the parent sees it (`shop-web MAJOR lowered by decrease 1 to MINOR`,
 * `payment-gw CRITICAL, acknowledged`). The deciding children are the decisive inputs of root
 * cause (every child of every smallest set whose recovery lowers the status), so an explanation
 * never names one of two equally necessary children and hides the other. Children that do not
 * count as they are (acknowledged, UNKNOWN, or failing under a rule that is still OK) are named too.
 * Built on demand (an estate has thousands of nodes and a query asks about a few).
 */

const listed = (names: string[], max = 3) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

export function explainNode(st: State, i: number): Explanation {
  const { ix, packed, leaves } = st;
  const node = ix.nodes[i] as GraphNode;
  const p = packed[i] as number;
  const status = p & 7;
  const leaf = leaves[i];
  const flags = `${p & ACK ? '; acknowledged' : ''}${p & MAINT ? '; in maintenance' : ''}`;
  const problems = ix.problems[i];
  if (problems) {
    const why = `its rule cannot be evaluated (${problems.join('; ')})`;
    return { rule: 'invalid', text: `${status === UNKNOWN ? 'UNKNOWN' : leaf?.reason}: ${why}${flags}`, causeIds: [] };
  }
  const inp = resolveInputs(st, i);
  if (inp.n === 0) {
    if (leaf) return { rule: 'own alerts', text: `${leaf.reason}${flags}`, causeIds: [] };
    return { rule: 'none', text: 'no monitor watches it and nothing counts below it: UNKNOWN', causeIds: [] };
  }
  const s0 = ix.start[i] as number;
  // A node that can be evaluated has every edge in the index but the ones that do not count, in order.
  const counted = node.edges.filter((e) => mapCounts(e.map));
  const name = (k: number) => (ix.nodes[inp.children[k] as number] as GraphNode).name;
  const rawName = (k: number) => statusName(inp.raw[k] as number);
  /** The child as its parent sees it: its status and what its edge map made of it. */
  const label = (k: number) => {
    const raw = inp.raw[k] as number;
    const mapped = raw === UNKNOWN ? raw : mapEdge(ix, s0 + k, raw);
    return `${name(k)} ${mapChanged((counted[k] as Edge).map, rawName(k), statusName(mapped))}`;
  };
  const labels = (ks: number[]) => listed(ks.map(label));
  const ids = (ks: number[]) => ks.map((k) => ix.ids[inp.children[k] as number] as string);
  const positions = Array.from({ length: inp.n }, (_, k) => k);
  const unknown = positions.filter((k) => inp.raw[k] === UNKNOWN);

  if (status === UNKNOWN) {
    const own = leaf?.status === 'UNKNOWN' ? [`own state (${leaf.reason})`] : [];
    return {
      rule: node.rule.main.kind,
      text: `UNKNOWN: ${[...own, ...unknown.map(name)].join(', ')} UNKNOWN, and the known inputs do not decide${flags}`,
      causeIds: ids(unknown),
    };
  }

  const notes: string[] = [];
  const acknowledged = positions.filter((k) => {
    const raw = inp.raw[k] as number;
    return raw > OK && raw < UNKNOWN && inp.vals[k] === OK && (packed[inp.children[k] as number] as number) & ACK;
  });
  if (acknowledged.length > 0) notes.push(`acknowledged, so counted as OK: ${labels(acknowledged)}`);
  if (unknown.length > 0) {
    const mode = node.rule.options.unknownAs;
    notes.push(
      mode === 'UNKNOWN'
        ? `${listed(unknown.map(name))} UNKNOWN could make it worse: at least ${statusName(status)}`
        : `${listed(unknown.map(name))} UNKNOWN counted as ${mode === 'OK' ? 'OK' : 'CRITICAL'}`,
    );
  }
  const suffix = `${notes.map((n) => `; ${n}`).join('')}${flags}`;
  if (leaf && status > OK && inp.own === status) return { rule: 'own alerts', text: `${leaf.reason}${suffix}`, causeIds: [] };

  // The rule that decided: the first whose own result is the status (any of them when OK).
  const rules = rulesOf(ix, i);
  const values = rules.map((r) => reduceCodes(r, inp.vals, inp.weights, inp.n));
  const at = status === OK ? 0 : Math.max(0, values.indexOf(status));
  const rule = rules[at] as (typeof rules)[number];
  const said = explainRule(rule, {
    vals: inp.vals,
    weights: inp.weights,
    n: inp.n,
    value: values[at] as number,
    name,
    names: (ks) => listed(ks.map(name)),
  });
  let causes: number[] = [];
  let ignored = '';
  if (status > OK) causes = decisivePositions(st, i) ?? said.causes ?? [];
  else {
    // Failing children that a rule still at OK lets pass: named, so nobody wonders where they went.
    const passed = positions.filter((k) => (inp.raw[k] as number) > OK && !unknown.includes(k) && !acknowledged.includes(k));
    if (passed.length > 0) ignored = `; ${labels(passed)} does not matter`;
  }
  return {
    rule: rule.kind,
    text: `${said.text}${causes.length > 0 ? `: ${labels(causes)}` : ''}${ignored}${suffix}`,
    causeIds: ids(causes),
  };
}
