import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeConfluence } from '../connectors/confluence/fake-server.js';
import { captureLogger } from '../kernel/log.js';
import { ROOT, startStack, withConfluence, type Stack } from './harness.js';

/**
 * Request-scoped logging through the whole stack: the gateway assigns every request an id, answers
 * it in x-request-id, and every line the request causes (gateway, subgraph, tool call, audit) carries
 * it, with the subgraphs in the gateway's process and behind HTTP (the id then travels in the
 * gateway's identity token).
 */
type Line = Record<string, unknown>;

/** The demo policy plus an operator of the email service only (to get a denial made in a subgraph). */
function policyWithEmailOperator(dir: string): string {
  const file = join(dir, 'policy.yaml');
  copyFileSync(join(ROOT, 'policy/demo.yaml'), file);
  const yaml = readFileSync(file, 'utf8').replace(
    /^roles:\n/m,
    'roles:\n  email-operator:\n    drillLevel: TELEMETRY\n    actions: [alert:acknowledge]\n    scope: [{ services: [email] }]\n',
  );
  writeFileSync(file, yaml);
  return file;
}

describe.each(['in-process', 'http'] as const)('request-scoped logging, subgraphs %s', (transport) => {
  let stack: Stack;
  let wiki: Awaited<ReturnType<typeof startFakeConfluence>>;
  let lines: Line[];
  let policyDir: string;
  let operator: string;

  beforeAll(async () => {
    wiki = await startFakeConfluence();
    policyDir = mkdtempSync(join(tmpdir(), 'servicegraph-policy-'));
    const captured = captureLogger('debug');
    lines = captured.lines;
    stack = await startStack({
      transport,
      log: captured.log,
      policyFile: policyWithEmailOperator(policyDir),
      env: { CONFLUENCE_TOKEN: 'confluence-api-token' },
      connectors: withConfluence(wiki.url),
    });
    operator = await stack.token('operator');
  });
  afterAll(async () => {
    await stack?.close();
    await wiki?.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  /** One GraphQL request; `id` is the request id the gateway answered in x-request-id. */
  async function request(query: string, token: string, headers: Record<string, string> = {}) {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    return { id: res.headers.get('x-request-id') ?? '', body };
  }

  const toolCalls = (requestId: string) => lines.filter((l) => l['msg'] === 'tool call' && l['requestId'] === requestId);

  it('a tool call made for a request logs one line with that request’s server-assigned id', async () => {
    const { id, body } = await request('{ searchArticles(text: "payroll batch") { id } }', operator);
    expect(body.errors).toBeUndefined();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(toolCalls(id)).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        requestId: id,
        connector: 'wiki',
        method: 'GET',
        path: 'rest/api/search',
        status: 200,
        ms: expect.any(Number),
        msg: 'tool call',
      },
    ]);
  });

  it('a client x-request-id is kept as clientRequestId, never used as the request id', async () => {
    const first = await request('{ searchArticles(text: "disk full") { id } }', operator, { 'x-request-id': 'portal-42' });
    const second = await request('{ searchArticles(text: "mail queue") { id } }', operator, { 'x-request-id': 'portal-42' });
    expect(first.id).not.toBe('portal-42');
    expect(first.id).not.toBe(second.id);
    for (const { id } of [first, second]) {
      expect(toolCalls(id)).toEqual([expect.objectContaining({ requestId: id, clientRequestId: 'portal-42' })]);
    }
    const malformed = await request('{ searchArticles(text: "vpn") { id } }', operator, { 'x-request-id': 'has spaces {"level":"fatal"}' });
    expect(toolCalls(malformed.id)).toEqual([expect.not.objectContaining({ clientRequestId: expect.anything() })]);
  });

  it('concurrent requests’ lines never carry each other’s id', async () => {
    const texts = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    // Every search waits at the tool, so all six requests are in flight at once.
    wiki.setFailures(texts.map(() => ({ delayMs: 150, pathPrefix: '/wiki/rest/api/search' })));
    const answers = await Promise.all(texts.map((text) => request(`{ searchArticles(text: "${text}") { id } }`, operator)));
    const ids = answers.map((a) => a.id);
    expect(new Set(ids).size).toBe(texts.length);
    texts.forEach((text, i) => {
      const own = lines.filter((l) => l['requestId'] === ids[i]);
      // Its own subgraph operation (debug) and its own tool call, and nothing that mentions another's text.
      expect(own.filter((l) => l['msg'] === 'subgraph operation' && String(l['body']).includes(text)).length).toBeGreaterThan(0);
      expect(toolCalls(ids[i] as string)).toHaveLength(1);
      for (const other of texts.filter((t) => t !== text)) expect(JSON.stringify(own)).not.toContain(other);
    });
  });

  it('the audit line carries the server-assigned id, for a denial at the gateway and one in a subgraph', async () => {
    const executive = await stack.token('executive');
    const denied = await request('{ service(id: "payroll") { name rootCauses { ci { id } } } }', executive, { 'x-request-id': 'exec-1' });
    const admin = await stack.token('admin');
    const alerts = await request('{ alerts { id acknowledged ci { id } } }', admin);
    const alert = alerts.body.data.alerts.find((a: any) => a.ci?.id === 'server123' && !a.acknowledged);
    // An operator of email only acknowledging payroll's alert: the monitoring subgraph refuses this object.
    const refused = await request(
      `mutation { acknowledgeAlert(id: "${alert.id}", comment: "not mine") { id } }`,
      await stack.token('email-operator'),
    );
    const audit = () =>
      readFileSync(stack.auditFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    // The file sink writes asynchronously: wait for both lines, not for a fixed time.
    await vi.waitFor(() => {
      expect(audit()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ requestId: denied.id, clientRequestId: 'exec-1', field: 'Service.rootCauses', at: 'gateway' }),
          expect.objectContaining({ requestId: refused.id, action: 'alert:acknowledge', result: 'denied', at: 'monitoring' }),
        ]),
      );
    });
    expect(audit().filter((l) => l['requestId'] === 'exec-1')).toEqual([]);
  });
});
