import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_CONNECTORS, ROOT } from './harness.js';

/**
 * The demo's config (estate/demo, policy/demo.yaml, the demo's own signing key, demo mode) for a
 * throwaway directory: 127.0.0.1 port 0, the data directory, key and audit log inside `dir`. Shared
 * by the demo-mode test and the browser tests, which start the demo as a visitor would.
 */
export function writeDemoConfig(dir: string, options: { extra?: string; connectors?: string } = {}): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `server: { host: 127.0.0.1, port: 0 }
subgraphs: { mode: local }
estate: ${join(ROOT, 'estate/demo')}
dataDir: ${join(dir, 'data')}
policy: ${join(ROOT, 'policy/demo.yaml')}
auth: { issuer: servicegraph-demo, audience: servicegraph, demoKeyFile: ${join(dir, 'demo-jwt.key')} }
audit: { sink: { file: ${join(dir, 'audit.log')} } }
${options.extra ?? 'demo: true'}
connectors:${options.connectors ?? BUILTIN_CONNECTORS}
`,
  );
  return file;
}
