import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ERRORS } from '../kernel/errors.js';

/**
 * Operation limits: nesting depth through fragments, and alias count (aliases multiply the work per
 * field, the classic batching attack). Checked once the operation is resolved, before planning, so
 * a rejected operation costs no subgraph call. (A validation rule would lose our error code: Apollo
 * rewrites validation errors to GRAPHQL_VALIDATION_FAILED.)
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode, maxDepth: number) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const counts = { aliases: 0, depth: 0 };
  const walk = (set: SelectionSetNode, depth: number, seen: ReadonlySet<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) counts.aliases += 1;
        counts.depth = Math.max(counts.depth, depth + 1);
        // Stop descending past the limit: the answer is already "too deep".
        if (sel.selectionSet && depth + 1 <= maxDepth) walk(sel.selectionSet, depth + 1, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, seen);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (fragment && !seen.has(fragment.name.value)) walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value]));
      }
    }
  };
  walk(operation.selectionSet, 0, new Set());
  return counts;
}

export function limitsPlugin(limits: { maxDepth: number; maxAliases: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation) return;
          const { depth, aliases } = measureOperation(document, operation, limits.maxDepth);
          if (depth > limits.maxDepth) {
            throw ERRORS.LIMIT_EXCEEDED.err(`operation is nested deeper than ${limits.maxDepth} levels`, {
              extensions: { http: { status: 400 } },
            });
          }
          if (aliases > limits.maxAliases) {
            throw ERRORS.LIMIT_EXCEEDED.err(`operation uses more than ${limits.maxAliases} aliases`, {
              extensions: { http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
