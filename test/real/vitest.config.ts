import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * Tests against the real tools started by scripts/real-tools.sh (run them with scripts/test-real.sh).
 * Same resolution as the main config; only test/real, serially (the suites share the tools' state),
 * with timeouts that allow for rule evaluation and check intervals.
 */
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: ['test/real/**/*.real.test.ts'],
    exclude: ['node_modules/**'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
