import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AuditEvent } from '../../authz/audit.js';
import type { Viewer } from '../../authz/viewer.js';
import type { Logger } from '../../kernel/log.js';
import type { SubgraphName } from '../../schema/subgraphs.js';
import type { RequestAuth } from '../../kernel/request.js';
import type { RequestScope, SubjectOf } from './request-scope.js';
import type { FindObject } from './scope-middleware.js';

/** Per request, before the subgraph adds its own: who asks, as the gateway vouched, and what they may see. */
export interface BaseContext {
  auth: RequestAuth;
  viewer: Viewer;
  log: Logger;
  /** Records an action or a per-object denial in the audit log; who, roles and request id are filled in. */
  audit(event: Pick<AuditEvent, 'kind' | 'action' | 'field' | 'target' | 'result'>): void;
  /** The viewer's scope over every object (request-scope.ts); the scope middleware applies it to every field. */
  scope: RequestScope;
}

/** A subgraph: its resolvers over the schema/<name>.graphql SDL and a per-request context. */
export interface SubgraphModule<TContext extends BaseContext = BaseContext> {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<TContext>;
  /**
   * How this subgraph's values of each entity type say what they are about (Service and
   * ConfigurationItem need nothing: their id says it), and how to find the object a mutation
   * argument names (Service needs nothing: the catalog has it). The server refuses to start when an
   * entity type of the SDL or a type a mutation names is missing here.
   */
  scope?: {
    subjects?: Record<string, SubjectOf>;
    find?: Record<string, FindObject<TContext>>;
  };
  createContext(base: BaseContext): TContext | Promise<TContext>;
  /** Set when the config has no tool of the kind this subgraph serves: why its fields answer empty (NOT_CONFIGURED). */
  unconfigured?: string;
  /** Background work (the health evaluator); called once when the server starts. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
