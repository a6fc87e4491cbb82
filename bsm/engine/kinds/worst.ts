import { OK } from '../status.js';
import { allCountAsOk, type RuleKindDefinition } from './kind.js';

export interface Worst {
  kind: 'worst';
}

export const worst = {
  kind: 'worst',
  description: 'The most severe child status (OpenNMS Highest Severity, Zabbix "most critical of child services", Icinga AND).',
  example: 'rule: { kind: worst }',
  parameters: {},
  monotone: true,
  compile: (_rule: Worst) => (vals, _weights, n) => {
    let m = OK;
    for (let k = 0; k < n; k++) if ((vals[k] as number) > m) m = vals[k] as number;
    return m;
  },
  describe: () => 'the worst child status',
  explain: (_rule, { value, n }) => ({ text: value === OK ? `worst: ${allCountAsOk(n)}` : 'worst' }),
  since: 'when the first child reached that status',
  // Every child at or above the node's status must recover before the worst of them drops below it.
  recovery: { forced: (_rule, status, value) => value >= status },
} satisfies RuleKindDefinition<Worst>;
