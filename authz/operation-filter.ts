import {
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AnnotationIndex } from './annotations.js';
import { mayRead } from './scope.js';
import { DRILL_LEVELS, drillRank, type DrillLevel, type Viewer } from './viewer.js';

/**
 * The gateway's pre-planning authorization: removes from an operation every field the viewer's drill
 * level does not allow, so no subgraph is even asked for it, and reports what it removed (to answer
 * null + FORBIDDEN per path) and which mutations the viewer may not run (to reject the operation).
 *
 * Named fragments are filtered once each, by their type condition (what a fragment may contain does
 * not depend on where it is spread); their denials are reported at every path they are spread at.
 * The output stays small (no fragment inlining) and valid: emptied selection sets are pruned with
 * their parent field, now-unused fragments and variables are dropped, and an operation left with no
 * field at all gets a placeholder `_authzEmpty: __typename` that the plugin removes from the answer.
 * A fragment no operation reaches any more is dropped, wherever it was spread (the plugin runs a
 * filtered document only when the client's was valid, so every fragment was used before).
 *
 * A selection that can never run (`@skip(if: true)`, `@include(if: false)`) is removed without a
 * word; one that runs depending on a variable is removed too, and its denials carry the condition so
 * that only those that would run are reported. The work is linear in the document: each fragment is
 * filtered once, denials are de-duplicated per selection set, and an operation whose denied paths
 * pass MAX_DENIALS (each fragment spread once per distinct path) is refused as too large.
 */

/** A `@skip(if: $variable)` (skipIf true) or `@include(if: $variable)` (skipIf false) on the path. */
export interface Condition {
  variable: string;
  skipIf: boolean;
}

/** More distinct denied paths than any sensible operation has: past it the filter gives up. */
export const MAX_DENIALS = 10_000;

export class FilterTooLarge extends Error {
  constructor() {
    super(`operation has more than ${MAX_DENIALS} distinct denied paths through its fragments`);
  }
}

export type FilterViewer = Pick<Viewer, 'drillLevel' | 'grants' | 'actions'>;

export interface Denial {
  /** Response keys (aliases where given) from the operation root to the removed field; no list indices. */
  path: string[];
  /** `Type.field` of the removed field. */
  field: string;
  /** The drill level that would have allowed it (for a pruned parent: the least that shows any child). */
  needs: DrillLevel;
  /** Name of the operation it belongs to (null for an anonymous operation). */
  operation: string | null;
  /** True when the field itself is readable but every field selected under it was denied. */
  emptied?: true;
  /** The variable-driven @skip/@include on its path: reported only when they let it run. */
  conditions?: Condition[];
}

export interface ForbiddenMutation {
  /** `Mutation.field`. */
  field: string;
  responseKey: string;
  /** The @action the viewer lacks; null when the action is granted but the drill level is too low. */
  action: string | null;
  needs: DrillLevel;
  operation: string | null;
  conditions?: Condition[];
}

export interface FilterResult {
  /** The filtered document; the input object itself when nothing changed. */
  document: DocumentNode;
  changed: boolean;
  denied: Denial[];
  /** Mutation fields the viewer may not run, with every operation in the document (the plugin checks the executed one). */
  forbiddenMutations: ForbiddenMutation[];
  /** Operations whose every root field was denied: they now select only the placeholder. */
  emptiedOperations: (string | null)[];
  /** Paths of injected placeholder fields, per operation, to strip from the answer. */
  placeholders: { operation: string | null; path: string[] }[];
}

/** Response key of the placeholder that keeps an emptied selection set valid. */
export const EMPTY_ALIAS = '_authzEmpty';

interface Rel {
  path: string[];
  field: string;
  needs: DrillLevel;
  emptied?: true;
  conditions?: Condition[];
}
type RelForbidden = Omit<ForbiddenMutation, 'operation'>;

interface SetResult {
  /** null: everything in it was denied. */
  set: SelectionSetNode | null;
  changed: boolean;
  denied: Rel[];
  /** Keys of `denied`, so a fragment spread twice at one path adds its denials once. */
  deniedKeys: Set<string>;
  forbidden: RelForbidden[];
  placeholders: string[][];
}

