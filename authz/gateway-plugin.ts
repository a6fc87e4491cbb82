import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestListener } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  execute,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  parse,
  print,
  validate,
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
import { AUDITED_EXTENSION, type AuditEvent, type AuditLog } from './audit.js';
import {
  filterOperation,
  FilterTooLarge,
  rootFieldNames,
  type Condition,
  type Denial,
  type FilterResult,
  type ForbiddenMutation,
} from './operation-filter.js';
import type { PolicyStore } from './policy.js';
import { apiSchemaDocument, schemaForViewer } from './schema-filter.js';
import type { Viewer } from './viewer.js';

/**
 * The gateway's authorization, as an Apollo Server plugin (the gateway runs query plans, not
 * resolvers, so graphql-shield cannot act here). It owns the front of the pipeline:
 *
 * - requestDidStart: parses the query once (with the server's token limit), runs the document checks
 *   the gateway passes in (operation limits), removes what the viewer's drill level does not allow,
 *   runs the per-request checks (cost) on what is left, and validates last (the dearest step, so a
 *   bomb is refused before it). It hands Apollo Server the validated,
 *   filtered document (built from the client's own nodes, so error locations point into the client's
 *   text) and writes the filtered text into `request.query` before Apollo hashes it, so the gateway
 *   plans (and caches plans) per permission set and never asks a subgraph for a denied field.
 *   Anything refused here is answered without parsing or validating again: the request carries a
 *   trivial document and didResolveOperation throws the refusal.
 * - didResolveOperation: rejects a mutation whose @action the viewer lacks (no subgraph is called),
 *   the whole operation in `mode: reject`, introspection when the policy says `off`, then runs the
 *   `authorized` check (the action rate).
 * - responseForOperation: answers introspection from the viewer's own schema (`filtered`).
 * - didEncounterErrors: strips "Did you mean …" unless introspection is `full`.
 * - willSendResponse: a null for every denied path plus one FORBIDDEN error per path, and the audit.
 *
 * The server must run with `documentStore: null` (this plugin caches parsed, validated, filtered
 * documents itself; Apollo's store would replace the document handed over with one parsed from the
 * rewritten text). A document that fails to parse or validate is left to Apollo Server, which
 * reports its errors on the client's text; should it ever get further, it is refused.
 *
 * `dryRun` logs and audits what would be denied and denies nothing. Register it first among the
 * plugins; Apollo Server's own `introspection` option must be true for `filtered` to apply.
 *
 * The null for a denied field goes in place even where the schema says non-null: spec null
 * propagation would wipe out most of an answer (nearly every list here is `[X!]!`), and a partial
 * view is the point. The FORBIDDEN error at that path tells the client why. Errors are per path
 * without list indices (one error for a field denied on every element of a list). A selection under
 * `@skip(if: true)` or `@include(if: false)` (literal or by variable) is never reported or audited:
 * it would not run. An anonymous viewer gets UNAUTHENTICATED instead of FORBIDDEN (signing in may
 * help; for others it will not).
 */
export interface AuthzPluginOptions<TContext extends BaseContext> {
  policy: PolicyStore;
  audit: AuditLog;
  log: Logger;
  viewerOf: (contextValue: TContext) => Viewer;
  /** Passed to our parse: use the server's own (maxTokens), so a huge query fails here cheaply too. */
  parseOptions?: ParseOptions;
  /** Checks in front of authorization (the gateway's operation limits). */
  checks?: OperationChecks<TContext>;
  /** Documents and filter results kept, by query text (and permission set). @default 1000 */
  cacheSize?: number;
}

/** What the gateway checks around authorization; each returns the error to answer, or undefined. */
export interface OperationChecks<TContext> {
  /** Once per query text (the answer is cached), before validation: depends on the document only. */
  document?(document: DocumentNode, schema: GraphQLSchema): GraphQLError | undefined;
  /** Per request, on the document that will run (the filtered one), with its variables and viewer. */
  request?(args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName: string | null;
    variables: Record<string, unknown> | undefined;
    viewer: Viewer;
  }): GraphQLError | undefined;
  /** Per request once authorized, just before execution (may ask a shared store). */
  authorized?(args: { viewer: Viewer; mutations: number; context: TContext }): Promise<GraphQLError | undefined>;
}

