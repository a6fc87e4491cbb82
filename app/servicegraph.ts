import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createAuditLog } from '../authz/audit.js';
import { createPolicyStore, type PolicyStore } from '../authz/policy.js';
import { createServiceModel } from '../bsm/model.js';
import type { ApiByKind, ConnectorInstance, ConnectorSet } from '../connectors/core/connector.js';
import { ConfigError } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { findConnector } from '../connectors/registry.js';
import { SUBGRAPH_NAMES, SUPERGRAPH_PATH, type SubgraphName } from '../schema/subgraphs.js';
import { createCmdbSubgraph } from '../subgraphs/cmdb/index.js';
import { createHelpdeskSubgraph } from '../subgraphs/helpdesk/index.js';
import { createKnowledgeSubgraph } from '../subgraphs/knowledge/index.js';
import { createMonitoringSubgraph } from '../subgraphs/monitoring/index.js';
import type { BaseContext, SubgraphDeps, SubgraphModule } from '../subgraphs/common/module.js';
import { createSubgraphServer, type SubgraphServer } from '../subgraphs/common/server.js';
import { createTopologySource } from '../bsm/cmdb-topology.js';
import { createServicesSubgraph } from '../subgraphs/services/index.js';
import { internalKey } from '../kernel/identity-token.js';
import { loadConfig, type LoadedConfig } from './config.js';
import { openSharedState, type SharedState } from './shared-state.js';
import { createGateway } from '../gateway/create-gateway.js';
import { createVerifier } from '../gateway/identity.js';

/**
 * The composition root: config → policy → connectors → service model → subgraphs → gateway.
 * Nothing is created on import; everything created here is closed by `close()` in reverse order.
 */

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
  subgraphUrls: Record<SubgraphName, string>;
  config: LoadedConfig;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- modules differ only in their context type
type AnyModule = SubgraphModule<any>;

/** Creates every configured connector instance, grouped by kind. */
export function createConnectors(
  loaded: LoadedConfig,
  log: Logger,
  dirs: { estateDir: string; dataDir: string },
  shared: SharedState,
): ConnectorSet {
  const set: ConnectorSet = { monitor: [], cmdb: [], helpdesk: [], knowledge: [] };
  for (const entry of loaded.connectorConfigs) {
    const connector = findConnector(entry.type);
    if (!connector) continue; // loadConfig already reported it
    const instance = connector.create(entry.name, entry.settings, {
      log: log.child({ connector: entry.name }),
      cache: shared.cacheFor(entry.name),
      postgres: shared.postgres,
      ...dirs,
    }) as ConnectorInstance<ApiByKind[keyof ApiByKind]>;
    (set[connector.kind] as ConnectorInstance<unknown>[]).push(instance);
  }
  const missing = (['monitor', 'cmdb', 'helpdesk', 'knowledge'] as const).filter((k) => set[k].length === 0);
  if (missing.length > 0)
    throw new ConfigError(
      loaded.file,
      missing.map((k) => `connectors: no ${k} connector configured`),
    );
  return set;
}

/** The subgraphs' dependencies; `close` disposes the connectors and closes the service model's history. */
export async function createSubgraphDeps(
  loaded: LoadedConfig,
  policy: PolicyStore,
  log: Logger,
  dirs: { estateDir: string; dataDir: string },
  shared: SharedState,
): Promise<{ deps: SubgraphDeps; close(): Promise<void> }> {
  const connectors = createConnectors(loaded, log, dirs, shared);
  const settings = {
    identification: loaded.config.identification,
    evaluatorIntervalMs: loaded.config.evaluatorIntervalMs,
    maxPageSize: loaded.config.maxPageSize,
  };
  const model = createServiceModel({
    ...dirs,
    connectors,
    settings,
    log: log.child({ part: 'model' }),
    history: await shared.openHistory(),
    lease: shared.lease,
  });
  const all = [...connectors.monitor, ...connectors.cmdb, ...connectors.helpdesk, ...connectors.knowledge];
  return {
    deps: {
      connectors,
      settings,
      ...dirs,
      log,
      policy,
      catalog: model,
      topology: createTopologySource(connectors.cmdb, settings.identification, log.child({ part: 'topology' })),
    },
    async close() {
      await model.close();
      for (const connector of all) await connector.dispose();
    },
  };
}

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => AnyModule> = {
  services: createServicesSubgraph,
  monitoring: createMonitoringSubgraph,
  cmdb: createCmdbSubgraph,
  helpdesk: createHelpdeskSubgraph,
  knowledge: createKnowledgeSubgraph,
};

export async function startServicegraph(options: StartOptions): Promise<Running> {
  const { log } = options;
  const loaded = loadConfig(options.configFile, options.env ?? process.env);
  const { config } = loaded;
  const estateDir = options.estateDir ?? config.estate;
  const dataDir = options.dataDir ?? config.dataDir;
  mkdirSync(dataDir, { recursive: true });
  if (config.subgraphs.mode === 'remote' && !config.internalAuth.secret) {
    throw new ConfigError(loaded.file, [
      'internalAuth.secret: required when subgraphs run in other processes (set it from an environment variable)',
    ]);
  }

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((e: unknown) => log.warn('close failed', { reason: String(e) }));
  };
  try {
    // Opened first, closed last: connectors, the model and the audit log use it.
    const shared = await openSharedState(config, { dataDir, log });
    closers.push(() => shared.close());
    const policy = createPolicyStore(config.policy, log.child({ part: 'policy' }), { watch: true });
    closers.push(async () => policy.close());
    const audit = createAuditLog({ sink: shared.auditSink });
    closers.push(async () => audit.close?.());
    // In one process a fresh random key per start is enough; remote subgraphs share the configured one.
    const key = internalKey(config.internalAuth.secret ?? randomBytes(32).toString('base64url'));

    let subgraphUrls: Record<SubgraphName, string>;
    let deps: SubgraphDeps | undefined;
    const local: Partial<Record<SubgraphName, SubgraphServer>> = {};
    if (config.subgraphs.mode === 'local') {
      const created = await createSubgraphDeps(loaded, policy, log, { estateDir, dataDir }, shared);
      // This process runs the services subgraph: it contends for the evaluator lease.
      shared.lease.start();
      deps = created.deps;
      // Subgraphs close before the model and connectors they use (closers run in reverse).
      closers.push(() => created.close());
      const basePort = options.subgraphBasePort ?? config.subgraphs.basePort;
      const urls: Partial<Record<SubgraphName, string>> = {};
      for (const [i, name] of SUBGRAPH_NAMES.entries()) {
        const server: SubgraphServer = await createSubgraphServer(SUBGRAPH_FACTORIES[name](deps) as SubgraphModule<BaseContext>, {
          policy,
          log,
          internalKey: key,
          maxBodyBytes: config.limits.maxBodyBytes * 4,
          audit,
        });
        closers.push(() => server.close());
        urls[name] = await server.listen(basePort === 0 ? 0 : basePort + i, config.server.host);
        local[name] = server;
      }
      subgraphUrls = urls as Record<SubgraphName, string>;
    } else {
      subgraphUrls = config.subgraphs.urls as Record<SubgraphName, string>;
    }

    const verify = await createVerifier(config.auth, () => policy.current().claims);
    const connectorSet = deps?.connectors;
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
        const checks: Record<string, string> = await shared.checks();
        const all = connectorSet
          ? [...connectorSet.monitor, ...connectorSet.cmdb, ...connectorSet.helpdesk, ...connectorSet.knowledge]
          : [];
        await Promise.all(
          all.map(async (c) => {
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
    return { url: running.url, subgraphUrls, config: loaded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
