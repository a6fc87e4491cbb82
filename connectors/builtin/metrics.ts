import type { MetricSample } from '../../kernel/model.js';
import type { KpiSample, MonitorFile } from './estate-files.js';

/**
 * The builtin monitor's query language: just enough for the demo, not PromQL.
 *   - A KPI expression written in monitor.yaml `kpis` (compared without whitespace) returns its
 *     value; a range query returns its history.
 *   - A selector over the per-CI metrics: `cpu`, `cpu{ci="server123"}`, `{ci="server123"}` (every
 *     metric of the CI) or `{ci=~"mail-node.*"}`. Each sample carries `__name__` and `ci` labels.
 * Anything else is an empty result, as Prometheus answers a query that matches no series.
 */

interface Point {
  /** Unix seconds. */
  at: number;
  value: number;
}

interface Matcher {
  label: string;
  test: (value: string) => boolean;
}

const SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{([^{}]*)\})?$/;
const LABEL_MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

const squash = (expr: string) => expr.replace(/\s+/g, '');

function parseSelector(expr: string): Matcher[] | null {
  const match = SELECTOR.exec(expr.trim());
  if (!match || (!match[1] && match[2] === undefined)) return null;
  const matchers: Matcher[] = [];
  if (match[1]) {
    const name = match[1];
    matchers.push({ label: '__name__', test: (v) => v === name });
  }
  const body = match[2]?.trim();
  if (body) {
    for (const part of body.split(',')) {
      const m = LABEL_MATCHER.exec(part);
      if (!m) return null;
      const [, label = '', op, raw = ''] = m;
      const value = raw.replace(/\\(.)/g, '$1');
      if (op === '=~') {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${value})$`);
        } catch {
          return null;
        }
        matchers.push({ label, test: (v) => re.test(v) });
      } else if (op === '!=') matchers.push({ label, test: (v) => v !== value });
      else matchers.push({ label, test: (v) => v === value });
    }
  }
  return matchers;
}

/** KPI points: the history, one every stepMinutes, ending one step before `now`, then the current value. */
function kpiPoints(kpi: KpiSample, nowSeconds: number): Point[] {
  const history = kpi.history;
  const points: Point[] = [];
  if (history) {
    const n = history.values.length;
    for (const [i, value] of history.values.entries()) points.push({ at: nowSeconds - (n - i) * history.stepMinutes * 60, value });
  }
  points.push({ at: nowSeconds, value: kpi.value });
  return points;
}

export function createMetricQuery(data: Pick<MonitorFile, 'metrics' | 'kpis'>, clock: () => number = Date.now) {
  const kpis = new Map(data.kpis.map((kpi) => [squash(kpi.expression), kpi]));
  const series = Object.entries(data.metrics).flatMap(([ci, values]) =>
    Object.entries(values).map(([name, value]) => ({ labels: { __name__: name, ci }, value })),
  );

  /** Each matching series with its points, as step functions in time. */
  function select(expr: string, nowSeconds: number): { labels: Record<string, string>; points: Point[] }[] {
    const kpi = kpis.get(squash(expr));
    if (kpi) return [{ labels: {}, points: kpiPoints(kpi, nowSeconds) }];
    const matchers = parseSelector(expr);
    if (!matchers) return [];
    return (
      series
        .filter((s) => matchers.every((m) => m.test(s.labels[m.label as keyof typeof s.labels] ?? '')))
        // Per-CI metrics are a constant: the current value holds for any time asked.
        .map((s) => ({ labels: { ...s.labels }, points: [{ at: -Infinity, value: s.value }] }))
    );
  }

  return {
    query(expr: string): MetricSample[] {
      const now = clock() / 1000;
      return select(expr, now).map((s) => ({
        labels: s.labels,
        timestamp: now,
        value: s.points[s.points.length - 1]?.value ?? Number.NaN,
      }));
    },
    queryRange(expr: string, start: Date, end: Date, stepSeconds: number): MetricSample[][] {
      const now = clock() / 1000;
      const from = start.getTime() / 1000;
      const to = Math.min(end.getTime() / 1000, now);
      return select(expr, now)
        .map((s) => {
          const samples: MetricSample[] = [];
          for (let t = from; t <= to; t += stepSeconds) {
            // The value at t is the latest point at or before t.
            let latest: Point | undefined;
            for (const p of s.points) if (p.at <= t) latest = p;
            if (latest) samples.push({ labels: s.labels, timestamp: t, value: latest.value });
          }
          return samples;
        })
        .filter((samples) => samples.length > 0);
    },
  };
}