/**
 * A query text, once looked at: refused outright, left to Apollo Server (a syntax error), or parsed;
 * validation runs last, once the cheaper refusals (cost) are passed, and its answer is kept too.
 */
type Analysis =
  | { kind: 'refused'; error: GraphQLError }
  | { kind: 'unparsed' }
  | { kind: 'parsed'; document: DocumentNode; valid?: boolean };

interface Filtered {
  result: FilterResult;
  /** The printed filtered document; null when unchanged. */
  text: string | null;
}

/** Everything a decision depends on besides the query: the same key means the same filtered operation. */
const permissionKey = (viewer: Viewer) => `${viewer.grants.length > 0 ? viewer.drillLevel : 'NONE'}|${viewer.actions.join(',')}`;

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** What a refused request carries on through Apollo Server: parsed in no time, never executed. */
const REFUSED_TEXT = '{ __typename }';
const REFUSED_DOCUMENT = parse(REFUSED_TEXT);

/** graphql-js's message for `maxTokens` (spelt "more that" in graphql 16). */
const TOKEN_LIMIT = /Document contains more tha[nt] \d+ tokens/;

/** A Map used as a bounded LRU: a Map iterates in insertion order, so the first key is the least recent. */
function lru<V>(size: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const hit = map.get(key);
      if (hit !== undefined) {
        map.delete(key);
        map.set(key, hit);
      }
      return hit;
    },
    set(key: string, value: V) {
      map.set(key, value);
      if (map.size > size) map.delete(map.keys().next().value as string);
    },
    clear: () => map.clear(),
  };
}

const requestError = (message: string) => ERRORS.BAD_USER_INPUT.err(message, { extensions: { http: { status: 400 } } });

/** The operation the request names, or the client error that says why there is none. */
function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | GraphQLError {
  const operation = getOperationAST(document, operationName);
  if (operation) {
    return operation.operation === 'subscription' ? requestError('subscriptions are not served: use a query and poll') : operation;
  }
  if (operationName) return requestError('the document has no operation of the name given in operationName');
  return requestError('the document holds several operations: name the one to run in operationName');
}

/** Is a denial live for these variables (every @skip/@include on its path lets it run)? */
const runs = (conditions: readonly Condition[] | undefined, values: Record<string, unknown>) =>
  !conditions || conditions.every((c) => (values[c.variable] === true) !== c.skipIf);

/** The operation's variables with their declared defaults, for @skip/@include. */
function variableValues(operation: OperationDefinitionNode, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null);
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    values[name] = given && Object.hasOwn(given, name) ? given[name] : def.defaultValue ? valueFromASTUntyped(def.defaultValue) : undefined;
  }
  return values;
}

