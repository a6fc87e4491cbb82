/**
 * The connector contract suite: the guarantees every connector of a kind gives, checked the same way
 * against each tool's protocol fake (the pattern of Apollo's `defineIntegrationTestSuite` and
 * `@keyv/test-suite`).
 *
 * Usage, in `connectors/<tool>/<tool>.contract.test.ts` (a connector configured by its URL, credentials
 * and the start options says only its fake, its credentials and its secret:
 * `defineHttpConnectorContract(jiraConnector, { fake, config, secret })`, at the end of this file):
 *
 * ```ts
 * import { defineConnectorContract, contractDeps } from '../../test/connector-contract.js';
 * defineConnectorContract({
 *   label: 'jira',
 *   kind: 'helpdesk',
 *   async start({ retryLimit, timeoutMs, cacheTtlMs }) {
 *     const fake = await startFakeJira();           // must satisfy ContractFake
 *     const instance = jiraConnector.create('jira-test', jiraConnector.config.parse({
 *       baseUrl: fake.url, token: 'secret-token', retryLimit, timeoutMs, cacheTtlMs,
 *     }), contractDeps('jira-test'));
 *     return { instance, fake, secrets: ['secret-token'] };
 *   },
 * });
 * ```
 *
 * `start` is called once per test (fresh fake, fresh instance, fresh cache) with:
 * - `retryLimit`: 0, or 2 where a retry is what is tested;
 * - `timeoutMs`: per-attempt timeout to configure (short);
 * - `cacheTtlMs`: how long a read may be served from cache before the tool is asked again
 *   (the stale-if-error test waits this long, then makes the tool fail).
 * It returns `{ instance, fake, secrets?, searchText? }` (or `api` + `name` instead of `instance`):
 * - `fake`: `{ url, requests, setFailures, close }` (see ContractFake). `serveFake()` from
 *   connectors/core/fake-http.ts gives all four, on a `createFaultScript()` from
 *   connectors/core/fake-faults.ts. A fake with its own request listener starts with
 *   `listenOnLoopback()` there, whose `close` does not wait for delayed answers.
 * - `secrets`: credentials in the config; no error may contain them, nor the fake's URL/host:port.
 * - `searchText` (knowledge): words that find at least one article in the fake's fixtures.
 *
 * Checks for every kind (the read is monitor `snapshot()`, cmdb `snapshot()`, helpdesk
 * `listIncidents({openOnly})`, knowledge `search({text: searchText})`): 8 concurrent reads cost no more
 * upstream calls than one; a read's tool calls are counted in /metrics under the connector's name
 * (so it goes through connectors/core/http.ts); a tool answering 401 → UPSTREAM_AUTH_FAILED with `extensions.connector`;
 * 503 then 200 (and 429 with Retry-After then 200) on a read succeeds; a tool that times out, answers
 * invalid JSON or 500 → UPSTREAM_UNAVAILABLE; no secret or URL in any error; stale-if-error after a
 * good read; a missing object → null (monitor, helpdesk, knowledge). Monitor and helpdesk also: a write (acknowledge the first alert /
 * create an incident) answered 503 is reported and never carried out by a retry. Plus the kind's own
 * checks (well-formed CIs/relations, helpdesk create → incidentById and idempotent create, scored
 * knowledge articles with a source, well-formed alerts). Help desks also open catalogue requests
 * (`createRequest`, with the request item, type or queue configured as the connector's default in
 * `start`): one per correlation id, the retry writing nothing, a failing write reported and never
 * retried.
 *
 * Monitors also promise what operators act on (start() returns `acks`, a MonitorAckProbe):
 * acknowledging twice, or twice at once, records one acknowledgement in the tool and answers the
 * first one; the same for taking it back; a write whose answer is lost (connection reset, or slower
 * than the timeout) is answered as done and its retry records nothing; after an acknowledgement a
 * tool failure serves the cached snapshot with it (stale), not an error; one failing request never
 * yields a fresh snapshot (an error, or a stale one that vouches for nothing); `healthCheck()` fails
 * on well-formed JSON of the wrong shape.
 * `skip` names checks a tool cannot support (say why at the call site).
 *
 * test/connector-contract.test.ts proves the suite fails deliberately broken connectors
 * (contract-selftest/broken.selftest.ts), so a passing contract means something.
 */