interface Ctx {
  schema: GraphQLSchema;
  index: AnnotationIndex;
  viewer: FilterViewer;
  fragments: Map<string, FragmentDefinitionNode>;
  fragmentResults: Map<string, SetResult>;
  inProgress: Set<string>;
  /** Denials recorded so far, against MAX_DENIALS. */
  denials: number;
}

const placeholderSet = (): SelectionSetNode => ({
  kind: Kind.SELECTION_SET,
  selections: [{ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: EMPTY_ALIAS }, name: { kind: Kind.NAME, value: '__typename' } }],
});

const leastNeeds = (denied: Rel[]): DrillLevel =>
  denied.reduce<DrillLevel>(
    (least, d) => (drillRank(d.needs) < drillRank(least) ? d.needs : least),
    DRILL_LEVELS[DRILL_LEVELS.length - 1] as DrillLevel,
  );

const prefixed = (key: string, rels: Rel[]): Rel[] => rels.map((r) => ({ ...r, path: [key, ...r.path] }));

const relKey = (r: Rel) =>
  `${r.path.join('\u0000')}\u0001${r.field}\u0001${(r.conditions ?? []).map((c) => `${c.skipIf ? '-' : '+'}${c.variable}`).join(',')}`;

/** Adds denials to a selection set's result, once each, under the given conditions. */
function addDenials(out: SetResult, rels: Rel[], ctx: Ctx, conditions: Condition[] = []): void {
  for (const rel of rels) {
    const r = conditions.length > 0 ? { ...rel, conditions: [...conditions, ...(rel.conditions ?? [])] } : rel;
    const key = relKey(r);
    if (out.deniedKeys.has(key)) continue;
    out.deniedKeys.add(key);
    out.denied.push(r);
    ctx.denials += 1;
    if (ctx.denials > MAX_DENIALS) throw new FilterTooLarge();
  }
}

/**
 * How a selection's @skip/@include decide whether it runs: 'never' for literal arguments that
 * skip it, else the variables it depends on (empty: always runs).
 */
function conditionsOf(node: SelectionNode): Condition[] | 'never' {
  const conditions: Condition[] = [];
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    if (value?.kind === Kind.BOOLEAN) {
      if (value.value === (name === 'skip')) return 'never';
    } else if (value?.kind === Kind.VARIABLE) {
      conditions.push({ variable: value.name.value, skipIf: name === 'skip' });
    }
  }
  return conditions;
}

const emptiedConditions = (denied: Rel[]): Condition[] | undefined => {
  // The parent is denied as a whole only as far as its children would all run: when they share
  // the same conditions, so does it; otherwise it is reported whatever the variables say.
  const first = denied[0]?.conditions;
  if (!first || first.length === 0) return undefined;
  const key = JSON.stringify(first);
  return denied.every((d) => JSON.stringify(d.conditions ?? []) === key) ? first : undefined;
};