export function createAuthzPlugin<TContext extends BaseContext>(options: AuthzPluginOptions<TContext>): ApolloServerPlugin<TContext> {
  const { policy, audit, log, checks } = options;
  const cacheSize = options.cacheSize ?? 1000;
  let apiSchema: GraphQLSchema | undefined;
  let apiSdl: DocumentNode | undefined;
  let coreSdl = 'scalar _NoAnnotations';
  let index: AnnotationIndex | undefined;
  /** The policy's `unannotated` the index was built with: a reload that changes it rebuilds the index. */
  let indexedFor = '';
  const analyses = lru<Analysis>(cacheSize);
  const filters = lru<Filtered | GraphQLError>(cacheSize);
  const introspectionSchemas = new Map<string, GraphQLSchema | null>();

  /** The annotations under the current policy: the supergraph's @drill/@action, the policy's default elsewhere. */
  function currentIndex(): AnnotationIndex {
    const unannotated = policy.current().unannotated;
    const key = `${unannotated.drillLevel}|${unannotated.action ?? ''}`;
    if (!index || key !== indexedFor) {
      index = buildAnnotationIndex(coreSdl, unannotated);
      indexedFor = key;
      filters.clear();
      introspectionSchemas.clear();
    }
    return index;
  }

  function analyse(query: string, schema: GraphQLSchema): Analysis {
    const hit = analyses.get(query);
    if (hit) return hit;
    let analysis: Analysis;
    try {
      const document = parse(query, options.parseOptions);
      const refused = checks?.document?.(document, schema);
      analysis = refused ? { kind: 'refused', error: refused } : { kind: 'parsed', document };
    } catch (error) {
      analysis =
        error instanceof GraphQLError && TOKEN_LIMIT.test(error.message)
          ? {
              kind: 'refused',
              error: ERRORS.LIMIT_EXCEEDED.err(`operation has more than ${options.parseOptions?.maxTokens} tokens`, {
                extensions: { http: { status: 400 } },
              }),
            }
          : { kind: 'unparsed' }; // Apollo Server reports the syntax error itself
    }
    analyses.set(query, analysis);
    return analysis;
  }

  function filterFor(query: string, document: DocumentNode, viewer: Viewer, schema: GraphQLSchema, idx: AnnotationIndex) {
    const key = `${permissionKey(viewer)}\n${query}`;
    const hit = filters.get(key);
    if (hit) return hit;
    let entry: Filtered | GraphQLError;
    try {
      const result = filterOperation(document, schema, idx, viewer);
      entry = { result, text: result.changed ? print(result.document) : null };
    } catch (error) {
      if (!(error instanceof FilterTooLarge)) throw error;
      entry = ERRORS.LIMIT_EXCEEDED.err(error.message, { extensions: { http: { status: 400 } } });
    }
    filters.set(key, entry);
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
          analyses.clear();
          filters.clear();
          introspectionSchemas.clear();
        },
      };
    },

    async requestDidStart(requestContext): Promise<GraphQLRequestListener<TContext>> {
      const viewer = options.viewerOf(requestContext.contextValue);
      const current = policy.current();
      const { request } = requestContext;

      const base = (): Omit<AuditEvent, 'kind' | 'result'> => ({
        who: viewer.id,
        roles: viewer.roles,
        operationName: requestContext.operationName ?? request.operationName ?? null,
        at: 'gateway',
      });

      // The front of the pipeline: a refusal here is answered in didResolveOperation, unparsed.
      let refused: GraphQLError | undefined;
      let filtered: FilterResult | undefined;
      // The client's operation: its variables (and their defaults) decide @skip/@include.
      let clientOperation: OperationDefinitionNode | undefined;
      const applyFilter = current.mode === 'filter' && !current.dryRun;
      if (typeof request.query === 'string' && apiSchema) {
        const query = request.query;
        const idx = currentIndex();
        const analysis = analyse(query, apiSchema);
        if (analysis.kind === 'refused') refused = analysis.error;
        else if (analysis.kind === 'parsed') {
          const operation = selectOperation(analysis.document, request.operationName);
          const entry = operation instanceof GraphQLError ? operation : filterFor(query, analysis.document, viewer, apiSchema, idx);
          if (entry instanceof GraphQLError) refused = entry;
          else {
            const rewrite = applyFilter && entry.text !== null;
            const document = rewrite ? entry.result.document : analysis.document;
            // Checked on what will run: a denied field costs nothing.
            refused = checks?.request?.({
              schema: apiSchema,
              document,
              operationName: (operation as OperationDefinitionNode).name?.value ?? null,
              variables: request.variables,
              viewer,
            });
            // Last, as the dearest: an invalid document is left as it came, for Apollo Server to report.
            if (!refused && (analysis.valid ??= validate(apiSchema, analysis.document).length === 0)) {
              filtered = entry.result;
              clientOperation = operation as OperationDefinitionNode;
              (requestContext as { document?: DocumentNode }).document = document;
              if (rewrite) request.query = entry.text as string;
            }
          }
        }
      }
      if (refused) {
        request.query = REFUSED_TEXT;
        (requestContext as { document?: DocumentNode }).document = REFUSED_DOCUMENT;
        if (refused.extensions['code'] === ERRORS.LIMIT_EXCEEDED.code)
          audit.record({ ...base(), kind: 'limit', result: 'denied', reason: refused.message });
      }

      const errorCode = viewer.anonymous ? ERRORS.UNAUTHENTICATED : ERRORS.FORBIDDEN;
      const httpStatus = viewer.anonymous ? 401 : 403;

      // Decisions for the executed operation, set in didResolveOperation.
      let denied: Denial[] = [];
      let placeholders: { path: string[] }[] = [];
      let mutations: { key: string; field: string; action: string | undefined; target: string | undefined }[] = [];
      let applyDenials = false;

      return {
        async didResolveOperation(ctx) {
          if (refused) throw refused;
          const { operation, document } = ctx;
          // Only a document we validated and filtered runs (Apollo Server stops the rest at validation).
          if (!filtered || !operation || !clientOperation)
            throw ERRORS.FORBIDDEN.err('Forbidden: the operation could not be authorized', { extensions: { http: { status: 403 } } });
          const opName = operation.name?.value ?? null;
          const values = variableValues(clientOperation, request.variables);
          const live = <T extends { operation: string | null; conditions?: Condition[] | undefined }>(list: T[]) =>
            list.filter((x) => x.operation === opName && runs(x.conditions, values));
          denied = live(filtered.denied);
          placeholders = filtered.placeholders.filter((p) => p.operation === opName);
          const forbidden = live(filtered.forbiddenMutations);

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

          if (denied.length > 0) {
            if (current.dryRun) {
              for (const d of denied)
                audit.record({ ...base(), kind: 'denial', field: d.field, target: d.path.join('.'), needs: d.needs, result: 'dry-run' });
              log.info('authz dry run: fields would be denied', { fields: denied.map((d) => d.field) });
              denied = [];
            } else {
              for (const d of denied)
                audit.record({ ...base(), kind: 'denial', field: d.field, target: d.path.join('.'), needs: d.needs, result: 'denied' });
              if (current.mode === 'reject') {
                throw errorCode.err(`Forbidden: ${describe(denied)}`, {
                  extensions: {
                    http: { status: httpStatus },
                    denied: denied.map((d) => ({ path: d.path, field: d.field, requiredLevel: d.needs })),
                  },
                });
              }
              applyDenials = true;
            }
          }

          const limited = await checks?.authorized?.({ viewer, mutations: mutations.length, context: requestContext.contextValue });
          if (limited) {
            for (const m of mutations)
              audit.record({
                ...base(),
                kind: 'action',
                field: m.field,
                action: m.action,
                target: m.target,
                result: 'denied',
                reason: limited.message,
              });
            mutations = [];
            throw limited;
          }
        },

        async didEncounterErrors({ errors }) {
          // Suggestions name fields: only where every viewer may see the whole schema anyway.
          if (current.introspection === 'full') return;
          for (const error of errors) error.message = error.message.replace(/ ?Did you mean [^?]*\?/g, '');
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
          const marked = body.singleResult.errors?.filter((e) => e.extensions?.[AUDITED_EXTENSION] === true) ?? [];
          // The marker is for this plugin only: the client's answer does not carry it.
          const result =
            marked.length === 0 ? body.singleResult : { ...body.singleResult, errors: (body.singleResult.errors ?? []).map(unmarked) };
          body.singleResult = result;
          const auditedFurtherIn = (e: GraphQLFormattedError) =>
            marked.some((m) => m.message === e.message && m.path?.join('.') === e.path?.join('.')) ||
            e.extensions?.['code'] === ERRORS.FORBIDDEN.code ||
            e.extensions?.['code'] === ERRORS.UNAUTHENTICATED.code;
          for (const m of mutations) {
            const errors = result.errors?.filter((e) => e.path?.[0] === m.key) ?? [];
            // A refusal made further in (the subgraph's shield or its scope check) was audited there.
            if (errors.some(auditedFurtherIn)) continue;
            const failed = errors.length > 0 || result.data === null || result.data === undefined;
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

function unmarked(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.extensions || !(AUDITED_EXTENSION in error.extensions)) return error;
  const { [AUDITED_EXTENSION]: _, ...extensions } = error.extensions;
  return { ...error, extensions };
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
