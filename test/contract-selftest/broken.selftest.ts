/**
 * Deliberately broken connectors for test/connector-contract.test.ts, which runs this file in a
 * nested vitest to prove the contract suite catches each fault. Not a `*.test.ts`: `npm test`
 * never runs it directly.
 */
import type { CmdbApi, ConnectorDeps, ConnectorInstance, MonitorApi } from '../../connectors/core/connector.js';
import { GraphQLError } from 'graphql';
import { startFakePrometheus, type FakePrometheus } from '../../connectors/prometheus/fake-server.js';
import { prometheusConnector } from '../../connectors/prometheus/index.js';
import { startFakeServiceNow } from '../../connectors/servicenow/fake-server.js';
import { servicenowCmdbConnector } from '../../connectors/servicenow/index.js';
import { ERRORS } from '../../kernel/errors.js';
import {
  contractAuth,
  contractDeps,
  defineConnectorContract,
  type ContractCheck,
  type ContractStartOptions,
} from '../connector-contract.js';

async function setup(options: ContractStartOptions) {
  const fake = await startFakeServiceNow({ username: 'u', password: 'broken-secret' });
  const config = servicenowCmdbConnector.config.parse({ baseUrl: fake.url, username: 'u', password: 'broken-secret', ...options });
  return { fake, config };
}

/** Puts the upstream URL and password into every error it passes on. */
defineConnectorContract({
  label: 'leaky',
  kind: 'cmdb',
  async start(options) {
    const { fake, config } = await setup(options);
    const real = servicenowCmdbConnector.create('leaky', config, contractDeps('leaky')).forRequest(contractAuth);
    const leak = <T>(p: Promise<T>) =>
      p.catch((error: GraphQLError) => {
        throw new GraphQLError(`${error.message} at ${fake.url} as u:broken-secret`, { extensions: error.extensions });
      });
    const api: CmdbApi = { snapshot: () => leak(real.snapshot()) };
    return { api, name: 'leaky', fake, secrets: ['broken-secret'] };
  },
});

/** A new instance (own cache, own single-flight) per request: nothing is shared between requests. */
defineConnectorContract({
  label: 'unshared',
  kind: 'cmdb',
  async start(options) {
    const { fake, config } = await setup(options);
    const instance: ConnectorInstance<CmdbApi> = {
      name: 'unshared',
      kind: 'cmdb',
      forRequest: (auth) => servicenowCmdbConnector.create('unshared', config, contractDeps('unshared')).forRequest(auth),
      healthCheck: async () => {},
      dispose: async () => {},
    };
    return { instance, fake };
  },
});

/** The monitor checks alone: the generic ones are proven by the suites above and below. */
const GENERIC: ContractCheck[] = [
  'concurrentReads',
  'authFailure',
  'retryRead',
  'retryAfter',
  'writeNotRetried',
  'timeout',
  'invalidJson',
  'serverError',
  'staleIfError',
  'missing',
  'kind',
  'observed',
];
const PROM_PASSWORD = 'broken-prom-secret';

