import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * Plain @apollo/gateway inside @apollo/server's standalone server, as the public benchmark runs it
 * (its gateways/apollo-gateway): defaults everywhere, no authorization.
 *   node dist/bench/federation/apollo-gateway.js <supergraph file>    prints {"url": ...}
 */
const supergraphSdl = readFileSync(process.argv[2] ?? '', 'utf8');
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.stdout.write(`${JSON.stringify({ url })}\n`);
