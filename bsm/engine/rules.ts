import { SEVERITY_ORDER, type Severity, type Status } from '../../kernel/model.js';
import type { EdgeMap, ReduceRule, Threshold } from './types.js';
import { CRITICAL, OK, WARNING, code, statusName } from './status.js';

/**
 * Edge maps and reduce rules over status codes (see status.ts). The reducers read plain arrays of
 * known codes so the evaluator can run them without allocating; the explainers are the slow, wordy
 * twins used only when someone asks why.
 *
 * Every reducer except `exclusive` is monotone: making any child worse never makes the result
 * better. evaluate.ts relies on that to bound UNKNOWN children by two assignments, and
 * root-cause.ts to search recovery sets by severity class.
 */

/**
 * A child's status seen through its edge. Maps apply to problems only (OpenNMS applies them above
 * Normal), so an OK child stays OK whatever the map: "set WARNING" means "a failure here counts as
 * WARNING", not "always WARNING". `ignore` edges never reach this function (the index drops them).
 */
export function mapCode(map: EdgeMap, c: number): number {
  if (c === OK) return OK;
  switch (map.kind) {
    case 'identity':
    case 'ignore':
      return c;
    case 'increase':
      return Math.min(CRITICAL, c + map.n);
    case 'decrease':
      return Math.max(OK, c - map.n);
    case 'set':
      return code(map.status);
  }
}

/** A child's status after its edge map, for display (Dependency.effectiveStatus); UNKNOWN stays UNKNOWN. */
export function mapStatus(map: EdgeMap, status: Status): Status {
  return status === 'UNKNOWN' ? status : statusName(mapCode(map, code(status)));
}

const thenCode = (s: Severity | undefined) => (s === undefined ? CRITICAL : code(s));

/** Whether a child counts for a threshold: at ≥ atLeast, or for the "less than" forms at ≤ atLeast. */
function counts(t: Threshold, c: number): boolean {
  return t.lessThan ? c <= code(t.atLeast) : c >= code(t.atLeast);
}

/**
 * Threshold test without division (exact for integer percents). Weight rules over children whose
 * weights are all 0 never fire: there is nothing to weigh (Zabbix skips weight-0 children too).
 */
function thresholdFires(t: Threshold, hits: number, n: number, hitWeight: number, totalWeight: number): boolean {
  let reached: boolean;
  if (t.count !== undefined) reached = hits >= t.count;
  else if (t.percent !== undefined) reached = hits * 100 >= t.percent * n;
  else if (totalWeight <= 0) return false;
  else if (t.weight !== undefined) reached = hitWeight >= t.weight;
  else reached = hitWeight * 100 >= (t.weightPercent ?? 100) * totalWeight;
  return t.lessThan ? !reached : reached;
}

/**
 * Reduces n known, mapped child codes. n ≥ 1 (a node without children never gets here). Child k's
 * weight is weights[w0 + k], so the evaluator can pass the estate's weight array without a view.
 */
export function reduceCodes(rule: ReduceRule, vals: ArrayLike<number>, weights: ArrayLike<number>, n: number, w0 = 0): number {
  switch (rule.kind) {
    case 'worst': {
      let m = OK;
      for (let k = 0; k < n; k++) if ((vals[k] as number) > m) m = vals[k] as number;
      return m;
    }
    case 'best': {
      let m = CRITICAL;
      for (let k = 0; k < n; k++) if ((vals[k] as number) < m) m = vals[k] as number;
      return m;
    }
    case 'worstIfAll': {
      let m = OK;
      for (let k = 0; k < n; k++) {
        const v = vals[k] as number;
        if (v === OK) return OK;
        if (v > m) m = v;
      }
      return m;
    }
    case 'threshold': {
      let hits = 0;
      let hitWeight = 0;
      let totalWeight = 0;
      for (let k = 0; k < n; k++) {
        const w = weights[w0 + k] as number;
        totalWeight += w;
        if (counts(rule, vals[k] as number)) {
          hits++;
          hitWeight += w;
        }
      }
      return thresholdFires(rule, hits, n, hitWeight, totalWeight) ? code(rule.then) : OK;
    }
    case 'quorum': {
      let ok = 0;
      for (let k = 0; k < n; k++) if (vals[k] === OK) ok++;
      return quorumCode(rule, ok);
    }
    case 'exclusive': {
      let ok = 0;
      for (let k = 0; k < n; k++) if (vals[k] === OK) ok++;
      return exclusiveCode(rule, ok);
    }
  }
}

export function quorumCode(rule: { min: number; then?: Severity; degraded?: Severity }, ok: number): number {
  if (ok >= rule.min) return OK;
  if (ok > 0 && rule.degraded !== undefined) return code(rule.degraded);
  return thenCode(rule.then);
}

