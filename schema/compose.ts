import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { SUBGRAPH_NAMES, SUPERGRAPH_PATH, subgraphTypeDefs } from './subgraphs.js';

/**
 * Composes the five subgraph SDLs into the supergraph the gateway loads. The URLs are placeholders:
 * the gateway routes each subgraph by name to the URL its config gives.
 */
export function composeSupergraph(): { supergraphSdl: string; hints: string[] } {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: subgraphTypeDefs(name) })),
  );
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => `${h.definition.code}: ${h.message}`) };
}

// `npm run compose` writes the file; `npm run compose -- --check` fails when it is stale.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { supergraphSdl, hints } = composeSupergraph();
  for (const hint of hints) console.warn(`hint: ${hint}`);
  if (process.argv.includes('--check')) {
    if (readFileSync(SUPERGRAPH_PATH, 'utf8') !== supergraphSdl) {
      console.error('schema/supergraph.graphql is stale: run npm run compose');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is current');
  } else {
    writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
    console.log(`wrote ${SUPERGRAPH_PATH}`);
  }
}
