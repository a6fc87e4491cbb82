import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type DocumentNode, execute, type GraphQLSchema, parse, validate } from 'graphql';
import { resolvers, SUBGRAPHS, subgraphTypeDefs } from './schemas.js';

/**
 * The benchmark's four subgraphs in one process on one port (POST /accounts, /inventory, /products,
 * /reviews), as the public benchmark runs its Rust server. Documents are parsed and validated once
 * per text, and a whole answer is kept per request body: the data is canned, and on a 2-core machine
 * the subgraphs share their core with the load generator, so they must cost as little as possible.
 *   node dist/bench/federation/subgraphs.js [port]    prints {"url": "http://127.0.0.1:<port>"}
 */
const MEMO_MAX = 20_000;

interface Subgraph {
  schema: GraphQLSchema;
  documents: Map<string, { document: DocumentNode } | { errors: string[] }>;
  answers: Map<string, Buffer>;
}

const subgraphs = new Map<string, Subgraph>(
  SUBGRAPHS.map((name) => [
    `/${name}`,
    {
      schema: buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(name), resolvers: resolvers[name] as never }]),
      documents: new Map(),
      answers: new Map(),
    },
  ]),
);

function documentOf(subgraph: Subgraph, query: string) {
  let entry = subgraph.documents.get(query);
  if (!entry) {
    try {
      const document = parse(query);
      const errors = validate(subgraph.schema, document);
      entry = errors.length > 0 ? { errors: errors.map((e) => e.message) } : { document };
    } catch (error) {
      entry = { errors: [error instanceof Error ? error.message : String(error)] };
    }
    if (subgraph.documents.size > 1000) subgraph.documents.clear();
    subgraph.documents.set(query, entry);
  }
  return entry;
}

const send = (res: import('node:http').ServerResponse, status: number, body: Buffer) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.end('ok');
  const subgraph = subgraphs.get(req.url ?? '');
  if (!subgraph || req.method !== 'POST') {
    res.statusCode = 404;
    return void res.end();
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const known = subgraph.answers.get(raw);
    if (known) return send(res, 200, known);
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, Buffer.from('{"errors":[{"message":"bad json"}]}'));
    }
    const entry = documentOf(subgraph, body.query ?? '');
    const result =
      'errors' in entry
        ? { errors: entry.errors.map((message) => ({ message })) }
        : await execute({
            schema: subgraph.schema,
            document: entry.document,
            variableValues: body.variables ?? null,
            operationName: body.operationName ?? null,
          });
    const answer = Buffer.from(JSON.stringify(result));
    if (!result.errors) {
      if (subgraph.answers.size >= MEMO_MAX) subgraph.answers.clear();
      subgraph.answers.set(raw, answer);
    }
    send(res, 200, answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
