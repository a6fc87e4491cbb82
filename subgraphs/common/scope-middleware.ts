import {
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type { IMiddlewareFieldMap, IMiddlewareTypeMap } from 'graphql-middleware';
import { buildAnnotationIndex } from '../../authz/annotations.js';
import { AUDITED_EXTENSION } from '../../authz/audit.js';
import { ERRORS } from '../../kernel/errors.js';
import type { BaseContext } from './module.js';
import type { EntityScopes, Scope } from './request-scope.js';

/**
 * Scope, enforced once for every subgraph: a graphql-middleware generated from the subgraph's
 * schema, so a new field or argument is scoped without anyone remembering to.
 *
 * - Every field whose type is an entity (`@key`), an abstract type over entities (HealthNode,
 *   `_Entity`) or a list of them: a value the viewer may not see is left out of a list of non-null
 *   items, becomes null in a list of nullable items (`_entities` keeps its positions), and makes a
 *   nullable field null: never an error that says it exists.
 * - Every field whose type *points at* an entity through a non-null field (RootCause.ci,
 *   ImpactedService.service, TreeNode.node, CiRelation.ci …): the value stands or falls with the
 *   entity it points at, read from the value's own property (a pointer computed by a resolver is
 *   treated as hidden, so a new one fails closed, visibly).
 * - Every mutation argument that names an entity: `id` names the mutation's own type, `<kind>Id`
 *   and `<kind>Ids` the kind in ARGUMENT_KINDS, in arguments and input objects alike. Before the
 *   resolver runs, each named object is looked up: one that does not exist or that the viewer may
 *   not see is refused with the same BAD_USER_INPUT (no existence oracle; the hidden case is audited
 *   as a denial), and one the viewer sees but whose nearest services no role of theirs acts on is
 *   FORBIDDEN (audited). An ID argument that names no known kind stops the subgraph at start.
 */

/** How a mutation argument `<prefix>Id` names an entity type. */
const ARGUMENT_KINDS: Record<string, string> = {
  service: 'Service',
  ci: 'ConfigurationItem',
  alert: 'Alert',
  incident: 'Incident',
  article: 'Article',
  offering: 'Offering',
};

const WORDS: Record<string, string> = { ConfigurationItem: 'configuration item' };
const word = (typeName: string) => WORDS[typeName] ?? typeName.toLowerCase();

/** Finds the object a mutation argument names, as this subgraph's resolvers would return it; null when none. */
export type FindObject<TContext> = (id: string, ctx: TContext) => Promise<unknown>;

const HIDDEN = Symbol('hidden');

interface NamedArgument {
  /** Where the id is: ['id'] or ['input', 'ciId']. */
  path: string[];
  typeName: string;
}

function namedArguments(field: GraphQLField<unknown, unknown>, entities: EntityScopes): NamedArgument[] {
  const own = getNamedType(field.type).name;
  const out: NamedArgument[] = [];
  const visit = (name: string, type: GraphQLInputType, path: string[]) => {
    const named = getNamedType(type);
    if (isInputObjectType(named)) {
      for (const inner of Object.values(named.getFields())) visit(inner.name, inner.type, [...path, inner.name]);
      return;
    }
    if (named.name !== 'ID') return;
    const prefix = /^(.+?)Ids?$/.exec(name)?.[1];
    const typeName = name === 'id' ? own : prefix ? ARGUMENT_KINDS[prefix] : undefined;
    if (!typeName || !entities.types.has(typeName)) {
      throw new Error(
        `scope: Mutation.${field.name} argument ${path.join('.')} is an ID of no known kind: name it id (the mutation's own type) or <kind>Id with a kind of ${Object.keys(ARGUMENT_KINDS).join(', ')}`,
      );
    }
    out.push({ path, typeName });
  };
  for (const arg of field.args) visit(arg.name, arg.type, [arg.name]);
  return out;
}

function idsAt(args: Record<string, unknown>, path: readonly string[]): string[] {
  let value: unknown = args;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export interface ScopeMiddlewareOptions<TContext> {
  entities: EntityScopes;
  /** The subgraph's SDL, for the @action of each mutation. */
  sdl: string;
  /** How each entity type a mutation argument names is found (Service: the catalog). */
  find: Readonly<Record<string, FindObject<TContext>>>;
}

export function createScopeMiddleware<TContext extends BaseContext>(
  schema: GraphQLSchema,
  options: ScopeMiddlewareOptions<TContext>,
): IMiddlewareTypeMap<unknown, TContext> {
  const { entities } = options;
  const actions = buildAnnotationIndex(options.sdl);
  const isEntityish = (type: GraphQLNamedType) =>
    entities.types.has(type.name) || (isAbstractType(type) && schema.getPossibleTypes(type).some((t) => entities.types.has(t.name)));

  // Types that point at an entity through a non-null, non-list field, to a fixpoint (a pointer to a pointer).
  const pointers = new Map<string, string[]>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || entities.types.has(type.name) || pointers.has(type.name)) continue;
      const via = Object.values(type.getFields()).filter(
        (f) =>
          isNonNullType(f.type) &&
          !isListType(f.type.ofType) &&
          (isEntityish(getNamedType(f.type)) || pointers.has(getNamedType(f.type).name)),
      );
      if (via.length > 0) {
        pointers.set(
          type.name,
          via.map((f) => f.name),
        );
        changed = true;
      }
    }
  }

  /** The value as the viewer may have it, or HIDDEN. Lists are filtered (non-null items) or nulled (nullable items). */
  async function guard(type: GraphQLOutputType, raw: unknown, scope: Scope): Promise<unknown> {
    const value = await raw;
    if (value === null || value === undefined || value instanceof Error) return value;
    if (isNonNullType(type)) return guard(type.ofType, value, scope);
    if (isListType(type)) {
      const item = type.ofType as GraphQLOutputType;
      // A failed item stays a failed item (graphql-js reports an Error value at its path).
      const items = await Promise.all([...(value as Iterable<unknown>)].map((v) => guard(item, v, scope).catch((e: unknown) => e)));
      return isNonNullType(item) ? items.filter((v) => v !== HIDDEN) : items.map((v) => (v === HIDDEN ? null : v));
    }
    const named = getNamedType(type);
    if (isEntityish(named)) {
      const runtime = isAbstractType(named) ? (value as { __typename?: unknown }).__typename : named.name;
      return typeof runtime === 'string' && scope.sees(runtime, value) ? value : HIDDEN;
    }
    const via = pointers.get(named.name);
    if (via && isObjectType(named)) {
      const fields = named.getFields();
      for (const name of via) {
        const target = (value as Record<string, unknown>)[name];
        if (target === undefined || (await guard(fields[name]?.type as GraphQLOutputType, target, scope)) === HIDDEN) return HIDDEN;
      }
    }
    return value;
  }

  /** The field's result as the viewer may have it. */
  async function guardResult(field: GraphQLField<unknown, unknown>, result: unknown, ctx: TContext): Promise<unknown> {
    const guarded = await guard(field.type, result, await ctx.scope.load());
    if (guarded !== HIDDEN) return guarded;
    // Only a non-null field gets here hidden, and only when a resolver handed out an object it
    // should not have: answered as a missing object, not FORBIDDEN.
    if (isNonNullType(field.type)) throw ERRORS.NOT_FOUND.err('Not found');
    return null;
  }

  const find = async (typeName: string, id: string, ctx: TContext, scope: Scope): Promise<unknown> => {
    if (typeName === 'Service') return scope.catalog.find((s) => s.id === id) ?? null;
    return (options.find[typeName] as FindObject<TContext>)(id, ctx);
  };

  /** Every object the mutation's arguments name is one the viewer sees and acts on, or the mutation does not run. */
  async function checkArguments(
    field: GraphQLField<unknown, unknown>,
    named: NamedArgument[],
    args: Record<string, unknown>,
    ctx: TContext,
  ) {
    const action = actions.actionOf(field.name);
    const label = `Mutation.${field.name}`;
    const scope = await ctx.scope.load();
    for (const { path, typeName } of named) {
      for (const id of idsAt(args, path)) {
        const value = await find(typeName, id, ctx, scope);
        const exists = value !== null && value !== undefined;
        if (!exists || !scope.sees(typeName, value)) {
          if (exists) ctx.audit({ kind: 'denial', action, field: label, target: id, result: 'denied' });
          throw ERRORS.BAD_USER_INPUT.err(`${path.join('.')}: no ${word(typeName)} ${JSON.stringify(id)}`, {
            extensions: exists ? { [AUDITED_EXTENSION]: true } : {},
          });
        }
        if (action && !scope.mayAct(action, typeName, value)) {
          ctx.audit({ kind: 'denial', action, field: label, target: id, result: 'denied' });
          throw ERRORS.FORBIDDEN.err(
            `${action} is not yours on ${word(typeName)} ${JSON.stringify(id)}: no role of yours acts on what it serves`,
          );
        }
      }
    }
  }

  const map: IMiddlewareTypeMap<unknown, TContext> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: IMiddlewareFieldMap<unknown, TContext> = {};
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const guardsOutput = isEntityish(named) || pointers.has(named.name);
      const args = type === schema.getMutationType() ? namedArguments(field, entities) : [];
      for (const { typeName } of args) {
        if ((typeName !== 'Service' && !options.find[typeName]) || !entities.subjectOf(typeName)) {
          throw new Error(
            `scope: Mutation.${field.name} argument names an object of type ${typeName}, which the subgraph gives no way to find or place`,
          );
        }
      }
      if (!guardsOutput && args.length === 0) continue;
      fields[field.name] = async (resolve, parent, a, ctx, info) => {
        if (args.length > 0) await checkArguments(field, args, a, ctx);
        const result = await resolve(parent, a, ctx, info);
        return guardsOutput ? guardResult(field, result, ctx) : result;
      };
    }
    if (Object.keys(fields).length > 0) map[type.name] = fields;
  }
  return map;
}
