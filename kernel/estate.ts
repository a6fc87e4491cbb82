import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isCollection, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Loading the estate: the YAML files that describe business services and the builtin tools' data.
 *
 * Strings may carry time placeholders so a shipped demo is always current (payday is today, the
 * alert started 15 minutes ago) without anyone editing dates:
 *   {{today}}          the current date, YYYY-MM-DD (UTC)
 *   {{today+1d}}       a date relative to today (days only)
 *   {{now}}            the current instant, ISO 8601 (UTC)
 *   {{now-90m}}        an instant relative to now; units s, m, h, d, w
 * A placeholder may be the whole string or part of it. YAML reads an unquoted `{{…}}` as a mapping,
 * so placeholders must be quoted: `startsAt: "{{now-15m}}"`.
 */

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RELATIVE = /^(today|now)(?:([+-])(\d+)([smhdw]))?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Formats a path inside a document as `alerts[2].ci.name` (or `(root)`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** The value of one placeholder expression, or null when it is not one we know. */
export function resolvePlaceholder(expr: string, now: Date): string | null {
  const match = RELATIVE.exec(expr);
  if (!match) return null;
  const [, base, sign, amount, unit] = match;
  const offset = sign && amount && unit ? (sign === '-' ? -1 : 1) * Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS] : 0;
  if (base === 'today') {
    // A date is a whole day: only day and week offsets make sense.
    if (unit && unit !== 'd' && unit !== 'w') return null;
    return new Date(now.getTime() + offset).toISOString().slice(0, 10);
  }
  return new Date(now.getTime() + offset).toISOString();
}

function substitute(value: unknown, now: Date, path: PropertyKey[], problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, expr: string) => {
      const resolved = resolvePlaceholder(expr, now);
      if (resolved === null) {
        problems.push(`${formatPath(path)}: unknown placeholder ${whole} (use {{today}}, {{now}}, {{now-15m}}, {{now+2h}}, {{today+1d}})`);
        return whole;
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substitute(item, now, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, now, [...path, k], problems)]));
  }
  return value;
}

/**
 * Reads one estate YAML file and resolves its placeholders against `now`.
 * Throws ConfigError naming the file for unreadable files, YAML syntax errors and unknown placeholders.
 */
export function loadEstateYaml(file: string, now = new Date()): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`),
    );
  }
  // `startsAt: {{now}}` parses as a mapping with a mapping for a key: almost surely an unquoted placeholder.
  const keyProblems: string[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        const line = pair.key.range ? lineCounter.linePos(pair.key.range[0]).line : '?';
        keyProblems.push(`line ${line}: a mapping used as a key; quote placeholders, e.g. startsAt: "{{now-15m}}"`);
      }
    },
  });
  if (keyProblems.length > 0) throw new ConfigError(file, keyProblems);
  const problems: string[] = [];
  const value = substitute(doc.toJS({ maxAliasCount: 100 }), now, [], problems);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return value;
}

/** Validates a loaded estate value; every zod issue becomes one problem naming its path in the file. */
export function validateEstate<S extends z.ZodType>(file: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(
    file,
    result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  );
}

/** Loads, resolves placeholders and validates in one step. */
export function loadEstateFile<S extends z.ZodType>(file: string, schema: S, now = new Date()): z.output<S> {
  return validateEstate(file, schema, loadEstateYaml(file, now));
}

/**
 * The YAML files (`.yaml`, `.yml`) directly inside `dir/sub`, as full paths sorted by name, so
 * services load in a stable order. A missing folder is an empty list: the caller decides whether
 * that is an error. A symbolic link counts as the file it points to: a Kubernetes ConfigMap mounts
 * every key as a link into its `..data` directory.
 */
export function listEstateFiles(dir: string, sub = '.'): string[] {
  const folder = join(dir, sub);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/i.test(name) && statSync(join(folder, name), { throwIfNoEntry: false })?.isFile())
    .sort()
    .map((name) => join(folder, name));
}
