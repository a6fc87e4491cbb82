import type { ComponentChildren } from 'preact';

export interface Column<T> {
  label: string;
  cell(row: T): ComponentChildren;
  /** Figures align right, so their digits line up. */
  numeric?: boolean;
}

/**
 * A table with a caption and a header row, scrolling sideways on a phone rather than squeezing its
 * figures. The first column names the row (a row header for screen readers).
 */
export function Table<T>({
  caption,
  columns,
  rows,
  keyOf,
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  keyOf(row: T): string;
}) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" class={c.numeric ? 'numeric' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={keyOf(row)}>
              {columns.map((c, i) => {
                const Cell = i === 0 ? 'th' : 'td';
                return (
                  <Cell key={c.label} scope={i === 0 ? 'row' : undefined} class={c.numeric ? 'numeric' : undefined}>
                    {c.cell(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
