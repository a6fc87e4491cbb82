import { parseArgs } from 'node:util';
import { createAuditLog } from '../authz/audit.js';
import { createPolicyStore } from '../authz/policy.js';
import { ConfigError } from '../kernel/errors.js';
import { createLogger } from '../kernel/log.js';
import { loadConfig } from './config.js';
import { createSubgraphDeps, SUBGRAPH_FACTORIES } from './servicegraph.js';
import { openSharedState } from './shared-state.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.js';
import { internalKey } from '../kernel/identity-token.js';
import type { BaseContext, SubgraphModule } from '../subgraphs/common/module.js';
import { createSubgraphServer } from '../subgraphs/common/server.js';

/**
 * Runs one subgraph alone, as production deploys them:
 *   npm run subgraph -- services --config config/prod.yaml --port 4001
 * It needs `internalAuth.secret` (shared with the gateway) to verify the gateway's identity tokens.
 */
process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
const { values, positionals } = parseArgs({
  options: { config: { type: 'string', default: 'config/demo.yaml' }, port: { type: 'string' }, host: { type: 'string' } },
  allowPositionals: true,
});
const log = createLogger();
try {
  const name = positionals[0] as SubgraphName | undefined;
  if (!name || !SUBGRAPH_NAMES.includes(name)) throw new ConfigError('arguments', [`name one subgraph: ${SUBGRAPH_NAMES.join(', ')}`]);
  const loaded = loadConfig(values.config ?? 'config/demo.yaml');
  const secret = loaded.config.internalAuth.secret;
  if (!secret) throw new ConfigError(loaded.file, ['internalAuth.secret: required to run a subgraph alone (shared with the gateway)']);
  const shared = await openSharedState(loaded.config, { dataDir: loaded.config.dataDir, log });
  const policy = createPolicyStore(loaded.config.policy, log, { watch: true });
  const { deps, close: closeDeps } = await createSubgraphDeps(
    loaded,
    policy,
    log,
    { estateDir: loaded.config.estate, dataDir: loaded.config.dataDir },
    shared,
  );
  // Only the services subgraph evaluates health: its replicas contend for the evaluator lease.
  if (name === 'services') shared.lease.start();
  const server = await createSubgraphServer(SUBGRAPH_FACTORIES[name](deps) as SubgraphModule<BaseContext>, {
    policy,
    log,
    internalKey: internalKey(secret),
    maxBodyBytes: loaded.config.limits.maxBodyBytes * 4,
    audit: createAuditLog({ sink: shared.auditSink }),
  });
  const url = await server.listen(Number(values.port ?? 0), values.host ?? '127.0.0.1');
  process.stdout.write(`subgraph ${name} ready at ${url}\n`);
  const stop = async () => {
    await server.close();
    await closeDeps();
    policy.close();
    await shared.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
} catch (error) {
  process.stderr.write(`subgraph did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
