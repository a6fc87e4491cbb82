import type { BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { OperationChecks } from '../authz/gateway-plugin.js';
import { costBudget, type PolicyStore } from '../authz/policy.js';
import { ERRORS } from '../kernel/errors.js';
import { createActionRateLimit, type RateLimiterFactory } from './action-rate.js';
import { checkCost, checkDocument, checkVariables, createCostEstimator, type OperationLimits } from './limits.js';

/**
 * The gateway's limits, in the order the authorization plugin runs them: the document's shape
 * (cached per text, before validation and the filter), then per request the variables' lengths and
 * the cost of what will run (the filtered document) against the viewer's budget, and once authorized
 * the number of actions and their rate per viewer. All before any subgraph is asked.
 */
export function createOperationChecks<TContext extends BaseContext>(options: {
  limits: OperationLimits;
  policy: PolicyStore;
  rateLimiter?: RateLimiterFactory;
}): OperationChecks<TContext> {
  const { limits, policy } = options;
  // One estimator per schema (it reads the schema's connection types once).
  const estimators = new WeakMap<GraphQLSchema, ReturnType<typeof createCostEstimator>>();
  const estimatorFor = (schema: GraphQLSchema) => {
    let found = estimators.get(schema);
    if (!found) estimators.set(schema, (found = createCostEstimator(schema, limits)));
    return found;
  };
  const consume = createActionRateLimit(options.rateLimiter);
  return {
    document: (document, schema) => checkDocument(schema, document, limits),
    request: ({ schema, document, operationName, variables, viewer }) => {
      const tooLong = checkVariables(variables, limits);
      if (tooLong) return tooLong;
      let cost: number;
      try {
        cost = estimatorFor(schema)(document, operationName, variables);
      } catch {
        // A literal or a variable that does not fit its type: validation (of the document) or the
        // gateway (of the variables) refuses the operation before anything runs, with the right code.
        return undefined;
      }
      return checkCost(cost, costBudget(policy.current(), viewer));
    },
    authorized: async ({ viewer, mutations }) => {
      if (mutations > limits.maxMutations) {
        return ERRORS.LIMIT_EXCEEDED.err(`operation runs ${mutations} actions, more than ${limits.maxMutations}`, {
          extensions: { http: { status: 400 } },
        });
      }
      return consume(viewer.id, mutations, policy.current().actionRate);
    },
  };
}
