import type { ConnectorKind } from '../../kernel/model.js';
import type { Logger } from '../../kernel/log.js';
import type { z } from 'zod';
import { createCachedReader, type CachedReader } from './cache.js';
import type { Connector, ConnectorDeps, ConnectorInstance } from './connector.js';

/** What every HTTP connector's instance is built from, made the same way for each. */
export interface HttpConnectorParts<TConfig, TClient> {
  /** The instance name (log field, cache namespace, `extensions.connector`). */
  name: string;
  config: TConfig;
  deps: ConnectorDeps;
  /** The connector's logger: every line names the instance. */
  log: Logger;
  client: TClient;
  /** Stale-if-error, single-flight reads through the instance's own cache namespace. */
  cachedRead: CachedReader;
}

/**
 * A connector over a tool's HTTP API: the connector says only what is its own (its client, what it
 * serves a request, how it checks the tool), and the logger, client and cache are made here. Nothing
 * to dispose: the client holds only keep-alive sockets, which Node's agent unrefs while idle.
 */
export function httpConnector<K extends ConnectorKind, TConfig, TClient, TApi>(
  type: string,
  kind: K,
  config: z.ZodType<TConfig>,
  own: {
    client: (name: string, config: TConfig, log: Logger) => TClient;
    create(parts: HttpConnectorParts<TConfig, TClient>): Pick<ConnectorInstance<TApi>, 'forRequest' | 'healthCheck'>;
  },
): Connector<TConfig, TApi> & { readonly kind: K } {
  return {
    type,
    kind,
    config,
    create(name, config, deps) {
      const log = deps.log.child({ connector: name });
      const client = own.client(name, config, log);
      const { forRequest, healthCheck } = own.create({ name, config, deps, log, client, cachedRead: createCachedReader(deps.cache) });
      return { name, kind, forRequest, healthCheck, dispose: async () => {} };
    },
  };
}
