import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'test/real/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
  },
});
