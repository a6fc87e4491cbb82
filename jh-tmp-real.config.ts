import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['test/real/knowledge-helpdesk.real.test.ts'], testTimeout: 60_000 } });
