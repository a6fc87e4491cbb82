import { existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../kernel/errors.js';

/**
 * A start checks every file it reads (config, policy, service definitions, the builtin tools' data)
 * and reports every problem of every file in one message, instead of one file per attempt.
 */
export class Preflight {
  private readonly found = new Map<string, string[]>();

  /** Records problems of one file (none: nothing recorded). */
  add(source: string, problems: string[]): void {
    if (problems.length === 0) return;
    const known = this.found.get(source) ?? [];
    // A part asked for twice (the policy by two subgraphs) reports its problems once.
    for (const problem of problems) if (!known.includes(problem)) known.push(problem);
    this.found.set(source, known);
  }

  /** Runs a step; a ConfigError it throws is recorded, anything else is not a config problem and propagates. */
  async check<T>(step: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.add(error.source, error.problems);
      return undefined;
    }
  }

  get failed(): boolean {
    return this.found.size > 0;
  }

  /** Throws one ConfigError naming every file and listing every problem, when there is any. */
  throwIfFailed(): void {
    if (this.found.size > 0) this.fail();
  }

  /** Throws the ConfigError of everything recorded (which must be something). */
  fail(): never {
    const entries = [...this.found];
    if (entries.length === 1) {
      const [source, problems] = entries[0] as [string, string[]];
      throw new ConfigError(source, problems);
    }
    const error = new ConfigError(
      entries.map(([source]) => source).join(', '),
      entries.flatMap(([source, problems]) => problems.map((p) => `${source}: ${p}`)),
    );
    const count = entries.reduce((n, [, problems]) => n + problems.length, 0);
    error.message = [
      `${count} problems in ${entries.length} files:`,
      ...entries.flatMap(([source, problems]) => [`  ${source}`, ...problems.map((p) => `    - ${p}`)]),
    ].join('\n');
    throw error;
  }
}

/**
 * A directory a failed start must not leave behind: remembers the outermost part of `dir` that does
 * not exist yet, and removes it if the start created it after all (a builtin tool's store, the
 * history file) and then failed. What existed before is never touched.
 */
export function createdDirectoryGuard(dir: string): { removeIfCreated(): void } {
  let missing: string | null = null;
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing = at;
    if (dirname(at) === at) break;
  }
  return {
    removeIfCreated() {
      if (missing && existsSync(missing)) rmSync(missing, { recursive: true, force: true });
    },
  };
}

/**
 * A port that cannot be had (in use, or privileged) is a setting to change, not a bug: said in one
 * line naming the setting, like any other configuration problem.
 */
export async function listenOrExplain<T>(
  source: string,
  setting: string,
  port: number,
  host: string,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(source, [`${setting}: ${host}:${port} is already in use`]);
    if (code === 'EACCES') throw new ConfigError(source, [`${setting}: ${host}:${port} needs privileges this process lacks`]);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(source, [`${setting}: ${host} is not an address of this machine`]);
    throw error;
  }
}
