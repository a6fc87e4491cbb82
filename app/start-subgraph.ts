import { ConfigError } from '../kernel/errors.js';
import { internalKey } from '../kernel/identity-token.js';
import type { Logger } from '../kernel/log.js';
import type { SubgraphName } from '../schema/subgraphs.js';
import { loadConfig } from './config.js';
import { createServicegraph } from './root.js';

/** One subgraph alone, as production deploys them: it builds only what that subgraph serves. */
export interface StartSubgraphOptions {
  configFile: string;
  name: SubgraphName;
  port: number;
  host: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export async function startSubgraph(options: StartSubgraphOptions): Promise<{ url: string; close(): Promise<void> }> {
  const loaded = loadConfig(options.configFile, options.env ?? process.env);
  const secret = loaded.config.internalAuth.secret;
  if (!secret) throw new ConfigError(loaded.file, ['internalAuth.secret: required to run a subgraph alone (shared with the gateway)']);
  const root = createServicegraph({ loaded, log: options.log });
  try {
    root.policy();
    const server = await root.subgraphServer(options.name, internalKey(secret));
    const url = await server.listen(options.port, options.host);
    return { url, close: () => root.close() };
  } catch (error) {
    await root.close();
    throw error;
  }
}
