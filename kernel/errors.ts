import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import type { Logger } from './log.js';

/**
 * The one registry of error codes. Every deliberate error carries one of these in
 * `extensions.code`; `npm run docs:errors` writes this table into the README.
 * Extensions carry only `code`, `connector` and a few safe fields: never an upstream body, URL or token.
 */
const define = <C extends string>(code: C, description: string) => ({
  code,
  description,
  err: (message: string, options?: GraphQLErrorOptions) =>
    new GraphQLError(message, { ...options, extensions: { ...options?.extensions, code } }),
});

export const ERRORS = {
  UNAUTHENTICATED: define('UNAUTHENTICATED', 'No valid caller identity: token missing where required, malformed, forged or expired.'),
  FORBIDDEN: define('FORBIDDEN', 'The policy does not let the caller read this field or take this action.'),
  BAD_USER_INPUT: define('BAD_USER_INPUT', 'An argument is malformed or refers to nothing.'),
  NOT_FOUND: define('NOT_FOUND', 'The tool has no such object.'),
  LIMIT_EXCEEDED: define('LIMIT_EXCEEDED', 'The operation is too large, too deep or too costly.'),
  UPSTREAM_UNAVAILABLE: define(
    'UPSTREAM_UNAVAILABLE',
    'A tool timed out, refused, answered garbage or failed after retries; its circuit may be open.',
  ),
  UPSTREAM_AUTH_FAILED: define('UPSTREAM_AUTH_FAILED', 'A tool rejected the credentials servicegraph uses for it.'),
  UPSTREAM_REJECTED: define(
    'UPSTREAM_REJECTED',
    'A tool refused an action (validation, conflict, nothing to acknowledge); nothing was changed.',
  ),
  NOT_CONFIGURED: define(
    'NOT_CONFIGURED',
    'No tool of the kind this field reads is configured (a help desk, a knowledge base, a monitor): it answers empty.',
  ),
  CONFIG_INVALID: define('CONFIG_INVALID', 'The configuration, policy or estate failed validation.'),
  INTERNAL_SERVER_ERROR: define('INTERNAL_SERVER_ERROR', 'An unexpected error; details are in the server log under the request id.'),
} as const;

/** Markdown table of the registry, for the README. */
export function errorCodeTable(): string {
  const rows = Object.values(ERRORS).map((e) => `| \`${e.code}\` | ${e.description} |`);
  return ['| code | meaning |', '| --- | --- |', ...rows].join('\n');
}

/** Thrown for config, policy and estate problems found at start; lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A connector's failure as the error the client sees: a GraphQLError with a code keeps it (and gets
 * the connector's name if it lacks one); anything else is a bug or an unmapped failure, logged and
 * shown as the tool being unavailable, never with its message (which may hold an upstream body).
 */
export function connectorError(connector: string, error: unknown, log?: Logger): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') {
    if (error.extensions['connector'] !== undefined) return error;
    return new GraphQLError(error.message, {
      ...(error.originalError ? { originalError: error.originalError } : {}),
      extensions: { ...error.extensions, connector },
    });
  }
  log?.error('connector failed', { connector, error: error instanceof Error ? error.message : String(error) });
  return ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} is unavailable`, { extensions: { connector } });
}
