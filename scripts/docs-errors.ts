import { errorCodeTable } from '../kernel/errors.js';
import { betweenMarkers, rewriteFile } from './markers.js';

/** Writes the error-code table from the registry into README.md between its markers. */
export const withErrorTable = (readme: string) => betweenMarkers(readme, 'error-codes', errorCodeTable());

if (import.meta.url === `file://${process.argv[1]}`) {
  rewriteFile('../README.md', withErrorTable);
  console.log('README.md error table updated');
}
