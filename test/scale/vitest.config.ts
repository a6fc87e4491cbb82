import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * The shared-state tests against the real Redis and PostgreSQL that scripts/test-scale.sh starts
 * (`npm run test:scale`). Same resolution as the main config; only test/scale. Files run in
 * parallel: each test makes its own database and its own Redis namespace.
 */
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: ['test/scale/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
