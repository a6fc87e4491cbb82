import type { Status as StatusValue } from '../gql/graphql';

/** Words for people beside the status name, so no state is told by colour alone. */
const WORDS: Record<StatusValue, string> = {
  OK: 'working',
  WARNING: 'warning',
  MINOR: 'degraded',
  MAJOR: 'failing',
  CRITICAL: 'down',
  UNKNOWN: 'unknown',
};

export function Status({ status, plain = false }: { status: StatusValue; plain?: boolean }) {
  return (
    <span class={`status status-${status.toLowerCase()}`}>
      {plain ? WORDS[status] : status}
      {plain ? null : <span class="visually-hidden"> ({WORDS[status]})</span>}
    </span>
  );
}
