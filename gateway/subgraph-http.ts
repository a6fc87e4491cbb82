import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';

/**
 * A remote subgraph called over node:http with a keep-alive agent: one POST of the JSON body, the
 * JSON answer parsed once. @apollo/gateway's RemoteGraphQLDataSource goes through make-fetch-happen,
 * minipass-fetch, @npmcli/agent and node-fetch objects (a third of the gateway's CPU on the federation
 * benchmark, and agent-base reads `new Error().stack` twice per fetch); none of its extras (HTTP cache,
 * retries, automatic persisted queries) applies to a gateway calling its own subgraphs.
 *
 * Errors keep RemoteGraphQLDataSource's shape: a non-2xx answer is a GraphQLError `<status>:
 * <statusText>` (UNAUTHENTICATED for 401, FORBIDDEN for 403), a connection failure throws.
 */
/** The context @apollo/gateway passes its data sources (its GraphQLDataSource constrains it so). */
// biome-ignore lint/suspicious/noExplicitAny: @apollo/gateway's own constraint on a data source's context
type DataSourceContext = Record<string, any>;

export interface SubgraphHttpOptions<TContext extends DataSourceContext> {
  url: string;
  /** Headers for one fetch (identity bound to its request, request id, trace context); called once per fetch. */
  headers: (
    context: TContext,
    request: GraphQLDataSourceProcessOptions<TContext>['request'],
  ) => Promise<Record<string, string>> | Record<string, string>;
  /** Longest wait for a subgraph's whole answer. @default 30 s */
  timeoutMs?: number;
}

const agents = {
  http: new HttpAgent({ keepAlive: true, maxFreeSockets: 256 }),
  https: new HttpsAgent({ keepAlive: true, maxFreeSockets: 256 }),
};

export function subgraphHttpDataSource<TContext extends DataSourceContext>(
  options: SubgraphHttpOptions<TContext>,
): GraphQLDataSource<TContext> {
  const target = new URL(options.url);
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure ? agents.https : agents.http;
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    async process({ request, context }: GraphQLDataSourceProcessOptions<TContext>) {
      const { query, variables, operationName, extensions } = request;
      const body = JSON.stringify({ query, variables, operationName, ...(extensions ? { extensions } : {}) });
      const headers = {
        ...(await options.headers(context as TContext, request)),
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      };
      const { status, statusText, text } = await post(send, agent, target, headers, body, timeoutMs);
      if (status < 200 || status > 299) throw errorFrom(options.url, status, statusText, text);
      return JSON.parse(text);
    },
  };
}

function post(
  send: typeof httpRequest,
  agent: HttpAgent,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; statusText: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          text: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`the subgraph did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function errorFrom(url: string, status: number, statusText: string, text: string): GraphQLError {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${status}: ${statusText}`, {
    extensions: { ...(code ? { code } : {}), response: { url, status, statusText, body } },
  });
}
