import { createWriteStream, type WriteStream } from 'node:fs';
import { migrate, type PostgresPool } from '../kernel/postgres.js';
import { currentRequest, type RequestContext } from '../kernel/request-context.js';

/**
 * The audit log: one JSON line per action (mutation, allowed or not) and per refusal: a denied field
 * or action (`denial`, `action`), a refused identity (`authentication`: 401s at the gateway and at a
 * subgraph) and an operation refused by a limit (`limit`: cost, depth, rate). Only the fields below
 * are ever written, each cut to a bounded length, so a caller that passes a whole context or request
 * by mistake cannot leak a token, a header or a request body into the log. The request ids are not
 * the caller's to give: each line takes them from the request being served
 * (kernel/request-context.ts), wherever the decision was made.
 *
 * Each refusal is recorded once, by the place that decides it: the gateway's filter (a field it
 * removes never reaches a subgraph), a subgraph's shield, a resolver's scope check (the gateway then
 * writes no second line for that mutation). In a dry run only the gateway writes what it would deny.
 */
/**
 * Marks an error whose refusal a subgraph has audited already, where the gateway cannot tell it from
 * a plain failure (an object out of scope is answered like a missing one). The gateway strips it
 * from every answer, so no client can tell the two apart.
 */
export const AUDITED_EXTENSION = 'servicegraphAudited';

export interface AuditEvent {
  /** Token subject, or 'anonymous'. */
  who: string;
  roles?: readonly string[] | undefined;
  operationName?: string | null | undefined;
  kind: 'action' | 'denial' | 'authentication' | 'limit';
  /** `Type.field` of a denied field or of the mutation. */
  field?: string | undefined;
  /** The action right, e.g. alert:acknowledge. */
  action?: string | undefined;
  /** What was acted on or asked for: an alert id, a service id, a response path. */
  target?: string | undefined;
  /** The drill level a denied field needs. */
  needs?: string | undefined;
  result: 'allowed' | 'denied' | 'failed' | 'dry-run';
  /** Where the decision was made: gateway or a subgraph name. */
  at?: string | undefined;
  /** Why, in a few words, for refusals that are not about a field: an expired token, a cost over budget. */
  reason?: string | undefined;
}

export interface AuditLog {
  record(event: AuditEvent): void;
  /** Flushes and closes a file sink (createAuditLog always provides it). */
  close?(): Promise<void>;
}

/** `postgres`: the append-only table `audit_event` in the deployment's database, shared by every replica. */
export type AuditSink = 'stderr' | 'stdout' | { file: string } | { postgres: PostgresPool } | ((line: string) => void);

const MAX_STRING = 256;
const MAX_LIST = 32;

const str = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const s = String(value);
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s;
};

const RESULTS = new Set(['allowed', 'denied', 'failed', 'dry-run']);
const KINDS = new Set(['action', 'denial', 'authentication', 'limit']);

/** The whitelisted line for an event: unknown keys are dropped, strings are bounded. */
export function auditLine(event: AuditEvent, now = new Date(), request: RequestContext | undefined = currentRequest()): string {
  const line: Record<string, unknown> = {
    time: now.toISOString(),
    requestId: str(request?.requestId),
    clientRequestId: str(request?.clientRequestId),
    who: str(event.who) ?? 'unknown',
    roles: Array.isArray(event.roles) ? event.roles.slice(0, MAX_LIST).map((r) => str(r)) : undefined,
    operationName: str(event.operationName),
    kind: KINDS.has(event.kind) ? event.kind : 'denial',
    field: str(event.field),
    action: str(event.action),
    target: str(event.target),
    needs: str(event.needs),
    result: RESULTS.has(event.result) ? event.result : 'denied',
    at: str(event.at),
    reason: str(event.reason),
  };
  return JSON.stringify(line); // undefined values are left out by JSON.stringify
}

export function createAuditLog(options: { sink: AuditSink }): AuditLog {
  const { sink } = options;
  let stream: WriteStream | undefined;
  let write: (line: string) => void;
  if (typeof sink === 'object' && 'postgres' in sink) {
    const table = postgresSink(sink.postgres);
    return { record: (event) => table.write(auditLine(event)), close: () => table.flushed() };
  }
  if (typeof sink === 'function') write = sink;
  else if (sink === 'stdout') write = (line) => process.stdout.write(`${line}\n`);
  else if (sink === 'stderr') write = (line) => process.stderr.write(`${line}\n`);
  else {
    stream = createWriteStream(sink.file, { flags: 'a', mode: 0o600 });
    const file = stream;
    // An audit file that cannot be written must be visible, not a crash of the request path.
    file.on('error', (error) =>
      process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'audit log write failed', reason: error.message })}\n`),
    );
    write = (line) => file.write(`${line}\n`);
  }
  return {
    record: (event) => write(auditLine(event)),
    close: () => new Promise<void>((resolve) => (stream ? stream.end(() => resolve()) : resolve())),
  };
}

const AUDIT_MIGRATIONS = [
  `CREATE TABLE audit_event (
     id   bigserial PRIMARY KEY,
     time timestamptz NOT NULL,
     line jsonb NOT NULL
   );
   CREATE INDEX audit_event_time ON audit_event (time);
   CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$;
   CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
     FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();`,
];

/**
 * Lines are buffered and inserted in batches, one insert in flight at a time, so recording never
 * waits for the database. A batch that cannot be stored goes to stderr as it is (the lines are
 * already whitelisted), rather than nowhere.
 */
function postgresSink(pool: PostgresPool) {
  let ready: Promise<void> | null = null;
  let buffer: string[] = [];
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    while (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      try {
        ready ??= migrate(pool, 'audit', AUDIT_MIGRATIONS);
        await ready;
        await pool.query(
          "INSERT INTO audit_event (time, line) SELECT (l->>'time')::timestamptz, l FROM unnest($1::jsonb[]) WITH ORDINALITY AS u(l, n) ORDER BY n",
          [batch],
        );
      } catch (error) {
        ready = null;
        const reason = error instanceof Error ? error.message : String(error);
        process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'audit log write failed', reason })}\n`);
        for (const line of batch) process.stderr.write(`${line}\n`);
      }
    }
    flushing = null;
  };
  return {
    write(line: string) {
      buffer.push(line);
      flushing ??= flush();
    },
    async flushed() {
      await flushing;
    },
  };
}
