import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type DocumentNode } from 'graphql';

/** The five subgraphs, in the order the gateway and `npm run compose` list them. */
export const SUBGRAPH_NAMES = ['services', 'monitoring', 'cmdb', 'helpdesk', 'knowledge'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A subgraph's SDL: the shared directives and scalars, then its own types. */
export function subgraphSdl(name: SubgraphName): string {
  return `${readFileSync(here('./directives.graphql'), 'utf8')}\n${readFileSync(here(`./${name}.graphql`), 'utf8')}`;
}

export function subgraphTypeDefs(name: SubgraphName): DocumentNode {
  return parse(subgraphSdl(name));
}

export const SUPERGRAPH_PATH = here('./supergraph.graphql');
