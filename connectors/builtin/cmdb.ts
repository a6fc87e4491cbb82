import type { CmdbApi } from '../core/connector.js';
import { estateDirOf } from './config.js';
import { builtinConnector } from './connector.js';
import { loadCmdbEstate } from './estate-files.js';

/**
 * The builtin CMDB: the CIs and relations of the estate's cmdb.yaml, read once at start (a bad file
 * stops the start with its path). Reads are in memory, so there is nothing to cache or batch.
 */
export const builtinCmdbConnector = builtinConnector('builtin-cmdb', 'cmdb', {
  create(name, config, deps) {
    const estate = loadCmdbEstate(estateDirOf(config, deps), name);
    const asOf = new Date().toISOString();
    // Callers get copies: a subgraph that mutates a result must not change the estate for everyone.
    const api: CmdbApi = {
      snapshot: async () => ({ cis: structuredClone(estate.cis), relations: estate.relations.map((r) => ({ ...r })), stale: false, asOf }),
    };
    return { api };
  },
});
