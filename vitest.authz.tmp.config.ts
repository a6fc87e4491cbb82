import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';
export default mergeConfig(base, defineConfig({ resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] } }));
