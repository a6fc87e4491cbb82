import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestListener } from '@apollo/server';
import {
  type GraphQLError,
  Kind,
  execute,
  getNamedType,
  isInputObjectType,
  parse,
  print,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
} from 'graphql';
import { ERRORS } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { buildAnnotationIndex, type AnnotationIndex } from './annotations.js';
import type { AuditEvent, AuditLog } from './audit.js';
import { filterOperation, rootFieldNames, type Denial, type FilterResult, type ForbiddenMutation } from './operation-filter.js';
import type { PolicyStore } from './policy.js';
import { apiSchemaDocument, schemaForViewer } from './schema-filter.js';
import type { Viewer } from './viewer.js';

/**
 * The gateway's authorization, as an Apollo Server plugin (the gateway runs query plans, not
 * resolvers, so graphql-shield cannot act here):
 *
 * - requestDidStart: parses the query and removes what the viewer's drill level does not allow,
 *   writing the filtered text back into `request.query` before Apollo Server hashes it, so the
 *   gateway plans (and caches plans) per permission set and never asks a subgraph for a denied field.
 * - didResolveOperation: rejects a mutation whose @action the viewer lacks (no subgraph is called),
 *   the whole operation in `mode: reject`, and introspection when the policy says `off`.
 * - responseForOperation: answers introspection from the viewer's own schema (`filtered`).
 * - willSendResponse: a null for every denied path plus one FORBIDDEN error per path, and the audit.
 *
 * `dryRun` logs and audits what would be denied and denies nothing. Register it first among the
 * plugins; Apollo Server's own `introspection` option must be true for `filtered` to apply.
 *
 * The null for a denied field goes in place even where the schema says non-null: spec null
 * propagation would wipe out most of an answer (nearly every list here is `[X!]!`), and a partial
 * view is the point. The FORBIDDEN error at that path tells the client why. Errors are per path
 * without list indices (one error for a field denied on every element of a list). An anonymous
 * viewer gets UNAUTHENTICATED instead of FORBIDDEN (signing in may help; for others it will not).
 */
export interface AuthzPluginOptions<TContext extends BaseContext> {
  policy: PolicyStore;
  audit: AuditLog;
  log: Logger;
  viewerOf: (contextValue: TContext) => Viewer;
  /** Passed to our parse (use the server's own, e.g. maxTokens, so a huge query fails here cheaply too). */
  parseOptions?: ParseOptions;
  /** Filter results kept, by query text and permission set. @default 1000 */
  cacheSize?: number;
}

interface Cached {
  result: FilterResult;
  /** The printed filtered document; null when unchanged. */
  text: string | null;
}

/** Everything a decision depends on besides the query: the same key means the same filtered operation. */
const permissionKey = (viewer: Viewer) => `${viewer.grants.length > 0 ? viewer.drillLevel : 'NONE'}|${viewer.actions.join(',')}`;

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

