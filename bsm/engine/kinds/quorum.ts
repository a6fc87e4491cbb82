import { CRITICAL, OK, code, statusName } from '../status.js';
import { flag, positiveInt, type Problem, type RuleKindDefinition, type Severity, severity } from './kind.js';

export interface Quorum {
  kind: 'quorum';
  /** Members that must be OK. */
  min: number;
  /** Below the quorum. @default CRITICAL */
  then?: Severity | undefined;
  /** Below the quorum while at least one member is OK; not worse than then. */
  degraded?: Severity | undefined;
  /** Icinga "MIN n": below the quorum, the worst status among the best `min` members. @default false */
  worstOfBest?: boolean | undefined;
}

const THEN = 'CRITICAL';

export const quorum = {
  kind: 'quorum',
  description:
    'OK while at least `min` children are OK; below that `degraded` while some child is still OK (when given), else `then` (Checkmk count_ok, BMC quorum). With `worstOfBest` the status is the worst among the best `min` children instead (Icinga MIN n, Checkmk BI best of n): two WARNING members of three under min 2 give WARNING, not `then`.',
  example: 'rule: { kind: quorum, min: 2, degraded: MAJOR }',
  parameters: {
    min: { schema: positiveInt, type: 'int', description: 'Children that must be OK.' },
    then: { schema: severity.optional(), type: 'status', description: `Status below the quorum. Default ${THEN}.` },
    degraded: {
      schema: severity.optional(),
      type: 'status',
      description: 'Status below the quorum while at least one child is OK; not worse than then.',
    },
    worstOfBest: {
      schema: flag.optional(),
      type: 'boolean',
      description:
        'Below the quorum, take the worst status among the best `min` children (Icinga MIN n) instead of then/degraded. Default false.',
    },
  },
  check(rule) {
    const problems: Problem[] = [];
    // Losing more members must never look better: root cause and "since" rely on it (monotone).
    if (rule.degraded !== undefined && rule.then !== undefined && code(rule.degraded) > code(rule.then))
      problems.push({ path: 'degraded', message: `${rule.degraded} is worse than then (${rule.then})` });
    if (rule.worstOfBest && (rule.then !== undefined || rule.degraded !== undefined))
      problems.push({ path: 'worstOfBest', message: 'takes the status from the members: leave out then and degraded' });
    return problems;
  },
  members(rule, count) {
    // Below the quorum the rule can still say OK when then or degraded is OK (not with worstOfBest: missing members count as CRITICAL).
    const okBelow = !rule.worstOfBest && (rule.then === 'OK' || rule.degraded === 'OK');
    return rule.min > count && !okBelow
      ? [{ path: 'min', message: `${rule.min} but only ${count} members count, so it can never be OK` }]
      : [];
  },
  monotone: true,
  compile(rule: Quorum) {
    const { min } = rule;
    if (rule.worstOfBest) {
      // The min-th best code: count members per status, walk up from OK. Fewer than min members: CRITICAL.
      const per = new Int32Array(CRITICAL + 1);
      return (vals, _weights, n) => {
        per.fill(0);
        for (let k = 0; k < n; k++) {
          const v = vals[k] as number;
          per[v] = (per[v] as number) + 1;
        }
        let seen = 0;
        for (let c = OK; c <= CRITICAL; c++) {
          seen += per[c] as number;
          if (seen >= min) return c;
        }
        return CRITICAL;
      };
    }
    const then = code(rule.then ?? THEN);
    const degraded = rule.degraded === undefined ? then : code(rule.degraded);
    return (vals, _weights, n) => {
      let ok = 0;
      for (let k = 0; k < n; k++) if (vals[k] === OK) ok++;
      return ok >= min ? OK : ok > 0 ? degraded : then;
    };
  },
  describe(rule) {
    if (rule.worstOfBest) return `the worst status among the best ${rule.min} children (OK while at least ${rule.min} are OK)`;
    const degraded = rule.degraded ? `, ${rule.degraded} while at least one is OK` : '';
    return `OK when at least ${rule.min} children are OK, else ${rule.then ?? THEN}${degraded}`;
  },
  explain(rule, { vals, n, value }) {
    let ok = 0;
    for (let k = 0; k < n; k++) if (vals[k] === OK) ok++;
    const head = `quorum: ${ok} of ${n} members OK (min ${rule.min}) →`;
    if (value === OK) return { text: `${head} OK` };
    if (rule.worstOfBest) return { text: `${head} the worst of the best ${rule.min}: ${statusName(value)}` };
    return { text: `${head} ${statusName(value)}${ok > 0 && rule.degraded !== undefined ? ' (degraded)' : ''}` };
  },
  since: 'when fewer than `min` members were OK (worstOfBest: when the best `min` members had all reached the status)',
} satisfies RuleKindDefinition<Quorum>;
