import { OK } from '../status.js';
import type { EdgeMapDefinition } from '../kinds/kind.js';
import { steps } from './steps.js';

export interface Decrease {
  kind: 'decrease';
  n: number;
}

export const decrease = {
  kind: 'decrease',
  description: 'A failing child counts n severities better, at least OK.',
  example: 'children:\n  - ci: reporting-app\n    map: { decrease: 2 }',
  parameters: { n: { schema: steps, type: 'int', description: 'Steps, 1 to 4.' } },
  counts: true,
  apply: (map: Decrease, c: number) => Math.max(OK, c - map.n),
  describe: (map) => `decrease ${map.n}`,
  changed: (map, from, to) => `${from} lowered by decrease ${map.n} to ${to}`,
} satisfies EdgeMapDefinition<Decrease>;
