import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServicegraph, type Running } from '../app/start-gateway.js';
import { silentLogger } from '../kernel/log.js';
import { writeDemoConfig } from './demo-config.js';
import { startStack } from './harness.js';

/**
 * Demo mode (`demo: true`): the gateway says it is the demo and mints tokens for a picked role, and
 * every start tells the story from its beginning, whatever the previous run left in the data
 * directory. Outside demo mode it mints nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'servicegraph-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startDemo(): Promise<Running> {
  return startServicegraph({ configFile: writeDemoConfig(dir), log: silentLogger });
}

const origin = (running: Running) => running.url.replace(/\/graphql$/, '');

async function demoToken(running: Running, role: string): Promise<string> {
  const res = await fetch(`${origin(running)}/board/demo-token`, { method: 'POST', body: JSON.stringify({ role }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function gql(running: Running, token: string, query: string): Promise<any> {
  const res = await fetch(running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function codeOf(res: Response): Promise<unknown> {
  return ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code;
}

const STORY = `{
  alert(id: "builtin:a1") { acknowledged }
  service(id: "payroll") { status sla { breached timeToBreach { seconds } } statusHistory(from: "2000-01-01T00:00:00Z") { at } }
}`;

describe('demo mode', () => {
  it('says it is the demo and signs a token for a picked role, refusing a role the policy lacks', async () => {
    const running = await startDemo();
    try {
      const settings = (await (await fetch(`${origin(running)}/board/settings`)).json()) as {
        demo: boolean;
        demoRoles: { role: string }[];
      };
      expect(settings.demo).toBe(true);
      expect(settings.demoRoles.map((r) => r.role)).toEqual(expect.arrayContaining(['executive', 'operator', 'end-user']));
      const data = await gql(running, await demoToken(running, 'operator'), '{ viewer { id drillLevel } }');
      expect(data.viewer).toEqual({ id: 'demo-operator', drillLevel: 'TELEMETRY' });
      const res = await fetch(`${origin(running)}/board/demo-token`, { method: 'POST', body: JSON.stringify({ role: 'root' }) });
      expect(res.status).toBe(400);
      expect(await codeOf(res)).toBe('BAD_USER_INPUT');
    } finally {
      await running.close(0);
    }
  });

  it('tells the story from its beginning at every start: no acknowledgement, history or breach of the last run', async () => {
    let firstSeen = Number.NaN;
    const first = await startDemo();
    try {
      const operator = await demoToken(first, 'operator');
      await gql(first, operator, 'mutation { acknowledgeAlert(id: "builtin:a1", comment: "rebooting") { acknowledged } }');
      const story = await gql(first, operator, STORY);
      expect(story.alert.acknowledged).toBe(true);
      firstSeen = Date.parse(story.service.statusHistory[0].at);
    } finally {
      await first.close(0);
    }
    const second = await startDemo();
    try {
      const story = await gql(second, await demoToken(second, 'operator'), STORY);
      expect(story.alert.acknowledged).toBe(false);
      expect(story.service.status).toBe('CRITICAL');
      // The history is this run's alone: it begins when this start's outage did ("{{now-12m}}"), after
      // the last run's, and payroll's SLA is at risk, not yet breached.
      expect(Date.parse(story.service.statusHistory[0].at)).toBeGreaterThan(firstSeen);
      expect(story.service.sla.breached).toBe(false);
      expect(story.service.sla.timeToBreach.seconds).toBeGreaterThan(0);
    } finally {
      await second.close(0);
    }
  });
});

describe('outside demo mode', () => {
  it('says so, offers no roles, and mints no token', async () => {
    const stack = await startStack();
    try {
      const base = origin(stack);
      const settings = (await (await fetch(`${base}/board/settings`)).json()) as { demo: boolean; demoRoles: unknown[] };
      expect(settings).toMatchObject({ demo: false, demoRoles: [] });
      const res = await fetch(`${base}/board/demo-token`, { method: 'POST', body: JSON.stringify({ role: 'admin' }) });
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe('NOT_FOUND');
    } finally {
      await stack.close(0);
    }
  });
});
