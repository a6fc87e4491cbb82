import { ConfigError } from '../kernel/errors.js';
import { internalKey } from '../kernel/identity-token.js';
import type { Logger } from '../kernel/log.js';
import type { SubgraphName } from '../schema/subgraphs.js';
import { loadConfig } from './config.js';
import { type Observability, startObservability } from './observability.js';
import { createServicegraph } from './root.js';

/** One subgraph alone, as production deploys them: it builds only what that subgraph serves. */
export interface StartSubgraphOptions {
  configFile: string;
  name: SubgraphName;
  port: number;
  host: string;
  /** Overrides the config's `metrics.port` (several subgraphs on one host share a config file). */
  metricsPort?: number;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export async function startSubgraph(
  options: StartSubgraphOptions,
): Promise<{ url: string; metricsUrl: string | null; close(): Promise<void> }> {
  const loaded = loadConfig(options.configFile, options.env ?? process.env);
  const secret = loaded.config.internalAuth.secret;
  if (!secret) throw new ConfigError(loaded.file, ['internalAuth.secret: required to run a subgraph alone (shared with the gateway)']);
  const root = createServicegraph({ loaded, log: options.log });
  const { config } = loaded;
  let observability: Observability | null = null;
  const close = async () => {
    await root.close();
    await observability?.close();
  };
  try {
    root.policy();
    observability = await startObservability(config, options.log, `${config.tracing.serviceName}-${options.name}`, options.metricsPort);
    const server = await root.subgraphServer(options.name, internalKey(secret));
    const url = await server.listen(options.port, options.host);
    return { url, metricsUrl: observability.metricsUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
