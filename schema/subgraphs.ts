import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type DocumentNode } from 'graphql';

/** The five connector subgraphs, in the order the gateway and `npm run compose` list them. */
export const SUBGRAPH_NAMES = ['services', 'monitoring', 'cmdb', 'helpdesk', 'knowledge'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const isConnectorSubgraph = (name: string): name is SubgraphName => (SUBGRAPH_NAMES as readonly string[]).includes(name);

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A subgraph's SDL: the shared directives and scalars, then its own types. */
export function subgraphSdl(name: SubgraphName): string {
  return `${readFileSync(here('./directives.graphql'), 'utf8')}\n${readFileSync(here(`./${name}.graphql`), 'utf8')}`;
}

export function subgraphTypeDefs(name: SubgraphName): DocumentNode {
  return parse(subgraphSdl(name));
}

/** The connector subgraphs' supergraph, the gateway's default. */
export const SUPERGRAPH_PATH = here('./supergraph.graphql');

/**
 * The subgraphs a supergraph names (its `join__Graph` values) with the URL composition wrote for
 * each; `url` is null where that URL cannot be called (empty, or a reserved `.invalid` host, as in
 * the committed supergraph).
 */
export function supergraphSubgraphs(supergraphSdl: string): { name: string; url: string | null }[] {
  const graphs = parse(supergraphSdl, { noLocation: true }).definitions.find(
    (def) => def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph',
  );
  if (graphs?.kind !== Kind.ENUM_TYPE_DEFINITION) return [];
  return (graphs.values ?? []).flatMap((value) => {
    const join = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => {
      const v = join?.arguments?.find((a) => a.name.value === name)?.value;
      return v?.kind === Kind.STRING ? v.value : null;
    };
    const name = arg('name');
    if (!name) return [];
    const url = arg('url');
    const callable = url && URL.canParse(url) && !new URL(url).hostname.endsWith('.invalid') ? url : null;
    return [{ name, url: callable }];
  });
}
