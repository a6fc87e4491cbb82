import { join } from 'node:path';
import { type AuditLog, createAuditLog } from '../authz/audit.js';
import { createPolicyStore, type PolicyStore } from '../authz/policy.js';
import { catalogOf } from '../bsm/catalog.js';
import { loadServiceDefinitions, type ServiceDefinitions } from '../bsm/definitions.js';
import { createServiceDirectory, type ServiceDirectory } from '../bsm/directory.js';
import { createHistoryStore, type HistoryStore } from '../bsm/history.js';
import { createHistoryTail } from '../bsm/history-tail.js';
import type { LiveStatusSource } from '../gateway/live-status.js';
import { createMergedCmdbSource, type MergedCmdbSource } from '../bsm/merged-cmdb.js';
import { serviceReadings } from '../bsm/business-metrics.js';
import { createServiceModel, type ServiceModel } from '../bsm/model.js';
import { createNotifier } from '../bsm/notifications.js';
import { privateDir } from '../kernel/private-files.js';
import type { ApiByKind, ConnectorInstance } from '../connectors/core/connector.js';
import { connectorType, findConnector, loadConnectors } from '../connectors/registry.js';
import type { Logger } from '../kernel/log.js';
import { reportServices } from '../kernel/metrics.js';
import type { ConnectorKind } from '../kernel/model.js';
import { SYSTEM_AUTH } from '../kernel/request.js';
import { runWithDeadline } from '../kernel/request-context.js';
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
 *
 * One clock (`now`) for everything that measures freshness or dates health: the connectors' caches,
 * the merged CMDB, the model and the services subgraph. A test that drives it expires every cache at
 * once, explicitly, instead of sleeping. Deadlines are another matter: they bound real waiting.
 */
export interface Servicegraph {
  readonly loaded: LoadedConfig;
  readonly estateDir: string;
  readonly dataDir: string;
  policy(): PolicyStore;
  audit(): AuditLog;
  /** What the replicas share (cache, database, evaluator lease); the embedded defaults without config. */
  shared(): SharedState;
  /**
   * Imports the implementations of the configured connector types; awaited before anything creates
   * connectors (`connectors`, `cmdb`, `model`, `subgraphServer`, `readinessChecks`), which throw
   * otherwise. A process that creates none (a gateway over remote subgraphs) never loads them.
   */
  loadConnectors(): Promise<void>;
  /** The configured connector instances of one kind, in config order. */
  connectors<K extends ConnectorKind>(kind: K): ConnectorInstance<ApiByKind[K]>[];
  /** Every connector instance built so far (what this process reads). */
  builtConnectors(): ConnectorInstance<unknown>[];
  definitions(): ServiceDefinitions;
  cmdb(): MergedCmdbSource;
  directory(): ServiceDirectory;
  model(): ServiceModel;
  /** What the gateway's live status reads: the tail of the status history and the service catalogue. */
  liveStatus(): LiveStatusSource;
  /** The subgraph's server (not listening yet); closed by close(). */
  subgraphServer(name: SubgraphName, internalKey: Uint8Array): Promise<SubgraphServer>;
  /**
   * /readyz's checks of what this process serves from: the shared stores, each connector built so
   * far (its tool calls cut at `timeoutMs`), and each kind the config leaves out, which passes with a
   * note ("none configured: …").
   */
  readinessChecks(timeoutMs: number): Record<string, () => Promise<unknown>>;
  close(): Promise<void>;
}

export interface ServicegraphOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Overrides the config's estate directory. */
  estateDir?: string;
  /** Overrides the config's data directory. */
  dataDir?: string;
  /** The clock of the caches, the model and the services subgraph (tests drive it). @default wall clock */
  now?: () => Date;
}

/** What a subgraph without its kind of tool answers, and why (NOT_CONFIGURED). */
const UNCONFIGURED: Record<Exclude<ConnectorKind, 'cmdb'>, string> = {
  monitor: 'no monitor is configured: alerts answer empty and every status is UNKNOWN',
  helpdesk: 'no help desk is configured: incidents answer empty and none can be opened',
  knowledge: 'no knowledge base is configured: articles answer empty',
};

