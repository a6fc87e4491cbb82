import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Scripted failures for the protocol fakes (fake-server.ts of each connector): a test queues what the
 * next requests should suffer, the fake applies it before answering normally. Shared so every fake
 * fails the same way and a contract test can drive any of them.
 */
export interface Fault {
  /** Answer with this status (and an empty JSON object body) instead of the real answer. */
  status?: number;
  /** With status 429/503: the Retry-After header, in seconds. */
  retryAfterS?: number;
  /** Wait this long before answering (the real answer, unless status or invalidJson is set). */
  delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  invalidJson?: boolean;
  /** Only requests whose path starts with this are affected (others pass). @default every request */
  pathPrefix?: string;
  /** Only requests with this HTTP method are affected, e.g. 'POST' to fail a write but not the lookup before it. @default every method */
  method?: string;
  /** With status: the body to answer instead of `{}` (e.g. the tool's own error shape). */
  body?: string;
  /** Only requests whose body contains this text are affected, e.g. `"event.acknowledge"` for one JSON-RPC method. */
  bodyIncludes?: string;
  /**
   * Carry the request out (a write happens), then lose the answer: the connection is closed without
   * one, after `delayMs` if set (an answer slower than the client's timeout).
   */
  dropAnswer?: boolean;
}

export interface FaultScript {
  /** Applies `fault` to the next `times` matching requests. */
  fail(fault: Fault, times?: number): void;
  /**
   * Applies the next queued fault to this request. Returns true when the fault answered it (the fake
   * must not answer again), false when the fake should answer normally.
   */
  apply(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** Bodies read before the fake answers (to match `bodyIncludes`), so the fake can still read them. */
const bodies = new WeakMap<IncomingMessage, Promise<string>>();

/** Lets the fake answer as usual, then closes the connection instead of sending what it wrote. */
function loseAnswer(req: IncomingMessage, res: ServerResponse, delayMs: number): void {
  const drop = () => {
    setTimeout(() => req.socket.destroy(), delayMs);
    return res;
  };
  Object.assign(res, { writeHead: () => res, setHeader: () => res, write: () => true, end: drop });
}

export function createFaultScript(): FaultScript {
  const queue: Fault[] = [];
  return {
    fail(fault, times = 1) {
      for (let i = 0; i < times; i++) queue.push(fault);
    },
    async apply(req, res) {
      const path = req.url ?? '/';
      const body = queue.some((f) => f.bodyIncludes !== undefined) ? await readBody(req) : '';
      const at = queue.findIndex(
        (f) =>
          (!f.pathPrefix || path.startsWith(f.pathPrefix)) &&
          (!f.method || f.method === req.method) &&
          (f.bodyIncludes === undefined || body.includes(f.bodyIncludes)),
      );
      if (at < 0) return false;
      const [fault] = queue.splice(at, 1);
      if (!fault) return false;
      if (fault.dropAnswer) {
        loseAnswer(req, res, fault.delayMs ?? 0);
        return false;
      }
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      // The client may have given up during the delay; answering a destroyed socket is harmless.
      if (fault.invalidJson) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"this is": not json');
        return true;
      }
      if (fault.status) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
        res.writeHead(fault.status, headers).end(fault.body ?? '{}');
        return true;
      }
      return false;
    },
  };
}

/** Reads a request body as text (the fakes parse JSON themselves to answer malformed bodies faithfully). */
export function readBody(req: IncomingMessage): Promise<string> {
  let body = bodies.get(req);
  if (!body) {
    body = new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
    bodies.set(req, body);
  }
  return body;
}
