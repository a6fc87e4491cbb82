import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira } from '../connectors/jira/fake-server.js';
import { startFakeRt } from '../connectors/rt/fake-server.js';
import { startFakeServiceNow } from '../connectors/servicenow/fake-server.js';
import { startStack, type Stack } from './harness.js';

/**
 * A catalogue request through the gateway, on the demo estate, with a real help desk connector over
 * its protocol fake as the only help desk: it opens a request the tool's own way (a ServiceNow
 * sc_request with its RITM, a JSM request of the catalogue request type, an RT ticket in the request
 * queue), never an incident; once per viewer and clientMutationId, also on retry.
 */

/** The "Payslip reissue" item of the ServiceNow fake's sc_cat_item.json. */
const PAYSLIP_ITEM = 'fe87991e10b612ece389725c1382499d';
const fast = 'timeoutMs: 2000, retryLimit: 0';

interface Desk {
  label: string;
  start(): Promise<{ connector: string; close(): Promise<void> }>;
  /** The requests the tool holds for the offering, by number. */
  requests(): string[];
  /** How many incidents the tool holds. */
  incidents(): number;
  /** Checked once per opened request: it is what the tool calls a request. */
  isRequest(number: string): void;
}

function serviceNow(): Desk {
  let fake: Awaited<ReturnType<typeof startFakeServiceNow>>;
  return {
    label: 'ServiceNow (sc_request + RITM)',
    async start() {
      fake = await startFakeServiceNow();
      return {
        connector: `  - { name: snow-inc, type: servicenow-incident, baseUrl: "${fake.url}", username: admin, password: admin-password, catalogItem: ${PAYSLIP_ITEM}, ${fast} }`,
        close: fake.close,
      };
    },
    requests: () =>
      fake
        .records('sc_request')
        .filter((r) => r['short_description'] === 'Request: Payslip reissue')
        .map((r) => r['number'] ?? ''),
    incidents: () => fake.records('incident').length,
    isRequest(number) {
      const request = fake.records('sc_request').find((r) => r['number'] === number);
      expect(request?.['correlation_display']).toBe('servicegraph');
      const items = fake.records('sc_req_item').filter((i) => i['request'] === request?.['sys_id']);
      expect(items.map((i) => i['cat_item'])).toEqual([PAYSLIP_ITEM]);
    },
  };
}

function jsm(): Desk {
  let fake: Awaited<ReturnType<typeof startFakeJira>>;
  return {
    label: 'Jira Service Management (servicedeskapi request)',
    async start() {
      fake = await startFakeJira();
      return {
        connector: `  - { name: jsm, type: jira, baseUrl: "${fake.url}", email: bot@example.com, apiToken: jira-api-token, projectKey: OPS, serviceDesk: { id: "1", requestTypeId: "10", catalogRequestTypeId: "11" }, ${fast} }`,
        close: fake.close,
      };
    },
    requests: () => fake.issues.filter((i) => i.summary === 'Request: Payslip reissue').map((i) => i.key),
    incidents: () => fake.issues.filter((i) => i.requestTypeId !== '11').length,
    isRequest(number) {
      expect(fake.issues.find((i) => i.key === number)).toMatchObject({ viaServiceDesk: true, requestTypeId: '11' });
    },
  };
}

function rt(): Desk {
  let fake: Awaited<ReturnType<typeof startFakeRt>>;
  return {
    label: 'Request Tracker (ticket in the request queue)',
    async start() {
      fake = await startFakeRt();
      return {
        connector: `  - { name: rt, type: rt, baseUrl: "${fake.url}", username: root, password: password, queues: [General], requestQueue: Requests, customFields: { service: Service, correlationId: Correlation }, ${fast} }`,
        close: fake.close,
      };
    },
    requests: () => fake.tickets.filter((t) => t.Subject === 'Request: Payslip reissue').map((t) => `RT #${t.id}`),
    incidents: () => fake.tickets.filter((t) => t.Queue === 'General').length,
    isRequest(number) {
      expect(fake.tickets.find((t) => `RT #${t.id}` === number)).toMatchObject({ Queue: 'Requests', CustomFields: { Service: 'payroll' } });
    },
  };
}

describe.each([serviceNow(), jsm(), rt()])('a catalogue request through the gateway into $label', (desk) => {
  let stack: Stack;
  let stopFake: () => Promise<void>;
  beforeAll(async () => {
    const started = await desk.start();
    stopFake = started.close;
    stack = await startStack({
      connectors: `
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }
${started.connector}
  - { name: kb, type: builtin-knowledge }`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await stopFake?.();
  });

  const request = async (sub: string, clientMutationId: string) => {
    const token = await stack.token('end-user', { sub, groups: ['all-staff'] });
    const { body } = await stack.gql<any>(
      `mutation($input: RequestOfferingInput!) { requestOffering(input: $input) { number message offering { id } } }`,
      { token, variables: { input: { offeringId: 'payroll.payslip-reissue', clientMutationId, note: 'for March' } } },
    );
    expect(body.errors).toBeUndefined();
    return body.data.requestOffering.number as string;
  };

  it('opens one request, also on retry; another viewer with the same key opens its own; no incident', async () => {
    const incidents = desk.incidents();
    const number = await request('ursula', 'req-1');
    expect(await request('ursula', 'req-1')).toBe(number);
    expect(desk.requests()).toEqual([number]);
    desk.isRequest(number);

    const theirs = await request('victor', 'req-1');
    expect(theirs).not.toBe(number);
    expect(desk.requests().sort()).toEqual([number, theirs].sort());
    desk.isRequest(theirs);
    expect(desk.incidents()).toBe(incidents);
  });
});
