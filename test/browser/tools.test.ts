import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePrometheus, startFakePrometheus } from '../../connectors/prometheus/fake-server.js';
import { type Board, openBoard, settle, signInAs, startBoard } from './board-harness.js';

/**
 * The operator's page over a real monitor protocol (the Prometheus + Alertmanager fake on port 0)
 * instead of the builtin one: its alerts carry deep links into the tool, and acknowledging from the
 * page creates an Alertmanager silence.
 */
let prom: FakePrometheus;
let board: Board;

beforeAll(async () => {
  prom = await startFakePrometheus({
    alerts: [
      {
        labels: { alertname: 'HostDown', instance: 'server123:9100', job: 'node', severity: 'critical' },
        annotations: { summary: 'server123 does not answer' },
        startsAt: new Date(Date.now() - 12 * 60_000).toISOString(),
      },
    ],
    targets: [{ labels: { instance: 'server123:9100', job: 'node' }, health: 'down' }],
  });
  board = await startBoard({
    connectors: `
  - { name: prom, type: prometheus, prometheus: { baseUrl: "${prom.url}" }, alertmanager: { baseUrl: "${prom.url}" } }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: kb, type: builtin-knowledge }`,
  });
});
afterAll(async () => {
  await board?.close();
  await prom?.close();
});

describe('the operator’s page over Alertmanager', () => {
  it('links each alert into the tool and acknowledges it there as a silence', async () => {
    const { page } = await openBoard(board);
    await signInAs(page, 'operator');
    await settle(page);
    const outage = page.locator('.outage', { hasText: 'server123' });
    const alert = outage.locator('.alert', { hasText: 'server123 does not answer' });
    const link = alert.getByRole('link', { name: 'in alertmanager (prom)' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${prom.url}/`));

    await alert.getByLabel('Comment').fill('rebooting server123');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await alert.locator('.outcome', { hasText: 'Acknowledged in alertmanager' }).waitFor();
    const silences = [...prom.silences.values()];
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({ comment: expect.stringContaining('rebooting server123'), createdBy: 'demo-operator' });
  });
});
