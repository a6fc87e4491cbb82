import { Kind, type GraphQLResolveInfo } from 'graphql';
import { ERRORS } from '../../kernel/errors.js';

/**
 * Validates a list's `first` against the configured cap. A value the client wrote is refused past
 * the cap; the SDL's default (`first: Int! = 50`) is cut to the cap instead, since the client asked
 * for no particular size and a deployment may configure a cap below the schema's defaults.
 */
export function checkFirst(first: number, max: number, info: GraphQLResolveInfo): number {
  if (first < 0) throw ERRORS.BAD_USER_INPUT.err('first must not be negative');
  if (first <= max) return first;
  // Written in the operation, or passed in a variable the client set (not the variable's absence).
  const written = info.fieldNodes.some((node) =>
    node.arguments?.some(
      (arg) => arg.name.value === 'first' && (arg.value.kind !== Kind.VARIABLE || arg.value.name.value in info.variableValues),
    ),
  );
  if (written) throw ERRORS.BAD_USER_INPUT.err(`first must be at most ${max}`);
  return max;
}
