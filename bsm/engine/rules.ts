import { z } from 'zod';
import type { Severity, Status } from '../../kernel/model.js';
import { RULE_KINDS, type ReduceRule } from './kinds/index.js';
import type { EdgeMapDefinition, Explained, Inputs, Parameter, Problem, Reducer, RuleKindDefinition } from './kinds/kind.js';
import { MAP_KINDS, type EdgeMap } from './maps/index.js';
import { CRITICAL, OK, code, statusName } from './status.js';

/**
 * Everything the rest of the product asks about rule kinds and edge maps, read from their one
 * definition each (kinds/, maps/): the zod schemas the estate is validated with at start (the same
 * ones the engine checks every graph with), the compiled reducers, descriptions, explanations, the
 * root-cause strategies, and the catalogue behind Query.ruleKinds and the docs tables.
 */

export type { EdgeMap, ReduceRule };

// Each definition is only ever called with a rule of its own kind (looked up by `kind`); the types
// cannot follow that lookup, so the registry holds them under the widest type.
type AnyRuleKind = RuleKindDefinition<ReduceRule>;
type AnyMapKind = EdgeMapDefinition<EdgeMap>;
const ruleKindByName = new Map<string, AnyRuleKind>(RULE_KINDS.map((k) => [k.kind, k as unknown as AnyRuleKind]));
const mapKindByName = new Map<string, AnyMapKind>(MAP_KINDS.map((k) => [k.kind, k as unknown as AnyMapKind]));
const ruleKindOf = (rule: ReduceRule) => ruleKindByName.get(rule.kind) as AnyRuleKind;
const mapKindOf = (map: EdgeMap) => mapKindByName.get(map.kind) as AnyMapKind;

export const RULE_KIND_NAMES: readonly string[] = RULE_KINDS.map((k) => k.kind);

const NONE: readonly string[] = [];

function shape(kind: string, parameters: Record<string, Parameter<unknown>>) {
  return z.strictObject({ kind: z.literal(kind), ...Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, p.schema])) });
}

/** Per kind: its parameters' schemas and its cross-parameter checks. */
const ruleSchemas = new Map(
  [...ruleKindByName].map(([name, def]) => [
    name,
    shape(name, def.parameters).superRefine((rule, ctx) => {
      for (const p of def.check?.(rule as ReduceRule) ?? [])
        ctx.addIssue({ code: 'custom', path: p.path ? [p.path] : [], message: p.message });
    }),
  ]),
);
const mapSchemas = new Map([...mapKindByName].map(([name, def]) => [name, shape(name, def.parameters)]));

const at = (kind: string, path: readonly PropertyKey[]) => (path.length > 0 ? `${kind}.${path.map(String).join('.')}` : kind);

function problemsWith(schemas: Map<string, z.ZodType>, what: string, value: unknown): readonly string[] {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === 'string' ? schemas.get(kind) : undefined;
  if (!schema) return [`unknown ${what} kind ${JSON.stringify(kind)}`];
  const parsed = schema.safeParse(value);
  return parsed.success ? NONE : parsed.error.issues.map((i) => `${at(kind as string, i.path)}: ${i.message}`);
}

/**
 * What the engine needs of a rule or a map is worked out once per distinct value (zod is too slow
 * for every node of every compile, and graphs are rebuilt with fresh objects): by object first,
 * then rules by a key made of their fields, and maps, one per edge (each CMDB edge gets a fresh
 * `{ kind: 'identity' }`), by kind and parameter value, without building a string.
 */
function valueKey(value: object): string {
  let key = '';
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    key += `${k}:${typeof v === 'object' && v !== null ? JSON.stringify(v) : `${(typeof v)[0]}${String(v)}`}|`;
  }
  return key;
}

export interface RuleInfo {
  readonly problems: readonly string[];
  /** Only for a valid rule. */
  readonly reducer: Reducer | null;
  readonly monotone: boolean;
  /** Problems of a valid rule over `count` counted members weighing `totalWeight` (kinds/kind.ts, members). */
  members(count: number, totalWeight: number): readonly Problem[];
  /** What root-cause search may assume about it (kinds/kind.ts, recovery). */
  readonly recovery: Recovery;
}

export interface Recovery {
  forced(status: number, value: number): boolean;
  readonly weighted: boolean;
  helps(value: number): boolean;
}

