import { type AuditLog, createAuditLog } from '../authz/audit.js';
import { createPolicyStore, type PolicyStore } from '../authz/policy.js';
import { loadServiceDefinitions, type ServiceDefinitions } from '../bsm/definitions.js';
import { createServiceDirectory, type ServiceDirectory } from '../bsm/directory.js';
import { createHistoryStore, type HistoryStore } from '../bsm/history.js';
import { createMergedCmdbSource, type MergedCmdbSource } from '../bsm/merged-cmdb.js';
import { createServiceModel, type ServiceModel } from '../bsm/model.js';
import type { ApiByKind, ConnectorInstance } from '../connectors/core/connector.js';
import { findConnector } from '../connectors/registry.js';
import type { Logger } from '../kernel/log.js';
import type { ConnectorKind } from '../kernel/model.js';
import type { SubgraphName } from '../schema/subgraphs.js';
import { createCmdbSubgraph } from '../subgraphs/cmdb/index.js';
import type { BaseContext, SubgraphModule } from '../subgraphs/common/module.js';
import { createSubgraphServer, type SubgraphServer } from '../subgraphs/common/server.js';
import { createHelpdeskSubgraph } from '../subgraphs/helpdesk/index.js';
import { createKnowledgeSubgraph } from '../subgraphs/knowledge/index.js';
import { createMonitoringSubgraph } from '../subgraphs/monitoring/index.js';
import { createServicesSubgraph } from '../subgraphs/services/index.js';
import type { LoadedConfig } from './config.js';
import { createSharedState, type SharedState } from './shared-state.js';

/**
 * The composition root: config → policy → connectors → the one merged CMDB → the service directory
 * → the service model → subgraphs. Every part is built on first use, once, so a process builds only
 * what it serves: a standalone knowledge subgraph creates the knowledge connectors and the policy,
 * and opens no history database. Nothing is created on import; `close()` closes what was built, in
 * reverse order. The gateway is assembled in start-gateway.ts, so a subgraph never loads it.
 */
export interface Servicegraph {
  readonly loaded: LoadedConfig;
  readonly estateDir: string;
  readonly dataDir: string;
  policy(): PolicyStore;
  audit(): AuditLog;
  /** What the replicas share (cache, database, evaluator lease); the embedded defaults without config. */
  shared(): SharedState;
  /** The configured connector instances of one kind, in config order. */
  connectors<K extends ConnectorKind>(kind: K): ConnectorInstance<ApiByKind[K]>[];
  /** Every connector instance built so far (what this process reads). */
  builtConnectors(): ConnectorInstance<unknown>[];
  definitions(): ServiceDefinitions;
  cmdb(): MergedCmdbSource;
  directory(): ServiceDirectory;
  model(): ServiceModel;
  /** The subgraph's server (not listening yet); closed by close(). */
  subgraphServer(name: SubgraphName, internalKey: Uint8Array): Promise<SubgraphServer>;
  close(): Promise<void>;
}

export interface ServicegraphOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Overrides the config's estate directory. */
  estateDir?: string;
  /** Overrides the config's data directory. */
  dataDir?: string;
  /** The clock of the model and the shared reads (tests pin it). @default wall clock */
  now?: () => Date;
}

