import { OK, code, statusName } from '../status.js';
import type { RuleKindDefinition, Severity } from './kind.js';
import { severity } from './kind.js';

export interface Exclusive {
  kind: 'exclusive';
  /** No child OK. @default CRITICAL */
  then?: Severity | undefined;
  /** Several children OK. @default WARNING */
  several?: Severity | undefined;
}

const THEN = 'CRITICAL';
// Both halves of a pair up is a split brain to look at, not an outage: the service still answers, so
// the default keeps it out of SLA bad time (MAJOR and CRITICAL) and off the pager. Icinga's XOR says
// CRITICAL: `several: CRITICAL` gives that.
const SEVERAL = 'WARNING';

export const exclusive = {
  kind: 'exclusive',
  description: `Exactly one child must be OK (an active/passive pair): one OK gives OK, none gives \`then\` (default ${THEN}), several give \`several\` (default ${SEVERAL}; Icinga XOR answers CRITICAL: set several: CRITICAL).`,
  example: 'rule: { kind: exclusive, several: CRITICAL }',
  parameters: {
    then: { schema: severity.optional(), type: 'status', description: `Status when no child is OK. Default ${THEN}.` },
    several: { schema: severity.optional(), type: 'status', description: `Status when more than one child is OK. Default ${SEVERAL}.` },
  },
  // A second OK child makes it worse: root cause and UNKNOWN bounds treat it by the number of OK children.
  monotone: false,
  compile(rule: Exclusive) {
    const then = code(rule.then ?? THEN);
    const several = code(rule.several ?? SEVERAL);
    return (vals, _weights, n) => {
      let ok = 0;
      for (let k = 0; k < n; k++) if (vals[k] === OK) ok++;
      return ok === 1 ? OK : ok === 0 ? then : several;
    };
  },
  describe: (rule) => `OK when exactly one child is OK, ${rule.then ?? THEN} when none is, ${rule.several ?? SEVERAL} when several are`,
  explain(_rule, { vals, n, value, names }) {
    const oks = vals.flatMap((v, k) => (k < n && v === OK ? [k] : []));
    const s = statusName(value);
    if (oks.length === 1) return { text: `exclusive: exactly one of ${n} OK (${names(oks)}) → OK` };
    if (oks.length === 0) return { text: `exclusive: none of ${n} OK → ${s}` };
    return { text: `exclusive: ${oks.length} of ${n} OK (${names(oks)}), expected exactly one → ${s}`, causes: oks };
  },
  since: 'none OK: when the last OK child failed; several OK: when first seen so',
} satisfies RuleKindDefinition<Exclusive>;