import { describe, expect, it } from 'vitest';
import { sample } from '../kernel/test-metrics.js';
import { GraphQLError } from 'graphql';
import type { ApiByKind, Connector, ConnectorInstance } from '../connectors/core/connector.js';
import type { ConnectorKind, NewRequest } from '../kernel/model.js';
import { SEVERITY_ORDER } from '../kernel/model.js';
import type { Fault } from '../connectors/core/fake-faults.js';
import { rejectionOf, testAuth, testDeps } from '../connectors/core/test-support.js';
import type { RequestAuth } from '../kernel/request.js';

export type { Fault } from '../connectors/core/fake-faults.js';

export interface ContractFake {
  /** Base URL of the fake, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request received, as `${method} ${path+query}`, in arrival order. */
  requests: string[];
  /** Queues faults for the next matching requests, one request each (see Fault in connectors/core/fake-faults.ts). */
  setFailures(faults: Fault[]): void;
  close(): Promise<void>;
}

export interface ContractStartOptions {
  retryLimit: number;
  timeoutMs: number;
  cacheTtlMs: number;
}

/** Which requests a fault applies to (see Fault): the one that carries out a given write. */
export type RequestMatch = Pick<Fault, 'method' | 'pathPrefix' | 'bodyIncludes'>;

/** How the monitor contract sees acknowledgements in the fake tool. */
export interface MonitorAckProbe {
  /** The request that records an acknowledgement, and the one that takes it back. */
  acknowledgeRequest: RequestMatch;
  unacknowledgeRequest: RequestMatch;
  /** How many acknowledgements, and removals of one, the tool has carried out for this alert (by its id). */
  recorded(alertId: string): { acknowledgements: number; removals: number };
}

export type ContractStarted<K extends ConnectorKind> = {
  fake: ContractFake;
  secrets?: string[];
  searchText?: string;
} & ({ instance: ConnectorInstance<ApiByKind[K]> } | { api: ApiByKind[K]; name?: string }) &
  (K extends 'monitor' ? { acks: MonitorAckProbe } : unknown);

export type ContractCheck =
  | 'concurrentReads'
  | 'authFailure'
  | 'retryRead'
  | 'retryAfter'
  | 'writeNotRetried'
  | 'timeout'
  | 'invalidJson'
  | 'serverError'
  | 'staleIfError'
  | 'missing'
  | 'kind'
  | 'request'
  | 'repeatedWrite'
  | 'lostAnswer'
  | 'cacheAfterWrite'
  | 'partialFailure'
  | 'healthShape'
  | 'observed';

export interface ContractOptions<K extends ConnectorKind> {
  label: string;
  kind: K;
  start: (options: ContractStartOptions) => Promise<ContractStarted<K>>;
  skip?: ContractCheck[];
  /** Method of the request a help desk write sends (create). @default 'POST' */
  writeMethod?: string;
}

export const contractAuth: RequestAuth = testAuth('contract-tester');

/** Deps for a connector under test (the contract test files build their instances with it). */
export const contractDeps = testDeps;

