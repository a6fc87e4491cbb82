import { duration } from '../format';
import { useNow } from './clock';

/**
 * A live countdown to an SLA breach. It counts from the seconds the gateway gave and the moment its
 * answer arrived, not from `breachAt` against this browser's clock, so a skewed clock cannot move it.
 * role="timer" keeps screen readers from announcing every second.
 */
export function Countdown({ seconds, receivedAt, label = 'SLA breaks in' }: { seconds: number; receivedAt: number; label?: string }) {
  const now = useNow();
  const left = seconds - (now - receivedAt) / 1000;
  if (left <= 0) return <span class="countdown breached">SLA breached</span>;
  return (
    <span class="countdown" role="timer">
      {label} <strong>{duration(left)}</strong>
    </span>
  );
}
