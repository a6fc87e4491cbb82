import { metricsTable } from '../kernel/metrics.js';
import { betweenMarkers, rewriteFile } from './markers.js';

/** Writes the metrics table from the registry (kernel/metrics.ts) into README.md between its markers. */
export const withMetricsTable = (readme: string) => betweenMarkers(readme, 'metrics', metricsTable());

if (import.meta.url === `file://${process.argv[1]}`) {
  rewriteFile('../README.md', withMetricsTable);
  console.log('README.md metrics table updated');
}
