import type { EdgeMapDefinition } from '../kinds/kind.js';

export interface Ignore {
  kind: 'ignore';
}

export const ignore = {
  kind: 'ignore',
  description: 'The child is shown but does not count: not in totals, percentages, root cause or impact.',
  example: 'children:\n  - ci: test-vm\n    map: ignore',
  parameters: {},
  counts: false,
  apply: (_map: Ignore, c: number) => c,
  describe: () => 'ignore',
  changed: (_map, from) => `${from}, ignored`,
} satisfies EdgeMapDefinition<Ignore>;
