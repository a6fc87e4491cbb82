import { duration } from '../format';

/**
 * The SLA's error budget as a gauge: how much of the downtime the objective allows in the window is
 * left. Drawn in SVG (a half ring), told in words for screen readers and beside it in text.
 */
export function BudgetGauge({ left, total }: { left: number; total: number }) {
  const fraction = total > 0 ? Math.max(0, Math.min(1, left / total)) : 0;
  const radius = 40;
  const length = Math.PI * radius;
  const tone = fraction > 0.5 ? 'good' : fraction > 0.2 ? 'low' : 'empty';
  const words = `${duration(left)} of ${duration(total)} of error budget left (${Math.round(fraction * 100)} %)`;
  return (
    <figure class="gauge">
      <svg viewBox="0 0 100 56" role="img" aria-label={words}>
        <path d="M10 50 A40 40 0 0 1 90 50" class="gauge-track" />
        <path d="M10 50 A40 40 0 0 1 90 50" class={`gauge-value gauge-${tone}`} stroke-dasharray={`${length * fraction} ${length}`} />
        <text x="50" y="48" text-anchor="middle" class="gauge-text">
          {Math.round(fraction * 100)}%
        </text>
      </svg>
      <figcaption>{words}</figcaption>
    </figure>
  );
}