export function exclusiveCode(rule: { then?: Severity }, ok: number): number {
  return ok === 1 ? OK : ok === 0 ? thenCode(rule.then) : WARNING;
}

export interface RuleVerdict {
  value: number;
  text: string;
  /** Positions (into the vals array) of the children that made it so. */
  causes: number[];
}

const listed = (names: string[], max = 3) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
const pct = (x: number) => `${Math.round(x)}%`;
const num = (x: number) => String(Math.round(x * 100) / 100);

/** Why a rule gives what it gives, in words, naming the children that decided. */
export function explainRule(
  rule: ReduceRule,
  vals: ArrayLike<number>,
  weights: ArrayLike<number>,
  n: number,
  name: (k: number) => string,
): RuleVerdict {
  const value = reduceCodes(rule, vals, weights, n);
  const positions = Array.from({ length: n }, (_, k) => k);
  const at = (pred: (v: number) => boolean) => positions.filter((k) => pred(vals[k] as number));
  const named = (ks: number[]) => listed(ks.map((k) => `${name(k)} ${statusName(vals[k] as number)}`));
  const s = statusName(value);
  switch (rule.kind) {
    case 'worst': {
      if (value === OK) return { value, text: `worst: all ${n} children OK`, causes: [] };
      const causes = at((v) => v === value);
      return { value, text: `worst: ${named(causes)}`, causes };
    }
    case 'best': {
      if (value === OK) {
        const oks = at((v) => v === OK);
        return { value, text: `best: ${listed(oks.map(name))} OK`, causes: [] };
      }
      return { value, text: `best: every child is at least ${s} (${named(positions)})`, causes: positions };
    }
    case 'worstIfAll': {
      const bad = at((v) => v > OK);
      if (value === OK) {
        if (bad.length === 0) return { value, text: `worstIfAll: all ${n} children OK`, causes: [] };
        const oks = at((v) => v === OK);
        return { value, text: `worstIfAll: ${listed(oks.map(name))} OK, so ${named(bad)} does not matter`, causes: [] };
      }
      const causes = at((v) => v === value);
      return { value, text: `worstIfAll: all ${n} children have problems; worst ${named(causes)}`, causes };
    }
    case 'threshold': {
      const hits = at((v) => counts(rule, v));
      let totalWeight = 0;
      for (let k = 0; k < n; k++) totalWeight += weights[k] as number;
      const hitWeight = hits.reduce((sum, k) => sum + (weights[k] as number), 0);
      const where = rule.lessThan ? `at ${rule.atLeast} or better` : `at ${rule.atLeast} or worse`;
      const limit =
        rule.count !== undefined
          ? `${rule.lessThan ? 'fewer than' : 'at least'} ${rule.count}`
          : rule.percent !== undefined
            ? `${rule.lessThan ? 'below' : 'at least'} ${rule.percent}%`
            : rule.weight !== undefined
              ? `${rule.lessThan ? 'below' : 'at least'} weight ${num(rule.weight)}`
              : `${rule.lessThan ? 'below' : 'at least'} ${rule.weightPercent}% of the weight`;
      const measure =
        rule.count !== undefined || rule.percent !== undefined
          ? `${hits.length} of ${n} children (${pct((hits.length * 100) / n)})`
          : `weight ${num(hitWeight)} of ${num(totalWeight)} (${pct(totalWeight > 0 ? (hitWeight * 100) / totalWeight : 0)})`;
      const fired = value !== OK || (code(rule.then) === OK && thresholdFires(rule, hits.length, n, hitWeight, totalWeight));
      const verdict = fired ? `→ ${rule.then}` : '→ not met, OK';
      // The "less than" forms fire for lack of healthy children: the unhealthy ones are the cause.
      const causes = fired ? (rule.lessThan ? at((v) => !counts(rule, v)) : hits) : [];
      const who = causes.length > 0 ? ` (${named(causes)})` : '';
      return { value, text: `threshold: ${measure} ${where}, rule needs ${limit} ${verdict}${who}`, causes };
    }
    case 'quorum': {
      const oks = at((v) => v === OK);
      const bad = at((v) => v > OK);
      const head = `quorum: ${oks.length} of ${n} members OK (min ${rule.min}) → ${s}`;
      if (value === OK) {
        return { value, text: bad.length > 0 ? `${head}; ${named(bad)} does not matter` : head, causes: [] };
      }
      const degraded = oks.length > 0 && rule.degraded !== undefined ? ' (degraded)' : '';
      return { value, text: `${head}${degraded}: ${named(bad)}`, causes: bad };
    }
    case 'exclusive': {
      const oks = at((v) => v === OK);
      if (oks.length === 1) return { value, text: `exclusive: exactly one of ${n} OK (${name(oks[0] as number)}) → OK`, causes: [] };
      if (oks.length === 0) return { value, text: `exclusive: none of ${n} OK → ${s}: ${named(positions)}`, causes: positions };
      return { value, text: `exclusive: ${oks.length} of ${n} OK (${listed(oks.map(name))}), expected exactly one → ${s}`, causes: oks };
    }
  }
}

