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
 * instance of: a gateway whose subgraphs run elsewhere loads none (9 MB of RSS after start on the federation benchmark).
 */
interface ConnectorType {
  readonly type: string;
  readonly kind: ConnectorKind;
  readonly config: z.ZodType<unknown>;
  /** Imports the connector's implementation; the connector of this type is found among its exports. */
  module(): Promise<Record<string, unknown>>;
}

/** Every connector type a config may name, by kind; `module` is the connector's index.ts. */
const TYPES: ConnectorType[] = [
  // monitor
  { type: 'builtin-monitor', kind: 'monitor', config: BuiltinConfig, module: () => import('./builtin/index.js') },
  { type: 'prometheus', kind: 'monitor', config: PrometheusConfig, module: () => import('./prometheus/index.js') },
  { type: 'icinga', kind: 'monitor', config: IcingaConfig, module: () => import('./icinga/index.js') },
  { type: 'zabbix', kind: 'monitor', config: ZabbixConfig, module: () => import('./zabbix/index.js') },
  // cmdb
  { type: 'builtin-cmdb', kind: 'cmdb', config: BuiltinConfig, module: () => import('./builtin/index.js') },
  { type: 'servicenow-cmdb', kind: 'cmdb', config: ServiceNowCmdbConfig, module: () => import('./servicenow/index.js') },
  { type: 'netbox', kind: 'cmdb', config: NetBoxConfig, module: () => import('./netbox/index.js') },
  // helpdesk
  { type: 'builtin-helpdesk', kind: 'helpdesk', config: BuiltinConfig, module: () => import('./builtin/index.js') },
  { type: 'servicenow-incident', kind: 'helpdesk', config: ServiceNowIncidentConfig, module: () => import('./servicenow/index.js') },
  { type: 'jira', kind: 'helpdesk', config: JiraConfig, module: () => import('./jira/index.js') },
  { type: 'rt', kind: 'helpdesk', config: RtConfig, module: () => import('./rt/index.js') },
  // knowledge
  { type: 'builtin-knowledge', kind: 'knowledge', config: BuiltinConfig, module: () => import('./builtin/index.js') },
  { type: 'servicenow-knowledge', kind: 'knowledge', config: ServiceNowKnowledgeConfig, module: () => import('./servicenow/index.js') },
  { type: 'confluence', kind: 'knowledge', config: ConfluenceConfig, module: () => import('./confluence/index.js') },
  { type: 'mediawiki', kind: 'knowledge', config: MediaWikiConfig, module: () => import('./mediawiki/index.js') },
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
    if (!entry || LOADED.has(type)) continue;
    const exported = Object.values(await entry.module()) as Partial<AnyConnector>[];
    const connector = exported.find((c) => c?.type === type && typeof c.create === 'function');
    if (!connector) throw new Error(`${type}: its module exports no connector of that type`);
    LOADED.set(type, connector as AnyConnector);
  }
}

/** The implementation of a type `loadConnectors` loaded; a type it did not load is a programming error. */
export function findConnector(type: string): AnyConnector {
  const connector = LOADED.get(type);
  if (!connector) throw new Error(`connector "${type}" was not loaded: await loadConnectors() before creating instances`);
  return connector;
}