const NO_RECOVERY: Recovery = { forced: () => false, weighted: false, helps: (value) => value > OK };
const rules = new Map<string, RuleInfo>();
// Rules are shared by the nodes they govern (a definition's, a class's): most lookups stop here.
const ruleObjects = new WeakMap<object, RuleInfo>();
/** What the evaluator needs of a reduce rule, worked out once per distinct rule. */
export function ruleInfo(rule: ReduceRule): RuleInfo {
  if (typeof rule !== 'object' || rule === null)
    return { problems: ['a rule must be an object'], reducer: null, monotone: true, members: () => [], recovery: NO_RECOVERY };
  const seen = ruleObjects.get(rule);
  if (seen) return seen;
  const key = valueKey(rule);
  let info = rules.get(key);
  if (!info) {
    const problems = problemsWith(ruleSchemas, 'rule', rule);
    const def = problems.length === 0 ? ruleKindOf(rule) : null;
    const check = def?.members;
    const r = def?.recovery;
    info = {
      problems,
      reducer: def ? def.compile(rule) : null,
      monotone: def?.monotone ?? true,
      members: (count, totalWeight) => (check ? check(rule, count, totalWeight) : []),
      recovery: r
        ? {
            forced: r.forced ? (status, value) => (r.forced as NonNullable<typeof r.forced>)(rule, status, value) : NO_RECOVERY.forced,
            weighted: r.weighted?.(rule) ?? false,
            helps: r.helps ? (value) => (r.helps as NonNullable<typeof r.helps>)(rule, value) : NO_RECOVERY.helps,
          }
        : NO_RECOVERY,
    };
    rules.set(key, info);
  }
  ruleObjects.set(rule, info);
  return info;
}

export interface MapInfo {
  readonly problems: readonly string[];
  /** A valid map whose child counts for the parent (`ignore` does not). */
  readonly counts: boolean;
  /** Its table's number in mapTables() (only for a valid map). */
  readonly table: number;
  /** It changes no status (identity): the evaluator can skip mapping. */
  readonly unchanged: boolean;
}
/** Per map kind: the info of the map without parameter, or per value of its one parameter. */
const maps = new Map<unknown, Map<unknown, MapInfo>>();
const mapParameter = new Map(MAP_KINDS.map((m) => [m.kind as string, Object.keys(m.parameters)[0]]));
// Shared map objects (a definition's children) skip even that.
const mapObjects = new WeakMap<object, MapInfo>();
/** Every distinct valid map's table over codes 0..7, 8 bytes each: the evaluator maps a child with one array read. */
let tables = new Uint8Array(0);
/** What the evaluator needs of an edge map, worked out once per distinct map. */
export function mapInfo(map: EdgeMap): MapInfo {
  if (typeof map !== 'object' || map === null) return { problems: ['a map must be an object'], counts: false, table: 0, unchanged: true };
  const seen = mapObjects.get(map);
  if (seen) return seen;
  // A map has at most one parameter (EdgeMapDefinition): with exactly the keys its kind names, the
  // parameter's value is the cache key. Anything else goes to zod, every time.
  const param = mapParameter.get(map.kind);
  let keys = 0;
  for (const k in map)
    if (k === 'kind' || k === param) keys++;
    else keys = -Infinity;
  const value = param === undefined ? undefined : (map as unknown as Record<string, unknown>)[param];
  const cacheable = keys === (param === undefined ? 1 : 2) && (typeof value !== 'object' || value === null);
  let byValue = maps.get(map.kind);
  let info = cacheable ? byValue?.get(value) : undefined;
  if (!info) {
    const problems = problemsWith(mapSchemas, 'map', map);
    let table = 0;
    let unchanged = true;
    if (problems.length === 0) {
      const all = new Uint8Array(tables.length + 8);
      all.set(tables);
      for (let c = 0; c < 8; c++) {
        all[tables.length + c] = mapCode(map, c);
        if (all[tables.length + c] !== c) unchanged = false;
      }
      table = tables.length / 8;
      tables = all;
    }
    info = { problems, counts: problems.length === 0 && mapKindOf(map).counts, table, unchanged };
    if (cacheable) {
      if (!byValue) maps.set(map.kind, (byValue = new Map()));
      byValue.set(value, info);
    }
  }
  mapObjects.set(map, info);
  return info;
}

/** The tables of every map seen so far (MapInfo.table); a table once given keeps its place. */
export const mapTables = (): Uint8Array => tables;

/** Problems with one reduce rule (empty when fine): `quorum.degraded: CRITICAL is worse than then (MAJOR)`. */
export const ruleProblems = (rule: ReduceRule): readonly string[] => ruleInfo(rule).problems;

/** Problems with one edge map (empty when fine): `increase.n: an integer from 1 to 4`. */
export const mapProblems = (map: EdgeMap): readonly string[] => mapInfo(map).problems;

/**
 * Problems of a valid rule over `count` counted members weighing `totalWeight`, each under `where`
 * (`quorum` in the engine, `rule` or `extraRules[0]` in an estate file): `rule.min: 5 but only 3 members count, …`.
 */
export const memberProblems = (rule: ReduceRule, count: number, totalWeight: number, where: string = rule.kind): string[] =>
  ruleInfo(rule)
    .members(count, totalWeight)
    .map((p) => problemAt(where, p));

/** `quorum.min: …` for a problem of parameter min of a quorum. */
export const problemAt = (where: string, p: Problem): string => `${at(where, p.path ? [p.path] : [])}: ${p.message}`;

/** Drops keys whose value is undefined (exactOptionalPropertyTypes). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A reduce rule as written in an estate file (`{ kind: quorum, min: 2 }`); issues carry the parameter's path. */
export const RuleSchema = z.looseObject({ kind: z.string() }).transform((value, ctx): ReduceRule => {
  const schema = ruleSchemas.get(value.kind);
  if (!schema) {
    const message = `unknown rule "${value.kind}" (known: ${RULE_KIND_NAMES.join(', ')})`;
    ctx.addIssue({ code: 'custom', path: ['kind'], message, input: value });
    return z.NEVER;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
    return z.NEVER;
  }
  return compact(parsed.data) as ReduceRule;
});