export function createServicegraph(options: ServicegraphOptions): Servicegraph {
  const { loaded, log } = options;
  const { config } = loaded;
  const estateDir = options.estateDir ?? config.estate;
  const dataDir = options.dataDir ?? config.dataDir;
  const closers: (() => Promise<void> | void)[] = [];
  const built: ConnectorInstance<unknown>[] = [];
  const clock = options.now ?? (() => new Date());
  const epochMs = () => clock().getTime();

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
    () => createSharedState(config, log.child({ part: 'shared-state' }), epochMs),
    (state) => state.close(),
  );

  const createKind = <K extends ConnectorKind>(kind: K): ConnectorInstance<ApiByKind[K]>[] => {
    const instances: ConnectorInstance<ApiByKind[K]>[] = [];
    for (const entry of loaded.connectorConfigs) {
      if (connectorType(entry.type)?.kind !== kind) continue; // loadConfig reported unknown types
      const instance = findConnector(entry.type).create(entry.name, entry.settings, {
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
      now: epochMs,
    }),
  );
  const directory = part(() => createServiceDirectory(definitions(), cmdb(), log.child({ part: 'directory' })));
  const history = part(
    (): HistoryStore => createHistoryStore({ dataDir, postgres: shared().postgres }),
    (store) => store.close(),
  );
  const model = part(() => {
    const webhooks = config.notifications.webhooks;
    const notifier =
      webhooks.length > 0
        ? createNotifier({
            webhooks,
            definitions: definitions(),
            monitors: connectors('monitor').map((m) => ({ name: m.name, api: m.forRequest(SYSTEM_AUTH) })),
            log: log.child({ part: 'notifications' }),
            deliveryLog: join(privateDir(dataDir), 'notifications.log'),
            now: clock,
            checkEveryMs: config.evaluatorIntervalMs,
          })
        : null;
    const built = createServiceModel({
      directory: directory(),
      monitors: connectors('monitor'),
      history: history(),
      lease: shared().lease,
      log: log.child({ part: 'model' }),
      deadlineMs: config.requestDeadlineMs,
      now: clock,
      ...(notifier
        ? { onRecorded: (written) => notifier.recorded(written), onEvaluated: (snapshot) => notifier.evaluated(snapshot, built) }
        : {}),
    });
    // The business series of /metrics come from the process that holds the model.
    if (config.metrics.enabled && config.metrics.business) {
      closers.push(reportServices(serviceReadings(built, clock, log.child({ part: 'metrics' }))));
    }
    return built;
  });
  // Every replica tails the history, the lease holder too: one way to learn transitions everywhere.
  const tail = part(
    () => createHistoryTail(history(), { intervalMs: config.evaluatorIntervalMs, log: log.child({ part: 'live-status' }) }),
    (t) => t.close(),
  );
  const liveStatus = (): LiveStatusSource => ({ listen: tail().listen, after: tail().after, services: () => directory().services() });
  /** A subgraph over no tool of its kind answers empty and says why. */
  const unless = <M extends object>(kind: keyof typeof UNCONFIGURED, module: M): M =>
    connectors(kind).length > 0 ? module : { ...module, unconfigured: UNCONFIGURED[kind] };

  const maxPageSize = config.maxPageSize;
  /** Serves one subgraph module; generic so each module keeps its own context type. */
  const serve = async <C extends BaseContext>(module: SubgraphModule<C>, internalKey: Uint8Array): Promise<SubgraphServer> => {
    const server = await createSubgraphServer(module, {
      policy: policy(),
      log,
      internalKey,
      maxBodyBytes: config.limits.maxBodyBytes * 4,
      audit: audit(),
      directory: directory(),
      deadlineMs: config.requestDeadlineMs,
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
          now: clock,
        }),
        key,
      );
    },
    monitoring: (key) =>
      serve(unless('monitor', createMonitoringSubgraph({ monitors: connectors('monitor'), cmdb: cmdb(), maxPageSize })), key),
    cmdb: (key) => serve(createCmdbSubgraph({ cmdb: cmdb(), maxPageSize }), key),
    helpdesk: (key) =>
      serve(
        unless(
          'helpdesk',
          createHelpdeskSubgraph({
            helpdesks: connectors('helpdesk'),
            knowledgeBases: connectors('knowledge'),
            cmdb: cmdb(),
            catalog: catalogOf(definitions()),
            maxPageSize,
          }),
        ),
        key,
      ),
    knowledge: (key) => serve(unless('knowledge', createKnowledgeSubgraph({ knowledgeBases: connectors('knowledge'), maxPageSize })), key),
  };

  function readinessChecks(timeoutMs: number): Record<string, () => Promise<unknown>> {
    const checks: Record<string, () => Promise<unknown>> = { ...shared().checks() };
    // The tool calls of a check end with it, rather than outliving the probe by their own timeouts.
    for (const c of built) checks[`connector:${c.name}`] = () => runWithDeadline(timeoutMs, () => c.healthCheck());
    for (const kind of Object.keys(UNCONFIGURED) as (keyof typeof UNCONFIGURED)[]) {
      if (connectors(kind).length === 0) checks[`kind:${kind}`] = async () => `none configured (${UNCONFIGURED[kind]})`;
    }
    return checks;
  }

  return {
    loaded,
    estateDir,
    dataDir,
    policy,
    audit,
    shared,
    loadConnectors: () => loadConnectors(loaded.connectorConfigs.map((c) => c.type)),
    connectors,
    builtConnectors: () => [...built],
    definitions,
    cmdb,
    directory,
    model,
    liveStatus,
    subgraphServer: (name, internalKey) => servers[name](internalKey),
    readinessChecks,
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
