import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createGateway } from '../gateway/create-gateway.js';
import { createVerifier } from '../gateway/identity.js';
import { ConfigError } from '../kernel/errors.js';
import { internalKey } from '../kernel/identity-token.js';
import type { Logger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, SUPERGRAPH_PATH, type SubgraphName } from '../schema/subgraphs.js';
import type { SubgraphServer } from '../subgraphs/common/server.js';
import { type LoadedConfig, loadConfig } from './config.js';
import { startObservability } from './observability.js';
import { createServicegraph } from './root.js';

/** The gateway, and in local mode the five subgraphs in its process, from a config file. */
export interface StartOptions {
  configFile: string;
  /** Overrides the config's estate directory. */
  estateDir?: string;
  /** Overrides the config's port (the PORT environment variable, or 0 in tests). */
  port?: number;
  /** Overrides the subgraphs' base port (0 = any free port). */
  subgraphBasePort?: number;
  /** Overrides the config's data directory. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export interface Running {
  url: string;
  /** Where this process serves /metrics (`metrics.enabled`), else null. */
  metricsUrl: string | null;
  subgraphUrls: Record<SubgraphName, string>;
  config: LoadedConfig;
  close(): Promise<void>;
}

export async function startServicegraph(options: StartOptions): Promise<Running> {
  const { log } = options;
  const loaded = loadConfig(options.configFile, options.env ?? process.env);
  const { config } = loaded;
  if (config.subgraphs.mode === 'remote' && !config.internalAuth.secret) {
    throw new ConfigError(loaded.file, [
      'internalAuth.secret: required when subgraphs run in other processes (set it from an environment variable)',
    ]);
  }
  const root = createServicegraph({
    loaded,
    log,
    ...(options.estateDir ? { estateDir: options.estateDir } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const closers: (() => Promise<void>)[] = [() => root.close()];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch((e: unknown) => log.warn('close failed', { reason: String(e) }));
  };
  try {
    // What can be wrong in files is checked before anything is opened.
    const policy = root.policy();
    if (config.subgraphs.mode === 'local') root.definitions();
    const audit = root.audit();
    // Closed last: the servers' final spans are exported.
    const observability = await startObservability(config, log, config.tracing.serviceName);
    closers.unshift(() => observability.close());
    // In one process a fresh random key per start is enough; remote subgraphs share the configured one.
    const key = internalKey(config.internalAuth.secret ?? randomBytes(32).toString('base64url'));

    let subgraphUrls: Record<SubgraphName, string>;
    const local: Partial<Record<SubgraphName, SubgraphServer>> = {};
    if (config.subgraphs.mode === 'local') {
      const basePort = options.subgraphBasePort ?? config.subgraphs.basePort;
      const urls: Partial<Record<SubgraphName, string>> = {};
      for (const [i, name] of SUBGRAPH_NAMES.entries()) {
        const server = await root.subgraphServer(name, key);
        urls[name] = await server.listen(basePort === 0 ? 0 : basePort + i, config.server.host);
        local[name] = server;
      }
      subgraphUrls = urls as Record<SubgraphName, string>;
    } else {
      subgraphUrls = config.subgraphs.urls as Record<SubgraphName, string>;
    }

    const verify = await createVerifier(config.auth, () => policy.current().claims);
    const gateway = await createGateway({
      supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
      subgraphUrls,
      ...(config.subgraphs.transport === 'in-process' ? { inProcess: local } : {}),
      policy,
      verify,
      internalKey: key,
      internalTtlSeconds: config.internalAuth.ttlSeconds,
      limits: config.limits,
      introspection: config.introspection,
      audit,
      log,
      readiness: async () => {
        const checks: Record<string, string> = {};
        await Promise.all(
          root.builtConnectors().map(async (c) => {
            checks[`connector:${c.name}`] = await c.healthCheck().then(
              () => 'ok',
              (e: unknown) => (e instanceof Error ? e.message : 'unavailable'),
            );
          }),
        );
        return checks;
      },
    });
    const port = options.port ?? config.server.port;
    const running = await gateway.listen(port, config.server.host);
    closers.push(() => running.close());
    return { url: running.url, metricsUrl: observability.metricsUrl, subgraphUrls, config: loaded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
