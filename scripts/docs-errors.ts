import { readFileSync, writeFileSync } from 'node:fs';
import { errorCodeTable } from '../kernel/errors.js';

/** Writes the error-code table from the registry into README.md between its markers. */
export const START = '<!-- error-codes:start -->';
export const END = '<!-- error-codes:end -->';

export function withErrorTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md has no error-codes markers');
  return `${readme.slice(0, start + START.length)}\n${errorCodeTable()}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = new URL('../README.md', import.meta.url);
  writeFileSync(file, withErrorTable(readFileSync(file, 'utf8')));
  console.log('README.md error table updated');
}
