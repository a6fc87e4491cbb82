import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphHttpDataSource } from './subgraph-http.js';

/** The lean subgraph client against a real HTTP server on 127.0.0.1. */
const seen: { headers: IncomingHttpHeaders; body: string; socket: number }[] = [];
let sockets = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ headers: req.headers, body, socket: (req.socket as unknown as { n: number }).n });
    if (req.url === '/denied') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"errors":[{"message":"no"}]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { echo: JSON.parse(body).variables } }));
  });
});
server.on('connection', (socket) => Object.assign(socket, { n: ++sockets }));
let base = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const call = (path: string, variables: Record<string, unknown>) =>
  subgraphHttpDataSource<{ id: string }>({ url: `${base}${path}`, headers: (ctx) => ({ 'x-test': ctx.id }) }).process({
    request: { query: '{ echo }', variables },
    context: { id: 'ctx-1' },
  } as never);

describe('subgraphHttpDataSource', () => {
  it('posts the operation as JSON with the headers of its context and reuses the connection', async () => {
    seen.length = 0;
    expect(await call('/graphql', { n: 1 })).toEqual({ data: { echo: { n: 1 } } });
    expect(await call('/graphql', { n: 2 })).toEqual({ data: { echo: { n: 2 } } });
    expect(seen[0]?.headers).toMatchObject({ 'x-test': 'ctx-1', 'content-type': 'application/json', connection: 'keep-alive' });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ query: '{ echo }', variables: { n: 1 } });
    expect(seen[1]?.socket).toBe(seen[0]?.socket);
  });

  it('turns a non-2xx answer into the error RemoteGraphQLDataSource gives', async () => {
    await expect(call('/denied', {})).rejects.toMatchObject({
      message: '401: Unauthorized',
      extensions: { code: 'UNAUTHENTICATED', response: { status: 401, body: { errors: [{ message: 'no' }] } } },
    });
  });
});
