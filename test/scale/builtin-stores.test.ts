import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinHelpdeskConnector, builtinMonitorConnector } from '../../connectors/builtin/index.js';
import { createCache } from '../../connectors/core/cache.js';
import type { ConnectorDeps } from '../../connectors/core/connector.js';
import { silentLogger } from '../../kernel/log.js';
import type { NewIncident } from '../../kernel/model.js';
import type { RequestAuth } from '../../kernel/request.js';
import { createPostgresPool } from '../../kernel/postgres.js';
import { freshDatabase, freshPool, noPostgres, type OnTestFinished } from './support.js';

/**
 * One suite, two stores: the builtin help desk's tickets and the builtin monitor's acknowledgements
 * in SQLite files (the embedded default) and in PostgreSQL (N replicas). Each test opens two
 * instances of the same connector on one store, as two replicas (or two processes) would.
 */

const DEMO = fileURLToPath(new URL('../../estate/demo', import.meta.url));
const auth: RequestAuth = { sub: 'tester', roles: [], groups: [] };

/** Deps of one replica; every call to the returned function is another replica on the same store. */
type SharedStorage = (onTestFinished: OnTestFinished) => Promise<() => ConnectorDeps>;

const sqlite: SharedStorage = async (onTestFinished) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-builtin-'));
  onTestFinished(async () => rmSync(dataDir, { recursive: true, force: true }));
  return () => ({ log: silentLogger, cache: createCache('test', silentLogger), estateDir: DEMO, dataDir });
};

const postgres: SharedStorage = async (onTestFinished) => {
  const pool = await freshPool(onTestFinished);
  return () => ({ log: silentLogger, cache: createCache('test', silentLogger), estateDir: DEMO, dataDir: '/nonexistent', postgres: pool });
};

const newIncident = (overrides: Partial<NewIncident> = {}): NewIncident => ({
  title: 'Payroll self-service shows an error',
  description: 'Error 500 after logon',
  priority: 'HIGH',
  ciId: 'payroll-app',
  serviceId: 'payroll',
  caller: 'alice',
  correlationId: 'corr-1',
  ...overrides,
});

function defineBuiltinStoreSuite(name: string, storage: SharedStorage, skip: boolean) {
  describe.skipIf(skip)(`builtin stores: ${name}`, () => {
    const helpdesks = async (onTestFinished: OnTestFinished, connector = 'desk') => {
      const replica = await storage(onTestFinished);
      return [replica(), replica()].map((deps) => {
        const instance = builtinHelpdeskConnector.create(connector, {}, deps);
        onTestFinished(() => instance.dispose());
        return instance;
      });
    };

    it('a ticket created through one replica is read, commented and linked through the other', async ({ onTestFinished }) => {
      const [one, two] = (await helpdesks(onTestFinished)).map((i) => i?.forRequest(auth));
      const created = await one?.createIncident(newIncident());
      expect(created).toMatchObject({ id: 'desk:INC0010100', number: 'INC0010100', state: 'NEW', priority: 'HIGH', serviceId: 'payroll' });
      expect(await two?.incidentById('desk:INC0010100')).toEqual(created);
      await two?.comment('desk:INC0010100', { author: 'bob', text: 'looking', internal: false });
      expect(await two?.linkArticle('desk:INC0010100', { id: 'kb:1', title: 'Restart', url: null })).toBe(true);
      expect(await two?.linkArticle('desk:INC0010100', { id: 'kb:1', title: 'Restart', url: null })).toBe(true);
      expect((await one?.incidentById('desk:INC0010100'))?.linkedArticleIds).toEqual(['kb:1']);
      const listed = await one?.listIncidents({ serviceIds: ['payroll'], openOnly: true });
      expect(listed?.map((i) => i.number)).toContain('INC0010100');
    });

    it('creates racing on two replicas: one ticket per correlation id, numbers unique and increasing', async ({ onTestFinished }) => {
      const [one, two] = (await helpdesks(onTestFinished)).map((i) => i?.forRequest(auth));
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two)?.createIncident(newIncident({ correlationId: `corr-${i % 4}` }))),
      );
      const byCorrelation = new Map<string, Set<string>>();
      created.forEach((incident, i) => {
        const key = `corr-${i % 4}`;
        byCorrelation.set(key, (byCorrelation.get(key) ?? new Set()).add(incident?.number ?? ''));
      });
      expect([...byCorrelation.values()].map((numbers) => numbers.size)).toEqual([1, 1, 1, 1]);
      const numbers = [...byCorrelation.values()].flatMap((s) => [...s]).sort();
      expect(numbers).toEqual(['INC0010100', 'INC0010101', 'INC0010102', 'INC0010103']);
    });

    it('an acknowledgement made through one replica shows in the other’s snapshot, and so does its removal', async ({ onTestFinished }) => {
      const replica = await storage(onTestFinished);
      const [one, two] = [replica(), replica()].map((deps) => {
        const instance = builtinMonitorConnector.create('builtin', {}, deps);
        onTestFinished(() => instance.dispose());
        return instance.forRequest(auth);
      });
      await one?.acknowledge('builtin:a1', { author: 'oscar', comment: 'rebooting' });
      const seen = (await two?.snapshot())?.alerts.find((a) => a.id === 'builtin:a1');
      expect(seen).toMatchObject({ acknowledged: true, acknowledgedBy: 'oscar' });
      await two?.unacknowledge('builtin:a1', 'oscar');
      expect(await one?.alertById('builtin:a1')).toMatchObject({ acknowledged: false, acknowledgedBy: null });
    });
  });
}

defineBuiltinStoreSuite('sqlite', sqlite, false);
defineBuiltinStoreSuite('postgres', postgres, noPostgres);

describe.skipIf(noPostgres)('builtin stores: postgres only', () => {
  it('keeps two help desk instances apart in the shared tables', async ({ onTestFinished }) => {
    const pool = await freshPool(onTestFinished);
    const deps: ConnectorDeps = {
      log: silentLogger,
      cache: createCache('t', silentLogger),
      estateDir: DEMO,
      dataDir: '/x',
      postgres: pool,
    };
    const [a, b] = ['desk-a', 'desk-b'].map((name) => builtinHelpdeskConnector.create(name, {}, deps).forRequest(auth));
    await a?.createIncident(newIncident());
    await b?.createIncident(newIncident());
    expect(await b?.incidentById('desk-b:INC0010100')).toMatchObject({ id: 'desk-b:INC0010100' });
    expect(await b?.incidentById('desk-a:INC0010100')).toBeNull();
    expect((await a?.listIncidents({}))?.filter((i) => i.number === 'INC0010100')).toHaveLength(1);
  });

  it('answers UPSTREAM_UNAVAILABLE, not a crash, when its database is gone', async ({ onTestFinished }) => {
    const pool = createPostgresPool({ url: await freshDatabase(onTestFinished) }, silentLogger);
    const deps: ConnectorDeps = {
      log: silentLogger,
      cache: createCache('t', silentLogger),
      estateDir: DEMO,
      dataDir: '/x',
      postgres: pool,
    };
    const desk = builtinHelpdeskConnector.create('desk', {}, deps);
    await pool.end();
    await expect(desk.forRequest(auth).createIncident(newIncident())).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'desk' },
    });
    await expect(desk.healthCheck()).rejects.toThrow();
  });
});