/** The real Prometheus connector over its fake, with `change` replacing parts of its API or instance. */
function brokenMonitor(
  label: string,
  change: (real: { api: MonitorApi; fake: FakePrometheus; raw: typeof fetch; deps: ConnectorDeps }) => {
    api?: Partial<MonitorApi>;
    healthCheck?: () => Promise<void>;
  },
) {
  defineConnectorContract({
    label,
    kind: 'monitor',
    skip: GENERIC,
    async start({ retryLimit, timeoutMs, cacheTtlMs }) {
      const fake = await startFakePrometheus({ basic: { username: 'u', password: PROM_PASSWORD } });
      const endpoint = { baseUrl: fake.url, retryLimit, timeoutMs };
      const config = prometheusConnector.config.parse({
        prometheus: endpoint,
        alertmanager: endpoint,
        auth: { kind: 'basic', username: 'u', password: PROM_PASSWORD },
        cacheTtlMs,
        targetsTtlMs: cacheTtlMs,
      });
      const deps = contractDeps(label);
      const real = prometheusConnector.create(label, config, deps);
      const authorization = `Basic ${Buffer.from(`u:${PROM_PASSWORD}`).toString('base64')}`;
      const raw: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization } });
      const changed = change({ api: real.forRequest(contractAuth), fake, raw, deps });
      const instance: ConnectorInstance<MonitorApi> = {
        ...real,
        forRequest: (auth) => ({ ...real.forRequest(auth), ...changed.api }),
        healthCheck: changed.healthCheck ?? real.healthCheck,
      };
      return {
        instance,
        fake,
        acks: {
          acknowledgeRequest: { method: 'POST', pathPrefix: '/api/v2/silences' },
          unacknowledgeRequest: { method: 'DELETE', pathPrefix: '/api/v2/silence/' },
          recorded: (alertId: string) => fake.recorded(alertId.slice(alertId.indexOf(':') + 1)),
        },
      };
    },
  });
}

const unavailable = (connector: string) => ERRORS.UPSTREAM_UNAVAILABLE.err(`${connector} failed`, { extensions: { connector } });

/** Writes without looking first, and never updates its cache: repeats duplicate, lost answers fail. */
brokenMonitor('blind', ({ api, fake, raw }) => {
  const call = async (path: string, init: RequestInit) => {
    const response = await raw(`${fake.url}${path}`, init).catch(() => null);
    if (!response?.ok) throw unavailable('blind');
    return response;
  };
  const labelsOf = async (id: string) => (await api.alertById(id))?.labels ?? {};
  return {
    api: {
      async acknowledge(id, ack) {
        const labels = await labelsOf(id);
        const matchers = Object.entries(labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
        const endsAt = new Date(Date.now() + 3_600_000).toISOString();
        const silence = { matchers, startsAt: new Date().toISOString(), endsAt, createdBy: ack.author, comment: ack.comment };
        await call('/api/v2/silences', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(silence) });
        return { ...(await api.alertById(id))!, acknowledged: true, acknowledgedBy: ack.author };
      },
      async unacknowledge(id) {
        for (const s of fake.silences.values()) if (!s.expired) await call(`/api/v2/silence/${s.id}`, { method: 'DELETE' });
        return { ...(await api.alertById(id))!, acknowledged: false, acknowledgedBy: null };
      },
    },
  };
});

/** Drops its cached snapshot after an acknowledgement: a tool failure right after is an error, not the stale copy. */
brokenMonitor('forgetful', ({ api, deps }) => ({
  api: {
    async acknowledge(id, ack) {
      const alert = await api.acknowledge(id, ack);
      await deps.cache.clear();
      return alert;
    },
  },
}));

/** Reports whatever it could read as fresh: a partial answer then vouches for CIs it cannot see. */
brokenMonitor('credulous', ({ api }) => ({ api: { snapshot: async () => ({ ...(await api.snapshot()), stale: false }) } }));

/** Ready whenever Alertmanager answers 2xx, whatever it says. */
brokenMonitor('unparsed', ({ fake, raw }) => ({
  healthCheck: async () => {
    if (!(await raw(`${fake.url}/api/v2/status`)).ok) throw unavailable('unparsed');
  },
}));

/** Reads its tool with a fetch of its own, past connectors/core/http.ts: /metrics never sees its calls. */
defineConnectorContract({
  label: 'unobserved',
  kind: 'cmdb',
  skip: GENERIC.filter((check) => check !== 'observed'),
  async start(options) {
    const { fake } = await setup(options);
    const api: CmdbApi = {
      snapshot: async () => {
        await fetch(`${fake.url}/api/now/table/cmdb_ci`);
        return { cis: [], relations: [], stale: false, asOf: new Date().toISOString() };
      },
    };
    return { api, name: 'unobserved', fake };
  },
});
