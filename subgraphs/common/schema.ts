import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { ScopeSource } from '../../bsm/directory.js';
import { subgraphSdl, subgraphTypeDefs } from '../../schema/subgraphs.js';
import type { BaseContext, SubgraphModule } from './module.js';
import { createEntityScopes, createRequestScope, type EntityScopes } from './request-scope.js';
import { createScopeMiddleware } from './scope-middleware.js';

/**
 * A subgraph's executable schema as every server and test runs it: its resolvers over its SDL, with
 * the scope middleware on every field that returns or names an entity. The server adds the shield
 * on top (outermost).
 */
export interface ScopedSchema {
  schema: GraphQLSchema;
  /** Builds the base context of one request: the caller's fields plus its scope (`dryRun`: the policy's). */
  baseContext(fields: Omit<BaseContext, 'scope'>, options?: { dryRun?: boolean }): BaseContext;
}

export function buildScopedSchema<C extends BaseContext>(module: SubgraphModule<C>, directory: ScopeSource): ScopedSchema {
  const sdl = subgraphSdl(module.name);
  const entities: EntityScopes = createEntityScopes(module.name, module.scope?.subjects);
  const base = buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(module.name), resolvers: module.resolvers }]);
  const middleware = createScopeMiddleware<C>(base, { entities, sdl, find: module.scope?.find ?? {} });
  return {
    schema: applyMiddleware(base, middleware),
    baseContext: (fields, options = {}) => ({ ...fields, scope: createRequestScope(fields.viewer, directory, entities, options) }),
  };
}
