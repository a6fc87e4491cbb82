import { SEVERITY_ORDER, type Severity, type Status } from '../../kernel/model.js';

/**
 * Severity arithmetic. Inside the engine a status is a small integer so that a whole estate fits in
 * typed arrays: OK 0, WARNING 1, MINOR 2, MAJOR 3, CRITICAL 4 and UNKNOWN 5. UNKNOWN is not on the
 * scale (it means "cannot decide"), so every helper that orders statuses takes known ones only.
 */

export const OK = 0;
export const CRITICAL = 4;
export const UNKNOWN = 5;

const NAMES: readonly Status[] = [...SEVERITY_ORDER, 'UNKNOWN'];

export function code(status: Status): number {
  // A switch beats a keyed lookup on the evaluator's hot path.
  switch (status) {
    case 'OK':
      return 0;
    case 'WARNING':
      return 1;
    case 'MINOR':
      return 2;
    case 'MAJOR':
      return 3;
    case 'CRITICAL':
      return 4;
    default:
      return UNKNOWN;
  }
}

export function statusName(c: number): Status {
  return NAMES[c] ?? 'UNKNOWN';
}

/** Position on the OK..CRITICAL scale. */
export function rank(severity: Severity): number {
  return code(severity);
}
