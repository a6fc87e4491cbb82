import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { ScopeRule, Viewer } from '../../authz/viewer.js';
import {
  builtinCmdbConnector,
  builtinHelpdeskConnector,
  builtinKnowledgeConnector,
  builtinMonitorConnector,
} from '../../connectors/builtin/index.js';
import { createCache } from '../../connectors/core/cache.js';
import type { ConnectorDeps, ConnectorSet } from '../../connectors/core/connector.js';
import { silentLogger } from '../../kernel/log.js';
import { createTestModel, type TestModel } from '../../bsm/test-fakes.js';
import type { SubgraphModule } from '../common/module.js';
import { buildScopedSchema } from '../common/schema.js';
import { createServicesSubgraph, type ServicesContext } from './index.js';

/**
 * The services subgraph over an estate through the builtin connectors, executed in-process with
 * graphql(): what the full stack runs, without HTTP. Used by services.test.ts.
 */

export const DEMO_ESTATE = join(import.meta.dirname, '..', '..', 'estate', 'demo');

/** A writable copy of the demo estate, for tests that change it. */
export function copyDemoEstate(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sg-estate-'));
  cpSync(DEMO_ESTATE, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function builtinConnectors(estateDir: string, dataDir: string): ConnectorSet {
  const deps = (name: string): ConnectorDeps => ({ log: silentLogger, cache: createCache(name, silentLogger), estateDir, dataDir });
  return {
    monitor: [builtinMonitorConnector.create('builtin-monitor', {}, deps('builtin-monitor'))],
    cmdb: [builtinCmdbConnector.create('builtin-cmdb', {}, deps('builtin-cmdb'))],
    helpdesk: [builtinHelpdeskConnector.create('builtin-helpdesk', {}, deps('builtin-helpdesk'))],
    knowledge: [builtinKnowledgeConnector.create('builtin-knowledge', {}, deps('builtin-knowledge'))],
  };
}

export function viewer(id: string, groups: string[], scope: ScopeRule[], drillLevel: Viewer['drillLevel'] = 'TELEMETRY'): Viewer {
  return {
    id,
    anonymous: false,
    roles: [id],
    groups,
    drillLevel,
    actions: [],
    scope,
    grants: [{ role: id, drillLevel, actions: [], scope, actOnChildren: false }],
  };
}

export interface ServicesHarness {
  model: TestModel;
  module: SubgraphModule<ServicesContext>;
  schema: GraphQLSchema;
  run(query: string, as?: Viewer, variables?: Record<string, unknown>): Promise<ExecutionResult>;
  close(): Promise<void>;
}

export function createHarness(options: { estateDir?: string; dataDir?: string; now?: () => Date } = {}): ServicesHarness {
  const estateDir = options.estateDir ?? DEMO_ESTATE;
  const ownData = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sg-data-'));
  const connectors = builtinConnectors(estateDir, dataDir);
  const model = createTestModel({ estateDir, dataDir, connectors, cacheMs: 0 });
  const module = createServicesSubgraph({
    model,
    monitors: connectors.monitor,
    helpdesks: connectors.helpdesk,
    maxPageSize: 100,
    evaluatorIntervalMs: 60_000,
    log: silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const { schema, baseContext } = buildScopedSchema(module, model.directory);
  const operator = viewer('operator', ['noc'], [{ kind: 'all' }]);
  return {
    model,
    module,
    schema,
    async run(query, as = operator, variables) {
      const contextValue = await module.createContext(
        baseContext({ auth: { sub: as.id, roles: as.roles, groups: as.groups }, viewer: as, log: silentLogger, audit: () => {} }),
      );
      return graphql({ schema, source: query, contextValue, variableValues: variables ?? null });
    },
    async close() {
      await module.stop?.();
      await model.close();
      for (const kind of ['monitor', 'cmdb', 'helpdesk', 'knowledge'] as const) for (const i of connectors[kind]) await i.dispose();
      if (ownData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
