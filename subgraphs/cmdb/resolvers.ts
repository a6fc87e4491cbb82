import type { ConfigurationItem, Relation } from '../../kernel/model.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import { freshnessOf, type MergedCmdb } from '../../bsm/merged-cmdb.js';
import type { Resolvers } from './resolver-types.generated.js';

interface CiRelationView {
  type: Relation['type'];
  ci: ConfigurationItem;
}

function related(topology: MergedCmdb, relations: Relation[] | undefined, end: 'parentId' | 'childId'): CiRelationView[] {
  return (relations ?? []).flatMap((rel) => {
    const ci = topology.byId.get(rel[end]);
    return ci ? [{ type: rel.type, ci }] : [];
  });
}

export const cmdbResolvers = {
  Query: {
    // A CMDB that failed may hold the CI: the DataLoader answers with its error rather than null.
    configurationItem: (_, args, ctx) => ctx.topology.ciById.load(args.id),
    async configurationItems(_, args, ctx, info) {
      const first = checkFirst(args.first, ctx.maxPageSize, info);
      const [topology, scope] = await Promise.all([ctx.topology.load(), ctx.scope.load()]);
      for (const failure of topology.failures) recordPartialError(ctx, failure, info);
      const search = args.search?.trim().toLowerCase() ?? '';
      const cls = args.class?.trim().toLowerCase() ?? '';
      // Scope before the cut to `first`, so a page is never short because of CIs the viewer cannot see.
      return scope
        .filter('ConfigurationItem', topology.cis)
        .filter((ci) => !cls || ci.class.toLowerCase() === cls)
        .filter((ci) => !search || [ci.name, ci.fqdn, ci.ip].some((v) => v?.toLowerCase().includes(search)))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
        .slice(0, first);
    },
  },
  ConfigurationItem: {
    __resolveReference: (ref, ctx) => ctx.topology.ciById.load(ref.id),
    attributes: (ci) => Object.entries(ci.attributes).map(([name, value]) => ({ name, value })),
    dependsOn: async (ci, _, ctx) => {
      const topology = await ctx.topology.load();
      return related(topology, topology.childrenOf.get(ci.id), 'childId');
    },
    usedBy: async (ci, _, ctx) => {
      const topology = await ctx.topology.load();
      return related(topology, topology.parentsOf.get(ci.id), 'parentId');
    },
    asOf: async (ci, _, ctx) => freshnessOf(ci, await ctx.topology.load()).asOf,
    stale: async (ci, _, ctx) => freshnessOf(ci, await ctx.topology.load()).stale,
  },
} satisfies Resolvers;
