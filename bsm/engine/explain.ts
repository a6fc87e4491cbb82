import type { Explanation, GraphNode } from './types.js';
import { type State, ACK, MAINT, resolveInputs } from './core.js';
import { explainRule, type RuleVerdict } from './rules.js';
import { OK, UNKNOWN, statusName } from './status.js';

/**
 * Why a node has its status, in words: the rule that decided and the children that made it so.
 * Built on demand (an estate has thousands of nodes and a query asks about a few).
 */
export function explainNode(st: State, i: number): Explanation {
  const { ix, packed, leaves } = st;
  const node = ix.nodes[i] as GraphNode;
  const p = packed[i] as number;
  const status = p & 7;
  const leaf = leaves[i];
  const flags = `${p & ACK ? '; acknowledged' : ''}${p & MAINT ? '; in maintenance' : ''}`;
  const inp = resolveInputs(st, i);
  if (inp.n === 0) {
    if (leaf) return { rule: 'own alerts', text: `${leaf.reason}${flags}`, causeIds: [] };
    return { rule: 'none', text: 'no monitor watches it and nothing counts below it: UNKNOWN', causeIds: [] };
  }
  const name = (k: number) => (ix.nodes[inp.children[k] as number] as GraphNode).name;
  if (status === UNKNOWN) {
    const unknown = inp.raw.flatMap((c, k) => (c === UNKNOWN ? [k] : []));
    const own = leaf?.status === 'UNKNOWN' ? [`own state (${leaf.reason})`] : [];
    const who = [...own, ...unknown.map(name)].join(', ');
    return {
      rule: node.rule.main.kind,
      text: `UNKNOWN: ${who} UNKNOWN, and the known inputs do not decide${flags}`,
      causeIds: unknown.map((k) => ix.ids[inp.children[k] as number] as string),
    };
  }
  const rules = [node.rule.main, ...node.rule.extra];
  const verdicts: RuleVerdict[] = rules.map((r) => explainRule(r, inp.vals, inp.weights, inp.n, name));
  const notes: string[] = [];
  if (inp.unknown > 0) {
    const mode = node.rule.options.unknownAs;
    notes.push(
      mode === 'UNKNOWN'
        ? `${inp.unknown} UNKNOWN input(s) could make it worse: at least ${statusName(status)}`
        : `${inp.unknown} UNKNOWN input(s) counted as ${mode === 'OK' ? 'OK' : 'CRITICAL'}`,
    );
  }
  if (inp.acknowledgedAsOk > 0) notes.push(`${inp.acknowledgedAsOk} acknowledged input(s) counted as OK`);
  const suffix = `${notes.map((n) => `; ${n}`).join('')}${flags}`;
  if (leaf && status > OK && inp.own === status) return { rule: 'own alerts', text: `${leaf.reason}${suffix}`, causeIds: [] };
  const at = verdicts.findIndex((v) => v.value === status);
  const k = status === OK || at < 0 ? 0 : at;
  const verdict = verdicts[k] as RuleVerdict;
  return {
    rule: (rules[k] as { kind: string }).kind,
    text: `${verdict.text}${suffix}`,
    causeIds: verdict.causes.map((c) => ix.ids[inp.children[c] as number] as string),
  };
}
