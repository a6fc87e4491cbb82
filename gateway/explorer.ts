import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * The offline explorer: GraphiQL as GraphQL Yoga packages it, one self-contained page (scripts,
 * styles, fonts and the editor's workers inline) from an npm package, so it works with no network
 * but the gateway's. The page may load nothing from anywhere else: its Content-Security-Policy says
 * so to the browser. Rendered once, compressed once, revalidated by ETag. The package is loaded
 * when the page is first asked for, not at start: it is 32 MB of heap (the inlined editor), more
 * than the rest of the gateway, and a production gateway has the explorer off.
 */

/** Everything the page may do: inline code and styles, editor workers from blobs, requests to this origin only. */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' blob:",
  'worker-src blob:',
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  'font-src data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A browser opening /graphql (navigation asks for HTML); API clients ask for JSON. */
export function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

export function createExplorer(endpoint: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let page: Promise<{ html: Buffer; gzip: Buffer; etag: string }> | undefined;
  const render = async () => {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = Buffer.from(
      renderGraphiQL({
        title: 'servicegraph',
        endpoint,
        // No default headers: a placeholder token would make the schema load fail with 401.
        defaultQuery:
          '# Who am I? Without a token: anonymous, whom the policy may let see nothing.\n' +
          '# A token: npm run --silent token -- --role operator\n' +
          '# then in Headers below: { "authorization": "Bearer <the token>" }\n' +
          '{\n  viewer { id roles drillLevel actions }\n}\n',
        // Tokens stay out of the browser's storage.
        shouldPersistHeaders: false,
      }),
    );
    return { html, gzip: gzipSync(html), etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"` };
  };
  return async (req, res) => {
    const { html, gzip: compressed, etag } = await (page ??= render());
    const headers = { etag, 'cache-control': 'no-cache', 'content-security-policy': EXPLORER_CSP, vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? compressed : html;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
  };
}
