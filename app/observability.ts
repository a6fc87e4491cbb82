import type { Logger } from '../kernel/log.js';
import { serveMetrics } from '../kernel/metrics.js';
import { startTracing } from '../kernel/tracing.js';
import type { Config } from './config.js';
import { listenOrExplain } from './preflight.js';

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
  /** The config file, for a port that cannot be had. */
  source: string,
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
    const server = metrics.enabled
      ? await listenOrExplain(source, 'metrics.port', metricsPort, metrics.host, () =>
          serveMetrics({ host: metrics.host, port: metricsPort, token: metrics.token, log }),
        )
      : null;
    return {
      metricsUrl: server?.url ?? null,
      async close() {
        await server?.close();
        await tracer?.shutdown();
      },
    };
  } catch (error) {
    await tracer?.shutdown();
    throw error;
  }
}
