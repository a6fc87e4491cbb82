import { ConfigError } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { serveMetrics } from '../kernel/metrics.js';
import { startTracing } from '../kernel/tracing.js';
import type { Config } from './config.js';

/**
 * A process's metrics listener and trace exporter, from the config's `metrics` and `tracing`. Started
 * before the servers (so their first request is traced) and closed after them (so their last spans
 * are exported).
 */
export interface Observability {
  /** Where this process serves /metrics; null when `metrics.enabled` is false. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startObservability(
  config: Pick<Config, 'metrics' | 'tracing'>,
  log: Logger,
  serviceName: string,
  metricsPort = config.metrics.port,
): Promise<Observability> {
  const { metrics, tracing } = config;
  const tracer = tracing.endpoint
    ? await startTracing({ endpoint: tracing.endpoint, headers: tracing.headers, serviceName, sampleRatio: tracing.sampleRatio })
    : null;
  try {
    const server = metrics.enabled ? await serveMetrics({ host: metrics.host, port: metricsPort, token: metrics.token, log }) : null;
    return {
      metricsUrl: server?.url ?? null,
      async close() {
        await server?.close();
        await tracer?.shutdown();
      },
    };
  } catch (error) {
    await tracer?.shutdown();
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new ConfigError('metrics', [`metrics.port: cannot listen on ${metrics.host}:${metricsPort} (${code})`]);
    }
    throw error;
  }
}
