import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type DocumentNode,
  getNamedType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  TypeInfo,
  ValidationContext,
  getOperationAST,
  visit,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { createComplexityRule, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { ERRORS } from '../kernel/errors.js';

/**
 * Operation limits, checked before the authorization filter and before any planning, so a rejected
 * operation costs a parse and a few linear walks, never a subgraph call:
 *
 * - depth, aliases and directives by graphql-armor's validation rules (they memoise fragments, so a
 *   query of nested fragment spreads costs what its text costs, not 2^levels); tokens by the parser's
 *   own `maxTokens` (which is what graphql-armor's max-tokens plugin sets too);
 * - the longest string a client may send, in the document or in the variables (free text reaches
 *   the tools: ticket descriptions, comments), coded BAD_USER_INPUT and never echoed;
 * - the cost: graphql-query-complexity with the estimator below, against the viewer's budget.
 *
 * All of them answer coded errors with an HTTP status (Apollo Server would turn a validation rule's
 * error into GRAPHQL_VALIDATION_FAILED, so the rules run here, and report through callbacks).
 */
export interface OperationLimits {
  /** Deepest selection nesting (fragments flattened). @default 15 */
  maxDepth: number;
  /** Most aliases, counted through fragments. @default 50 */
  maxAliases: number;
  /** Most tokens the parser reads. @default 10000 */
  maxTokens: number;
  /** Most directives, counted through fragments. @default 50 */
  maxDirectives: number;
  /** Most mutation fields in one operation. @default 10 */
  maxMutations: number;
  /** Longest string argument or variable, in characters. @default 10000 */
  maxTextLength: number;
  /** How many elements the cost assumes for a list field without a `first` argument. @default 10 */
  assumedListSize: number;
}

const limitError = (message: string, extensions: Record<string, unknown> = {}) =>
  ERRORS.LIMIT_EXCEEDED.err(message, { extensions: { ...extensions, http: { status: 400 } } });

/** Depth, aliases, directives and string literals: depends on the document only (cache the answer). */
export function checkDocument(schema: GraphQLSchema, document: DocumentNode, limits: OperationLimits): GraphQLError | undefined {
  const found: string[] = [];
  // Each rule reports through onReject instead of throwing, so one pass finds every violation.
  const report = {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [(_ctx: unknown, error: GraphQLError) => found.push(error.message)],
  };
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  const visitors = [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ].map((rule) => rule(context) as unknown as { OperationDefinition: { enter(this: unknown, node: OperationDefinitionNode): void } });
  // The rules act on each operation and walk it themselves (fragments memoised): calling them there
  // directly spares a full validate() pass with type info, 40 times dearer on the bomb.
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const visitor of visitors) visitor.OperationDefinition.enter.call(visitor, def);
  }
  if (found.length > 0) return limitError(found.map((m) => m.replace(/^Syntax Error: /, '')).join(' '));
  const selections = expandedSelections(document);
  if (selections > MAX_SELECTIONS) {
    return limitError(`operation selects ${selections} fields and fragments through its fragment spreads, more than ${MAX_SELECTIONS}`, {
      cost: null,
    });
  }
  let longest = 0;
  visit(document, {
    StringValue: (node) => {
      longest = Math.max(longest, node.value.length);
    },
  });
  return longest > limits.maxTextLength ? tooLong(limits.maxTextLength) : undefined;
}

const tooLong = (max: number) =>
  ERRORS.BAD_USER_INPUT.err(`a string argument is longer than ${max} characters`, {
    extensions: { maxTextLength: max, http: { status: 400 } },
  });

/** The longest string anywhere in the variables (depth-first; arrays and objects of any depth). */
function longestString(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  let longest = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) longest = Math.max(longest, longestString(v, depth + 1));
  return longest;
}

export function checkVariables(variables: Record<string, unknown> | undefined, limits: OperationLimits): GraphQLError | undefined {
  return variables && longestString(variables) > limits.maxTextLength ? tooLong(limits.maxTextLength) : undefined;
}

