import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import { printSchema } from 'graphql';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';

/**
 * The client-facing schema: what a portal developer's tools see. It is the API schema that
 * @apollo/gateway derives from the supergraph (no join__/link__ internals, no @inaccessible fields
 * such as Service.componentIds). The authorization directives stay out of it (the gateway reads
 * them from the supergraph); docs/reference.md lists the drill level and action of each field.
 * `npm run codegen` writes it (git-ignored) before it types the board's and the example client's
 * operations from it: generated where it is read, it cannot be stale, and the committed supergraph
 * and docs/reference.md already show every change a client sees.
 */
export const PUBLIC_SCHEMA_PATH = fileURLToPath(new URL('../schema/public.graphql', import.meta.url));

const HEADER =
  '# The client-facing schema of the servicegraph gateway, printed from the supergraph by\n' +
  '# `npm run codegen` (scripts/public-schema.ts): do not edit. Which drill level and action each\n' +
  '# field needs is in docs/reference.md.\n\n';

export async function printPublicSchema(supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8')): Promise<string> {
  // load() derives the API schema from the static supergraph; no subgraph is called.
  const gateway = new ApolloGateway({ supergraphSdl });
  try {
    const { schema } = await gateway.load();
    return `${HEADER}${printSchema(schema).trimEnd()}\n`;
  } finally {
    await gateway.stop();
  }
}

// `npm run codegen` writes it, quietly as graphql-codegen runs after it.
if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(PUBLIC_SCHEMA_PATH, await printPublicSchema());
}
