import type { GraphQLResolveInfo } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { ConfigurationItem, Relation } from '../../kernel/model.js';
import type { CmdbContext } from './context.js';
import { checkFirst } from '../common/paging.js';
import { recordPartialError } from '../common/partial-errors.js';
import { freshnessOf, type MergedCmdb } from '../../bsm/merged-cmdb.js';

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

async function configurationItem(_: unknown, args: { id: string }, ctx: CmdbContext): Promise<ConfigurationItem | null> {
  // A CMDB that failed may hold the CI: the DataLoader answers with its error rather than null.
  return ctx.topology.ciById.load(args.id);
}

async function configurationItems(
  _: unknown,
  args: { search?: string | null; class?: string | null; first?: number | null },
  ctx: CmdbContext,
  info: GraphQLResolveInfo,
): Promise<ConfigurationItem[]> {
  const first = checkFirst(args.first ?? 50, ctx.maxPageSize, info);
  const topology = await ctx.topology.load();
  for (const failure of topology.failures) recordPartialError(ctx, failure, info);
  const search = args.search?.trim().toLowerCase() ?? '';
  const cls = args.class?.trim().toLowerCase() ?? '';
  return topology.cis
    .filter((ci) => !cls || ci.class.toLowerCase() === cls)
    .filter((ci) => !search || [ci.name, ci.fqdn, ci.ip].some((v) => v?.toLowerCase().includes(search)))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .slice(0, first);
}

export const cmdbResolvers: GraphQLResolverMap<CmdbContext> = {
  Query: { configurationItem, configurationItems },
  ConfigurationItem: {
    __resolveReference: (ref: { id: string }, ctx: CmdbContext) => ctx.topology.ciById.load(ref.id),
    attributes: (ci: ConfigurationItem) => Object.entries(ci.attributes).map(([name, value]) => ({ name, value })),
    dependsOn: async (ci: ConfigurationItem, _: unknown, ctx: CmdbContext) => {
      const topology = await ctx.topology.load();
      return related(topology, topology.childrenOf.get(ci.id), 'childId');
    },
    usedBy: async (ci: ConfigurationItem, _: unknown, ctx: CmdbContext) => {
      const topology = await ctx.topology.load();
      return related(topology, topology.parentsOf.get(ci.id), 'parentId');
    },
    asOf: async (ci: ConfigurationItem, _: unknown, ctx: CmdbContext) => freshnessOf(ci, await ctx.topology.load()).asOf,
    stale: async (ci: ConfigurationItem, _: unknown, ctx: CmdbContext) => freshnessOf(ci, await ctx.topology.load()).stale,
  },
};