/** The edge map in words, e.g. 'identity' or 'decrease 1'. */
export function describeMap(map: EdgeMap): string {
  switch (map.kind) {
    case 'identity':
    case 'ignore':
      return map.kind;
    case 'increase':
    case 'decrease':
      return `${map.kind} ${map.n}`;
    case 'set':
      return `set ${map.status}`;
  }
}

/** A reduce rule in words, for Rule.text. */
export function describeRule(rule: ReduceRule): string {
  switch (rule.kind) {
    case 'worst':
      return 'the worst child status';
    case 'best':
      return 'the best child status';
    case 'worstIfAll':
      return 'the worst child status, but only when every child has a problem';
    case 'threshold': {
      const where = rule.lessThan ? `at ${rule.atLeast} or better` : `at ${rule.atLeast} or worse`;
      const op = rule.lessThan ? 'fewer than' : 'at least';
      const amount =
        rule.count !== undefined
          ? `${rule.count} children`
          : rule.percent !== undefined
            ? `${rule.percent}% of the children`
            : rule.weight !== undefined
              ? `weight ${rule.weight} of the children`
              : `${rule.weightPercent}% of the children's weight`;
      return `${rule.then} when ${op} ${amount} are ${where}, else OK`;
    }
    case 'quorum': {
      const degraded = rule.degraded ? `, ${rule.degraded} while at least one is OK` : '';
      return `OK when at least ${rule.min} children are OK, else ${rule.then ?? 'CRITICAL'}${degraded}`;
    }
    case 'exclusive':
      return `OK when exactly one child is OK, ${rule.then ?? 'CRITICAL'} when none is, WARNING when several are`;
  }
}

/** Problems with one reduce rule, for validation at start (empty when fine). */
export function validateRule(rule: ReduceRule): string[] {
  const problems: string[] = [];
  const severity = (field: string, s: unknown) => {
    if (s !== undefined && !(SEVERITY_ORDER as readonly unknown[]).includes(s))
      problems.push(`${rule.kind}.${field}: unknown status ${String(s)}`);
  };
  switch (rule.kind) {
    case 'worst':
    case 'best':
    case 'worstIfAll':
      break;
    case 'threshold': {
      severity('atLeast', rule.atLeast);
      severity('then', rule.then);
      const given = (['count', 'percent', 'weight', 'weightPercent'] as const).filter((k) => rule[k] !== undefined);
      if (given.length !== 1) problems.push('threshold: give exactly one of count, percent, weight, weightPercent');
      if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 1)) problems.push('threshold.count: an integer ≥ 1');
      for (const k of ['percent', 'weightPercent'] as const) {
        const v = rule[k];
        if (v !== undefined && !(v > 0 && v <= 100)) problems.push(`threshold.${k}: a percentage in (0, 100]`);
      }
      if (rule.weight !== undefined && !(rule.weight > 0)) problems.push('threshold.weight: > 0');
      break;
    }
    case 'quorum':
      if (!(Number.isInteger(rule.min) && rule.min >= 1)) problems.push('quorum.min: an integer ≥ 1');
      severity('then', rule.then);
      severity('degraded', rule.degraded);
      // Losing more members must never look better: the search for root causes relies on it.
      if (rule.degraded !== undefined && code(rule.degraded) > thenCode(rule.then)) {
        problems.push(`quorum.degraded: ${rule.degraded} is worse than then (${rule.then ?? 'CRITICAL'})`);
      }
      break;
    case 'exclusive':
      severity('then', rule.then);
      break;
    default:
      problems.push(`unknown rule kind ${JSON.stringify((rule as { kind: unknown }).kind)}`);
  }
  return problems;
}

export function validateMap(map: EdgeMap): string[] {
  switch (map.kind) {
    case 'identity':
    case 'ignore':
      return [];
    case 'increase':
    case 'decrease':
      return Number.isInteger(map.n) && map.n >= 1 && map.n <= 4 ? [] : [`${map.kind}.n: an integer from 1 to 4`];
    case 'set':
      return (SEVERITY_ORDER as readonly string[]).includes(map.status) ? [] : [`set.status: unknown status ${String(map.status)}`];
    default:
      return [`unknown map kind ${JSON.stringify((map as { kind: unknown }).kind)}`];
  }
}

export interface RuleKindInfo {
  name: string;
  target: 'EDGE' | 'NODE';
  description: string;
  parameters: { name: string; type: string; required: boolean; description: string }[];
  example: string;
}

const STATUS_PARAM = 'status';

