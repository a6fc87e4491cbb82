import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors.js';
import { silentLogger } from './log.js';
import { maskErrors } from './mask-errors.js';

const schema = buildSchema('type Query { list(first: Int! = 5): Int, broken: Int, refused: Int }');
const rootValue = {
  list: ({ first }: { first: number }) => first,
  broken: () => {
    throw new Error('connection string postgres://secret@db');
  },
  refused: () => {
    throw ERRORS.NOT_FOUND.err('No such thing');
  },
};

async function formattedErrors(query: string, variableValues: Record<string, unknown> = {}) {
  const result = await execute({ schema, document: parse(query), rootValue, variableValues });
  const mask = maskErrors(silentLogger);
  return (result.errors ?? []).map((error) => mask(error.toJSON(), error));
}

describe('maskErrors', () => {
  it('reports a null variable in a non-null argument as the client’s BAD_USER_INPUT, not an internal error', async () => {
    const [error] = await formattedErrors('query($n: Int) { list(first: $n) }', { n: null });
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/first/);
  });

  it('keeps coded errors and masks everything else', async () => {
    const errors = await formattedErrors('{ broken refused }');
    expect(errors.map((e) => [e.message, e.extensions?.['code']])).toEqual([
      ['Unexpected error', 'INTERNAL_SERVER_ERROR'],
      ['No such thing', 'NOT_FOUND'],
    ]);
  });
});