/** YAML forms: a map without parameter by name (`ignore`), one with a parameter as `{ increase: 2 }`. */
const MAP_FORMS = MAP_KINDS.map((m) => {
  const [param] = Object.keys(m.parameters);
  return param === undefined ? m.kind : `{${m.kind}: ${param}}`;
});

/** An edge map as written in an estate file. */
export const EdgeMapSchema = z.unknown().transform((value, ctx): EdgeMap => {
  const bad = (why: string) => {
    ctx.addIssue({ code: 'custom', message: `bad map ${JSON.stringify(value)}: ${why}`, input: value });
    return z.NEVER;
  };
  const help = `expected ${MAP_FORMS.join(', ')}`;
  let kind: string;
  let arg: [unknown] | [] = [];
  if (typeof value === 'string') kind = value;
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1) {
    const [entry] = Object.entries(value) as [string, unknown][];
    kind = (entry as [string, unknown])[0];
    arg = [(entry as [string, unknown])[1]];
  } else return bad(help);
  const def = mapKindByName.get(kind);
  if (!def) return bad(help);
  const [param] = Object.keys(def.parameters);
  if ((param === undefined) !== (arg.length === 0)) return bad(help);
  const map = (param === undefined ? { kind } : { kind, [param]: arg[0] }) as EdgeMap;
  const problems = mapProblems(map);
  return problems.length > 0 ? bad(problems.join('; ')) : map;
});

/** The rule's reducer over known, mapped child codes (see kinds/kind.ts, Reducer). The rule must be valid. */
function reducerOf(rule: ReduceRule): Reducer {
  const { reducer } = ruleInfo(rule);
  if (!reducer) throw new Error(`invalid rule: ${ruleProblems(rule).join('; ')}`);
  return reducer;
}

/** Reduces n known, mapped child codes (n ≥ 1); child k's weight is weights[w0 + k]. */
export function reduceCodes(rule: ReduceRule, vals: ArrayLike<number>, weights: ArrayLike<number>, n: number, w0 = 0): number {
  return reducerOf(rule)(vals, weights, n, w0);
}

/** A reduce rule in words, for Rule.text. */
export const describeRule = (rule: ReduceRule): string => ruleKindOf(rule).describe(rule);

/** Why a rule gives what it gives: its measure in words (the engine names the deciding children). */
export const explainRule = (rule: ReduceRule, inputs: Inputs): Explained => ruleKindOf(rule).explain(rule, inputs);

/** The edge map in words, e.g. 'identity' or 'decrease 1'. */
export const describeMap = (map: EdgeMap): string => mapKindOf(map).describe(map);

/** Whether the child counts for its parent at all (`ignore` does not). */
export const mapCounts = (map: EdgeMap): boolean => mapInfo(map).counts;

/**
 * A child's code seen through its edge. Maps apply to problems only (OpenNMS applies them above
 * Normal), so an OK child stays OK whatever the map: "set WARNING" means "a failure here counts as
 * WARNING", not "always WARNING". UNKNOWN stays UNKNOWN.
 */
export function mapCode(map: EdgeMap, c: number): number {
  return c === OK || c > CRITICAL ? c : mapKindOf(map).apply(map, c);
}

/** A child's status after its edge map, for display (Dependency.effectiveStatus). */
export const mapStatus = (map: EdgeMap, status: Status): Status => statusName(mapCode(map, code(status)));

/** How the map changed a status, in words: `MAJOR lowered by decrease 1 to MINOR`; just the status when it did not. */
export function mapChanged(map: EdgeMap, from: Status, to: Status): string {
  return from === to || from === 'OK' || from === 'UNKNOWN' ? from : mapKindOf(map).changed(map, from, to as Severity);
}

export interface RuleKindInfo {
  name: string;
  target: 'EDGE' | 'NODE';
  description: string;
  parameters: { name: string; type: string; required: boolean; description: string }[];
  example: string;
  /** Reduce rules: when a node under it entered its status, in words. */
  since: string | null;
}

const parameterInfo = (parameters: Record<string, Parameter<unknown>>) =>
  Object.entries(parameters).map(([name, p]) => ({
    name,
    type: p.type,
    required: !p.schema.safeParse(undefined).success,
    description: p.description,
  }));

/** The catalogue behind Query.ruleKinds and the docs tables: enough for a portal to render a rule editor. */
export const ruleKinds: RuleKindInfo[] = [
  ...[...mapKindByName.values()].map((m) => ({
    name: m.kind,
    target: 'EDGE' as const,
    description: m.description,
    parameters: parameterInfo(m.parameters),
    example: m.example,
    since: null,
  })),
  ...[...ruleKindByName.values()].map((k) => ({
    name: k.kind,
    target: 'NODE' as const,
    description: k.description,
    parameters: parameterInfo(k.parameters),
    example: k.example,
    since: k.since,
  })),
];
