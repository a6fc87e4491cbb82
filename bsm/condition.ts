import type { Status } from '../kernel/model.js';
import type { NodeState } from './history.js';

/**
 * What a node's state means for the business, defined once: SLA bad time, the down, degraded and
 * maintenance counts, which services rank in `outages`, the value at risk and the words end users
 * read all derive from it.
 *
 * Planned maintenance is a condition of its own (as in Checkmk's and ServiceNow's availability): a
 * node whose failure maintenance explains (the engine's maintenance rule, `maintenance: checkmk`) is
 * neither down nor up. Its status stays what the monitors say; only what that status costs changes.
 */
export type Condition = 'up' | 'degraded' | 'down' | 'maintenance' | 'unknown';

export function conditionOf({ status, inMaintenance }: NodeState): Condition {
  if (status === 'OK') return 'up';
  if (inMaintenance) return 'maintenance';
  switch (status) {
    case 'WARNING':
    case 'MINOR':
      return 'degraded';
    case 'MAJOR':
    case 'CRITICAL':
      return 'down';
    case 'UNKNOWN':
      return 'unknown';
  }
}

/** A failure that costs the business now: down or degraded, not planned, not unknown. */
export const isProblemNow = (state: NodeState): boolean => {
  const condition = conditionOf(state);
  return condition === 'down' || condition === 'degraded';
};

/** A status seen on its own (an edge's child, a status with and without a CI): a problem unless OK or UNKNOWN. */
export const isProblem = (status: Status): boolean => status !== 'OK' && status !== 'UNKNOWN';