/**
 * Most selections an operation may expand to, every fragment counted once per spread. The cost walk
 * (graphql-query-complexity) re-walks a fragment at each spread, so this bounds its work; far above
 * any real operation (the dashboard of bench/authz.ts expands to about 70).
 */
export const MAX_SELECTIONS = 5_000;

/**
 * How many selections the operations expand to, with each fragment's size computed once (so a
 * fragment spread twice per level for 60 levels costs 60 steps, not 2^60). A cycle counts as
 * nothing here; validation refuses it.
 */
function expandedSelections(document: DocumentNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  const sizes = new Map<string, number>();
  const sizeOf = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      n += 1;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        if (!sizes.has(name)) {
          sizes.set(name, 0); // in progress: a cycle adds nothing
          const fragment = fragments.get(name);
          sizes.set(name, fragment ? sizeOf(fragment) : 0);
        }
        n += sizes.get(name) ?? 0;
      } else if (sel.selectionSet) n += sizeOf(sel.selectionSet);
      if (n > MAX_SELECTIONS) return n; // enough to refuse
    }
    return n;
  };
  let total = 0;
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) total = Math.max(total, sizeOf(def.selectionSet));
  return total;
}

/**
 * The cost of an operation: every field costs 1 plus what it selects; a field with a `first`
 * argument multiplies that by `first` (the value given, or its SDL default, the page size); a list
 * field without one by `assumedListSize`, except the page of a connection (a list inside a type that
 * a `first` field returns as one object: `services(first) { nodes }` is sized by `first` once).
 * Nested lists multiply. So the cost estimates how many values the answer can hold.
 */
export function createCostEstimator(schema: GraphQLSchema, limits: Pick<OperationLimits, 'assumedListSize'>) {
  const connectionTypes = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      if (field.args.some((a) => a.name === 'first') && !isListType(unwrapped)) connectionTypes.add(getNamedType(field.type).name);
    }
  }
  const isList = (type: GraphQLOutputType) => isListType(isNonNullType(type) ? type.ofType : type);
  const estimator = ({ field, args, childComplexity, type }: ComplexityEstimatorArgs): number => {
    const first = (field as GraphQLField<unknown, unknown>).args.some((a) => a.name === 'first') ? args['first'] : undefined;
    let multiplier = 1;
    if (typeof first === 'number') multiplier = Math.max(first, 0);
    else if (isList(field.type) && !connectionTypes.has(type.name)) multiplier = limits.assumedListSize;
    return multiplier * (1 + childComplexity);
  };

  /**
   * graphql-query-complexity's visitor, entered at the operation by hand: it walks the operation
   * itself, so the full validate()-style pass with type info that getComplexity() adds (40 times the
   * work on the bomb) is spared. Variable errors come back through the context.
   */
  return function costOf(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> = {},
  ): number {
    const errors: GraphQLError[] = [];
    const context = new ValidationContext(schema, document, new TypeInfo(schema), (error) => errors.push(error));
    const visitor = createComplexityRule({
      maximumComplexity: Number.MAX_SAFE_INTEGER,
      estimators: [estimator],
      variables,
      ...(operationName ? { operationName } : {}),
      // checkDocument has refused anything larger, so the walk never stops half-way.
      maxQueryNodes: MAX_SELECTIONS + 1,
    })(context);
    const operation = getOperationAST(document, operationName);
    if (operation) visitor.onOperationDefinitionEnter(operation);
    if (errors[0]) throw errors[0];
    return visitor.complexity;
  };
}

/** The cost against the viewer's budget: LIMIT_EXCEEDED with both, before any subgraph is called. */
export function checkCost(cost: number, budget: number): GraphQLError | undefined {
  return cost <= budget ? undefined : limitError(`operation costs ${cost}, more than your budget of ${budget}`, { cost, budget });
}
