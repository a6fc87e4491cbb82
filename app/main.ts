import { type CommandSpec, loggerFromEnv, runCommand } from './cli.js';
import { closeOnSignals } from './signals.js';

// Apollo's anonymous telemetry is off unless the operator turns it on.
process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';

const MAIN_COMMAND: CommandSpec = {
  usage: 'node dist/app/main.js [options]      (from the repository: npm start -- [options])',
  summary: 'Runs the servicegraph gateway, and in local mode the five subgraphs in the same process.',
  options: {
    config: { type: 'string', value: 'file', description: 'the configuration file (default: config/demo.yaml)' },
    estate: { type: 'string', value: 'dir', description: 'the estate directory, instead of the one the config names' },
  },
  environment: {
    SERVICEGRAPH_CONFIG: 'the configuration file, when --config is not given',
    PORT: "the gateway's port, instead of server.port",
    SERVICEGRAPH_SUBGRAPH_BASE_PORT: "local mode: the subgraphs' first port, instead of subgraphs.basePort",
    LOG_LEVEL: 'debug, info (the default), warn or error',
  },
};

await runCommand('servicegraph', MAIN_COMMAND, async ({ values }) => {
  const log = loggerFromEnv(process.env);
  // Loaded after the arguments are read, so --help and a wrong flag answer at once.
  const { startServicegraph } = await import('./start-gateway.js');
  const running = await startServicegraph({
    configFile: (values['config'] as string | undefined) ?? process.env['SERVICEGRAPH_CONFIG'] ?? 'config/demo.yaml',
    ...(values['estate'] ? { estateDir: values['estate'] as string } : {}),
    log,
  });
  const subgraphs = Object.entries(running.subgraphUrls);
  process.stdout.write(
    [
      '',
      `servicegraph gateway ready at ${running.url}`,
      subgraphs.length > 0
        ? `  subgraphs: ${subgraphs.map(([n, u]) => `${n} ${u}`).join(', ')}`
        : `  subgraphs: ${running.config.config.subgraphs.mode === 'local' ? 'in this process (no ports)' : 'remote'}`,
      ...(running.config.config.server.explorer ? [`  explorer:   open ${running.url} in a browser`] : []),
      ...(running.metricsUrl ? [`  metrics:    ${running.metricsUrl}`] : []),
      '  get a token:  npm run --silent token -- --role operator',
      `  then:         curl -s ${running.url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"{ services { nodes { id name status summary } } }"}'`,
      '',
    ].join('\n'),
  );
  const { shutdownGraceMs } = running.config.config.server;
  // Past the grace period, closing the tools and stores gets 10 s more before the process gives up on them.
  closeOnSignals(log, () => running.close(), shutdownGraceMs + 10_000);
});
