import { parseArgs } from 'node:util';
import { ConfigError } from '../kernel/errors.js';
import { createLogger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.js';
import { startSubgraph } from './start-subgraph.js';

/**
 * Runs one subgraph alone, as production deploys them:
 *   npm run subgraph -- services --config config/prod.yaml --port 4001 [--metrics-port 9465]
 * It needs `internalAuth.secret` (shared with the gateway) to verify the gateway's identity tokens.
 */
process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
const { values, positionals } = parseArgs({
  options: {
    config: { type: 'string', default: 'config/demo.yaml' },
    port: { type: 'string' },
    host: { type: 'string' },
    'metrics-port': { type: 'string' },
  },
  allowPositionals: true,
});
const log = createLogger({ level: process.env['LOG_LEVEL'] });
try {
  const name = positionals[0] as SubgraphName | undefined;
  if (!name || !SUBGRAPH_NAMES.includes(name)) throw new ConfigError('arguments', [`name one subgraph: ${SUBGRAPH_NAMES.join(', ')}`]);
  const running = await startSubgraph({
    configFile: values.config ?? 'config/demo.yaml',
    name,
    port: Number(values.port ?? 0),
    host: values.host ?? '127.0.0.1',
    ...(values['metrics-port'] !== undefined ? { metricsPort: Number(values['metrics-port']) } : {}),
    log,
  });
  process.stdout.write(`subgraph ${name} ready at ${running.url}${running.metricsUrl ? ` (metrics at ${running.metricsUrl})` : ''}\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
} catch (error) {
  process.stderr.write(`subgraph did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
