import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type AuditEvent, type AuditSink, createAuditLog } from '../../authz/audit.js';
import { createPostgresPool, type PostgresPool } from '../../kernel/postgres.js';
import { silentLogger } from '../../kernel/log.js';
import { freshDatabase, freshPool, noPostgres, type OnTestFinished } from './support.js';

/**
 * One suite, two durable sinks: the audit log in a file (one process) and in PostgreSQL's
 * append-only table (every replica writes to one log). Both keep every line, in order, and nothing
 * beyond the whitelisted fields.
 */

interface DurableSink {
  sink: AuditSink;
  /** The stored lines, parsed, oldest first. */
  read(): Promise<Record<string, unknown>[]>;
}

type OpenSink = (onTestFinished: OnTestFinished) => Promise<DurableSink>;

const file: OpenSink = async (onTestFinished) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-'));
  onTestFinished(async () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'audit.jsonl');
  return {
    sink: { file: path },
    read: async () =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
};

const table = (pool: PostgresPool) => async () =>
  (await pool.query<{ line: Record<string, unknown> }>('SELECT line FROM audit_event ORDER BY id')).rows.map((r) => r.line);

const postgres: OpenSink = async (onTestFinished) => {
  const pool = await freshPool(onTestFinished);
  return { sink: { postgres: pool }, read: table(pool) };
};

const events: AuditEvent[] = Array.from({ length: 50 }, (_, i) => ({
  who: `user-${i}`,
  roles: ['operator'],
  kind: i % 2 ? 'action' : 'denial',
  action: i % 2 ? 'alert:acknowledge' : undefined,
  field: i % 2 ? undefined : 'Alert.labels',
  result: i % 2 ? 'allowed' : 'denied',
  at: 'gateway',
}));

function defineAuditSinkSuite(name: string, open: OpenSink, skip: boolean) {
  describe.skipIf(skip)(`audit sink: ${name}`, () => {
    it('keeps every line in order, and only the whitelisted fields', async ({ onTestFinished }) => {
      const durable = await open(onTestFinished);
      const audit = createAuditLog({ sink: durable.sink });
      for (const event of events) audit.record(event);
      audit.record({ who: 'mallory', kind: 'denial', result: 'denied', authorization: 'Bearer secret' } as AuditEvent);
      await audit.close?.();
      const lines = await durable.read();
      expect(lines.map((l) => l['who'])).toEqual([...events.map((e) => e.who), 'mallory']);
      expect(lines[1]).toMatchObject({ kind: 'action', action: 'alert:acknowledge', result: 'allowed', roles: ['operator'] });
      expect(JSON.stringify(lines)).not.toContain('secret');
    });
  });
}

defineAuditSinkSuite('file', file, false);
defineAuditSinkSuite('postgres', postgres, noPostgres);

describe.skipIf(noPostgres)('audit sink: postgres only', () => {
  it('is append-only: the table refuses updates, deletes and truncation', async ({ onTestFinished }) => {
    const pool = await freshPool(onTestFinished);
    const audit = createAuditLog({ sink: { postgres: pool } });
    audit.record({ who: 'a', kind: 'denial', result: 'denied' });
    await audit.close?.();
    await expect(pool.query(`UPDATE audit_event SET line = '{}'`)).rejects.toThrow('append-only');
    await expect(pool.query('DELETE FROM audit_event')).rejects.toThrow('append-only');
    await expect(pool.query('TRUNCATE audit_event')).rejects.toThrow('append-only');
    expect(await table(pool)()).toHaveLength(1);
  });

  it('a line the database cannot take goes to stderr, not nowhere', async ({ onTestFinished }) => {
    const pool = createPostgresPool({ url: await freshDatabase(onTestFinished) }, silentLogger);
    await pool.end();
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    onTestFinished(async () => spy.mockRestore());
    const audit = createAuditLog({ sink: { postgres: pool } });
    audit.record({ who: 'carol', kind: 'action', action: 'incident:create', result: 'allowed' });
    await audit.close?.();
    spy.mockRestore();
    expect(written.some((w) => w.includes('audit log write failed'))).toBe(true);
    expect(written.some((w) => w.includes('"who":"carol"'))).toBe(true);
  });
});
