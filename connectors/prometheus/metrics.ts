import { finiteOrNull, unitFromName, unixToIso } from '../core/metric-units.js';
import type { CiMetric, ConfigurationItem, MetricSample } from '../../kernel/model.js';

/**
 * The metrics shown on a CI: a few standard expressions. `{ci="<id>"}` gives every series
 * labelled with the CI id (targets relabelled with `ci`); the node-exporter expressions find hosts by
 * their `instance` label, which is a name, FQDN or IP with a port.
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

export function metricQueries(ci: ConfigurationItem): MetricQuery[] {
  const queries: MetricQuery[] = [{ name: null, unit: null, expr: `{ci="${promString(ci.id)}"}` }];
  const hosts = [...new Set([ci.name, ci.fqdn, ci.ip].filter((h): h is string => !!h).map((h) => h.toLowerCase()))];
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

export function toMetric(query: MetricQuery, sample: MetricSample, url: string | null): CiMetric {
  const name = query.name ?? sample.labels['__name__'] ?? 'value';
  return {
    name,
    value: finiteOrNull(sample.value),
    unit: query.unit ?? unitFromName(name),
    at: unixToIso(sample.timestamp),
    url,
  };
}