export function createAuthzPlugin<TContext extends BaseContext>(options: AuthzPluginOptions<TContext>): ApolloServerPlugin<TContext> {
  const { policy, audit, log } = options;
  const cacheSize = options.cacheSize ?? 1000;
  let apiSchema: GraphQLSchema | undefined;
  let apiSdl: DocumentNode | undefined;
  let coreSdl = 'scalar _NoAnnotations';
  let index: AnnotationIndex | undefined;
  /** The policy's `unannotated` the index was built with: a reload that changes it rebuilds the index. */
  let indexedFor = '';
  const cache = new Map<string, Cached>();
  const introspectionSchemas = new Map<string, GraphQLSchema | null>();

  /** The annotations under the current policy: the supergraph's @drill/@action, the policy's default elsewhere. */
  function currentIndex(): AnnotationIndex {
    const unannotated = policy.current().unannotated;
    const key = `${unannotated.drillLevel}|${unannotated.action ?? ''}`;
    if (!index || key !== indexedFor) {
      index = buildAnnotationIndex(coreSdl, unannotated);
      indexedFor = key;
      cache.clear();
      introspectionSchemas.clear();
    }
    return index;
  }

  function filterCached(query: string, document: DocumentNode | null, viewer: Viewer): Cached | undefined {
    if (!apiSchema) return undefined;
    const index = currentIndex();
    const key = `${permissionKey(viewer)}\n${query}`;
    const hit = cache.get(key);
    if (hit) {
      // Refresh recency: a Map iterates in insertion order, so the first key is the least recent.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    let doc = document;
    if (!doc) {
      try {
        doc = parse(query, { ...options.parseOptions, noLocation: true });
      } catch {
        return undefined; // Apollo Server reports the syntax error itself
      }
    }
    const result = filterOperation(doc, apiSchema, index, viewer);
    const entry = { result, text: result.changed ? print(result.document) : null };
    cache.set(key, entry);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return entry;
  }

  function introspectionSchemaFor(viewer: Viewer): GraphQLSchema | null {
    const key = permissionKey(viewer);
    if (!introspectionSchemas.has(key)) {
      let schema: GraphQLSchema | null = null;
      try {
        schema = apiSdl ? schemaForViewer(apiSdl, currentIndex(), viewer) : null;
      } catch (error) {
        log.error('building the filtered introspection schema failed', { reason: error instanceof Error ? error.message : String(error) });
      }
      introspectionSchemas.set(key, schema);
    }
    return introspectionSchemas.get(key) ?? null;
  }

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema: schema, coreSupergraphSdl }) {
          apiSchema = schema;
          apiSdl = apiSchemaDocument(schema);
          if (!coreSupergraphSdl)
            log.error("authz: no supergraph SDL, so no @drill annotations: every field needs the policy's unannotated level");
          coreSdl = coreSupergraphSdl ?? 'scalar _NoAnnotations';
          index = undefined;
        },
      };
    },

    async requestDidStart(requestContext): Promise<GraphQLRequestListener<TContext>> {
      const viewer = options.viewerOf(requestContext.contextValue);
      const current = policy.current();
      const { request } = requestContext;

      let filtered: FilterResult | undefined;
      if (typeof request.query === 'string') {
        const entry = filterCached(request.query, null, viewer);
        filtered = entry?.result;
        if (entry?.text && current.mode === 'filter' && !current.dryRun) {
          request.query = entry.text;
          // An automatic-persisted-query registration carries the hash of the text: keep them matching.
          const pq = request.extensions?.['persistedQuery'] as { sha256Hash?: string } | undefined;
          if (pq?.sha256Hash) pq.sha256Hash = createHash('sha256').update(entry.text).digest('hex');
        }
      }

      const base = (): Omit<AuditEvent, 'kind' | 'result'> => ({
        who: viewer.id,
        roles: viewer.roles,
        operationName: requestContext.operationName ?? request.operationName ?? null,
        at: 'gateway',
      });
      const errorCode = viewer.anonymous ? ERRORS.UNAUTHENTICATED : ERRORS.FORBIDDEN;
      const httpStatus = viewer.anonymous ? 401 : 403;

      // Decisions for the executed operation, set in didResolveOperation.
      let denied: Denial[] = [];
      let placeholders: { path: string[] }[] = [];
      let mutations: { key: string; field: string; action: string | undefined; target: string | undefined }[] = [];
      let applyDenials = false;

      return {
        async didResolveOperation(ctx) {
          const { operation, document } = ctx;
          if (!operation) return; // Apollo Server answers an unknown operation name itself
          const opName = operation.name?.value ?? null;
          // Safety net: a document we could not filter up front (no query text) is checked now.
          const result =
            filtered ?? (typeof request.query === 'string' ? undefined : filterCached(print(document), document, viewer)?.result);
          if (!result)
            throw ERRORS.FORBIDDEN.err('Forbidden: the operation could not be authorized', { extensions: { http: { status: 403 } } });
          const mine = <T extends { operation: string | null }>(list: T[]) => list.filter((x) => x.operation === opName);
          denied = mine(result.denied);
          placeholders = result.placeholders.filter((p) => p.operation === opName);
          const forbidden = mine(result.forbiddenMutations);
          const wasRewritten = filtered !== undefined && current.mode === 'filter' && !current.dryRun;

          const roots = rootFieldNames(operation, document);
          if (roots.some((name) => INTROSPECTION_FIELDS.has(name))) {
            if (current.introspection === 'off') {
              throw errorCode.err('Forbidden: introspection is disabled', { extensions: { http: { status: httpStatus } } });
            }
            if (current.introspection === 'filtered' && roots.some((name) => !name.startsWith('__'))) {
              throw errorCode.err('Forbidden: ask for introspection in an operation of its own', {
                extensions: { http: { status: httpStatus } },
              });
            }
          }

          if (operation.operation === 'mutation') {
            mutations = mutationFields(operation, document, ctx.schema, request.variables ?? {}).map(({ key, name, target }) => ({
              key,
              field: `Mutation.${name}`,
              action: currentIndex().actionOf(name),
              target,
            }));
          }

          if (forbidden.length > 0) {
            const targets = new Map(mutations.map((m) => [m.key, m.target]));
            for (const f of forbidden) {
              audit.record({
                ...base(),
                kind: 'action',
                field: f.field,
                action: f.action ?? currentIndex().actionOf(f.field.slice('Mutation.'.length)),
                target: targets.get(f.responseKey),
                needs: f.action ? undefined : f.needs,
                result: current.dryRun ? 'dry-run' : 'denied',
              });
            }
            const forbiddenKeys = new Set(forbidden.map((f) => f.responseKey));
            mutations = mutations.filter((m) => !forbiddenKeys.has(m.key));
            if (!current.dryRun) throw forbiddenMutationError(forbidden, errorCode, httpStatus);
            log.info('authz dry run: mutation would be rejected', { fields: forbidden.map((f) => f.field) });
          }

          if (denied.length === 0) return;
          if (current.dryRun) {
            for (const d of denied)
              audit.record({ ...base(), kind: 'denial', field: d.field, target: d.path.join('.'), needs: d.needs, result: 'dry-run' });
            log.info('authz dry run: fields would be denied', { fields: denied.map((d) => d.field) });
            denied = [];
            return;
          }
          for (const d of denied)
            audit.record({ ...base(), kind: 'denial', field: d.field, target: d.path.join('.'), needs: d.needs, result: 'denied' });
          if (current.mode === 'reject' || !wasRewritten) {
            throw errorCode.err(`Forbidden: ${describe(denied)}`, {
              extensions: {
                http: { status: httpStatus },
                denied: denied.map((d) => ({ path: d.path, field: d.field, requiredLevel: d.needs })),
              },
            });
          }
          applyDenials = true;
        },

        async responseForOperation(ctx) {
          if (current.introspection !== 'filtered' || !ctx.operation) return null;
          const roots = rootFieldNames(ctx.operation, ctx.document);
          if (!roots.some((name) => INTROSPECTION_FIELDS.has(name))) return null;
          const schema = introspectionSchemaFor(viewer);
          if (!schema) {
            const error = errorCode.err('Forbidden: nothing in the schema is visible to you');
            return {
              http: { status: httpStatus, headers: new HeaderMap() },
              body: { kind: 'single', singleResult: { errors: [error.toJSON()] } },
            };
          }
          const result = await execute({
            schema,
            document: ctx.document,
            operationName: ctx.operationName,
            variableValues: ctx.request.variables ?? null,
          });
          return {
            http: { headers: new HeaderMap() },
            body: {
              kind: 'single',
              singleResult: {
                ...(result.data !== undefined ? { data: result.data } : {}),
                ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
              },
            },
          };
        },

        async willSendResponse(ctx) {
          const body = ctx.response.body;
          if (body.kind !== 'single') return;
          const result = body.singleResult;
          for (const m of mutations) {
            const failed = result.errors?.some((e) => e.path?.[0] === m.key) || result.data === null || result.data === undefined;
            audit.record({
              ...base(),
              kind: 'action',
              field: m.field,
              action: m.action,
              target: m.target,
              result: failed ? 'failed' : 'allowed',
            });
          }
          if (!applyDenials) return;
          const data = result.data as Record<string, unknown> | null | undefined;
          if (data) {
            for (const p of placeholders) atPath(data, p.path, (obj, key) => delete obj[key]);
            for (const d of denied)
              atPath(data, d.path, (obj, key) => {
                if (!(key in obj)) obj[key] = null;
              });
          }
          const errors: GraphQLFormattedError[] = denied.map((d) => ({
            message: `${errorCode === ERRORS.FORBIDDEN ? 'Forbidden' : 'Unauthenticated'}: ${reason(d)}`,
            path: d.path,
            extensions: { code: errorCode.code, field: d.field, requiredLevel: d.needs },
          }));
          body.singleResult = { ...result, errors: [...(result.errors ?? []), ...errors] };
        },
      };
    },
  };
}

