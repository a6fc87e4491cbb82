import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/**
 * Cross-origin access for browser portals, from an allow-list: an allowed origin gets its own
 * origin back (with `Vary: Origin`), credentials when configured, and an answer to its preflight;
 * any other origin gets no CORS header at all, so its browser refuses to hand it the answer. The
 * header logic is the `cors` package's (Express's own), not ours.
 */
export interface CorsSettings {
  /** Exact origins, or ["*"] for any origin (never with credentials: the config refuses it). */
  origins: string[];
  credentials: boolean;
  maxAgeSeconds: number;
}

/** Applies CORS to a request; returns true when it answered it (an allowed preflight). */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** null when no origin is listed: CORS is off and no response carries its headers. */
export function createCors(settings: CorsSettings): CorsHandler | null {
  if (settings.origins.length === 0) return null;
  const anyOrigin = settings.origins.includes('*');
  const listed = new Set(settings.origins);
  const middleware = cors<IncomingMessage>((req, callback) => {
    const origin = req.headers.origin;
    if (origin === undefined || !(anyOrigin || listed.has(origin))) return callback(null, { origin: false });
    callback(null, {
      origin: anyOrigin ? '*' : origin,
      credentials: settings.credentials,
      methods: ['GET', 'POST'],
      maxAge: settings.maxAgeSeconds,
      // A portal may show the request id of a failed call, for the logs.
      exposedHeaders: ['x-request-id'],
    });
  });
  return (req, res) => {
    // cors answers an allowed preflight itself and calls next() otherwise, synchronously here.
    middleware(req, res, () => {});
    return res.writableEnded;
  };
}
