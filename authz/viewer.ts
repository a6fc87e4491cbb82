/** The viewer as the policy sees it: resolved once per request from the gateway-signed identity. */
export const DRILL_LEVELS = ['BUSINESS', 'SERVICE', 'COMPONENT', 'TELEMETRY'] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

export const drillRank = (level: DrillLevel): number => DRILL_LEVELS.indexOf(level);

export type ScopeRule =
  | { kind: 'all' }
  /** Services owned by one of the viewer's groups, with their children. */
  | { kind: 'owned' }
  /** Services consumed by one of the viewer's groups, with their children. */
  | { kind: 'consumed' }
  | { kind: 'list'; services: string[] }
  | { kind: 'tag'; tag: string };

export interface Viewer {
  /** Token subject; 'anonymous' without a token. */
  id: string;
  anonymous: boolean;
  roles: string[];
  groups: string[];
  /** The deepest level of any of the viewer's roles. */
  drillLevel: DrillLevel;
  /** Union of the actions of the viewer's roles. */
  actions: string[];
  /** Union of the scopes of the viewer's roles. */
  scope: ScopeRule[];
  /**
   * Per role: its actions and scope. An action on an object needs ONE role that grants the action
   * and has a service the object serves in its scope (an operator of payroll who is also a help desk
   * agent for email may acknowledge on payroll only).
   */
  grants: { role: string; drillLevel: DrillLevel; actions: string[]; scope: ScopeRule[] }[];
}
