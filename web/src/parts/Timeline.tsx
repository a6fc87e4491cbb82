import { clock, when } from '../format';
import type { Status as StatusValue } from '../gql/graphql';
import { Status, tone } from './Status';

interface Change {
  at: string;
  from?: StatusValue | null | undefined;
  to: StatusValue;
}

interface Segment {
  status: StatusValue | null;
  from: number;
  to: number;
}

/** The recorded transitions as spans of time over [start, end]; before the first one, the status it left (or none observed). */
export function segments(changes: readonly Change[], start: number, end: number): Segment[] {
  const out: Segment[] = [];
  let status: StatusValue | null = changes[0]?.from ?? null;
  let from = start;
  for (const change of changes) {
    const at = Math.min(end, Math.max(start, Date.parse(change.at)));
    if (at > from) out.push({ status, from, to: at });
    status = change.to;
    from = at;
  }
  if (end > from) out.push({ status, from, to: end });
  return out;
}

/** The status history as a bar over time, and the same transitions as a list. */
export function Timeline({ changes, start, end }: { changes: readonly Change[]; start: number; end: number }) {
  const span = Math.max(1, end - start);
  const parts = segments(changes, start, end);
  return (
    <div class="timeline">
      <div
        class="timeline-bar"
        role="img"
        aria-label={`Status from ${when(new Date(start).toISOString())} to now; the transitions are listed below.`}
      >
        {parts.map((p) => (
          <span
            key={p.from}
            class="timeline-part"
            style={{ ...(p.status ? tone(p.status) : {}), flexGrow: (p.to - p.from) / span }}
            title={`${p.status ?? 'not observed'} ${clock(new Date(p.from).toISOString())}–${clock(new Date(p.to).toISOString())}`}
          />
        ))}
      </div>
      <div class="timeline-axis" aria-hidden="true">
        <span>{when(new Date(start).toISOString())}</span>
        <span>now</span>
      </div>
      {changes.length === 0 ? (
        <p class="muted">No transition recorded in this period.</p>
      ) : (
        <ol class="transitions">
          {changes.map((c) => (
            <li key={c.at}>
              <time dateTime={c.at}>{when(c.at)}</time>: {c.from ? <Status status={c.from} /> : 'first seen'} → <Status status={c.to} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
