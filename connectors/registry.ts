import type { Connector } from './core/connector.js';
import { builtinCmdbConnector, builtinHelpdeskConnector, builtinKnowledgeConnector, builtinMonitorConnector } from './builtin/index.js';

/** Every connector type a config may name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector has its own config and API types
const CONNECTORS: Connector<any, any>[] = [
  builtinMonitorConnector,
  builtinCmdbConnector,
  builtinHelpdeskConnector,
  builtinKnowledgeConnector,
];

const BY_TYPE = new Map(CONNECTORS.map((c) => [c.type, c]));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findConnector(type: string): Connector<any, any> | undefined {
  return BY_TYPE.get(type);
}

export function connectorTypes(): string[] {
  return [...BY_TYPE.keys()];
}
