import { cachedCmdbApi } from '../core/cached-apis.js';
import { httpConnector } from '../core/http-connector.js';
import type { ConfigurationItem, Relation } from '../../kernel/model.js';
import { createNetBoxClient } from './client.js';
import { DEFAULT_ROLE_CLASS_MAP, NetBoxConfig } from './config.js';
import { toTopology } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';

/**
 * NetBox as a CMDB: devices, virtual machines, clusters, IP addresses (for each CI's address and
 * DNS name) and services. The five lists are read together and cached for minutes with
 * stale-if-error; see mapping.ts for how they become CIs and relations.
 */
export const netboxConnector = httpConnector('netbox', 'cmdb', NetBoxConfig, {
  client: createNetBoxClient,
  create({ name, config, log, client, cachedRead }) {
    const roleClassMap = { ...DEFAULT_ROLE_CLASS_MAP, ...config.roleClassMap };
    const ctx = { connector: name, uiUrl: config.uiUrl ?? config.baseUrl, roleClassMap, costField: config.costField };

    async function fetchTopology(): Promise<{ cis: ConfigurationItem[]; relations: Relation[] }> {
      const [devices, virtualMachines, clusters, ipAddresses, services] = await Promise.all([
        client.devices(),
        client.virtualMachines(),
        client.clusters(),
        client.ipAddresses(),
        config.includeServices ? client.services() : Promise.resolve([]),
      ]);
      const topology = toTopology({ devices, virtualMachines, clusters, ipAddresses, services }, ctx);
      log.info('netbox topology read', { cis: topology.cis.length, relations: topology.relations.length });
      return topology;
    }
    const api = cachedCmdbApi(cachedRead, config, fetchTopology);
    return {
      // NetBox is read with the connector's own token and is the same for every caller.
      forRequest: (_auth: RequestAuth) => api,
      healthCheck: () => client.ping(),
    };
  },
});
