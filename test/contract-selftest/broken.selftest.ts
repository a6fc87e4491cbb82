/**
 * Deliberately broken connectors for test/connector-contract.test.ts, which runs this file in a
 * nested vitest to prove the contract suite catches each fault. Not a `*.test.ts`: `npm test`
 * never runs it directly.
 */
import type { CmdbApi, ConnectorInstance } from '../../connectors/core/connector.js';
import { GraphQLError } from 'graphql';
import { startFakeServiceNow } from '../../connectors/servicenow/fake-server.js';
import { servicenowCmdbConnector } from '../../connectors/servicenow/index.js';
import { contractAuth, contractDeps, defineConnectorContract, type ContractStartOptions } from '../connector-contract.js';

async function setup(options: ContractStartOptions) {
  const fake = await startFakeServiceNow({ username: 'u', password: 'broken-secret' });
  const config = servicenowCmdbConnector.config.parse({ baseUrl: fake.url, username: 'u', password: 'broken-secret', ...options });
  return { fake, config };
}

/** Puts the upstream URL and password into every error it passes on. */
defineConnectorContract({
  label: 'leaky',
  kind: 'cmdb',
  async start(options) {
    const { fake, config } = await setup(options);
    const real = servicenowCmdbConnector.create('leaky', config, contractDeps('leaky')).forRequest(contractAuth);
    const leak = <T>(p: Promise<T>) =>
      p.catch((error: GraphQLError) => {
        throw new GraphQLError(`${error.message} at ${fake.url} as u:broken-secret`, { extensions: error.extensions });
      });
    const api: CmdbApi = { snapshot: () => leak(real.snapshot()) };
    return { api, name: 'leaky', fake, secrets: ['broken-secret'] };
  },
});

/** A new instance (own cache, own single-flight) per request: nothing is shared between requests. */
defineConnectorContract({
  label: 'unshared',
  kind: 'cmdb',
  async start(options) {
    const { fake, config } = await setup(options);
    const instance: ConnectorInstance<CmdbApi> = {
      name: 'unshared',
      kind: 'cmdb',
      forRequest: (auth) => servicenowCmdbConnector.create('unshared', config, contractDeps('unshared')).forRequest(auth),
      healthCheck: async () => {},
      dispose: async () => {},
    };
    return { instance, fake };
  },
});