function filterField(node: FieldNode, parent: GraphQLCompositeType, ctx: Ctx, out: SetResult, kept: SelectionNode[]): void {
  const name = node.name.value;
  // Meta fields (__typename, __schema, __type) are not data; introspection is governed separately.
  if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) {
    kept.push(node);
    return;
  }
  const def = parent.getFields()[name];
  if (!def) {
    kept.push(node); // unknown field: left for validation to report
    return;
  }
  const key = node.alias?.value ?? name;
  const field = `${parent.name}.${name}`;
  const needs = ctx.index.levelOf(parent.name, name);
  const isMutationRoot = parent === ctx.schema.getMutationType();

  if (isMutationRoot) {
    // A mutation is never silently dropped: a missing right rejects the whole operation instead.
    const action = ctx.index.actionOf(name);
    const lacksAction = action !== undefined && !ctx.viewer.actions.includes(action);
    if (lacksAction || !mayRead(ctx.viewer, needs)) {
      out.forbidden.push({ field, responseKey: key, action: lacksAction ? action : null, needs });
    }
  } else if (!mayRead(ctx.viewer, needs)) {
    out.changed = true;
    addDenials(out, [{ path: [key], field, needs }], ctx);
    return;
  }

  const named = getNamedType(def.type);
  if (!node.selectionSet || !isCompositeType(named)) {
    kept.push(node);
    return;
  }
  const inner = filterSet(node.selectionSet, named, ctx);
  out.forbidden.push(...inner.forbidden);
  out.placeholders.push(...inner.placeholders.map((p) => [key, ...p]));
  if (inner.set === null) {
    out.changed = true;
    if (isMutationRoot) {
      addDenials(out, prefixed(key, inner.denied), ctx);
      out.placeholders.push([key, EMPTY_ALIAS]);
      kept.push({ ...node, selectionSet: placeholderSet() });
    } else {
      // The children's denials collapse into one for the parent: its whole answer is null.
      const conditions = emptiedConditions(inner.denied);
      addDenials(out, [{ path: [key], field, needs: leastNeeds(inner.denied), emptied: true, ...(conditions ? { conditions } : {}) }], ctx);
    }
    return;
  }
  addDenials(out, prefixed(key, inner.denied), ctx);
  if (inner.changed) {
    out.changed = true;
    kept.push({ ...node, selectionSet: inner.set });
  } else kept.push(node);
}

function fragmentResult(name: string, ctx: Ctx): SetResult | undefined {
  const cached = ctx.fragmentResults.get(name);
  if (cached) return cached;
  const def = ctx.fragments.get(name);
  // Unknown fragments and cycles are invalid documents: leave them for validation to report.
  if (!def || ctx.inProgress.has(name)) return undefined;
  const type = ctx.schema.getType(def.typeCondition.name.value);
  if (!type || !isCompositeType(type)) return undefined;
  ctx.inProgress.add(name);
  const result = filterSet(def.selectionSet, type, ctx);
  ctx.inProgress.delete(name);
  ctx.fragmentResults.set(name, result);
  return result;
}

function filterSet(set: SelectionSetNode, parent: GraphQLCompositeType, ctx: Ctx): SetResult {
  const out: SetResult = { set, changed: false, denied: [], deniedKeys: new Set(), forbidden: [], placeholders: [] };
  const kept: SelectionNode[] = [];
  for (const sel of set.selections) {
    const conditions = conditionsOf(sel);
    if (conditions === 'never') {
      out.changed = true;
      continue;
    }
    if (sel.kind === Kind.FIELD) {
      if (conditions.length === 0) {
        filterField(sel, parent, ctx, out, kept);
        continue;
      }
      // Filter the field on its own, then put its denials under its conditions.
      const own: SetResult = { set, changed: false, denied: [], deniedKeys: new Set(), forbidden: [], placeholders: [] };
      filterField(sel, parent, ctx, own, kept);
      if (own.changed) out.changed = true;
      addDenials(out, own.denied, ctx, conditions);
      out.forbidden.push(...own.forbidden.map((f) => ({ ...f, conditions: [...conditions, ...(f.conditions ?? [])] })));
      out.placeholders.push(...own.placeholders);
      continue;
    }
    let inner: SetResult | undefined;
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const type = sel.typeCondition ? ctx.schema.getType(sel.typeCondition.name.value) : parent;
      inner = type && isCompositeType(type) ? filterSet(sel.selectionSet, type, ctx) : undefined;
    } else {
      inner = fragmentResult(sel.name.value, ctx);
    }
    if (!inner) {
      kept.push(sel);
      continue;
    }
    addDenials(out, inner.denied, ctx, conditions);
    out.forbidden.push(
      ...inner.forbidden.map((f) => (conditions.length > 0 ? { ...f, conditions: [...conditions, ...(f.conditions ?? [])] } : f)),
    );
    out.placeholders.push(...inner.placeholders);
    if (inner.set === null) out.changed = true;
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (inner.changed) {
        out.changed = true;
        kept.push({ ...sel, selectionSet: inner.set });
      } else kept.push(sel);
    } else {
      // The spread stays; the fragment definition itself is rewritten once.
      if (inner.changed) out.changed = true;
      kept.push(sel);
    }
  }
  if (kept.length === 0) out.set = null;
  else if (out.changed) out.set = { ...set, selections: kept };
  return out;
}

