import { readFileSync, writeFileSync } from 'node:fs';
import { metricsTable } from '../kernel/metrics.js';

/** Writes the metrics table from the registry (kernel/metrics.ts) into README.md between its markers. */
export const START = '<!-- metrics:start -->';
export const END = '<!-- metrics:end -->';

export function withMetricsTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md has no metrics markers');
  return `${readme.slice(0, start + START.length)}\n${metricsTable()}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = new URL('../README.md', import.meta.url);
  writeFileSync(file, withMetricsTable(readFileSync(file, 'utf8')));
  console.log('README.md metrics table updated');
}
