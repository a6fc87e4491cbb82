import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadApiSchema } from '../authz/test-support.js';
import { checkDocument, createCostEstimator, MAX_SELECTIONS, type OperationLimits } from './limits.js';

const LIMITS: OperationLimits = {
  maxDepth: 15,
  maxAliases: 50,
  maxTokens: 10_000,
  maxDirectives: 50,
  maxMutations: 10,
  maxTextLength: 10_000,
  assumedListSize: 10,
};

/** N levels of fragments, each spreading the next twice: 2^N selections when expanded. */
const fragmentBomb = (levels: number) =>
  [
    'query { ...F0 }',
    ...Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`),
    `fragment F${levels} on Query { __typename }`,
  ].join(' ');

describe('operation limits', () => {
  let schema: Awaited<ReturnType<typeof loadApiSchema>>['schema'];
  beforeAll(async () => {
    ({ schema } = await loadApiSchema());
  });

  it('refuses a fragment bomb of 60 levels in linear time', () => {
    const document = parse(fragmentBomb(60));
    const started = performance.now();
    const error = checkDocument(schema, document, LIMITS);
    // The hand-written walker took 50 s at 24 levels; generous for a loaded machine.
    expect(performance.now() - started).toBeLessThan(500);
    expect(error?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(error?.message).toContain(`more than ${MAX_SELECTIONS}`);
  });

  it('counts depth, aliases and directives through fragments (graphql-armor)', () => {
    const deep = parse(`{ service(id: "p") { ${'dependents { '.repeat(16)} id ${'} '.repeat(16)} } }`);
    expect(checkDocument(schema, deep, LIMITS)?.message).toMatch(/depth limit of 15 exceeded/);
    const aliased = parse(
      `{ ...A ...A } fragment A on Query { ${Array.from({ length: 30 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`,
    );
    expect(checkDocument(schema, aliased, LIMITS)?.message).toMatch(/Aliases limit of 50 exceeded, found 60/);
    const directives = parse(`{ viewer { ${'id @include(if: true) '.repeat(51)} } }`);
    expect(checkDocument(schema, directives, LIMITS)?.message).toMatch(/Directives limit of 50 exceeded/);
    expect(checkDocument(schema, parse('{ viewer { id } }'), LIMITS)).toBeUndefined();
  });

  it('refuses a string literal longer than maxTextLength without quoting it', () => {
    const error = checkDocument(schema, parse(`{ searchArticles(text: "${'w'.repeat(10_001)}") { id } }`), LIMITS);
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxTextLength: 10_000 });
    expect(error?.message.length).toBeLessThan(100);
  });

  it('costs lists by first (given, by variable, or the SDL default), assumed sizes elsewhere, connections once', () => {
    const costOf = createCostEstimator(schema, LIMITS);
    // configurationItems(first: 3) { id usedBy (10) { type } }: 3 × (1 + 1 + 10 × (1 + 1)) = 66
    expect(costOf(parse('{ configurationItems(first: 3) { id usedBy { type } } }'), null)).toBe(66);
    expect(costOf(parse('query($n: Int) { configurationItems(first: $n) { id } }'), null, { n: 7 })).toBe(14);
    // The SDL default: configurationItems(first: Int = 50).
    expect(costOf(parse('{ configurationItems { id } }'), null)).toBe(100);
    // services(first: 2) { nodes { id } }: the page is sized by first, not again by the assumed size.
    expect(costOf(parse('{ services(first: 2) { nodes { id } } }'), null)).toBe(2 * (1 + 1 * (1 + 1)));
  });
});
