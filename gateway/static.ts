import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { ERRORS } from '../kernel/errors.js';
import { HttpProblem } from '../kernel/http-server.js';

/** A route the gateway tries before its 404: true when it answered the request. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

/**
 * Where `npm run build` puts the service board (web/, bundled by Vite): dist/web, beside the
 * compiled gateway (dist/gateway/static.js). Run from the sources (tsx, tests), the gateway serves
 * the last build's.
 */
export const BOARD_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/web/' : '../web/', import.meta.url));

/**
 * The page may run only its own scripts and styles and talk only to this origin: no CDN, no inline
 * code, no frames. The token it holds can therefore go nowhere but /graphql.
 */
export const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The service board's files, served with sirv: its index at `/`, its hashed bundles under
 * /assets/ (cached for a year: a new build has new names), precompressed .br/.gz when the browser
 * takes them, ETags, no path outside the folder. Only GET and HEAD; anything not in the build falls
 * through to the gateway's 404.
 */
export function createStaticSite(dir: string = BOARD_DIR): Route {
  if (!existsSync(join(dir, 'index.html'))) {
    return (req, _res, url) => {
      if (url.pathname !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      throw new HttpProblem(404, ERRORS.NOT_FOUND.code, 'the service board is not built here: run npm run build (GraphQL is at /graphql)');
    };
  }
  const serve = sirv(dir, {
    etag: true,
    gzip: true,
    brotli: true,
    // Only real files: a mistyped path is the gateway's 404, not the page.
    single: false,
    setHeaders(res, pathname) {
      res.setHeader('content-security-policy', BOARD_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let answered = true;
    serve(req, res, () => {
      answered = false;
    });
    return answered;
  };
}