const reason = (d: Denial) =>
  d.emptied ? `every field selected under ${d.field} needs drill level ${d.needs} or deeper` : `${d.field} needs drill level ${d.needs}`;

const describe = (denied: Denial[]) => [...new Set(denied.map(reason))].join('; ');

function forbiddenMutationError(
  forbidden: ForbiddenMutation[],
  code: typeof ERRORS.FORBIDDEN | typeof ERRORS.UNAUTHENTICATED,
  status: number,
): GraphQLError {
  const reasons = forbidden.map((f) => (f.action ? `${f.field} needs the action ${f.action}` : `${f.field} needs drill level ${f.needs}`));
  return code.err(`Forbidden: ${reasons.join('; ')}`, {
    extensions: {
      http: { status },
      denied: forbidden.map((f) => ({
        field: f.field,
        path: [f.responseKey],
        ...(f.action ? { action: f.action } : { requiredLevel: f.needs }),
      })),
    },
  });
}

/** Applies `fn(parent, key)` at every place `path` reaches in the data; lists are walked element by element. */
function atPath(node: unknown, path: string[], fn: (obj: Record<string, unknown>, key: string) => void, i = 0): void {
  if (Array.isArray(node)) {
    for (const item of node) atPath(item, path, fn, i);
    return;
  }
  if (node === null || typeof node !== 'object') return; // a null parent stays null: nothing to add under it
  const key = path[i] as string;
  const obj = node as Record<string, unknown>;
  if (i === path.length - 1) fn(obj, key);
  else atPath(obj[key], path, fn, i + 1);
}

