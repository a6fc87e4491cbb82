import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql@16 ships ESM (index.mjs, via "module") and CJS (index.js, via "main"). Vite would give
    // our code the ESM build while @apollo/* (CJS) require the CJS one: two graphql realms, and
    // "Cannot use GraphQLSchema from another module or realm". Node itself resolves "main" for
    // both, so tests use the same single copy that `npm start` does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    // test/browser needs the built page and Chromium: npm run test:browser.
    exclude: ['node_modules/**', 'test/real/**', 'test/browser/**'],
    // Time-outs are a safety net for a hang, never a pace: no test waits on them. On a 2-core machine
    // at load 10-13 (the suite beside other builds), starting two full stacks in one beforeAll took
    // over 30 s, so the net is wide; a real hang still fails the run well inside CI's 90 minutes.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
  },
});
