import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A generated table in a hand-written page stands between `<!-- name:start -->` and
 * `<!-- name:end -->`: a docs script rewrites what is between, and test/readme.test.ts checks that
 * rewriting changes nothing.
 */
export function betweenMarkers(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${name} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** Rewrites a file of the repository (`path` relative to scripts/). */
export function rewriteFile(path: string, rewrite: (text: string) => string): void {
  const file = new URL(path, import.meta.url);
  writeFileSync(file, rewrite(readFileSync(file, 'utf8')));
}
