import type { Status as StatusValue } from '../gql/graphql';

/**
 * Each status once: the words for people beside its name (so no state is told by colour alone) and
 * its colours (the palette of styles.css, AA contrast checked by axe-core in test/browser). A badge,
 * a card's edge and a stretch of the timeline all read the same `--tone-*` properties.
 */
const STATUSES: Record<StatusValue, { words: string; bg: string; ink: string; edge: string }> = {
  OK: { words: 'working', bg: 'var(--ok-bg)', ink: 'var(--ok-ink)', edge: '#2f855a' },
  WARNING: { words: 'warning', bg: 'var(--warn-bg)', ink: 'var(--warn-ink)', edge: '#b7791f' },
  MINOR: { words: 'degraded', bg: 'var(--minor-bg)', ink: 'var(--minor-ink)', edge: '#c05621' },
  MAJOR: { words: 'failing', bg: 'var(--major-bg)', ink: 'var(--major-ink)', edge: 'var(--crit-bg)' },
  CRITICAL: { words: 'down', bg: 'var(--crit-bg)', ink: 'var(--crit-ink)', edge: 'var(--crit-bg)' },
  UNKNOWN: { words: 'unknown', bg: 'var(--unknown-bg)', ink: 'var(--unknown-ink)', edge: '#6b5ca5' },
};

/** The status's colours as custom properties (set through the CSSOM, which the page's CSP allows). */
export function tone(status: StatusValue): Record<string, string> {
  const { bg, ink, edge } = STATUSES[status];
  return { '--tone-bg': bg, '--tone-ink': ink, '--tone-edge': edge };
}

export function Status({ status, plain = false }: { status: StatusValue; plain?: boolean }) {
  return (
    <span class="status" style={tone(status)}>
      {plain ? STATUSES[status].words : status}
      {plain ? null : <span class="visually-hidden"> ({STATUSES[status].words})</span>}
    </span>
  );
}
