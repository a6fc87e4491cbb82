import { pino, stdTimeFunctions, type DestinationStream, type Logger as Pino } from 'pino';
import { ConfigError } from './errors.js';
import { currentRequest } from './request-context.js';

/**
 * The product's logger: JSON lines (pino). Passed in, never imported as a global, so tests can
 * capture or silence it. Every line written while a request is served carries that request's ids
 * (see request-context.ts): callers never pass them.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Lowest level written, e.g. `process.env.LOG_LEVEL`; anything not in LOG_LEVELS is a ConfigError. @default info */
  level?: string | undefined;
  /** Receives each line without its newline (tests). @default stderr */
  write?: (line: string) => void;
}

/**
 * Keys whose values never reach a log line, at any depth, whatever their case: credentials in
 * headers, configs and tokens.
 */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-servicegraph-identity|password|passwd|secret|client_?secret|(api_?|access_?|refresh_?|id_?)?token|api_?key|private_?key)$/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/**
 * A copy of a line's fields with every secret-named key redacted. Hand-written rather than pino's
 * `redact`: that takes fixed paths only (one path per key per depth), and with the wildcards that
 * cover even one level of nesting it cost 40-110 µs per line here against about 1 µs for this walk.
 * Errors become their name, message and code: a got error's enumerable `options` hold the headers.
 */
function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, URL, Buffer: their own JSON form
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

function levelOf(level: string | undefined): LogLevel {
  if (level === undefined || level === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new ConfigError('LOG_LEVEL', [`"${level}" is not a level: use one of ${LOG_LEVELS.join(', ')}`]);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const { write } = options;
  const destination: DestinationStream = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : // Synchronous, so the last lines before a crash or an exit are not lost.
      pino.destination({ dest: 2, sync: true });
  const root = pino(
    {
      level: levelOf(options.level),
      base: null,
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      mixin: () => ({ ...currentRequest() }),
    },
    destination,
  );
  return bind(root, {});
}

/**
 * Child fields are merged into each line's fields here rather than with pino's `child`, which
 * writes a key twice when a line's fields repeat one of the child's (e.g. `connector`).
 */
function bind(root: Pino, base: Record<string, unknown>): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (root.isLevelEnabled(level)) root[level]({ ...base, ...fields }, msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => bind(root, { ...base, ...fields }),
  };
}

/** Writes nothing: for tests and benchmarks that do not look at the log. */
export const silentLogger: Logger = createLogger({ level: 'silent', write: () => {} });

/** A logger that keeps every line it writes, parsed, for a test to assert on. */
export function captureLogger(level: LogLevel = 'debug'): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}
