import type { z } from 'zod';

/**
 * What a configuration value must be before its zod schema parses it, checked by walking the schema
 * beside the value, so it holds for every schema the config loader is given (ours, every connector's,
 * and any key added later) without each one having to remember `strictObject`:
 *
 * - no unknown key at any depth: a typo (`introspecton: true`) is an error at its path, with the
 *   nearest known key suggested, instead of being dropped silently by `z.object`;
 * - a string where the schema wants a number or a boolean is converted when it is one ("4001",
 *   "true"): `${PORT}` and `${file:…}` always substitute text.
 *
 * Objects declared loose (`z.looseObject`, a catchall) keep their extra keys: they asked for them.
 */

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  items?: z.ZodType[];
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers whose input is their inner schema's input. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface Conformed {
  value: unknown;
  problems: string[];
}

/** Checks and converts `value` for `schema`; `path` prefixes each problem (e.g. `connectors[2]`). */
export function conformToSchema(schema: z.ZodType, value: unknown, path = ''): Conformed {
  const problems: string[] = [];
  return { value: walk(schema, value, path, problems), problems };
}

function walk(schema: z.ZodType, value: unknown, path: string, problems: string[]): unknown {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return walk(def.innerType, value, path, problems);
  switch (def.type) {
    case 'pipe':
      // A transform's input side decides what the file may contain.
      return def.in ? walk(def.in, value, path, problems) : value;
    case 'lazy':
      return def.getter ? walk(def.getter(), value, path, problems) : value;
    case 'number':
      return typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
      return Array.isArray(value) && def.element
        ? value.map((v, i) => walk(def.element as z.ZodType, v, `${path}[${i}]`, problems))
        : value;
    case 'tuple':
      return Array.isArray(value) && def.items
        ? value.map((v, i) => (def.items?.[i] ? walk(def.items[i], v, `${path}[${i}]`, problems) : v))
        : value;
    case 'record':
      if (!isPlainObject(value) || !def.valueType) return value;
      return mapEntries(value, (k, v) => walk(def.valueType as z.ZodType, v, join(path, k), problems));
    case 'object':
      return isPlainObject(value) ? walkObject(def, value, path, problems) : value;
    case 'union':
      return walkUnion(def.options ?? [], value, path, problems);
    default:
      return value;
  }
}

function walkObject(def: Def, value: Record<string, unknown>, path: string, problems: string[]): unknown {
  const shape = def.shape ?? {};
  const strict = def.catchall === undefined || defOf(def.catchall).type === 'never';
  const known = Object.keys(shape);
  return mapEntries(value, (key, v) => {
    const field = shape[key];
    if (field) return walk(field, v, join(path, key), problems);
    if (strict) problems.push(unknownKey(join(path, key), key, known));
    return v;
  });
}

/**
 * The option the value was meant for: the one it parses with (after conversion) and the fewest
 * problems, else the one with the fewest problems (`auth: { kind: basic, pasword: … }` is a
 * misspelt basic auth, not a wrong bearer one).
 */
function walkUnion(options: z.ZodType[], value: unknown, path: string, problems: string[]): unknown {
  let best: (Conformed & { parses: boolean }) | undefined;
  for (const option of options) {
    const tried = conformToSchema(option, value, path);
    const candidate = { ...tried, parses: option.safeParse(tried.value).success };
    if (!best || rank(candidate) < rank(best)) best = candidate;
  }
  if (!best) return value;
  problems.push(...best.problems);
  return best.value;
}

const rank = (c: { parses: boolean; problems: string[] }) => (c.parses ? 0 : 1_000) + c.problems.length;

function unknownKey(at: string, key: string, known: string[]): string {
  const suggestion = closest(key, known);
  if (suggestion) return `${at}: unknown key, did you mean ${suggestion}?`;
  return known.length > 0 ? `${at}: unknown key (known here: ${known.join(', ')})` : `${at}: unknown key (nothing is configured here)`;
}

/**
 * The known key nearest to a typo, if it is near enough (at most a third of its letters wrong, a
 * swapped pair counting as one), else one it begins. Fifteen lines of edit distance, not a dependency.
 */
function closest(key: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  // A key cut short (`estate` for `estateDir`) is a typo too.
  return best?.name ?? (key.length >= 3 ? known.find((name) => name.toLowerCase().startsWith(key.toLowerCase())) : undefined);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const mapEntries = (value: Record<string, unknown>, fn: (key: string, v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(k, v)]));
