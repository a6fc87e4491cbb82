import { loadPolicy } from '../authz/policy.js';
import { internalKey } from '../kernel/identity-token.js';
import type { Logger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.js';
import { inspectConfig } from './config.js';
import { type Observability, startObservability } from './observability.js';
import { createdDirectoryGuard, listenOrExplain, Preflight } from './preflight.js';
import { createServicegraph } from './root.js';

/** One subgraph alone, as production deploys them: it builds only what that subgraph serves. */
export interface StartSubgraphOptions {
  configFile: string;
  name: SubgraphName;
  /** @default subgraphs.basePort + the subgraph's place (services 4001 … knowledge 4005 by default) */
  port?: number;
  /** @default server.host */
  host?: string;
  /** Overrides the config's `metrics.port` (several subgraphs on one host share a config file). */
  metricsPort?: number;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export async function startSubgraph(
  options: StartSubgraphOptions,
): Promise<{ url: string; metricsUrl: string | null; close(): Promise<void> }> {
  const preflight: Preflight = new Preflight(); // typed, so preflight.fail() narrows
  const inspection = inspectConfig(options.configFile, options.env ?? process.env);
  preflight.add(inspection.file, inspection.problems);
  const loaded = inspection.loaded;
  if (!loaded) {
    const policy = inspection.names?.policy;
    if (policy) await preflight.check(() => loadPolicy(policy));
    preflight.fail();
  }
  const { config } = loaded;
  const secret = config.internalAuth.secret;
  if (!secret) preflight.add(loaded.file, ['internalAuth.secret: required to run a subgraph alone (shared with the gateway)']);
  const createdData = createdDirectoryGuard(config.dataDir);
  const root = createServicegraph({ loaded, log: options.log });
  let observability: Observability | null = null;
  // The trace exporter closes last, so the subgraph's final spans are exported.
  const close = async () => {
    await root.close();
    await observability?.close();
  };
  try {
    await preflight.check(() => root.policy());
    await root.loadConnectors();
    // What the subgraph serves (definitions, connectors) is built here, once: the first problem
    // among them is listed with the config's and the policy's.
    const server = secret ? await preflight.check(() => root.subgraphServer(options.name, internalKey(secret))) : undefined;
    preflight.throwIfFailed();
    if (!server) throw new Error(`subgraph ${options.name} was not built`);
    const serviceName = `${config.tracing.serviceName}-${options.name}`;
    observability = await startObservability(loaded.file, config, options.log, serviceName, options.metricsPort);
    const port = options.port ?? config.subgraphs.basePort + SUBGRAPH_NAMES.indexOf(options.name);
    const host = options.host ?? config.server.host;
    const url = await listenOrExplain(loaded.file, 'the port (--port, PORT or subgraphs.basePort)', port, host, () =>
      server.listen(port, host),
    );
    return { url, metricsUrl: observability.metricsUrl, close };
  } catch (error) {
    await close();
    createdData.removeIfCreated();
    throw error;
  }
}