/**
 * The mutation fields of the operation with a target for the audit: the ID-typed arguments (and
 * ID-typed fields of input arguments), never free text such as comments.
 */
function mutationFields(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
): { key: string; name: string; target: string | undefined }[] {
  const mutationType = schema.getMutationType();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const fields: FieldNode[] = [];
  const collect = (set: SelectionSetNode, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) fields.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, seen);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const def = fragments.get(sel.name.value);
        if (def) collect(def.selectionSet, seen);
      }
    }
  };
  collect(operation.selectionSet, new Set());
  return fields
    .filter((f) => !f.name.value.startsWith('__'))
    .map((f) => {
      const def = mutationType?.getFields()[f.name.value];
      const parts: string[] = [];
      for (const arg of f.arguments ?? []) {
        const argDef = def?.args.find((a) => a.name === arg.name.value);
        if (!argDef) continue;
        const type = getNamedType(argDef.type);
        const value = valueFromASTUntyped(arg.value, variables);
        if (type.name === 'ID' && value !== null && value !== undefined) parts.push(`${arg.name.value}=${String(value)}`);
        else if (isInputObjectType(type) && value && typeof value === 'object') {
          for (const [name, field] of Object.entries(type.getFields())) {
            const v = (value as Record<string, unknown>)[name];
            if (getNamedType(field.type).name === 'ID' && v !== null && v !== undefined)
              parts.push(`${arg.name.value}.${name}=${String(v)}`);
          }
        }
      }
      return { key: f.alias?.value ?? f.name.value, name: f.name.value, target: parts.length > 0 ? parts.join(',') : undefined };
    });
}
