import type { EdgeMapDefinition } from '../kinds/kind.js';

export interface Identity {
  kind: 'identity';
}

export const identity = {
  kind: 'identity',
  description: "The child's status passes unchanged (OpenNMS Identity, Zabbix 'As is'). The default.",
  example: 'children:\n  - ci: db1\n    map: identity',
  parameters: {},
  counts: true,
  apply: (_map: Identity, c: number) => c,
  describe: () => 'identity',
  changed: (_map, from) => from,
} satisfies EdgeMapDefinition<Identity>;
