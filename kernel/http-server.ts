import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext as ApolloContext, type HTTPGraphQLResponse } from '@apollo/server';
import { ERRORS } from './errors.js';

/**
 * A minimal node:http integration for Apollo Server 5 (executeHTTPGraphQLRequest), shared by the
 * gateway and the subgraphs: a body size cap, JSON errors with a code, a listener that drains on
 * shutdown, and nothing else in the way.
 */

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpProblem(413, ERRORS.LIMIT_EXCEEDED.code, `request body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpProblem(413, ERRORS.LIMIT_EXCEEDED.code, `request body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  sendJson(res, problem.status, { errors: [{ message: problem.message, extensions: { code: problem.code } }] });
}

/** Runs one GraphQL HTTP request through Apollo Server and writes the answer. */
export async function executeGraphQL<TContext extends ApolloContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  context: () => Promise<TContext>,
): Promise<void> {
  await writeGraphQLResponse(res, await runGraphQL(server, req, body, context));
}

/** Runs one GraphQL HTTP request through Apollo Server; the answer is the caller's to write (or share). */
export async function runGraphQL<TContext extends ApolloContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  body: string,
  context: () => Promise<TContext>,
): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let parsedBody: unknown;
  if (req.method === 'POST') {
    try {
      parsedBody = body.length > 0 ? JSON.parse(body) : undefined;
    } catch {
      throw new HttpProblem(400, ERRORS.BAD_USER_INPUT.code, 'request body is not valid JSON');
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  return server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
    context,
  });
}

export async function writeGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const outHeaders: Record<string, string> = {};
  for (const [key, value] of response.headers) outHeaders[key] = value;
  res.writeHead(response.status ?? 200, outHeaders);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export interface Listening {
  /** The bound port (the one asked for, or the free one the system gave for 0). */
  port: number;
  /**
   * Stops accepting connections at once, lets the requests in flight finish for up to `graceMs`
   * (their connections close after the answer instead of staying alive), then cuts what is left.
   * Resolves when every connection is gone, with how many requests were cut.
   */
  drain(graceMs: number): Promise<{ cut: number }>;
}

/**
 * Listens and keeps count of the requests in flight, so a shutdown can wait for exactly those
 * (node's `server.close()` alone waits for keep-alive connections too, and `closeAllConnections()`
 * alone cuts answers half-written).
 */
export function listenGracefully(server: Server, port: number, host: string): Promise<Listening> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  // Before the server's own handler, so the header is set before anything is written.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // A keep-alive connection that finished its last answer during the drain is idle now: close it.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen({
        port: (server.address() as AddressInfo).port,
        async drain(graceMs) {
          draining = true;
          for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
          let cut = 0;
          const closed = new Promise<void>((done) => server.close(() => done())); // also closes idle connections (node ≥ 19)
          const deadline = setTimeout(() => {
            cut = inFlight.size;
            server.closeAllConnections();
          }, graceMs);
          await closed;
          clearTimeout(deadline);
          return { cut };
        },
      });
    });
  });
}
