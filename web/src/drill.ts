/**
 * The page asks only for what the viewer's drill level lets it read, so no view ever draws a
 * FORBIDDEN (nor fills the audit log with denials). Each operation of the page reads at one level:
 * the deepest @drill among its fields, written down here. `useQuery` and `useOnDemand` send none
 * whose level is above the viewer's (`viewer { drillLevel }`), and the views show what arrived.
 * test/board-operations.test.ts holds this table to the SDL: every operation of the page is in it,
 * at exactly the level its fields need. (Hiding is not the security: the gateway filters every
 * request. It keeps the page honest and quiet.) One operation per level, not `@include(if: $var)`:
 * the gateway reports a denied field even where the variables leave it out.
 */
export const DRILL_LEVELS = ['BUSINESS', 'SERVICE', 'COMPONENT', 'TELEMETRY'] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

export const OPERATION_LEVELS = {
  Viewer: 'BUSINESS',
  MyServices: 'BUSINESS',
  ReportProblem: 'BUSINESS',
  BusinessImpact: 'BUSINESS',
  ServiceSummary: 'BUSINESS',
  ServiceStructure: 'SERVICE',
  ServiceComponents: 'COMPONENT',
  Outages: 'COMPONENT',
  OutageLinks: 'TELEMETRY',
  AcknowledgeAlert: 'COMPONENT',
  Tickets: 'COMPONENT',
  Ticket: 'COMPONENT',
  LinkArticle: 'COMPONENT',
  Catalog: 'BUSINESS',
  RequestOffering: 'BUSINESS',
  Costs: 'BUSINESS',
  WhatIfTargets: 'COMPONENT',
  WhatIf: 'COMPONENT',
} as const satisfies Record<string, DrillLevel>;

export type Operation = keyof typeof OPERATION_LEVELS;

export const atLeast = (viewer: DrillLevel, level: DrillLevel): boolean => DRILL_LEVELS.indexOf(viewer) >= DRILL_LEVELS.indexOf(level);

/** The level an operation of the page reads at, by its name; an operation missing from the table reads at TELEMETRY. */
export function levelOf(document: { toString(): string }): DrillLevel {
  const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(document.toString())?.[1] ?? '';
  return (OPERATION_LEVELS as Record<string, DrillLevel>)[name] ?? 'TELEMETRY';
}
