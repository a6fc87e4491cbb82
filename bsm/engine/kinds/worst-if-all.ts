import { OK } from '../status.js';
import { allCountAsOk, type RuleKindDefinition } from './kind.js';

export interface WorstIfAll {
  kind: 'worstIfAll';
}

export const worstIfAll = {
  kind: 'worstIfAll',
  description:
    'The most severe child status, but only when every child has a problem; one OK child makes it OK (Zabbix "most critical if all children have problems": one cluster node down is not an outage).',
  example: 'rule: { kind: worstIfAll }',
  parameters: {},
  monotone: true,
  compile: (_rule: WorstIfAll) => (vals, _weights, n) => {
    let m = OK;
    for (let k = 0; k < n; k++) {
      const v = vals[k] as number;
      if (v === OK) return OK;
      if (v > m) m = v;
    }
    return m;
  },
  describe: () => 'the worst child status, but only when every child has a problem',
  explain: (_rule, { vals, value, n, names }) => {
    if (value !== OK) return { text: 'worstIfAll: every child has a problem' };
    const oks = vals.flatMap((v, k) => (k < n && v === OK ? [k] : []));
    return { text: oks.length === n ? `worstIfAll: ${allCountAsOk(n)}` : `worstIfAll: ${names(oks)} OK` };
  },
  since: 'when the last child failed',
} satisfies RuleKindDefinition<WorstIfAll>;
