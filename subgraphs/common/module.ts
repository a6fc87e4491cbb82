import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AuditEvent } from '../../authz/audit.js';
import type { Viewer } from '../../authz/viewer.js';
import type { PolicyStore } from '../../authz/policy.js';
import type { ServiceCatalog } from '../../bsm/catalog.js';
import type { ConnectorSet } from '../../connectors/core/connector.js';
import type { IdentificationRules } from '../../kernel/correlate.js';
import type { Logger } from '../../kernel/log.js';
import type { SubgraphName } from '../../schema/subgraphs.js';
import type { TopologySource } from '../../bsm/cmdb-topology.js';
import type { RequestAuth } from '../../kernel/request.js';

/** Settings that shape behaviour across subgraphs (from the config file). */
export interface RuntimeSettings {
  identification: IdentificationRules;
  /** How often the evaluator records service and CI status transitions. */
  evaluatorIntervalMs: number;
  /** Largest `first` a list accepts. */
  maxPageSize: number;
}

/** What the composition root hands every subgraph. Created once at start. */
export interface SubgraphDeps {
  connectors: ConnectorSet;
  settings: RuntimeSettings;
  estateDir: string;
  dataDir: string;
  log: Logger;
  policy: PolicyStore;
  /** The service model's view for scope checks (shared by the subgraphs of one process). */
  catalog: ServiceCatalog;
  /** Every CMDB merged into one, shared by the requests of the subgraphs of one process. */
  topology: TopologySource;
}

/** Per request, before the subgraph adds its own: who asks, as the gateway vouched. */
export interface BaseContext {
  auth: RequestAuth;
  viewer: Viewer;
  log: Logger;
  /** Records an action or a per-object denial in the audit log; who, roles and request id are filled in. */
  audit(event: Pick<AuditEvent, 'kind' | 'action' | 'field' | 'target' | 'result'>): void;
}

/** A subgraph: its resolvers over the schema/<name>.graphql SDL and a per-request context. */
export interface SubgraphModule<TContext extends BaseContext = BaseContext> {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<TContext>;
  createContext(base: BaseContext): TContext | Promise<TContext>;
  /** Background work (the health evaluator); called once when the server starts. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
