import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { monolithResolvers, monolithTypeDefs } from './schemas.js';

/**
 * The same API schema and data in one @apollo/server, no federation: what a JavaScript gateway is
 * measured against from below.
 *   node dist/bench/federation/monolith.js    prints {"url": ...}
 */
const server = new ApolloServer({ typeDefs: monolithTypeDefs, resolvers: monolithResolvers as never });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.stdout.write(`${JSON.stringify({ url })}\n`);
