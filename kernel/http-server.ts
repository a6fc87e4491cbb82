import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext as ApolloContext } from '@apollo/server';
import { ERRORS } from './errors.js';

/**
 * A minimal node:http integration for Apollo Server 5 (executeHTTPGraphQLRequest), shared by the
 * gateway and the subgraphs: a body size cap, JSON errors with a code, and nothing else in the way.
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
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
    context,
  });
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
