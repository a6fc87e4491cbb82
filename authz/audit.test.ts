import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInRequest } from '../kernel/request-context.js';
import { createAuditLog, type AuditEvent } from './audit.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('audit log', () => {
  it('writes one JSON line per event with the whitelisted fields and the ids of the request being served', () => {
    const lines: string[] = [];
    const audit = createAuditLog({ sink: (line) => lines.push(line) });
    runInRequest({ requestId: 'server-1', clientRequestId: 'client-1' }, () =>
      audit.record({
        who: 'alice',
        roles: ['operator'],
        operationName: 'Ack',
        kind: 'action',
        field: 'Mutation.acknowledgeAlert',
        action: 'alert:acknowledge',
        target: 'id=prom:123',
        result: 'allowed',
      }),
    );
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({
      requestId: 'server-1',
      clientRequestId: 'client-1',
      who: 'alice',
      roles: ['operator'],
      operationName: 'Ack',
      kind: 'action',
      field: 'Mutation.acknowledgeAlert',
      action: 'alert:acknowledge',
      target: 'id=prom:123',
      result: 'allowed',
    });
    expect(new Date(entry.time).getTime()).not.toBeNaN();
  });

  it('never writes a token, header or other field a caller passes by mistake', () => {
    const lines: string[] = [];
    const audit = createAuditLog({ sink: (line) => lines.push(line) });
    const careless = {
      who: 'alice',
      kind: 'denial',
      field: 'Service.rootCauses',
      result: 'denied',
      token: TOKEN,
      authorization: `Bearer ${TOKEN}`,
      headers: { authorization: `Bearer ${TOKEN}`, cookie: 'session=secret' },
      password: 'hunter2',
      context: { auth: { token: TOKEN } },
      requestId: 'chosen-by-the-caller',
    } as unknown as AuditEvent;
    audit.record(careless);
    const line = lines[0] as string;
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('session=secret');
    expect(line).not.toContain('chosen-by-the-caller');
    expect(Object.keys(JSON.parse(line)).sort()).toEqual(['field', 'kind', 'result', 'time', 'who']);
  });

  it('bounds string lengths and rejects unknown kinds and results', () => {
    const lines: string[] = [];
    const audit = createAuditLog({ sink: (line) => lines.push(line) });
    audit.record({ who: 'x'.repeat(5000), kind: 'bogus' as 'action', result: 'maybe' as 'allowed', target: 'line\nbreak' });
    const entry = JSON.parse(lines[0] as string);
    expect(entry.who.length).toBeLessThanOrEqual(257);
    expect(entry.kind).toBe('denial');
    expect(entry.result).toBe('denied');
    expect(lines[0]).not.toContain('\n'); // JSON escapes it: one event, one line
  });

  it('appends to a file', async ({ onTestFinished }) => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'audit.log');
    const audit = createAuditLog({ sink: { file } });
    audit.record({ who: 'a', kind: 'denial', field: 'Alert.labels', result: 'denied' });
    audit.record({ who: 'b', kind: 'action', action: 'incident:create', result: 'failed' });
    await audit.close?.();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.who)).toEqual(['a', 'b']);
  });
});
