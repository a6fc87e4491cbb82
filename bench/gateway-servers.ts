import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../kernel/log.js';
import { startServicegraph } from '../app/start-gateway.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';
import { executeGraphQL, readBody } from '../kernel/http-server.js';
import { IDENTITY_HEADER, internalKey, signIdentity } from '../kernel/identity-token.js';
import { signTestToken, testEnv, writeTestConfig, TEST_INTERNAL_SECRET } from '../test/harness.js';

/**
 * The servers for bench/gateway.ts, in their own process so the load generator does not share
 * their core: the servicegraph gateway (authentication, authorization filter, limits, signed
 * identity) calling its subgraphs over HTTP, and a plain @apollo/gateway with none of it, both over
 * the SAME five subgraphs (the plain gateway sends a fixed admin identity token so they accept it);
 * plus a second servicegraph, identical but calling its subgraphs in-process.
 */
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';
const quiet = { extra: 'evaluatorIntervalMs: 600000' };
const ours = await startServicegraph({
  configFile: writeTestConfig(mkdtempSync(join(tmpdir(), 'servicegraph-bench-')), { ...quiet, transport: 'http' }),
  env: testEnv,
  log: silentLogger,
});
const oursInProcess = await startServicegraph({
  configFile: writeTestConfig(mkdtempSync(join(tmpdir(), 'servicegraph-bench-')), { ...quiet, transport: 'in-process' }),
  env: testEnv,
  log: silentLogger,
});

const plainGateway = new ApolloGateway({
  supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource({
      url: ours.subgraphUrls[name as keyof typeof ours.subgraphUrls] ?? url ?? '',
      // Subgraphs take only tokens bound to the request: one signature per fetch, as servicegraph does.
      willSendRequest: async ({ request }) => {
        const token = await signIdentity(
          internalKey(TEST_INTERNAL_SECRET),
          { sub: 'bench', roles: ['admin'], groups: [] },
          { requestId: 'bench' },
          name,
          60,
          { query: request.query ?? '', operationName: request.operationName, variables: request.variables },
        );
        request.http?.headers.set(IDENTITY_HEADER, token);
      },
    }),
});
const plain = new ApolloServer({ gateway: plainGateway });
await plain.start();
const http = createServer((req, res) => {
  void readBody(req, 1 << 20).then((body) => executeGraphQL(plain, req, res, body, async () => ({})));
});
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
const plainUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;

process.stdout.write(
  `${JSON.stringify({
    ours: ours.url,
    oursInProcess: oursInProcess.url,
    plain: plainUrl,
    tokens: {
      operator: await signTestToken(['operator'], { expiresIn: '2h' }),
      executive: await signTestToken(['executive'], { expiresIn: '2h' }),
      endUser: await signTestToken(['end-user'], { groups: ['all-staff'], expiresIn: '2h' }),
      helpdesk: await signTestToken(['helpdesk'], { expiresIn: '2h' }),
    },
  })}\n`,
);
process.once('SIGTERM', () => void Promise.all([ours.close(), oursInProcess.close()]).then(() => process.exit(0)));
