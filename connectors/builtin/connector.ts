import type { ConnectorKind } from '../../kernel/model.js';
import type { Connector, ConnectorDeps } from '../core/connector.js';
import { BuiltinConfig } from './config.js';
import { withStoreErrors } from './store.js';

/** Where a builtin tool keeps what it writes (acknowledgements, tickets). */
interface StateStore {
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A builtin connector: its API over the estate folder, the same for every caller (the builtin tools
 * take authorship from the arguments: ack author, caller). One that writes keeps its state in a
 * store: the API answers the store's failures as a failing tool would, the connector is healthy
 * when the store is, and dispose closes it.
 */
export function builtinConnector<K extends ConnectorKind, TApi extends object>(
  type: string,
  kind: K,
  own: { create(name: string, config: BuiltinConfig, deps: ConnectorDeps): { api: TApi; store?: StateStore } },
): Connector<BuiltinConfig, TApi> & { readonly kind: K } {
  return {
    type,
    kind,
    config: BuiltinConfig,
    create(name, config, deps) {
      const { api, store } = own.create(name, config, deps);
      const served = store ? withStoreErrors(name, api) : api;
      return {
        name,
        kind,
        forRequest: () => served,
        healthCheck: async () => await store?.ping(),
        dispose: async () => await store?.close(),
      };
    },
  };
}
