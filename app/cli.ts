import { parseArgs } from 'node:util';
import { ConfigError } from '../kernel/errors.js';
import { createLogger, type Logger } from '../kernel/log.js';

/**
 * What every entry point shares: `--help`, one-line usage errors with exit code 2 (never a stack
 * trace for a mistyped flag), configuration problems with exit code 1, and the environment
 * variables each command reads, listed in its help.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in the help as `--name <value>`. */
  value?: string;
  multiple?: boolean;
}

export interface CommandSpec {
  /** How it is run, e.g. `npm start -- [options]`. */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments, in order. */
  positionals?: { name: string; description: string }[];
  /** Environment variables the command reads, with what each does. */
  environment?: Record<string, string>;
  /** How a failure starts, after the command's name. @default "did not start" */
  failure?: string;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A mistake on the command line: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export function helpText(spec: CommandSpec): string {
  const options = Object.entries({ ...spec.options, help: { type: 'boolean', description: 'print this help' } as OptionSpec });
  const left = (name: string, option: OptionSpec) => `--${name}${option.type === 'string' ? ` <${option.value ?? 'value'}>` : ''}`;
  const width = Math.max(...options.map(([name, o]) => left(name, o).length), ...(spec.positionals ?? []).map((p) => p.name.length));
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, ''];
  if (spec.positionals?.length) {
    lines.push('Arguments:', ...spec.positionals.map((p) => `  ${p.name.padEnd(width)}  ${p.description}`), '');
  }
  lines.push('Options:', ...options.map(([name, o]) => `  ${left(name, o).padEnd(width)}  ${o.description}`));
  const env = Object.entries(spec.environment ?? {});
  if (env.length > 0) {
    const envWidth = Math.max(...env.map(([name]) => name.length));
    lines.push('', 'Environment:', ...env.map(([name, what]) => `  ${name.padEnd(envWidth)}  ${what}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Parses argv strictly; throws UsageError with a one-line reason. `help` is true when --help was given. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand & { help: boolean } {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageReason(error));
  }
  const { help, ...values } = parsed.values as ParsedCommand['values'];
  const allowed = spec.positionals?.length ?? 0;
  if (!help && parsed.positionals.length > allowed) {
    throw new UsageError(`unexpected argument "${parsed.positionals[allowed]}"`);
  }
  return { values, positionals: parsed.positionals, help: help === true };
}

/** node:util's parse errors are long and suggest `--` tricks; one short sentence is enough here. */
function usageReason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? ''}`.trim();
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(message ?? '') ? `${option ?? 'an option'} needs a value` : `${option ?? 'an option'} takes no value`;
  }
  return (message ?? String(error)).split('. ')[0] ?? 'invalid arguments';
}

/** A port from a flag or the environment: an integer 0–65535 (0 = any free port). */
export function parsePort(text: string, what: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError(`${what} must be a port number (0-65535), not "${text}"`);
  return port;
}

/**
 * Runs an entry point: prints the help on --help (exit 0), a usage error in one line (exit 2), every
 * configuration problem (exit 1), anything else with its stack (exit 1: that is a bug to report).
 */
export async function runCommand(
  name: string,
  spec: CommandSpec,
  main: (args: ParsedCommand) => Promise<void>,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  try {
    const parsed = parseCommand(spec, argv);
    if (parsed.help) {
      process.stdout.write(helpText(spec));
      return;
    }
    await main(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message} (see --help)\n`);
      process.exit(2);
    }
    const failure = `${name} ${spec.failure ?? 'did not start'}`;
    if (error instanceof ConfigError) {
      process.stderr.write(`${failure}: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${failure}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** The JSON-lines logger on stderr at the level LOG_LEVEL asks for (info by default). */
export function loggerFromEnv(env: NodeJS.ProcessEnv): Logger {
  const level = env['LOG_LEVEL'] || 'info';
  if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${level}"`);
  return createLogger({ level: level as (typeof LEVELS)[number] });
}
