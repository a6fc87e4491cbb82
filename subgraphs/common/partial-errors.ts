import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, responsePathAsArray, type ExecutionResult, type GraphQLResolveInfo } from 'graphql';

/**
 * Errors of a field that still returns data.
 *
 * A list merged from several tools (alerts from three monitors, one of them down) must return what
 * the healthy tools gave AND say which tool failed. A graphql-js resolver can either return or
 * throw, and these lists are non-null (`[Alert!]!`), so throwing would null the whole answer. So the
 * resolver returns the partial list and records the failed tool's error here, with the path of the
 * field; the server appends `ctx.errors` to the response (`partialErrorsPlugin` for Apollo
 * Server, `appendPartialErrors` for a plain `execute`). The gateway then sees an ordinary field error with
 * `extensions.code` and `extensions.connector`, next to the data.
 */
export interface PartialErrors {
  errors: GraphQLError[];
}

/** Records a failure at the field being resolved; the same error at the same path counts once. */
export function recordPartialError(ctx: PartialErrors, error: GraphQLError, info: GraphQLResolveInfo): void {
  const path = responsePathAsArray(info.path);
  const key = JSON.stringify([path, error.message, error.extensions['code'], error.extensions['connector']]);
  if (ctx.errors.some((e) => JSON.stringify([e.path, e.message, e.extensions['code'], e.extensions['connector']]) === key)) return;
  ctx.errors.push(
    new GraphQLError(error.message, {
      path,
      extensions: error.extensions,
      ...(error.originalError ? { originalError: error.originalError } : {}),
    }),
  );
}

/** What the server does after execution: the recorded errors join the response's errors. */
export function appendPartialErrors<T extends ExecutionResult>(result: T, ctx: PartialErrors): T {
  if (ctx.errors.length === 0) return result;
  return { ...result, errors: [...(result.errors ?? []), ...ctx.errors] };
}

/**
 * Apollo Server plugin: appends the recorded errors to the response. They are coded GraphQLErrors
 * made by connectorError, so they are formatted as they are (formatError has already run by now).
 */
export const partialErrorsPlugin: ApolloServerPlugin<Partial<PartialErrors>> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const recorded = contextValue.errors;
        if (response.body.kind !== 'single' || !recorded?.length) return;
        const result = response.body.singleResult;
        result.errors = [...(result.errors ?? []), ...recorded.map((error) => error.toJSON())];
      },
    };
  },
};
