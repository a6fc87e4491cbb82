import { code } from '../status.js';
import { type EdgeMapDefinition, type Severity, severity } from '../kinds/kind.js';

export interface SetTo {
  kind: 'set';
  status: Severity;
}

export const set = {
  kind: 'set',
  description: 'A failing child counts as the given status whatever its own severity; OK stays OK.',
  example: 'children:\n  - service: intranet\n    map: { set: WARNING }',
  parameters: { status: { schema: severity, type: 'status', description: 'OK, WARNING, MINOR, MAJOR or CRITICAL.' } },
  counts: true,
  apply: (map: SetTo, _c: number) => code(map.status),
  describe: (map) => `set ${map.status}`,
  changed: (map, from) => `${from} counted as ${map.status} (set ${map.status})`,
} satisfies EdgeMapDefinition<SetTo>;
