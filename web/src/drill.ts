/**
 * The page asks only for what the viewer's drill level lets it read, so no view ever draws a
 * FORBIDDEN (nor fills the audit log with denials): each selection above BUSINESS sits under
 * `@include(if: $structure)`, `$components` or `$telemetry`, set from `viewer { drillLevel }`.
 * test/board-operations.test.ts walks every operation of the page against the SDL's @drill and fails
 * when a field needs a deeper level than the gate it sits under. Hiding is not the security (the
 * gateway filters every request); it keeps the page honest and quiet.
 */
export const DRILL_LEVELS = ['BUSINESS', 'SERVICE', 'COMPONENT', 'TELEMETRY'] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

/** Each gate variable and the level it stands for. */
export const DRILL_GATES = { structure: 'SERVICE', components: 'COMPONENT', telemetry: 'TELEMETRY' } as const satisfies Record<
  string,
  DrillLevel
>;
export type DrillGates = { [K in keyof typeof DRILL_GATES]: boolean };

export const atLeast = (viewer: DrillLevel, level: DrillLevel): boolean => DRILL_LEVELS.indexOf(viewer) >= DRILL_LEVELS.indexOf(level);

export function gatesFor(level: DrillLevel): DrillGates {
  return {
    structure: atLeast(level, DRILL_GATES.structure),
    components: atLeast(level, DRILL_GATES.components),
    telemetry: atLeast(level, DRILL_GATES.telemetry),
  };
}