/** Variables and fragment spreads a node uses (directly; fragments are followed by the caller). */
function usage(node: OperationDefinitionNode | FragmentDefinitionNode): { variables: Set<string>; spreads: Set<string> } {
  const variables = new Set<string>();
  const spreads = new Set<string>();
  visit(node.selectionSet, {
    Variable: (v) => void variables.add(v.name.value),
    FragmentSpread: (s) => void spreads.add(s.name.value),
  });
  return { variables, spreads };
}

export function filterOperation(document: DocumentNode, schema: GraphQLSchema, index: AnnotationIndex, viewer: FilterViewer): FilterResult {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const ctx: Ctx = { schema, index, viewer, fragments, fragmentResults: new Map(), inProgress: new Set(), denials: 0 };

  const result: FilterResult = { document, changed: false, denied: [], forbiddenMutations: [], emptiedOperations: [], placeholders: [] };
  const newOps = new Map<OperationDefinitionNode, OperationDefinitionNode>();

  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(def.operation);
    if (!root) continue;
    const operation = def.name?.value ?? null;
    const inner = filterSet(def.selectionSet, root, ctx);
    for (const d of inner.denied) result.denied.push({ ...d, operation });
    result.forbiddenMutations.push(...inner.forbidden.map((f) => ({ ...f, operation })));
    result.placeholders.push(...inner.placeholders.map((path) => ({ operation, path })));
    if (inner.set === null) {
      result.emptiedOperations.push(operation);
      result.placeholders.push({ operation, path: [EMPTY_ALIAS] });
      newOps.set(def, { ...def, selectionSet: placeholderSet() });
    } else if (inner.changed) newOps.set(def, { ...def, selectionSet: inner.set });
  }

  const fragmentsChanged = [...ctx.fragmentResults.values()].some((r) => r.changed || r.set === null);
  if (newOps.size === 0 && !fragmentsChanged) return result;
  result.changed = true;

  // Rewritten fragments; then what each operation still reaches, to drop unused fragments and variables.
  const newFragments = new Map<string, FragmentDefinitionNode>();
  for (const [name, def] of fragments) {
    const r = ctx.fragmentResults.get(name);
    if (r?.set === null) continue;
    newFragments.set(name, r?.changed && r.set ? { ...def, selectionSet: r.set } : def);
  }
  const fragmentUsage = new Map([...newFragments].map(([name, def]) => [name, usage(def)]));
  const reachable = new Set<string>();
  const definitions: DefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) {
      definitions.push(def);
      continue;
    }
    if (def.kind !== Kind.OPERATION_DEFINITION) {
      definitions.push(def);
      continue;
    }
    let op = newOps.get(def) ?? def;
    const own = usage(op);
    const variables = new Set(own.variables);
    const stack = [...own.spreads];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (visited.has(name)) continue;
      visited.add(name);
      reachable.add(name);
      const u = fragmentUsage.get(name);
      if (!u) continue;
      for (const v of u.variables) variables.add(v);
      stack.push(...u.spreads);
    }
    if (newOps.has(def) && op.variableDefinitions?.some((v) => !variables.has(v.variable.name.value))) {
      op = { ...op, variableDefinitions: op.variableDefinitions.filter((v) => variables.has(v.variable.name.value)) };
    }
    definitions.push(op);
  }
  result.document = {
    ...document,
    definitions: definitions.flatMap((def): DefinitionNode[] => {
      if (def.kind !== Kind.FRAGMENT_DEFINITION) return [def];
      const name = def.name.value;
      const replaced = newFragments.get(name);
      // A fragment no operation reaches any more goes, even one spread only under a removed field.
      if (!replaced || !reachable.has(name)) return [];
      return [replaced];
    }),
  };
  return result;
}

/** Root field names of an operation, through inline fragments and fragment spreads. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.push(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const def = fragments.get(sel.name.value);
        if (def) walk(def.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}
