import { describe, expect, it } from 'vitest';
import { startStack } from './harness.js';

/**
 * A partial view beats none: a config without a help desk, a knowledge base or any monitor starts,
 * is ready, and its fields answer empty saying why (NOT_CONFIGURED), never as an outage.
 */
const notConfigured = (kind: string) =>
  expect.objectContaining({
    message: expect.stringContaining(`no ${kind} is configured`),
    extensions: expect.objectContaining({ code: 'NOT_CONFIGURED' }),
  });

describe('a config without some kinds of tool', () => {
  it('without a help desk or a knowledge base: starts, is ready saying so, and those fields answer empty with NOT_CONFIGURED', async ({
    onTestFinished,
  }) => {
    const stack = await startStack({
      connectors: `
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }`,
    });
    onTestFinished(async () => {
      await stack.close();
    });
    const ready = await fetch(stack.url.replace(/\/graphql$/, '/readyz'));
    expect(ready.status).toBe(200);
    const { checks } = (await ready.json()) as { checks: Record<string, string> };
    expect(checks).toMatchObject({
      'connector:builtin': 'ok',
      'kind:helpdesk': expect.stringMatching(/^ok: none configured/),
      'kind:knowledge': expect.stringMatching(/^ok: none configured/),
    });
    expect(checks['kind:monitor']).toBeUndefined();

    const operator = await stack.token('operator');
    const { body } = await stack.gql(
      `{ incidents { number } searchArticles(text: "payroll") { title } service(id: "payroll") { status summary incidents { number } } }`,
      { token: operator },
    );
    expect(body.data).toEqual({
      incidents: [],
      searchArticles: [],
      service: { status: 'CRITICAL', summary: expect.stringMatching(/^Payroll: down since \d\d:\d\d\.$/), incidents: [] },
    });
    expect(body.errors).toEqual(expect.arrayContaining([notConfigured('help desk'), notConfigured('knowledge base')]));
    expect(body.errors?.every((e) => e.extensions?.['code'] === 'NOT_CONFIGURED')).toBe(true);

    const reported = await stack.gql(`mutation { reportProblem(serviceId: "payroll", text: "no payslip") { number } }`, {
      token: await stack.token('end-user', { groups: ['all-staff'] }),
    });
    expect(reported.body.errors).toEqual([notConfigured('help desk')]);
  });

  it('without any monitor: every status is UNKNOWN saying why, and alerts answer empty with NOT_CONFIGURED', async ({ onTestFinished }) => {
    const stack = await startStack({ connectors: '\n  - { name: cmdb, type: builtin-cmdb }' });
    onTestFinished(async () => {
      await stack.close();
    });
    const ready = await fetch(stack.url.replace(/\/graphql$/, '/readyz'));
    expect(ready.status).toBe(200);
    const operator = await stack.token('operator');
    const { body } = await stack.gql(`{ alerts { id } configurationItem(id: "san-storage01") { status explanation { text } } }`, {
      token: operator,
    });
    expect(body.data).toEqual({
      alerts: [],
      configurationItem: { status: 'UNKNOWN', explanation: { text: 'no monitor is configured' } },
    });
    expect(body.errors).toEqual([notConfigured('monitor')]);
  });
});
