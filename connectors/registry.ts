import type { z } from 'zod';
import type { ApiByKind, Connector } from './core/connector.js';
import type { ConnectorKind } from '../kernel/model.js';
import { BuiltinConfig } from './builtin/config.js';
import { ConfluenceConfig } from './confluence/config.js';
import { IcingaConfig } from './icinga/config.js';
import { JiraConfig } from './jira/config.js';
import { MediaWikiConfig } from './mediawiki/config.js';
import { NetBoxConfig } from './netbox/config.js';
import { PrometheusConfig } from './prometheus/config.js';
import { RtConfig } from './rt/config.js';
import { ServiceNowCmdbConfig, ServiceNowIncidentConfig, ServiceNowKnowledgeConfig } from './servicenow/config.js';
import { ZabbixConfig } from './zabbix/config.js';

/** A connector of any type: its config is whatever its own schema parses; it serves its kind's API. */
export type AnyConnector = Connector<unknown, ApiByKind[ConnectorKind]>;

/**
 * What a config may name, known without loading the connector: its type, its kind and its config's
 * schema (zod only), so every connector's settings are validated strictly at start. The
 * implementation (client, mapping, SDK, SQLite) is imported only for a type a process creates an
 * instance of: a gateway whose subgraphs run elsewhere loads none (about 18 MB of RSS).
 */
interface ConnectorType {
  readonly type: string;
  readonly kind: ConnectorKind;
  readonly config: z.ZodType<unknown>;
  load(): Promise<AnyConnector>;
}

/** Every connector type a config may name, by kind. */
const TYPES: ConnectorType[] = [
  // monitor
  {
    type: 'builtin-monitor',
    kind: 'monitor',
    config: BuiltinConfig,
    load: async () => (await import('./builtin/index.js')).builtinMonitorConnector,
  },
  {
    type: 'prometheus',
    kind: 'monitor',
    config: PrometheusConfig,
    load: async () => (await import('./prometheus/index.js')).prometheusConnector,
  },
  { type: 'icinga', kind: 'monitor', config: IcingaConfig, load: async () => (await import('./icinga/index.js')).icingaConnector },
  { type: 'zabbix', kind: 'monitor', config: ZabbixConfig, load: async () => (await import('./zabbix/index.js')).zabbixConnector },
  // cmdb
  {
    type: 'builtin-cmdb',
    kind: 'cmdb',
    config: BuiltinConfig,
    load: async () => (await import('./builtin/index.js')).builtinCmdbConnector,
  },
  {
    type: 'servicenow-cmdb',
    kind: 'cmdb',
    config: ServiceNowCmdbConfig,
    load: async () => (await import('./servicenow/index.js')).servicenowCmdbConnector,
  },
  { type: 'netbox', kind: 'cmdb', config: NetBoxConfig, load: async () => (await import('./netbox/index.js')).netboxConnector },
  // helpdesk
  {
    type: 'builtin-helpdesk',
    kind: 'helpdesk',
    config: BuiltinConfig,
    load: async () => (await import('./builtin/index.js')).builtinHelpdeskConnector,
  },
  {
    type: 'servicenow-incident',
    kind: 'helpdesk',
    config: ServiceNowIncidentConfig,
    load: async () => (await import('./servicenow/index.js')).servicenowIncidentConnector,
  },
  { type: 'jira', kind: 'helpdesk', config: JiraConfig, load: async () => (await import('./jira/index.js')).jiraConnector },
  { type: 'rt', kind: 'helpdesk', config: RtConfig, load: async () => (await import('./rt/index.js')).rtConnector },
  // knowledge
  {
    type: 'builtin-knowledge',
    kind: 'knowledge',
    config: BuiltinConfig,
    load: async () => (await import('./builtin/index.js')).builtinKnowledgeConnector,
  },
  {
    type: 'servicenow-knowledge',
    kind: 'knowledge',
    config: ServiceNowKnowledgeConfig,
    load: async () => (await import('./servicenow/index.js')).servicenowKnowledgeConnector,
  },
  {
    type: 'confluence',
    kind: 'knowledge',
    config: ConfluenceConfig,
    load: async () => (await import('./confluence/index.js')).confluenceConnector,
  },
  {
    type: 'mediawiki',
    kind: 'knowledge',
    config: MediaWikiConfig,
    load: async () => (await import('./mediawiki/index.js')).mediawikiConnector,
  },
];

const BY_TYPE = new Map(TYPES.map((t) => [t.type, t]));
/** The implementations loaded so far, by type. */
const LOADED = new Map<string, AnyConnector>();

/** The type a config names (kind and config schema), without its implementation. */
export function connectorType(type: string): Pick<ConnectorType, 'type' | 'kind' | 'config'> | undefined {
  return BY_TYPE.get(type);
}

export function connectorTypes(): string[] {
  return [...BY_TYPE.keys()];
}

/**
 * Imports the implementations of these types (unknown ones are skipped: loadConfig reported them).
 * Whoever creates connector instances awaits it first; `findConnector` then answers at once.
 */
export async function loadConnectors(types: Iterable<string>): Promise<void> {
  for (const type of new Set(types)) {
    const entry = BY_TYPE.get(type);
    if (entry && !LOADED.has(type)) LOADED.set(type, await entry.load());
  }
}

/** The implementation of a type `loadConnectors` loaded; a type it did not load is a programming error. */
export function findConnector(type: string): AnyConnector {
  const connector = LOADED.get(type);
  if (!connector) throw new Error(`connector "${type}" was not loaded: await loadConnectors() before creating instances`);
  return connector;
}
