import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.js';
import { type CommandSpec, loggerFromEnv, parsePort, runCommand, UsageError } from './cli.js';
import { closeOnSignals } from './signals.js';

/**
 * Runs one subgraph alone, as production deploys them:
 *   node dist/app/subgraph-main.js services --config /etc/servicegraph/config.yaml
 * It needs `internalAuth.secret` (shared with the gateway) to verify the gateway's identity tokens.
 */
process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';

const SUBGRAPH_COMMAND: CommandSpec = {
  usage: 'node dist/app/subgraph-main.js <name> [options]      (from the repository: npm run subgraph -- <name> [options])',
  summary: 'Runs one subgraph alone, as production deploys them. Needs internalAuth.secret, shared with the gateway.',
  positionals: [{ name: '<name>', description: SUBGRAPH_NAMES.join(', ') }],
  options: {
    config: { type: 'string', value: 'file', description: 'the configuration file (default: config/demo.yaml)' },
    port: {
      type: 'string',
      value: 'n',
      description: 'the port (default: PORT, else subgraphs.basePort + its place: services 4001 … knowledge 4005)',
    },
    host: { type: 'string', value: 'address', description: 'the address to listen on (default: server.host)' },
    'metrics-port': {
      type: 'string',
      value: 'n',
      description: "/metrics's port when metrics.enabled, instead of metrics.port (several subgraphs on one host)",
    },
  },
  environment: {
    SERVICEGRAPH_CONFIG: 'the configuration file, when --config is not given',
    PORT: 'the port, when --port is not given',
    LOG_LEVEL: 'debug, info (the default), warn or error',
  },
};

await runCommand('subgraph', SUBGRAPH_COMMAND, async ({ values, positionals }) => {
  const name = positionals[0] as SubgraphName | undefined;
  if (!name || !SUBGRAPH_NAMES.includes(name)) {
    throw new UsageError(
      name ? `unknown subgraph "${name}" (one of ${SUBGRAPH_NAMES.join(', ')})` : `name one subgraph: ${SUBGRAPH_NAMES.join(', ')}`,
    );
  }
  const portText = (values['port'] as string | undefined) ?? process.env['PORT'];
  const port =
    portText === undefined || portText === '' ? undefined : parsePort(portText, values['port'] !== undefined ? '--port' : 'PORT');
  const log = loggerFromEnv(process.env);
  // Loaded after the arguments are read, so --help and a wrong flag answer at once.
  const { startSubgraph } = await import('./start-subgraph.js');
  const running = await startSubgraph({
    configFile: (values['config'] as string | undefined) ?? process.env['SERVICEGRAPH_CONFIG'] ?? 'config/demo.yaml',
    name,
    ...(port !== undefined ? { port } : {}),
    ...(values['host'] ? { host: values['host'] as string } : {}),
    ...(values['metrics-port'] !== undefined ? { metricsPort: parsePort(values['metrics-port'] as string, '--metrics-port') } : {}),
    log,
  });
  process.stdout.write(`subgraph ${name} ready at ${running.url}${running.metricsUrl ? ` (metrics at ${running.metricsUrl})` : ''}\n`);
  closeOnSignals(log, () => running.close(), 15_000);
});
