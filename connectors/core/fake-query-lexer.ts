/**
 * The tokenizer and the AND/OR structure of the query languages the protocol fakes parse (Jira's JQL,
 * Confluence's CQL): both are `field op value` clauses joined by AND/OR with parentheses and `IN (…)`
 * lists, and their tokens differ only in the operators, the characters of a bare word and how a stray
 * character is rejected.
 */
export type Tok = { t: 'word' | 'str' | 'op' | 'punct'; v: string };

export interface QuerySyntax {
  /** Comparison operators; where one is a prefix of another, list the longer first ('!=' before '='). */
  operators: string[];
  /** A bare word (field name, keyword or unquoted value), anchored at the start: /^[A-Za-z0-9_.-]+/. */
  word: RegExp;
  /** A word form tried before `word`, and how it is spelled as a word token (e.g. JQL's `cf[10010]`). */
  special?: { pattern: RegExp; spell: (match: string) => string };
  /** The error message for a character that starts no token. */
  unexpected: (char: string) => string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits a query into tokens: quoted strings lose their quotes and backslash escapes. */
export function createQueryLexer(syntax: QuerySyntax): (query: string) => Tok[] {
  const operator = new RegExp(`^(${syntax.operators.map(escapeRegExp).join('|')})`);
  return (query) => {
    const out: Tok[] = [];
    let i = 0;
    const token = (tok: Tok, length: number) => {
      out.push(tok);
      i += length;
    };
    while (i < query.length) {
      const rest = query.slice(i);
      let m: RegExpExecArray | null;
      if ((m = /^\s+/.exec(rest))) i += m[0].length;
      else if ((m = /^"((?:\\.|[^"\\])*)"/.exec(rest))) token({ t: 'str', v: m[1]!.replace(/\\(.)/g, '$1') }, m[0].length);
      else if ((m = operator.exec(rest))) token({ t: 'op', v: m[1]! }, m[0].length);
      else if ((m = /^[(),]/.exec(rest))) token({ t: 'punct', v: m[0] }, 1);
      else if (syntax.special && (m = syntax.special.pattern.exec(rest))) token({ t: 'word', v: syntax.special.spell(m[0]) }, m[0].length);
      else if ((m = syntax.word.exec(rest))) token({ t: 'word', v: m[0] }, m[0].length);
      else throw new Error(syntax.unexpected(rest[0]!));
    }
    return out;
  };
}

/**
 * Parses clauses joined by OR and AND over the tokens, as JQL and CQL join them: AND binds tighter,
 * both left to right. `kw` tells whether the next token is a keyword, `skip` consumes it, `clause`
 * parses one clause (or a parenthesised group, by calling back into this).
 */
export function joinedByAndOr<X>(kw: (word: string) => boolean, skip: () => void, clause: () => (x: X) => boolean): (x: X) => boolean {
  const term = (): ((x: X) => boolean) => {
    let left = clause();
    while (kw('AND')) {
      skip();
      const l = left;
      const r = clause();
      left = (x) => l(x) && r(x);
    }
    return left;
  };
  let left = term();
  while (kw('OR')) {
    skip();
    const l = left;
    const r = term();
    left = (x) => l(x) || r(x);
  }
  return left;
}

/**
 * The `(a, b, …)` after IN: `take` consumes the next token, `value` reads a value; `expecting` words
 * the tool's own error for a missing bracket.
 */
export function inList(take: () => Tok | undefined, value: () => string, expecting: (bracket: string) => string): string[] {
  if (take()?.v !== '(') throw new Error(expecting('('));
  const list = [value()];
  for (let tok = take(); tok?.v !== ')'; tok = take()) {
    if (tok?.v !== ',') throw new Error(expecting(')'));
    list.push(value());
  }
  return list;
}
