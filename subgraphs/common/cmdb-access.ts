import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { MergedCmdb, MergedCmdbSource } from '../../bsm/merged-cmdb.js';
import type { ConfigurationItem } from '../../kernel/model.js';

/** The merged CMDB as one request sees it: read once, whatever the number of fields asking. */
export interface CmdbAccess {
  load(): Promise<MergedCmdb>;
  /** For `__resolveReference`: batched, one load for any number of ids. */
  ciById: DataLoader<string, ConfigurationItem | null>;
}

export function createCmdbAccess(source: MergedCmdbSource): CmdbAccess {
  let loaded: Promise<MergedCmdb> | undefined;
  const load = () => (loaded ??= source());
  return {
    load,
    ciById: new DataLoader<string, ConfigurationItem | null>(async (ids) => {
      const cmdb = await load();
      return ids.map((id): ConfigurationItem | GraphQLError | null => {
        const ci = cmdb.byId.get(id);
        if (ci) return ci;
        // Not found in a partial CMDB is not "no such CI": say which CMDB failed.
        return cmdb.failures[0] ?? null;
      });
    }),
  };
}
