import { CRITICAL } from '../status.js';
import type { EdgeMapDefinition } from '../kinds/kind.js';
import { steps } from './steps.js';

export interface Increase {
  kind: 'increase';
  n: number;
}

export const increase = {
  kind: 'increase',
  description: 'A failing child counts n severities worse, at most CRITICAL; OK stays OK.',
  example: 'children:\n  - ci: payroll-db\n    map: { increase: 1 }',
  parameters: { n: { schema: steps, type: 'int', description: 'Steps, 1 to 4.' } },
  counts: true,
  apply: (map: Increase, c: number) => Math.min(CRITICAL, c + map.n),
  describe: (map) => `increase ${map.n}`,
  changed: (map, from, to) => `${from} raised by increase ${map.n} to ${to}`,
} satisfies EdgeMapDefinition<Increase>;
