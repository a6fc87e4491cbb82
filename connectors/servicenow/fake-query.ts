/**
 * The subset of ServiceNow's encoded query language the fake understands: conditions joined by `^`
 * (AND) and `^OR` (OR with the condition before it, which is how ServiceNow binds it:
 * `a^b^ORc` = a AND (b OR c)), operators `=`, `!=`, `<`, `<=`, `>`, `>=`, `IN`, `NOT IN`, `LIKE`,
 * `NOT LIKE`, `STARTSWITH`, `ENDSWITH`, `ISEMPTY`, `ISNOTEMPTY`, dot-walked fields
 * (`cmdb_ci.name`), and `ORDERBY<field>` / `ORDERBYDESC<field>`.
 * Source: docs.servicenow.com "Encoded query strings" and "Operators available for filters and queries".
 *
 * String comparisons ignore case, as they do on a ServiceNow instance (case-insensitive collation).
 * Anything else (`^NQ`, `123TEXTQUERY321`, unknown operators) is rejected with an error, so a
 * connector that starts relying on more of the language fails its tests instead of being silently
 * served an unfiltered list.
 */

export interface Condition {
  field: string;
  op: string;
  value: string;
}

export interface EncodedQuery {
  /** AND of OR-groups. */
  groups: Condition[][];
  order: { field: string; desc: boolean }[];
}

const CONDITION = /^([a-z0-9_.]+?)(ISNOTEMPTY|ISEMPTY|NOT LIKE|NOT IN|STARTSWITH|ENDSWITH|LIKE|IN|!=|>=|<=|=|>|<)(.*)$/s;

export class QueryError extends Error {}

export function parseEncodedQuery(query: string): EncodedQuery {
  const parsed: EncodedQuery = { groups: [], order: [] };
  if (!query) return parsed;
  for (const token of query.split('^')) {
    if (token === '' || token === 'EQ') continue;
    if (token.startsWith('ORDERBYDESC')) {
      parsed.order.push({ field: token.slice('ORDERBYDESC'.length), desc: true });
    } else if (token.startsWith('ORDERBY')) {
      parsed.order.push({ field: token.slice('ORDERBY'.length), desc: false });
    } else if (token.startsWith('OR')) {
      const last = parsed.groups.at(-1);
      if (!last) throw new QueryError(`^OR without a condition before it: ${token}`);
      last.push(parseCondition(token.slice(2)));
    } else {
      parsed.groups.push([parseCondition(token)]);
    }
  }
  return parsed;
}

function parseCondition(token: string): Condition {
  const match = CONDITION.exec(token);
  if (!match) throw new QueryError(`unsupported query term: ${token}`);
  return { field: match[1]!, op: match[2]!, value: match[3]! };
}

/** Evaluates one condition against the field's raw value (sys_id for references). */
export function matches(condition: Condition, raw: string): boolean {
  const actual = raw.toLowerCase();
  const expected = condition.value.toLowerCase();
  switch (condition.op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'IN':
      return expected.split(',').includes(actual);
    case 'NOT IN':
      return !expected.split(',').includes(actual);
    case 'LIKE':
      return actual.includes(expected);
    case 'NOT LIKE':
      return !actual.includes(expected);
    case 'STARTSWITH':
      return actual.startsWith(expected);
    case 'ENDSWITH':
      return actual.endsWith(expected);
    case 'ISEMPTY':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
    default:
      return compare(raw, condition.value, condition.op);
  }
}

function compare(a: string, b: string, op: string): boolean {
  const numeric = a !== '' && b !== '' && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b));
  const order = numeric ? Math.sign(Number(a) - Number(b)) : a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}
