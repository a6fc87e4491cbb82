import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, Kind } from 'graphql';
import { ERRORS } from './errors.js';
import type { Logger } from './log.js';

/** Masks every error that is not a deliberate, coded GraphQLError (resolver bugs, driver errors). */
export function maskErrors(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GraphQLError && original.extensions['code']) return formatted;
    if (formatted.extensions?.['code'] && formatted.extensions['code'] !== 'INTERNAL_SERVER_ERROR') return formatted;
    // graphql-js refused an argument before any resolver ran (a null variable where the argument is
    // non-null, as `first: Int! = 50`): it points at the value, where a resolver's error points at the field.
    if (original instanceof GraphQLError && original.nodes?.some((node) => node.kind !== Kind.FIELD))
      return { ...formatted, extensions: { ...formatted.extensions, code: ERRORS.BAD_USER_INPUT.code } };
    log.error('unexpected error', { reason: original instanceof Error ? (original.stack ?? original.message) : String(original) });
    return {
      message: 'Unexpected error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ERRORS.INTERNAL_SERVER_ERROR.code },
    };
  };
}
