import { cachedCmdbApi } from '../core/cached-apis.js';
import { httpConnector } from '../core/http-connector.js';
import type { ConfigurationItem, Relation } from '../../kernel/model.js';
import { createServiceNowClient, inList } from './client.js';
import { DEFAULT_CLASS_MAP, ServiceNowCmdbConfig } from './config.js';
import { CI_FIELDS, REL_FIELDS, toCi, toRelations, value } from './mapping.js';
import type { RequestAuth } from '../../kernel/request.js';

/**
 * ServiceNow CMDB: CIs from cmdb_ci (the configured classes), relations from cmdb_rel_ci. The whole
 * topology is read at once (two paged lists) and cached for minutes with stale-if-error: the CMDB
 * changes slowly and health needs all of it anyway.
 */

interface Topology {
  cis: ConfigurationItem[];
  relations: Relation[];
}

export const servicenowCmdbConnector = httpConnector('servicenow-cmdb', 'cmdb', ServiceNowCmdbConfig, {
  client: createServiceNowClient,
  create({ name, config, log, client, cachedRead }) {
    const ctx = {
      connector: name,
      uiUrl: config.uiUrl ?? config.baseUrl,
      idField: config.idField,
      classMap: { ...DEFAULT_CLASS_MAP, ...config.classMap },
      cost: { field: config.costField, months: config.costPeriod === 'year' ? 12 : 1 },
    };

    async function fetchTopology(): Promise<Topology> {
      const [ciRows, relRows] = await Promise.all([
        client.list('cmdb_ci', {
          query: `sys_class_nameIN${inList(config.classes)}^ORDERBYname`,
          fields: [...CI_FIELDS, config.costField],
        }),
        client.list('cmdb_rel_ci', { fields: REL_FIELDS }),
      ]);
      const cis: ConfigurationItem[] = [];
      const idBySysId = new Map<string, string>();
      const taken = new Set<string>();
      let duplicates = 0;
      for (const row of ciRows) {
        const ci = toCi(row, ctx);
        // Two CIs with one name would merge into one node; the later one keeps its sys_id as id.
        if (taken.has(ci.id)) {
          duplicates++;
          ci.id = value(row, 'sys_id');
        }
        taken.add(ci.id);
        idBySysId.set(value(row, 'sys_id'), ci.id);
        cis.push(ci);
      }
      const { relations, ignoredTypes, dangling } = toRelations(relRows, idBySysId);
      log.info('servicenow topology read', { cis: cis.length, relations: relations.length, ignoredTypes, dangling, duplicates });
      return { cis, relations };
    }

    const api = cachedCmdbApi(cachedRead, config, fetchTopology);
    return {
      // The CMDB is read with the connector's own account and is the same for every caller.
      forRequest: (_auth: RequestAuth) => api,
      healthCheck: () => client.ping('cmdb_ci'),
    };
  },
});
