/**
 * A cmdb subgraph that forgets scope, for test/object-scope-matrix.test.ts, which runs this file in
 * a nested vitest to prove the matrix catches it. Not a `*.test.ts`: `npm test` never runs it
 * directly. The subgraph builds its context with a scope that sees everything (as one would that
 * read the CMDB with its service account's rights instead of the viewer's): the scope middleware
 * then has nothing to hide, and CIs of other services leak.
 */
import { vi } from 'vitest';
import type { CmdbSubgraphDeps } from '../../subgraphs/cmdb/index.js';
import { defineObjectScopeMatrix } from '../object-scope-matrix.js';

vi.mock('../../subgraphs/cmdb/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../subgraphs/cmdb/index.js')>();
  return {
    ...original,
    createCmdbSubgraph(deps: CmdbSubgraphDeps) {
      const real = original.createCmdbSubgraph(deps);
      return {
        ...real,
        createContext: (base: Parameters<typeof real.createContext>[0]) =>
          real.createContext({
            ...base,
            scope: {
              viewer: base.viewer,
              load: async () => ({
                ...(await base.scope.load()),
                sees: () => true,
                filter: (_type: string, values: readonly unknown[]) => [...values],
              }),
            } as typeof base.scope,
          }),
      };
    },
  };
});

await defineObjectScopeMatrix('forgetful cmdb');
