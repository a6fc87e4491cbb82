import { createServer, request } from 'node:http';
import { listenOnLoopback } from '../connectors/core/fake-http.js';

/**
 * A loopback proxy in front of a fake tool that holds the requests it is told to hold until the test
 * releases them: "slow" upstream calls whose end the test decides, with no timer to race.
 */
export interface HeldProxy {
  url: string;
  /** How many held requests arrived so far. */
  readonly held: number;
  /** Resolves once `n` held requests have arrived. */
  whenHeld(n: number): Promise<void>;
  /** Lets every held request (and every later one) through to the target. */
  release(): void;
  close(): Promise<void>;
}

export async function startHeldProxy(target: string, hold: (url: string) => boolean = () => true): Promise<HeldProxy> {
  let released = false;
  const waiting: (() => void)[] = [];
  const watchers: { n: number; resolve: () => void }[] = [];
  let held = 0;
  const server = createServer((req, res) => {
    const forward = () => {
      const upstream = request(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (released || !hold(req.url ?? '/')) return forward();
    held += 1;
    waiting.push(forward);
    for (const w of watchers.filter((w) => held >= w.n)) w.resolve();
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    get held() {
      return held;
    },
    whenHeld: (n) => (held >= n ? Promise.resolve() : new Promise((resolve) => watchers.push({ n, resolve }))),
    release() {
      released = true;
      for (const go of waiting.splice(0)) go();
    },
    close: () => listening.close(),
  };
}
