import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
  buildSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, subgraphTypeDefs } from './subgraphs.js';

/**
 * The SDL's default is the one truth: a resolver never supplies a default of its own (the generated
 * resolver types give it the argument as always present). That holds only where GraphQL always
 * applies the default, so:
 * - an argument or input field with a default is non-null (else a client's explicit `null` replaces
 *   the default and the resolver would have to invent one);
 * - an argument or input field whose input type has defaulted fields is non-null: required, or
 *   defaulted as in `filter: IncidentFilter! = {}` (else, when it is left out, its fields' defaults
 *   are never applied).
 */
function defaultProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const hasDefaults = (input: GraphQLArgument | GraphQLInputField): boolean => {
    const type = getNamedType(input.type);
    return isInputObjectType(type) && Object.values(type.getFields()).some((f) => f.defaultValue !== undefined);
  };
  const check = (where: string, input: GraphQLArgument | GraphQLInputField) => {
    const defaulted = input.defaultValue !== undefined;
    if (defaulted && !isNonNullType(input.type)) problems.push(`${where}: has a default, so it must be non-null (${input.type}!)`);
    if (hasDefaults(input) && !isNonNullType(input.type))
      problems.push(`${where}: ${getNamedType(input.type)} has defaulted fields, so it must be non-null (required, or \`= {}\`)`);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type))
      for (const field of Object.values(type.getFields()))
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field);
  }
  return problems;
}

describe('argument defaults always reach the resolver', () => {
  for (const name of SUBGRAPH_NAMES) {
    it(`${name}: every default is non-null, and every input with defaulted fields is defaulted itself`, () => {
      expect(defaultProblems(buildSubgraphSchema(subgraphTypeDefs(name)))).toEqual([]);
    });
  }

  it('rejects what it must (self-test)', () => {
    const schema = buildSchema(`
      input Filter { openOnly: Boolean! = true }
      type Query {
        nullableDefault(first: Int = 10): Int
        undefaultedFilter(filter: Filter): Int
        fine(first: Int! = 10, filter: Filter! = {}, required: Filter!, after: String): Int
      }
    `);
    expect(defaultProblems(schema)).toEqual([
      'Query.nullableDefault(first): has a default, so it must be non-null (Int!)',
      'Query.undefaultedFilter(filter): Filter has defaulted fields, so it must be non-null (required, or `= {}`)',
    ]);
  });
});
