import DataLoader from 'dataloader';
import type { ConnectorInstance, KnowledgeApi } from '../../connectors/core/connector.js';
import type { Article } from '../../kernel/model.js';
import type { BaseContext } from '../common/module.js';
import type { PartialErrors } from '../common/partial-errors.js';
import { splitQualifiedId } from '../../kernel/model.js';
import { connectorError } from '../../kernel/errors.js';

export interface KnowledgeHandle {
  name: string;
  api: KnowledgeApi;
}

/** What the knowledge subgraph serves from. */
export interface KnowledgeSubgraphDeps {
  knowledgeBases: ConnectorInstance<KnowledgeApi>[];
  /** Largest `first` a list accepts. */
  maxPageSize: number;
}

export interface KnowledgeContext extends BaseContext, PartialErrors {
  knowledgeBases: KnowledgeHandle[];
  /** By tool-qualified id, routed by prefix; null for an unknown knowledge base or article. */
  articleById: DataLoader<string, Article | null>;
  maxPageSize: number;
}

export function createKnowledgeContext(deps: KnowledgeSubgraphDeps, base: BaseContext): KnowledgeContext {
  const knowledgeBases = deps.knowledgeBases.map((instance) => ({ name: instance.name, api: instance.forRequest(base.auth) }));
  return {
    ...base,
    errors: [],
    knowledgeBases,
    // The connectors batch their own lookups; this one collapses repeats (the same article linked to
    // many incidents of one answer) and routes each id to its knowledge base.
    articleById: new DataLoader<string, Article | null>(async (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const parts = splitQualifiedId(id);
          const kb = parts && knowledgeBases.find((k) => k.name === parts.connector);
          if (!kb) return null;
          try {
            return await kb.api.articleById(id);
          } catch (error) {
            return connectorError(kb.name, error, base.log);
          }
        }),
      ),
    ),
    maxPageSize: deps.maxPageSize,
  };
}
