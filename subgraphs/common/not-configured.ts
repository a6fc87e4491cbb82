import type { ApolloServerPlugin } from '@apollo/server';
import { responsePathAsArray } from 'graphql';
import { ERRORS } from '../../kernel/errors.js';

/**
 * A subgraph whose kind of tool the config leaves out (no help desk, no knowledge base, no monitor)
 * still serves: a partial view beats none. Its fields answer empty, and each response says why,
 * once, at the first field it resolved: NOT_CONFIGURED with the reason, never an outage code, so a
 * portal can tell "nothing there" from "not connected".
 */
export function notConfiguredPlugin(reason: string): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let path: (string | number)[] | null = null;
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              // Federation's own fields (the SDL, entity lookups) are the gateway's business, not a reader's.
              if (path === null && !info.fieldName.startsWith('_')) path = responsePathAsArray(info.path);
            },
          };
        },
        async willSendResponse({ response }) {
          if (path === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // A resolver that refused for the same reason (a write with nowhere to go) already said it.
          if (result.errors?.some((e) => e.extensions?.['code'] === ERRORS.NOT_CONFIGURED.code)) return;
          const error = ERRORS.NOT_CONFIGURED.err(reason, { path });
          result.errors = [...(result.errors ?? []), error.toJSON()];
        },
      };
    },
  };
}
