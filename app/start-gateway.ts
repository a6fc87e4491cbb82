import { randomBytes } from 'node:crypto';
import { loadPolicy } from '../authz/policy.js';
import { loadServiceDefinitions } from '../bsm/definitions.js';
import { createGateway } from '../gateway/create-gateway.js';
import { createVerifier } from '../gateway/identity.js';
import { createBoardApi } from '../gateway/board.js';
import { createStaticSite } from '../gateway/static.js';
import { internalKey } from '../kernel/identity-token.js';
import type { Logger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.js';
import type { SubgraphServer } from '../subgraphs/common/server.js';
import { inspectConfig, type LoadedConfig } from './config.js';
import { freshDemoRun } from './demo-run.js';
import { startObservability } from './observability.js';
import { createdDirectoryGuard, listenOrExplain, Preflight } from './preflight.js';
import { createServicegraph } from './root.js';

/** The gateway, and in local mode the five subgraphs in its process, from a config file. */
export interface StartOptions {
  configFile: string;
  /** Overrides the config's estate directory. */
  estateDir?: string;
  /** Overrides the config's port (0 in tests; the PORT environment variable is read with the config). */
  port?: number;
  /** Overrides the subgraphs' base port (0 = any free port). */
  subgraphBasePort?: number;
  /** Overrides the config's data directory. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** The clock of the caches and the model (tests drive it). @default wall clock */
  now?: () => Date;
}

export interface Running {
  url: string;
  /** Where this process serves /metrics (`metrics.enabled`), else null. */
  metricsUrl: string | null;
  /** The subgraphs this process serves on their own ports (local mode with `listen`), and those it calls. */
  subgraphUrls: Record<string, string>;
  config: LoadedConfig;
  /**
   * Graceful stop: readiness 503 and no new connection at once, requests in flight finish within
   * `server.shutdownGraceMs` (or `graceMs`), then the subgraphs, tools, stores and the policy watcher
   * close. Resolves with how many requests had to be cut.
   */
  close(graceMs?: number): Promise<{ cut: number }>;
}

export async function startServicegraph(options: StartOptions): Promise<Running> {
  const { log } = options;
  const env = options.env ?? process.env;
  const preflight: Preflight = new Preflight(); // typed, so preflight.fail() narrows
  const inspection = inspectConfig(options.configFile, env);
  preflight.add(inspection.file, inspection.problems);
  const loaded = inspection.loaded;
  if (!loaded) {
    // The policy and the estate the broken config names have their problems listed too.
    if (inspection.names) {
      const { policy, estate } = inspection.names;
      await preflight.check(() => loadPolicy(policy));
      await preflight.check(() => loadServiceDefinitions(options.estateDir ?? estate));
    }
    preflight.fail();
  }
  const { config } = loaded;
  const local = config.subgraphs.mode === 'local';
  if (!local && !config.internalAuth.secret) {
    preflight.add(loaded.file, [
      'internalAuth.secret: required when subgraphs run in other processes (set it from an environment variable)',
    ]);
  }
  const dataDir = options.dataDir ?? config.dataDir;
  const createdData = createdDirectoryGuard(dataDir);
  const root = createServicegraph({
    loaded,
    log,
    dataDir: config.demo ? freshDemoRun(dataDir) : dataDir,
    ...(options.estateDir ? { estateDir: options.estateDir } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const closers: (() => Promise<void>)[] = [() => root.close()];
  const closeParts = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch((e: unknown) => log.warn('close failed', { reason: String(e) }));
  };
  try {
    // Everything that can be wrong in files, checked before anything listens. In local mode that
    // includes every connector (the builtin ones read their estate files when created).
    await preflight.check(() => root.policy());
    if (local) {
      await root.loadConnectors();
      await preflight.check(() => root.definitions());
      for (const kind of ['monitor', 'cmdb', 'helpdesk', 'knowledge'] as const) await preflight.check(() => root.connectors(kind));
    }
    preflight.throwIfFailed();

    const policy = root.policy();
    const audit = root.audit();
    // Closed last: the servers' final spans are exported.
    const observability = await startObservability(loaded.file, config, log, config.tracing.serviceName);
    closers.unshift(() => observability.close());
    // In one process a fresh random key per start is enough; remote subgraphs share the configured one.
    const key = internalKey(config.internalAuth.secret ?? randomBytes(32).toString('base64url'));

    const subgraphUrls: Record<string, string> = {};
    const inProcess: Partial<Record<SubgraphName, SubgraphServer>> = {};
    if (local) {
      const listen = config.subgraphs.listen || config.subgraphs.transport === 'http';
      const basePort = options.subgraphBasePort ?? config.subgraphs.basePort;
      for (const [i, name] of SUBGRAPH_NAMES.entries()) {
        if (!loaded.supergraph.local.includes(name)) continue;
        const server = await root.subgraphServer(name, key);
        const port = basePort === 0 ? 0 : basePort + i;
        if (listen) {
          subgraphUrls[name] = await listenOrExplain(loaded.file, 'subgraphs.basePort', port, config.server.host, () =>
            server.listen(port, config.server.host),
          );
        }
        if (config.subgraphs.transport === 'in-process') inProcess[name] = server;
      }
    }
    // A company's own subgraphs beside the connector subgraphs, and every subgraph in remote mode.
    Object.assign(subgraphUrls, loaded.supergraph.remote);

    const verify = await createVerifier(config.auth, () => policy.current().claims);
    const gateway = await createGateway({
      supergraphSdl: loaded.supergraph.sdl,
      subgraphUrls,
      inProcess,
      policy,
      verify,
      internalKey: key,
      internalTtlSeconds: config.internalAuth.ttlSeconds,
      limits: config.limits,
      introspection: config.introspection,
      audit,
      log,
      readiness: {
        // Remote subgraphs check their own tools and stores; here, only what this process uses.
        checks: config.subgraphs.mode === 'local' ? root.readinessChecks(config.server.readinessTimeoutMs) : {},
        timeoutMs: config.server.readinessTimeoutMs,
      },
      cors: config.server.cors,
      explorer: config.server.explorer,
      // The history is read where the subgraphs run (in local mode, this process): live status is served there.
      ...(local ? { liveStatus: root.liveStatus() } : {}),
      mergeRequests: config.server.mergeRequests,
      routes: [
        createBoardApi({
          demo: config.demo,
          auth: config.auth,
          policy,
          signInUrl: config.auth.signInUrl ?? null,
          refreshMs: config.evaluatorIntervalMs,
        }),
        createStaticSite(),
      ],
    });
    const port = options.port ?? config.server.port;
    const running = await listenOrExplain(loaded.file, 'server.port (or PORT)', port, config.server.host, () =>
      gateway.listen(port, config.server.host),
    );
    return {
      url: running.url,
      metricsUrl: observability.metricsUrl,
      subgraphUrls,
      config: loaded,
      async close(graceMs = config.server.shutdownGraceMs) {
        // The gateway drains first: the subgraphs and tools serve its last requests, then close.
        const draining = running.close(graceMs); // the listener is closed once this returns
        log.info('draining: no new connections, requests in flight may finish', { graceMs });
        const drained = await draining;
        await closeParts();
        return drained;
      },
    };
  } catch (error) {
    await closeParts();
    createdData.removeIfCreated();
    throw error;
  }
}
