import { metricsText } from './metrics.js';

/**
 * Reads one sample from this process's exposition, as Prometheus would scrape it: the value of
 * `name` whose labels include `labels`, summed over the series that match (undefined: none does).
 */
export async function sample(name: string, labels: Record<string, string> = {}, text?: string): Promise<number | undefined> {
  const body = text ?? (await metricsText()).body;
  let total: number | undefined;
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}