const FAST: ContractStartOptions = { retryLimit: 0, timeoutMs: 2000, cacheTtlMs: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The tool failing as a whole: every request of the read suffers the fault, however many it makes. */
const everyRequest = (fault: Fault): Fault[] => Array.from({ length: 30 }, () => fault);

export function defineConnectorContract<K extends ConnectorKind>(options: ContractOptions<K>): void {
  const { kind } = options;
  const skipped = new Set(options.skip ?? []);
  const check = (name: ContractCheck, title: string, fn: (ctx: { onTestFinished: (fn: () => unknown) => void }) => Promise<void>) =>
    (skipped.has(name) ? it.skip : it)(title, fn);
  const writeMethod = options.writeMethod ?? 'POST';

  interface Harness {
    api: ApiByKind[K];
    /** A fresh API object, as for a new GraphQL request. */
    another: () => ApiByKind[K];
    name: string | undefined;
    fake: ContractFake;
    started: ContractStarted<K>;
  }

  async function start(onTestFinished: (fn: () => unknown) => void, overrides: Partial<ContractStartOptions> = {}): Promise<Harness> {
    const started = await options.start({ ...FAST, ...overrides });
    onTestFinished(async () => {
      await started.fake.close();
      if ('instance' in started) await started.instance.dispose();
    });
    if ('instance' in started) {
      const { instance } = started;
      expect(instance.kind).toBe(kind);
      return {
        api: instance.forRequest(contractAuth),
        another: () => instance.forRequest(contractAuth),
        name: instance.name,
        fake: started.fake,
        started,
      };
    }
    return { api: started.api, another: () => started.api, name: started.name, fake: started.fake, started };
  }

  /** The read every kind has: the whole list the tool serves. */
  function read(h: Harness, api: ApiByKind[K] = h.api): Promise<unknown> {
    switch (kind) {
      case 'monitor':
        return (api as ApiByKind['monitor']).snapshot();
      case 'cmdb':
        return (api as ApiByKind['cmdb']).snapshot();
      case 'helpdesk':
        return (api as ApiByKind['helpdesk']).listIncidents({ openOnly: true });
      default:
        return (api as ApiByKind['knowledge']).search({ text: searchText(h), limit: 5 });
    }
  }

  function searchText(h: Harness): string {
    if (!h.started.searchText) throw new Error(`${options.label}: start() must return searchText for the knowledge contract`);
    return h.started.searchText;
  }

  /** Asserts the error is a coded GraphQLError naming the connector and leaking nothing. */
  function expectSafeError(error: unknown, code: string, h: Harness): void {
    expect(error).toBeInstanceOf(GraphQLError);
    const e = error as GraphQLError;
    expect(e.extensions['code']).toBe(code);
    if (h.name) expect(e.extensions['connector']).toBe(h.name);
    else expect(typeof e.extensions['connector']).toBe('string');
    const visible = `${e.message} ${JSON.stringify(e.extensions)}`;
    const hostPort = new URL(h.fake.url).host;
    expect(visible).not.toContain(hostPort);
    expect(visible).not.toContain(h.fake.url);
    for (const secret of h.started.secrets ?? []) expect(visible).not.toContain(secret);
  }

  /** Prepares a help desk write that reaches the tool (create an incident). */
  async function prepareWrite(h: Harness, correlationId: string): Promise<() => Promise<unknown>> {
    const api = h.api as ApiByKind['helpdesk'];
    return () => api.createIncident(newIncident(correlationId));
  }

  /** A monitor under test, its acknowledgement probe, and an alert nobody has acknowledged yet. */
  async function monitorWrite(h: Harness) {
    const api = h.api as ApiByKind['monitor'];
    const acks = (h.started as ContractStarted<'monitor'>).acks;
    const alert = (await api.snapshot()).alerts.find((a) => !a.acknowledged);
    if (!alert) throw new Error(`${options.label}: the fake needs an active alert nobody has acknowledged`);
    return { api, another: () => h.another() as ApiByKind['monitor'], acks, alert };
  }

  describe(`${options.label} (${kind}) connector contract`, () => {
    check('concurrentReads', 'N concurrent reads cost no more upstream calls than one read', async ({ onTestFinished }) => {
      const one = await start(onTestFinished);
      await read(one);
      const single = one.fake.requests.length;
      expect(single).toBeGreaterThan(0);

      const many = await start(onTestFinished);
      await Promise.all(Array.from({ length: 8 }, (_, i) => read(many, i % 2 === 0 ? many.api : many.another())));
      expect(many.fake.requests.length).toBeLessThanOrEqual(single);
    });

    check('observed', 'every tool call is counted in /metrics under the connector’s name', async ({ onTestFinished }) => {
      const h = await start(onTestFinished);
      const calls = async () => (await sample('servicegraph_tool_call_duration_seconds_count', { connector: h.name ?? '' })) ?? 0;
      const before = await calls();
      await read(h);
      const counted = (await calls()) - before;
      // Through connectors/core/http.ts, which counts each call once (its retries and pages are requests).
      expect(counted).toBeGreaterThan(0);
      expect(counted).toBeLessThanOrEqual(h.fake.requests.length);
    });

    check('authFailure', '401 → UPSTREAM_AUTH_FAILED naming the connector', async ({ onTestFinished }) => {
      const h = await start(onTestFinished);
      h.fake.setFailures(everyRequest({ status: 401 }));
      expectSafeError(await rejectionOf(read(h)), 'UPSTREAM_AUTH_FAILED', h);
    });

    check('retryRead', '503 then 200 on a read succeeds (retried)', async ({ onTestFinished }) => {
      const h = await start(onTestFinished, { retryLimit: 2 });
      h.fake.setFailures([{ status: 503 }]);
      await expect(read(h)).resolves.toBeDefined();
    });

    check('retryAfter', '429 with Retry-After then 200 on a read succeeds', async ({ onTestFinished }) => {
      const h = await start(onTestFinished, { retryLimit: 2, timeoutMs: 3000 });
      h.fake.setFailures([{ status: 429, retryAfterS: 1 }]);
      await expect(read(h)).resolves.toBeDefined();
    });

    if (kind === 'helpdesk') {
      check('writeNotRetried', 'a failing write is reported and never retried', async ({ onTestFinished }) => {
        const h = await start(onTestFinished, { retryLimit: 2 });
        const op = await prepareWrite(h, 'contract-write-failure');
        h.fake.setFailures([{ status: 503, method: writeMethod }]);
        const before = h.fake.requests.length;
        const error = await rejectionOf(op());
        expectSafeError(error, 'UPSTREAM_UNAVAILABLE', h);
        const writes = h.fake.requests.slice(before).filter((r) => r.startsWith(`${writeMethod} `));
        expect(writes).toHaveLength(1);
      });
    }
    if (kind === 'monitor') {
      check('writeNotRetried', 'a failing write is reported and never carried out by a retry', async ({ onTestFinished }) => {
        const h = await start(onTestFinished, { retryLimit: 2 });
        const { api, acks, alert } = await monitorWrite(h);
        h.fake.setFailures([{ status: 503, ...acks.acknowledgeRequest }]);
        expectSafeError(
          await rejectionOf(api.acknowledge(alert.id, { author: 'contract-tester', comment: 'contract' })),
          'UPSTREAM_UNAVAILABLE',
          h,
        );
        expect(acks.recorded(alert.id).acknowledgements).toBe(0);
      });
    }

    check('timeout', 'timeout → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
      const h = await start(onTestFinished, { timeoutMs: 200 });
      h.fake.setFailures(everyRequest({ delayMs: 1500 }));
      expectSafeError(await rejectionOf(read(h)), 'UPSTREAM_UNAVAILABLE', h);
    });

    check('invalidJson', 'invalid JSON → UPSTREAM_UNAVAILABLE', async ({ onTestFinished }) => {
      const h = await start(onTestFinished);
      h.fake.setFailures(everyRequest({ invalidJson: true }));
      expectSafeError(await rejectionOf(read(h)), 'UPSTREAM_UNAVAILABLE', h);
    });

    check('serverError', '500 → UPSTREAM_UNAVAILABLE without the body, URL or secrets', async ({ onTestFinished }) => {
      const h = await start(onTestFinished);
      h.fake.setFailures(everyRequest({ status: 500, body: JSON.stringify({ error: { message: `boom at ${h.fake.url}` } }) }));
      expectSafeError(await rejectionOf(read(h)), 'UPSTREAM_UNAVAILABLE', h);
    });

    check('staleIfError', 'stale-if-error: a good read is served again while the tool fails', async ({ onTestFinished }) => {
      const cacheTtlMs = 100;
      const h = await start(onTestFinished, { cacheTtlMs });
      const good = await read(h);
      await sleep(cacheTtlMs + 50);
      h.fake.setFailures(Array.from({ length: 10 }, () => ({ status: 503 })));
      const before = h.fake.requests.length;
      const again = await read(h, h.another());
      expect(h.fake.requests.length).toBeGreaterThan(before); // it did ask the tool
      if (kind === 'monitor') {
        expect((again as { stale: boolean }).stale).toBe(true);
        expect((again as { alerts: unknown[] }).alerts).toEqual((good as { alerts: unknown[] }).alerts);
      } else if (kind === 'cmdb') {
        // The same answer, said to be the cached one, dated when the tool gave it.
        expect(again).toEqual({ ...(good as object), stale: true });
      } else {
        expect(again).toEqual(good);
      }
    });

    check('missing', 'a missing object reads as null', async ({ onTestFinished }) => {
      const h = await start(onTestFinished);
      const missing = `${h.name ?? 'x'}:does-not-exist-0000`;
      switch (kind) {
        case 'monitor':
          expect(await (h.api as ApiByKind['monitor']).alertById(missing)).toBeNull();
          break;
        case 'cmdb':
          break; // a CMDB is read whole; the merged topology answers lookups
        case 'helpdesk':
          expect(await (h.api as ApiByKind['helpdesk']).incidentById(missing)).toBeNull();
          break;
        default:
          expect(await (h.api as ApiByKind['knowledge']).articleById(missing)).toBeNull();
      }
    });

    if (kind === 'cmdb') {
      check('kind', 'cmdb: CIs and relations are non-empty and well-formed', async ({ onTestFinished }) => {
        const h = await start(onTestFinished);
        const api = h.api as ApiByKind['cmdb'];
        const snapshot = await api.snapshot();
        const { cis } = snapshot;
        expect(cis.length).toBeGreaterThan(0);
        expect(snapshot.stale).toBe(false);
        expect(Number.isNaN(Date.parse(snapshot.asOf))).toBe(false);
        const ids = new Set<string>();
        for (const ci of cis) {
          expect(ci.id).toMatch(/\S/);
          expect(ids.has(ci.id)).toBe(false);
          ids.add(ci.id);
          expect(ci.name).toMatch(/\S/);
          expect(ci.class).toMatch(/^[a-z][a-z-]*$/);
          expect(Array.isArray(ci.tags)).toBe(true);
          expect(Object.values(ci.attributes).every((v) => typeof v === 'string')).toBe(true);
          expect(ci.sourceLinks.length).toBeGreaterThan(0);
          for (const link of ci.sourceLinks) {
            if (h.name) expect(link.connector).toBe(h.name);
            expect(link.tool).toMatch(/\S/);
            expect(link.id).toMatch(/\S/);
          }
        }
        const { relations } = snapshot;
        expect(relations.length).toBeGreaterThan(0);
        for (const r of relations) {
          expect(['DEPENDS_ON', 'RUNS_ON', 'MEMBER_OF']).toContain(r.type);
          expect(ids.has(r.parentId)).toBe(true);
          expect(ids.has(r.childId)).toBe(true);
          expect(r.parentId).not.toBe(r.childId);
        }
      });
    }

    if (kind === 'helpdesk') {
      check(
        'kind',
        'helpdesk: create → incidentById finds it; the same correlationId never opens a second ticket',
        async ({ onTestFinished }) => {
          const h = await start(onTestFinished);
          const api = h.api as ApiByKind['helpdesk'];
          const input = newIncident(`contract-${Date.now()}`);
          const created = await api.createIncident(input);
          if (h.name) expect(created.id.startsWith(`${h.name}:`)).toBe(true);
          expect(created.title).toBe(input.title);
          expect(created.state).toBe('NEW');
          expect(Number.isNaN(Date.parse(created.openedAt))).toBe(false);
          const next = h.another() as ApiByKind['helpdesk'];
          expect((await next.incidentById(created.id))?.id).toBe(created.id);
          const again = await next.createIncident(input);
          expect(again.id).toBe(created.id);
          const listed = await api.listIncidents({});
          expect(Array.isArray(listed)).toBe(true);
        },
      );
    }

    if (kind === 'helpdesk') {
      check(
        'request',
        'helpdesk: createRequest opens one request per correlationId; the retry writes nothing',
        async ({ onTestFinished }) => {
          const h = await start(onTestFinished);
          const api = h.api as ApiByKind['helpdesk'];
          const input = newRequest(`contract-request-${Date.now()}`);
          const opened = await api.createRequest(input);
          if (h.name) expect(opened).toMatchObject({ id: expect.stringMatching(new RegExp(`^${h.name}:.`)), connector: h.name });
          expect(opened.number).not.toBe('');
          const before = h.fake.requests.length;
          const again = await (h.another() as ApiByKind['helpdesk']).createRequest(input);
          expect(again).toEqual(opened);
          expect(h.fake.requests.slice(before).filter((r) => r.startsWith(`${writeMethod} `))).toEqual([]);
          const other = await api.createRequest(newRequest(`${input.correlationId}-other`));
          expect(other.id).not.toBe(opened.id);
        },
      );

      check('request', 'helpdesk: a failing createRequest is reported and never retried', async ({ onTestFinished }) => {
        const h = await start(onTestFinished, { retryLimit: 2 });
        h.fake.setFailures([{ status: 503, method: writeMethod }]);
        const before = h.fake.requests.length;
        expectSafeError(
          await rejectionOf((h.api as ApiByKind['helpdesk']).createRequest(newRequest('contract-request-failure'))),
          'UPSTREAM_UNAVAILABLE',
          h,
        );
        expect(h.fake.requests.slice(before).filter((r) => r.startsWith(`${writeMethod} `))).toHaveLength(1);
      });
    }

    if (kind === 'knowledge') {
      check('kind', 'knowledge: search returns scored articles with their source', async ({ onTestFinished }) => {
        const h = await start(onTestFinished);
        const api = h.api as ApiByKind['knowledge'];
        const articles = await api.search({ text: searchText(h), limit: 5 });
        expect(articles.length).toBeGreaterThan(0);
        expect(articles.length).toBeLessThanOrEqual(5);
        for (const a of articles) {
          if (h.name) {
            expect(a.connector).toBe(h.name);
            expect(a.id.startsWith(`${h.name}:`)).toBe(true);
          }
          expect(a.tool).toMatch(/\S/);
          expect(a.title).toMatch(/\S/);
          expect(a.score).not.toBeNull();
          expect(a.score!).toBeGreaterThanOrEqual(0);
          expect(a.score!).toBeLessThanOrEqual(1);
          expect(a.snippet).not.toMatch(/<[a-z][^>]*>/i);
        }
        const first = articles[0]!;
        expect((await api.articleById(first.id))?.id).toBe(first.id);
      });
    }

    if (kind === 'monitor') {
      const ack = (author: string) => ({ author, comment: `contract: ${author} is on it` });

      check(
        'repeatedWrite',
        'monitor: acknowledging twice, or twice at once, records one acknowledgement; so does taking it back',
        async ({ onTestFinished }) => {
          const h = await start(onTestFinished);
          const { api, another, acks, alert } = await monitorWrite(h);
          const [first, second] = await Promise.all([
            api.acknowledge(alert.id, ack('first')),
            another().acknowledge(alert.id, ack('second')),
          ]);
          const third = await api.acknowledge(alert.id, ack('third'));
          for (const answer of [first, second, third])
            expect(answer).toMatchObject({ id: alert.id, acknowledged: true, acknowledgedBy: 'first' });
          expect(acks.recorded(alert.id)).toEqual({ acknowledgements: 1, removals: 0 });

          const back = await Promise.all([api.unacknowledge(alert.id, 'first'), another().unacknowledge(alert.id, 'second')]);
          const again = await api.unacknowledge(alert.id, 'third');
          for (const answer of [...back, again]) expect(answer).toMatchObject({ id: alert.id, acknowledged: false, acknowledgedBy: null });
          expect(acks.recorded(alert.id)).toEqual({ acknowledgements: 1, removals: 1 });
        },
      );

      check(
        'lostAnswer',
        'monitor: a write whose answer is lost is answered as done, and its retry records nothing',
        async ({ onTestFinished }) => {
          const h = await start(onTestFinished, { timeoutMs: 400 });
          const { api, another, acks, alert } = await monitorWrite(h);
          // The tool acknowledges, then the connection drops before the answer.
          h.fake.setFailures([{ ...acks.acknowledgeRequest, dropAnswer: true }]);
          expect(await api.acknowledge(alert.id, ack('first'))).toMatchObject({ acknowledged: true, acknowledgedBy: 'first' });
          expect(await another().acknowledge(alert.id, ack('retry'))).toMatchObject({ acknowledged: true, acknowledgedBy: 'first' });
          expect(acks.recorded(alert.id)).toEqual({ acknowledgements: 1, removals: 0 });
          // The tool takes it back, then answers slower than the timeout.
          h.fake.setFailures([{ ...acks.unacknowledgeRequest, dropAnswer: true, delayMs: 1500 }]);
          expect(await api.unacknowledge(alert.id, 'first')).toMatchObject({ acknowledged: false });
          expect(await another().unacknowledge(alert.id, 'retry')).toMatchObject({ acknowledged: false });
          expect(acks.recorded(alert.id)).toEqual({ acknowledgements: 1, removals: 1 });
          expect((await another().snapshot()).alerts.find((a) => a.id === alert.id)?.acknowledged).toBe(false);
        },
      );

      check(
        'cacheAfterWrite',
        'monitor: after an acknowledgement, a failing tool serves the cached snapshot with it, stale',
        async ({ onTestFinished }) => {
          const h = await start(onTestFinished, { cacheTtlMs: 0 });
          const { api, another, alert } = await monitorWrite(h);
          await api.acknowledge(alert.id, ack('first'));
          h.fake.setFailures(everyRequest({ status: 503 }));
          const snapshot = await another().snapshot();
          expect(snapshot.stale).toBe(true);
          expect(snapshot.alerts.find((a) => a.id === alert.id)).toMatchObject({ acknowledged: true, acknowledgedBy: 'first' });
        },
      );

      check('partialFailure', 'monitor: one failing request never yields a fresh snapshot', async ({ onTestFinished }) => {
        for (const fault of [{ status: 503 }, { invalidJson: true }, { status: 500 }] satisfies Fault[]) {
          const h = await start(onTestFinished);
          h.fake.setFailures([fault]);
          try {
            expect((await (h.api as ApiByKind['monitor']).snapshot()).stale, JSON.stringify(fault)).toBe(true);
          } catch (error) {
            expectSafeError(error, 'UPSTREAM_UNAVAILABLE', h);
          }
        }
      });

      check('healthShape', 'monitor: healthCheck fails on well-formed JSON of the wrong shape', async ({ onTestFinished }) => {
        const h = await start(onTestFinished);
        if (!('instance' in h.started)) throw new Error(`${options.label}: healthShape needs start() to return an instance`);
        await read(h); // versions and sessions are known: the check itself must judge the answer
        await h.started.instance.healthCheck();
        h.fake.setFailures(everyRequest({ status: 200, body: JSON.stringify({ jsonrpc: '2.0', result: { unexpected: true }, id: 1 }) }));
        expectSafeError(await rejectionOf(h.started.instance.healthCheck()), 'UPSTREAM_UNAVAILABLE', h);
      });

      check('kind', 'monitor: the snapshot holds well-formed alerts', async ({ onTestFinished }) => {
        const h = await start(onTestFinished);
        const snapshot = await (h.api as ApiByKind['monitor']).snapshot();
        expect(snapshot.stale).toBe(false);
        expect(snapshot.alerts.length).toBeGreaterThan(0);
        for (const a of snapshot.alerts) {
          if (h.name) expect(a.id.startsWith(`${h.name}:`)).toBe(true);
          expect(SEVERITY_ORDER).toContain(a.severity);
          expect(Number.isNaN(Date.parse(a.startsAt))).toBe(false);
        }
      });
    }
  });
}

