/** The viewer as the policy sees it: resolved once per request from the gateway-signed identity. */
export const DRILL_LEVELS = ['BUSINESS', 'SERVICE', 'COMPONENT', 'TELEMETRY'] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

export const drillRank = (level: DrillLevel): number => DRILL_LEVELS.indexOf(level);

export type ScopeRule =
  | { kind: 'all' }
  /** Services owned by one of the viewer's groups. */
  | { kind: 'owned' }
  /** Services consumed by one of the viewer's groups. */
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
  /** Union of the scopes of the viewer's roles: what the viewer sees. */
  scope: ScopeRule[];
  /**
   * Per role: its actions and scope. An action on an object needs ONE role that grants the action
   * and acts on a service the object serves directly (an operator of payroll who is also a help desk
   * agent for email may acknowledge on payroll only).
   */
  grants: Grant[];
}

/** One role of a viewer. */
export interface Grant {
  role: string;
  drillLevel: DrillLevel;
  actions: string[];
  /** What the role sees: the services these rules match, and their children. */
  scope: ScopeRule[];
  /**
   * Whether the role's actions reach the children of its matched services too. False: it acts only
   * on objects whose nearest services its rules match themselves (seeing a child's health explains
   * the parent's status; acting on the child is another team's right).
   */
  actOnChildren: boolean;
}
