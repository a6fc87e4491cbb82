import { SEVERITY_ORDER, type Severity, type Status } from '../../kernel/model.js';

/**
 * Severity arithmetic. Inside the engine a status is a small integer so that a whole estate fits in
 * typed arrays: OK 0, WARNING 1, MINOR 2, MAJOR 3, CRITICAL 4 and UNKNOWN 5. UNKNOWN is not on the
 * scale (it means "cannot decide"), so every helper that orders statuses takes known ones only.
 */

export const OK = 0;
export const WARNING = 1;
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

export function worst(a: Severity, b: Severity): Severity {
  return rank(a) >= rank(b) ? a : b;
}

export function best(a: Severity, b: Severity): Severity {
  return rank(a) <= rank(b) ? a : b;
}

function clamp(c: number): number {
  return Math.max(OK, Math.min(CRITICAL, c));
}

/**
 * Raise a problem by n steps, at most to CRITICAL. OK stays OK: as in OpenNMS, maps apply only to
 * statuses above Normal, so "increase" makes a failure count more without inventing one.
 */
export function increase(status: Severity, n: number): Severity {
  return status === 'OK' ? 'OK' : (statusName(clamp(rank(status) + n)) as Severity);
}

/** Lower a problem by n steps, at least to OK. */
export function decrease(status: Severity, n: number): Severity {
  return statusName(clamp(rank(status) - n)) as Severity;
}