function newIncident(correlationId: string) {
  return {
    title: 'Contract suite: payroll is slow',
    description: 'Opened by the connector contract suite.',
    priority: 'HIGH' as const,
    ciId: null,
    serviceId: null,
    caller: 'contract-tester',
    correlationId,
  };
}

function newRequest(correlationId: string): NewRequest {
  return {
    offeringId: 'payroll.payslip-reissue',
    title: 'Request: Payslip reissue',
    description: 'Opened by the connector contract suite.',
    serviceId: 'payroll',
    caller: 'contract-tester',
    correlationId,
    toolIds: {},
  };
}

/** What an HTTP connector's contract file says of its own; the rest is the same for each. */
export interface HttpContractOptions<F extends ContractFake> {
  /** Starts the tool's fake, accepting the credentials in `config`. */
  fake: () => Promise<F>;
  /** The config besides the fake's URL and the start options: the credentials and what the connector needs. */
  config: Record<string, unknown>;
  /** The credential in `config`: no error may contain it. */
  secret: string;
  /** Knowledge: words that find at least one article in the fake's fixtures. */
  searchText?: string;
  /** Monitors: how the fake records acknowledgements. */
  acks?: (fake: F) => MonitorAckProbe;
  skip?: ContractCheck[];
}

/**
 * The contract for a connector configured by `{ baseUrl, ...credentials, retryLimit, timeoutMs,
 * cacheTtlMs }`, labelled by its type, over a fresh instance of its own against a fresh fake per test.
 */
export function defineHttpConnectorContract<K extends ConnectorKind, TConfig, F extends ContractFake>(
  connector: Connector<TConfig, ApiByKind[K]> & { readonly kind: K },
  own: HttpContractOptions<F>,
): void {
  const name = `${connector.type}-test`;
  defineConnectorContract({
    label: connector.type,
    kind: connector.kind,
    ...(own.skip ? { skip: own.skip } : {}),
    async start(options) {
      const fake = await own.fake();
      const config = connector.config.parse({ baseUrl: fake.url, ...own.config, ...options });
      const instance = connector.create(name, config, contractDeps(name));
      const started = { instance, fake, secrets: [own.secret], searchText: own.searchText, acks: own.acks?.(fake) };
      // `acks` is there for a monitor (the contract fails a monitor without it): the type cannot see it.
      return started as ContractStarted<K>;
    },
  });
}
