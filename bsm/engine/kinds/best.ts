import { CRITICAL, OK, statusName } from '../status.js';
import type { RuleKindDefinition } from './kind.js';

export interface Best {
  kind: 'best';
}

export const best = {
  kind: 'best',
  description: 'The least severe child status: OK while any child is OK (Icinga OR).',
  example: 'rule: { kind: best }',
  parameters: {},
  monotone: true,
  compile: (_rule: Best) => (vals, _weights, n) => {
    let m = CRITICAL;
    for (let k = 0; k < n; k++) if ((vals[k] as number) < m) m = vals[k] as number;
    return m;
  },
  describe: () => 'the best child status',
  explain: (_rule, { vals, value, n, names }) => {
    if (value !== OK) return { text: `best: every child is at least ${statusName(value)}` };
    const oks = vals.flatMap((v, k) => (k < n && v === OK ? [k] : []));
    return { text: `best: ${names(oks)} OK` };
  },
  since: 'when the last child failed',
} satisfies RuleKindDefinition<Best>;
