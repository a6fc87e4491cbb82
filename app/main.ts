import { parseArgs } from 'node:util';
import { ConfigError } from '../kernel/errors.js';
import { createLogger } from '../kernel/log.js';
import { startServicegraph } from './start-gateway.js';

// Apollo's anonymous telemetry is off unless the operator turns it on.
process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';

const { values } = parseArgs({
  options: { config: { type: 'string', default: 'config/demo.yaml' }, estate: { type: 'string' } },
  allowPositionals: false,
});

const log = createLogger({ level: process.env['LOG_LEVEL'] });
const port = process.env['PORT'] ? Number(process.env['PORT']) : undefined;

try {
  const running = await startServicegraph({
    configFile: values.config ?? 'config/demo.yaml',
    ...(values.estate ? { estateDir: values.estate } : {}),
    ...(port !== undefined ? { port } : {}),
    log,
  });
  process.stdout.write(
    [
      '',
      `servicegraph gateway ready at ${running.url}`,
      `  subgraphs: ${Object.entries(running.subgraphUrls)
        .map(([n, u]) => `${n} ${u}`)
        .join(', ')}`,
      ...(running.metricsUrl ? [`  metrics: ${running.metricsUrl}`] : []),
      '  get a token:  npm run --silent token -- --role operator',
      `  then:         curl -s ${running.url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"{ services { nodes { id name status summary } } }"}'`,
      '',
    ].join('\n'),
  );
  const stop = async (signal: string) => {
    log.info('shutting down', { signal });
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`servicegraph did not start: ${error.message}\n`);
  } else {
    process.stderr.write(`servicegraph did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
