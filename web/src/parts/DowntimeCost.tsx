import { duration, money } from '../format';
import { useNow } from './clock';

/**
 * What a service's outage has cost so far: its revenue per hour times how long it has been down
 * (since its status changed to CRITICAL), growing as it goes on. Only for a service that is down and
 * whose estate gives a revenue: degraded is "at risk", not lost, and planned maintenance is not down.
 */
export function DowntimeCost({ perHour, since }: { perHour: number; since: string }) {
  const now = useNow();
  if (perHour <= 0) return null;
  const seconds = Math.max(0, (now - Date.parse(since)) / 1000);
  return (
    <p class="downtime-cost">
      Downtime cost so far: about <strong>{money(perHour * (seconds / 3600))}</strong> ({duration(seconds)} down)
    </p>
  );
}
