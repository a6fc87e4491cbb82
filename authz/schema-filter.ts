import {
  GraphQLSchema,
  Kind,
  buildASTSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  parse,
  printSchema,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLNamedType,
  type TypeNode,
} from 'graphql';
import type { AnnotationIndex } from './annotations.js';
import type { FilterViewer } from './operation-filter.js';
import { mayRead } from './scope.js';

/**
 * The API schema as one permission set sees it, for `introspection: filtered`: fields the viewer may
 * not read (and mutations whose action it lacks) are dropped, then every type left without fields,
 * every field returning a dropped type, and every type no longer reachable from the roots. Returns
 * null when the viewer may read no query field at all (introspection is then refused).
 */
export function schemaForViewer(apiSchemaSdl: DocumentNode, index: AnnotationIndex, viewer: FilterViewer): GraphQLSchema | null {
  const allowed = (typeName: string, field: FieldDefinitionNode) => {
    const name = field.name.value;
    if (!mayRead(viewer, index.levelOf(typeName, name))) return false;
    const action = typeName === 'Mutation' ? index.actionOf(name) : undefined;
    return action === undefined || viewer.actions.includes(action);
  };
  const namedTypeOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type));

  let definitions: DefinitionNode[] = apiSchemaSdl.definitions.map((def) => {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) return def;
    return { ...def, fields: def.fields?.filter((f) => allowed(def.name.value, f)) ?? [] };
  });

  // Dropping a type can empty another (a field returning it goes): repeat until nothing changes.
  for (;;) {
    const dropped = new Set<string>();
    for (const def of definitions) {
      if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) && (def.fields?.length ?? 0) === 0)
        dropped.add(def.name.value);
      if (def.kind === Kind.UNION_TYPE_DEFINITION && (def.types?.length ?? 0) === 0) dropped.add(def.name.value);
    }
    const isDropped = (def: DefinitionNode) => 'name' in def && def.name !== undefined && dropped.has(def.name.value);
    if (dropped.size === 0) break;
    definitions = definitions
      .filter((def) => !isDropped(def))
      .map((def) => {
        if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) {
          return {
            ...def,
            interfaces: def.interfaces?.filter((i) => !dropped.has(i.name.value)) ?? [],
            fields: def.fields?.filter((f) => !dropped.has(namedTypeOf(f.type))) ?? [],
          };
        }
        if (def.kind === Kind.UNION_TYPE_DEFINITION) return { ...def, types: def.types?.filter((t) => !dropped.has(t.name.value)) ?? [] };
        if (def.kind === Kind.SCHEMA_DEFINITION) {
          return { ...def, operationTypes: def.operationTypes.filter((o) => !dropped.has(o.type.name.value)) };
        }
        return def;
      });
    if (dropped.has('Query')) return null;
  }

  const built = buildASTSchema({ kind: Kind.DOCUMENT, definitions });
  const query = built.getQueryType();
  if (!query) return null;
  return new GraphQLSchema({
    query,
    mutation: built.getMutationType() ?? null,
    types: reachableTypes(built),
    directives: built.getDirectives(),
    ...(built.description ? { description: built.description } : {}),
  });
}

/** Types reachable from the roots, including every implementation of a reachable interface. */
function reachableTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  const seen = new Map<string, GraphQLNamedType>();
  const stack: GraphQLNamedType[] = [schema.getQueryType(), schema.getMutationType()].filter((t): t is NonNullable<typeof t> => !!t);
  const push = (type: GraphQLNamedType) => {
    if (!seen.has(type.name)) stack.push(type);
  };
  while (stack.length > 0) {
    const type = stack.pop() as GraphQLNamedType;
    if (seen.has(type.name)) continue;
    seen.set(type.name, type);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        push(getNamedType(field.type));
        for (const arg of field.args) push(getNamedType(arg.type));
      }
      for (const i of type.getInterfaces()) push(i);
      if (isInterfaceType(type)) for (const impl of schema.getPossibleTypes(type)) push(impl);
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) push(member);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) push(getNamedType(field.type));
    }
  }
  return [...seen.values()];
}

/** The API schema as SDL once, to filter per permission set. */
export const apiSchemaDocument = (apiSchema: GraphQLSchema): DocumentNode => parse(printSchema(apiSchema));