/** The catalogue behind Query.ruleKinds: enough for a portal to render a rule editor. */
export const ruleKinds: RuleKindInfo[] = [
  {
    name: 'identity',
    target: 'EDGE',
    description: "The child's status passes unchanged (OpenNMS Identity, Zabbix 'As is').",
    parameters: [],
    example: 'children:\n  - ci: db1\n    map: identity',
  },
  {
    name: 'increase',
    target: 'EDGE',
    description: 'A failing child counts n severities worse, at most CRITICAL; OK stays OK.',
    parameters: [{ name: 'n', type: 'int', required: true, description: 'Steps, 1 to 4.' }],
    example: 'children:\n  - ci: payroll-db\n    map: { increase: 1 }',
  },
  {
    name: 'decrease',
    target: 'EDGE',
    description: 'A failing child counts n severities better, at least OK.',
    parameters: [{ name: 'n', type: 'int', required: true, description: 'Steps, 1 to 4.' }],
    example: 'children:\n  - ci: reporting-app\n    map: { decrease: 2 }',
  },
  {
    name: 'set',
    target: 'EDGE',
    description: 'A failing child counts as the given status whatever its own severity; OK stays OK.',
    parameters: [{ name: STATUS_PARAM, type: 'status', required: true, description: 'OK, WARNING, MINOR, MAJOR or CRITICAL.' }],
    example: 'children:\n  - service: intranet\n    map: { set: WARNING }',
  },
  {
    name: 'ignore',
    target: 'EDGE',
    description: 'The child is shown but does not count: not in totals, percentages, root cause or impact.',
    parameters: [],
    example: 'children:\n  - ci: test-vm\n    map: ignore',
  },
  {
    name: 'worst',
    target: 'NODE',
    description: 'The most severe child status (OpenNMS Highest Severity, Zabbix most critical of child services, Icinga AND).',
    parameters: [],
    example: 'rule: { kind: worst }',
  },
  {
    name: 'best',
    target: 'NODE',
    description: 'The least severe child status: OK while any child is OK (Icinga OR).',
    parameters: [],
    example: 'rule: { kind: best }',
  },
  {
    name: 'worstIfAll',
    target: 'NODE',
    description:
      'The most severe child status, but only when every child has a problem; one OK child makes it OK (Zabbix "most critical if all children have problems": one cluster node down is not an outage).',
    parameters: [],
    example: 'rule: { kind: worstIfAll }',
  },
  {
    name: 'threshold',
    target: 'NODE',
    description:
      'Fires `then` when enough children are at `atLeast` or worse, by count, percent of children, weight, or percent of weight (Zabbix additional rules; OpenNMS Threshold with weights). With lessThan it fires when fewer than the limit are at `atLeast` or better (Zabbix "less than N children have Status or below"). Otherwise OK.',
    parameters: [
      {
        name: 'atLeast',
        type: 'status',
        required: true,
        description: 'The severity a child must reach to count (for lessThan: the severity it must not exceed).',
      },
      {
        name: 'count',
        type: 'int',
        required: false,
        description: 'Number of children. Give exactly one of count, percent, weight, weightPercent.',
      },
      { name: 'percent', type: 'percent', required: false, description: 'Percent (0-100] of the children that count.' },
      { name: 'weight', type: 'float', required: false, description: 'Sum of the edge weights of the children that count.' },
      { name: 'weightPercent', type: 'percent', required: false, description: 'Percent (0-100] of the total edge weight.' },
      {
        name: 'lessThan',
        type: 'boolean',
        required: false,
        description: 'Fire when below the limit instead of at or above it. Default false.',
      },
      { name: 'then', type: 'status', required: true, description: 'The status when the rule fires.' },
    ],
    example: 'rule: { kind: worst }\nextraRules:\n  - { kind: threshold, atLeast: MAJOR, weightPercent: 50, then: CRITICAL }',
  },
  {
    name: 'quorum',
    target: 'NODE',
    description:
      'OK while at least `min` children are OK; below that `degraded` while some child is still OK (when given), else `then` (Icinga MIN n, Checkmk count_ok, BMC quorum).',
    parameters: [
      { name: 'min', type: 'int', required: true, description: 'Children that must be OK.' },
      { name: 'then', type: 'status', required: false, description: 'Status below the quorum. Default CRITICAL.' },
      {
        name: 'degraded',
        type: 'status',
        required: false,
        description: 'Status below the quorum while at least one child is OK; not worse than then.',
      },
    ],
    example: 'rule: { kind: quorum, min: 2, degraded: MAJOR }',
  },
  {
    name: 'exclusive',
    target: 'NODE',
    description:
      'Exactly one child must be OK (active/passive pair, Icinga XOR): one OK gives OK, none gives `then`, several give WARNING.',
    parameters: [{ name: 'then', type: 'status', required: false, description: 'Status when no child is OK. Default CRITICAL.' }],
    example: 'rule: { kind: exclusive }',
  },
];
