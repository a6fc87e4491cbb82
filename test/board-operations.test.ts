import { readFileSync } from 'node:fs';
import { buildSchema, type DocumentNode, getNamedType, isEnumType, Kind, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildAnnotationIndex } from '../authz/annotations.js';
import { drillRank, type DrillLevel } from '../authz/viewer.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';
import { PUBLIC_SCHEMA_PATH } from '../scripts/public-schema.js';
import * as generated from '../web/src/gql/graphql.js';
import { DRILL_LEVELS, OPERATION_LEVELS } from '../web/src/drill.js';

/**
 * The service board asks only for what the viewer's drill level allows (web/src/drill.ts): each of
 * its operations is sent only to viewers at the level written for it, so that level must be the
 * deepest @drill among the operation's fields, as the gateway enforces it. A new operation of the
 * page, or a field added to one, cannot ship at the wrong level.
 */
const schema = buildSchema(readFileSync(PUBLIC_SCHEMA_PATH, 'utf8'));
const index = buildAnnotationIndex(readFileSync(SUPERGRAPH_PATH, 'utf8'));

function requiredLevel(document: DocumentNode): DrillLevel {
  let level: DrillLevel = 'BUSINESS';
  const info = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const needed = index.levelOf(getNamedType(parent).name, node.name.value);
        if (drillRank(needed) > drillRank(level)) level = needed;
      },
    }),
  );
  return level;
}

/** The page's operations, as graphql-codegen generated them from its sources (npm run codegen). */
const operations = Object.values(generated as Record<string, unknown>)
  .filter((value) => value instanceof generated.TypedDocumentString)
  .map((value) => parse(String(value)));
const nameOf = (document: DocumentNode) => {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation?.kind === Kind.OPERATION_DEFINITION ? (operation.name?.value ?? '') : '';
};

describe('the board’s operations', () => {
  it('are each written down at the drill level their fields need', () => {
    expect(operations.length).toBeGreaterThan(10);
    const needed = Object.fromEntries(operations.map((document) => [nameOf(document), requiredLevel(document)]));
    expect(OPERATION_LEVELS).toEqual(needed);
  });

  it('measure a level the way the gateway does (a field through an interface needs its deepest implementation)', () => {
    expect(requiredLevel(parse('query A { service(id: "payroll") { name } }'))).toBe('BUSINESS');
    expect(requiredLevel(parse('query B { service(id: "payroll") { rootCauses { pathText } } }'))).toBe('COMPONENT');
    expect(requiredLevel(parse('query C { service(id: "payroll") { tree { node { id } } } }'))).toBe('COMPONENT');
    expect(requiredLevel(parse('query D { service(id: "payroll") { tree { node { ... on Service { id } } } } }'))).toBe('SERVICE');
  });

  it('know the schema’s drill levels, in order', () => {
    const levels = schema.getType('DrillLevel');
    expect(isEnumType(levels) && levels.getValues().map((v) => v.name)).toEqual([...DRILL_LEVELS]);
  });
});
