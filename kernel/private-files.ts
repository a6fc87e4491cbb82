import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * Writable state (SQLite files: status history, tickets, acknowledgements) is readable by its owner
 * only: directories 0700, files 0600, tightened on every open so an older install's 0644 files are
 * fixed too. Creating the file before SQLite opens it is enough for its journals: SQLite gives the
 * `-wal` and `-shm` files the mode of the database file.
 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

export function privateFile(file: string): string {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  return file;
}