export function createServicegraph(options: ServicegraphOptions): Servicegraph {
  const { loaded, log } = options;
  const { config } = loaded;
  const estateDir = options.estateDir ?? config.estate;
  const dataDir = options.dataDir ?? config.dataDir;
  const closers: (() => Promise<void> | void)[] = [];
  const built: ConnectorInstance<unknown>[] = [];

  /** A part built on first use; its closer runs in reverse order of building. */
  function part<T>(make: () => T, close?: (value: T) => Promise<void> | void): () => T {
    let made: { value: T } | null = null;
    return () => {
      if (!made) {
        made = { value: make() };
        const { value } = made;
        if (close) closers.push(() => close(value));
      }
      return made.value;
    };
  }

  // Closed after everything that uses it: it is built first, by whatever needs it first.
  const shared = part(
    () => createSharedState(config, log.child({ part: 'shared-state' })),
    (state) => state.close(),
  );

  const createKind = <K extends ConnectorKind>(kind: K): ConnectorInstance<ApiByKind[K]>[] => {
    const instances: ConnectorInstance<ApiByKind[K]>[] = [];
    for (const entry of loaded.connectorConfigs) {
      const connector = findConnector(entry.type);
      if (connector?.kind !== kind) continue; // loadConfig reported unknown types
      const instance = connector.create(entry.name, entry.settings, {
        log: log.child({ connector: entry.name }),
        cache: shared().cacheFor(entry.name),
        postgres: shared().postgres,
        estateDir,
        // Whatever keeps state there creates the directory when it first writes (never on a failed start).
        dataDir,
      }) as ConnectorInstance<ApiByKind[K]>;
      instances.push(instance);
      built.push(instance);
    }
    return instances;
  };
  const disposeAll = async (instances: ConnectorInstance<unknown>[]) => {
    for (const instance of instances) await instance.dispose();
  };
  const byKind = {
    monitor: part(() => createKind('monitor'), disposeAll),
    cmdb: part(() => createKind('cmdb'), disposeAll),
    helpdesk: part(() => createKind('helpdesk'), disposeAll),
    knowledge: part(() => createKind('knowledge'), disposeAll),
  };
  const connectors = <K extends ConnectorKind>(kind: K) => byKind[kind]() as ConnectorInstance<ApiByKind[K]>[];

  const policy = part(
    () => createPolicyStore(config.policy, log.child({ part: 'policy' }), { watch: true }),
    (store) => store.close(),
  );
  const audit = part(
    () => createAuditLog({ sink: shared().auditSink }),
    (sink) => sink.close?.(),
  );
  // Validated when first asked for: a bad estate stops the start before anything is opened.
  const definitions = part(() => loadServiceDefinitions(estateDir));
  const cmdb = part(() =>
    createMergedCmdbSource(connectors('cmdb'), {
      identification: config.identification,
      log: log.child({ part: 'cmdb' }),
      ...(options.now ? { now: () => (options.now as () => Date)().getTime() } : {}),
    }),
  );
  const directory = part(() => createServiceDirectory(definitions(), cmdb(), log.child({ part: 'directory' })));
  const history = part(
    (): HistoryStore => createHistoryStore({ dataDir, postgres: shared().postgres }),
    (store) => store.close(),
  );
  const model = part(() =>
    createServiceModel({
      directory: directory(),
      monitors: connectors('monitor'),
      history: history(),
      lease: shared().lease,
      log: log.child({ part: 'model' }),
      ...(options.now ? { now: options.now } : {}),
    }),
  );

  const maxPageSize = config.maxPageSize;
  /** Serves one subgraph module; generic so each module keeps its own context type. */
  const serve = async <C extends BaseContext>(module: SubgraphModule<C>, internalKey: Uint8Array): Promise<SubgraphServer> => {
    const server = await createSubgraphServer(module, {
      policy: policy(),
      log,
      internalKey,
      maxBodyBytes: config.limits.maxBodyBytes * 4,
      audit: audit(),
      shutdownGraceMs: config.server.shutdownGraceMs,
    });
    // Servers close before the model and connectors they use (closers run in reverse).
    closers.push(() => server.close());
    return server;
  };
  const servers: Record<SubgraphName, (internalKey: Uint8Array) => Promise<SubgraphServer>> = {
    services: (key) => {
      // The services subgraph runs the evaluator: its replicas contend for the lease, the holder records.
      shared().lease.start();
      return serve(
        createServicesSubgraph({
          model: model(),
          monitors: connectors('monitor'),
          helpdesks: connectors('helpdesk'),
          maxPageSize,
          evaluatorIntervalMs: config.evaluatorIntervalMs,
          log: log.child({ subgraph: 'services' }),
        }),
        key,
      );
    },
    monitoring: (key) =>
      serve(createMonitoringSubgraph({ monitors: connectors('monitor'), cmdb: cmdb(), directory: directory(), maxPageSize }), key),
    cmdb: (key) => serve(createCmdbSubgraph({ cmdb: cmdb(), maxPageSize }), key),
    helpdesk: (key) =>
      serve(
        createHelpdeskSubgraph({
          helpdesks: connectors('helpdesk'),
          knowledgeBases: connectors('knowledge'),
          cmdb: cmdb(),
          directory: directory(),
          maxPageSize,
        }),
        key,
      ),
    knowledge: (key) => serve(createKnowledgeSubgraph({ knowledgeBases: connectors('knowledge'), maxPageSize }), key),
  };

  return {
    loaded,
    estateDir,
    dataDir,
    policy,
    audit,
    shared,
    connectors,
    builtConnectors: () => [...built],
    definitions,
    cmdb,
    directory,
    model,
    subgraphServer: (name, internalKey) => servers[name](internalKey),
    async close() {
      for (const close of closers.splice(0).reverse()) {
        try {
          await close();
        } catch (error) {
          log.warn('close failed', { reason: String(error) });
        }
      }
    },
  };
}
