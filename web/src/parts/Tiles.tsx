import type { ComponentChildren } from 'preact';

/** A row of headline figures, each with what it counts; an alarming one is outlined. */
export function Tiles({
  label,
  tiles,
}: {
  label: string;
  tiles: { value: ComponentChildren; text: ComponentChildren; alarm?: boolean }[];
}) {
  return (
    <ul class="tiles" aria-label={label}>
      {tiles.map((t, i) => (
        <li key={i} class={t.alarm ? 'tile alarm' : 'tile'}>
          <span class="tile-value">{t.value}</span> {t.text}
        </li>
      ))}
    </ul>
  );
}
