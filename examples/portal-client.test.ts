import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../test/harness.js';
import { serviceLines } from './portal-client.js';

/** The example client runs against the demo gateway as a portal would. */
describe('examples/portal-client', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists the services an executive may see, payroll down with its SLA countdown', async () => {
    const { viewer, lines } = await serviceLines(stack.url, await stack.token('executive', { sub: 'erin' }));
    expect(viewer).toBe('erin reads at BUSINESS, may take no action');
    expect(lines).toHaveLength(7);
    expect(lines.find((l) => l.includes('Payroll'))).toMatch(/^CRITICAL Payroll \(SLA breaks in \d+ minutes\): Payroll: down since/);
  });

  it('says what went wrong with its code', async () => {
    await expect(serviceLines(stack.url, 'not-a-token')).rejects.toThrow(/^UNAUTHENTICATED: /);
  });
});
