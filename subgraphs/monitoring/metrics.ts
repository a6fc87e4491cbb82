import type { MetricSample } from '../../kernel/model.js';
import type { ConfigurationItem } from '../../kernel/model.js';

/**
 * The metrics shown on a CI: a few standard expressions asked of every monitor that has a query
 * language. `{ci="<id>"}` gives every series labelled with the CI id (the builtin monitor's metrics,
 * and Prometheus targets relabelled with `ci`); the node-exporter expressions find hosts by their
 * `instance` label, which is a name, FQDN or IP with a port.
 */
export interface MetricQuery {
  /** Shown name; null to take the series' `__name__`. */
  name: string | null;
  unit: string | null;
  expr: string;
}

/** Regex-escaped for RE2, then escaped again for a PromQL double-quoted string. */
const promRegexLiteral = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\/g, '\\\\');
const promString = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function metricQueries(ciId: string, ci: ConfigurationItem | undefined): MetricQuery[] {
  const queries: MetricQuery[] = [{ name: null, unit: null, expr: `{ci="${promString(ciId)}"}` }];
  const hosts = [...new Set([ci?.name, ci?.fqdn, ci?.ip].filter((h): h is string => !!h).map((h) => h.toLowerCase()))];
  if (hosts.length === 0) return queries;
  const instance = `instance=~"(${hosts.map(promRegexLiteral).join('|')})(:[0-9]+)?"`;
  return [
    ...queries,
    { name: 'up', unit: null, expr: `up{${instance}}` },
    { name: 'cpu_usage', unit: '%', expr: `100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",${instance}}[5m])))` },
    {
      name: 'memory_usage',
      unit: '%',
      expr: `100 * (1 - sum(node_memory_MemAvailable_bytes{${instance}}) / sum(node_memory_MemTotal_bytes{${instance}}))`,
    },
  ];
}

const UNIT_SUFFIXES: [string, string][] = [
  ['_percent', '%'],
  ['_ratio', 'ratio'],
  ['_bytes', 'bytes'],
  ['_seconds', 's'],
];

export interface MetricView {
  name: string;
  value: number | null;
  unit: string | null;
  at: string | null;
  url: string | null;
}

export function toMetric(query: MetricQuery, sample: MetricSample): MetricView {
  const name = query.name ?? sample.labels['__name__'] ?? 'value';
  const unit = query.unit ?? UNIT_SUFFIXES.find(([suffix]) => name.endsWith(suffix))?.[1] ?? null;
  return {
    name,
    // NaN and ±Inf (a rate over no data) are not JSON numbers.
    value: Number.isFinite(sample.value) ? sample.value : null,
    unit,
    at: Number.isFinite(sample.timestamp) ? new Date(sample.timestamp * 1000).toISOString() : null,
    url: null,
  };
}
