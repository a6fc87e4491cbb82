import { OK, code } from '../status.js';
import { flag, percent, positive, positiveInt, type Problem, type RuleKindDefinition, type Severity, severity } from './kind.js';

/** Zabbix additional rules (N_GE, NP_GE, W_GE, WP_GE and the "less than" N_L, NP_L, W_L, WP_L) and OpenNMS Threshold. */
export interface Threshold {
  kind: 'threshold';
  /** Count a child when its (mapped) status is at least this severity (lessThan: at most). */
  atLeast: Severity;
  /** Exactly one of count, percent, weight, weightPercent. */
  count?: number | undefined;
  percent?: number | undefined;
  weight?: number | undefined;
  weightPercent?: number | undefined;
  /** Fire when FEWER than the limit are at ≤ atLeast: `{ atLeast: OK, count: 2, lessThan: true }` = "fewer than 2 children OK". */
  lessThan?: boolean | undefined;
  then: Severity;
}

const LIMITS = ['count', 'percent', 'weight', 'weightPercent'] as const;

/** Whether a child counts: at ≥ atLeast, or for the "less than" forms at ≤ atLeast. */
const counts = (lessThan: boolean, atLeast: number, c: number) => (lessThan ? c <= atLeast : c >= atLeast);

/**
 * Threshold test without division (exact for integer percents). Weight rules over children whose
 * weights are all 0 never fire: there is nothing to weigh (Zabbix skips weight-0 children too).
 */
function fires(t: Threshold, hits: number, n: number, hitWeight: number, totalWeight: number): boolean {
  let reached: boolean;
  if (t.count !== undefined) reached = hits >= t.count;
  else if (t.percent !== undefined) reached = hits * 100 >= t.percent * n;
  else if (totalWeight <= 0) return false;
  else if (t.weight !== undefined) reached = hitWeight >= t.weight;
  else reached = hitWeight * 100 >= (t.weightPercent ?? 100) * totalWeight;
  return t.lessThan ? !reached : reached;
}

const pct = (x: number) => `${Math.round(x)}%`;
const num = (x: number) => String(Math.round(x * 100) / 100);

export const threshold = {
  kind: 'threshold',
  description:
    'Fires `then` when enough children are at `atLeast` or worse, by count, percent of children, weight, or percent of weight (Zabbix additional rules; OpenNMS Threshold with weights). With lessThan it fires when fewer than the limit are at `atLeast` or better (Zabbix "less than N children have Status or below"). Otherwise OK.',
  example: 'rule: { kind: worst }\nextraRules:\n  - { kind: threshold, atLeast: MAJOR, weightPercent: 50, then: CRITICAL }',
  parameters: {
    atLeast: {
      schema: severity,
      type: 'status',
      description: 'The severity a child must reach to count (for lessThan: the severity it must not exceed).',
    },
    count: {
      schema: positiveInt.optional(),
      type: 'int',
      description: 'Number of children. Give exactly one of count, percent, weight, weightPercent.',
    },
    percent: { schema: percent.optional(), type: 'percent', description: 'Percent (0-100] of the children that count.' },
    weight: { schema: positive.optional(), type: 'float', description: 'Sum of the edge weights of the children that count.' },
    weightPercent: { schema: percent.optional(), type: 'percent', description: 'Percent (0-100] of the total edge weight.' },
    lessThan: {
      schema: flag.optional(),
      type: 'boolean',
      description: 'Fire when below the limit instead of at or above it. Default false.',
    },
    then: { schema: severity, type: 'status', description: 'The status when the rule fires.' },
  },
  check(rule) {
    const problems: Problem[] = [];
    if (LIMITS.filter((k) => rule[k] !== undefined).length !== 1)
      problems.push({ path: '', message: 'give exactly one of count, percent, weight, weightPercent' });
    // "At OK or worse" is every child: the rule would count the children, not their health.
    if (rule.atLeast === 'OK' && !rule.lessThan)
      problems.push({ path: 'atLeast', message: 'OK counts every child, healthy or not (for "fewer than n OK" use lessThan: true)' });
    return problems;
  },
  members(rule, count, totalWeight) {
    // The "less than" forms fire while too few children are healthy: past what the members can reach they always fire.
    if (!rule.lessThan || rule.then === 'OK') return [];
    if (rule.count !== undefined && rule.count > count)
      return [
        {
          path: 'count',
          message: `${rule.count} but only ${count} children count: fewer than ${rule.count} always holds, so it can never be OK`,
        },
      ];
    if (rule.weight !== undefined && totalWeight > 0 && rule.weight > totalWeight)
      return [{ path: 'weight', message: `${rule.weight} but the children weigh ${num(totalWeight)} in all, so it can never be OK` }];
    return [];
  },
  monotone: true,
  compile(rule: Threshold) {
    const lessThan = rule.lessThan === true;
    const atLeast = code(rule.atLeast);
    const then = code(rule.then);
    return (vals, weights, n, w0) => {
      let hits = 0;
      let hitWeight = 0;
      let totalWeight = 0;
      for (let k = 0; k < n; k++) {
        const w = weights[w0 + k] as number;
        totalWeight += w;
        if (counts(lessThan, atLeast, vals[k] as number)) {
          hits++;
          hitWeight += w;
        }
      }
      return fires(rule, hits, n, hitWeight, totalWeight) ? then : OK;
    };
  },
  describe(rule) {
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
  },
  explain(rule, { vals, weights, n, value }) {
    const atLeast = code(rule.atLeast);
    let hits = 0;
    let hitWeight = 0;
    let totalWeight = 0;
    for (let k = 0; k < n; k++) {
      totalWeight += weights[k] as number;
      if (counts(rule.lessThan === true, atLeast, vals[k] as number)) {
        hits++;
        hitWeight += weights[k] as number;
      }
    }
    const where = rule.lessThan ? `at ${rule.atLeast} or better` : `at ${rule.atLeast} or worse`;
    const op = rule.lessThan ? 'below' : 'at least';
    const limit =
      rule.count !== undefined
        ? `${rule.lessThan ? 'fewer than' : 'at least'} ${rule.count}`
        : rule.percent !== undefined
          ? `${op} ${rule.percent}%`
          : rule.weight !== undefined
            ? `${op} weight ${num(rule.weight)}`
            : `${op} ${rule.weightPercent}% of the weight`;
    const measure =
      rule.count !== undefined || rule.percent !== undefined
        ? `${hits} of ${n} children (${pct((hits * 100) / n)})`
        : `weight ${num(hitWeight)} of ${num(totalWeight)} (${pct(totalWeight > 0 ? (hitWeight * 100) / totalWeight : 0)})`;
    const fired = value !== OK || (rule.then === 'OK' && fires(rule, hits, n, hitWeight, totalWeight));
    return { text: `threshold: ${measure} ${where}, rule needs ${limit} ${fired ? `→ ${rule.then}` : '→ not met, OK'}` };
  },
  since: 'when the limit was first reached (e.g. when the `count`-th child reached `atLeast`)',
  recovery: {
    weighted: (rule) => rule.weight !== undefined || rule.weightPercent !== undefined,
    // ≥ forms lose a counted child when one at atLeast or worse recovers; the lessThan forms gain a healthy one.
    helps: (rule, value) => (rule.lessThan ? value > code(rule.atLeast) : value >= code(rule.atLeast)),
  },
} satisfies RuleKindDefinition<Threshold>;
