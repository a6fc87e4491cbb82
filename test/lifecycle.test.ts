import { createServer, request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startServicegraph } from '../app/start-gateway.js';
import { startFakeMediaWiki } from '../connectors/mediawiki/fake-server.js';
import { listenGracefully } from '../kernel/http-server.js';
import { silentLogger } from '../kernel/log.js';
import { BUILTIN_CONNECTORS, ROOT, startStack, testEnv } from './harness.js';
import { startHeldProxy } from './held-proxy.js';

/** One GET on its own connection (agent: false), so a test knows which connection it uses. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('draining an HTTP server (kernel/http-server.ts)', () => {
  async function slowServer() {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = 0;
    const arrivals: { n: number; resolve: () => void }[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/slow') {
        arrived += 1;
        for (const a of arrivals.filter((a) => arrived >= a.n)) a.resolve();
        void gate.then(() => res.end('done'));
        return;
      }
      res.end('fast');
    });
    const listening = await listenGracefully(server, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${listening.port}`;
    const whenArrived = (n: number) => (arrived >= n ? Promise.resolve() : new Promise<void>((resolve) => arrivals.push({ n, resolve })));
    return { base, listening, release, whenArrived };
  }

  it('finishes every request in flight, accepts no new connection, and resolves once all are answered', async () => {
    const { base, listening, release, whenArrived } = await slowServer();
    const slow = Array.from({ length: 20 }, () => get(`${base}/slow`));
    await whenArrived(20);
    const drained = listening.drain(60_000);
    await expect(get(`${base}/fast`)).rejects.toThrow();
    release();
    const answers = await Promise.all(slow);
    expect(answers.filter((a) => a.status === 200 && a.body === 'done')).toHaveLength(20);
    expect(await drained).toEqual({ cut: 0 });
  });

  it('closes idle keep-alive connections at once instead of waiting for their clients', async () => {
    const { base, listening } = await slowServer();
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      request(`${base}/fast`, { agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end(),
    );
    // The idle connection would keep a plain server.close() waiting for 65 s of keep-alive.
    expect(await listening.drain(60_000)).toEqual({ cut: 0 });
    agent.destroy();
  });

  it('cuts what is still in flight when the grace period ends, and says how many', async () => {
    const { base, listening, whenArrived } = await slowServer();
    const slow = Array.from({ length: 3 }, () => get(`${base}/slow`).catch(() => 'cut'));
    await whenArrived(3);
    expect(await listening.drain(50)).toEqual({ cut: 3 });
    expect(await Promise.all(slow)).toEqual(['cut', 'cut', 'cut']);
  });
});

describe('readiness', () => {
  const wikiConnector = (url: string) => `${BUILTIN_CONNECTORS.replace(/\n\s+- \{ name: kb, type: builtin-knowledge \}/, '')}
  - { name: wiki, type: mediawiki, baseUrl: "${url}", retryLimit: 0, timeoutMs: 60000 }`;

  it('answers 503 to a check in flight when the shutdown begins, and the shutdown waits for it', async ({ onTestFinished }) => {
    const wiki = await startFakeMediaWiki();
    const proxy = await startHeldProxy(wiki.url);
    onTestFinished(async () => {
      proxy.release();
      await proxy.close();
      await wiki.close();
    });
    const stack = await startStack({ connectors: wikiConnector(proxy.url), server: 'readinessTimeoutMs: 60000' });
    const base = stack.url.replace(/\/graphql$/, '');
    const ready = get(`${base}/readyz`);
    await proxy.whenHeld(1); // the wiki's health check is held upstream
    const closing = stack.close(60_000);
    proxy.release();
    expect(await ready).toEqual({ status: 503, body: JSON.stringify({ status: 'shutting down' }) });
    expect(await closing).toEqual({ cut: 0 });
  });

  it('never waits longer than its timeout for a tool that hangs (local mode)', async ({ onTestFinished }) => {
    const wiki = await startFakeMediaWiki();
    const proxy = await startHeldProxy(wiki.url);
    const stack = await startStack({ connectors: wikiConnector(proxy.url), server: 'readinessTimeoutMs: 1000' });
    onTestFinished(async () => {
      proxy.release();
      await stack.close();
      await proxy.close();
      await wiki.close();
    });
    // The proxy holds the wiki's answer until the test ends, so only the readiness timeout can end
    // the check: the answer naming it is the proof (a wall-clock bound failed at 18 s under load).
    const answer = await get(`${stack.url.replace(/\/graphql$/, '')}/readyz`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      status: 'not ready',
      checks: { 'connector:builtin': 'ok', 'connector:cmdb': 'ok', 'connector:desk': 'ok', 'connector:wiki': 'timed out after 1000 ms' },
    });
  });

  it('in remote mode checks each subgraph, each within its own timeout', async ({ onTestFinished }) => {
    // Real subgraphs (the stack's, which share the internal secret), one that hangs, one that is gone.
    const stack = await startStack();
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const gonePort = (gone.address() as { port: number }).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-remote-'));
    // YAML reads JSON.
    const urls = (overrides: Record<string, string>) => JSON.stringify({ ...stack.subgraphUrls, ...overrides });
    // Healthy subgraphs must answer within the timeout even on a loaded machine; the hanging one never does.
    const writeConfig = (subgraphUrls: string, timeoutMs: number) => {
      const file = join(dir, 'config.yaml');
      writeFileSync(
        file,
        `server: { host: 127.0.0.1, port: 0, readinessTimeoutMs: ${timeoutMs} }
subgraphs: { mode: remote, urls: ${subgraphUrls} }
dataDir: ${join(dir, 'data')}
policy: ${join(ROOT, 'policy/demo.yaml')}
auth: { issuer: servicegraph-demo, audience: servicegraph, secret: "\${SG_TEST_JWT_SECRET}" }
internalAuth: { secret: "\${SG_TEST_INTERNAL_SECRET}" }
connectors:${BUILTIN_CONNECTORS}
`,
      );
      return file;
    };
    const broken = await startServicegraph({
      configFile: writeConfig(
        urls({
          cmdb: `http://127.0.0.1:${(hanging.address() as { port: number }).port}/graphql`,
          helpdesk: `http://127.0.0.1:${gonePort}/graphql`,
        }),
        3000,
      ),
      env: testEnv,
      log: silentLogger,
    });
    onTestFinished(async () => {
      await broken.close();
      hanging.closeAllConnections();
      hanging.close();
      await stack.close();
    });
    // The hanging subgraph never answers: only its own timeout can end its check, as the answer says.
    const answer = await get(`${broken.url.replace(/\/graphql$/, '')}/readyz`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      status: 'not ready',
      checks: {
        'subgraph:services': 'ok',
        'subgraph:monitoring': 'ok',
        'subgraph:cmdb': 'timed out after 3000 ms',
        'subgraph:helpdesk': 'unreachable (ECONNREFUSED)',
        'subgraph:knowledge': 'ok',
      },
    });
    // The remote gateway reads no tool itself: it built no connector.
    const healthy = await startServicegraph({ configFile: writeConfig(urls({}), 20_000), env: testEnv, log: silentLogger });
    onTestFinished(() => healthy.close().then(() => undefined));
    const ok = await get(`${healthy.url.replace(/\/graphql$/, '')}/readyz`);
    expect(JSON.parse(ok.body)).toEqual({
      status: 'ready',
      checks: Object.fromEntries(['services', 'monitoring', 'cmdb', 'helpdesk', 'knowledge'].map((n) => [`subgraph:${n}`, 'ok'])),
    });
  });
});

describe('a subgraph serving on its own port (as each remote Deployment does)', () => {
  it('answers /healthz without a token, and on close lets a request in flight finish before the tools close', async ({
    onTestFinished,
  }) => {
    const wiki = await startFakeMediaWiki();
    const proxy = await startHeldProxy(wiki.url);
    onTestFinished(async () => {
      proxy.release();
      await proxy.close();
      await wiki.close();
    });
    const stack = await startStack({
      connectors: `${BUILTIN_CONNECTORS.replace(/\n\s+- \{ name: kb, type: builtin-knowledge \}/, '')}
  - { name: wiki, type: mediawiki, baseUrl: "${proxy.url}", retryLimit: 0, timeoutMs: 60000 }`,
    });
    const base = (stack.subgraphUrls.knowledge as string).replace(/\/graphql$/, '');
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: JSON.stringify({ status: 'ok' }) });

    const answer = stack.subgraph('knowledge', '{ searchArticles(text: "payroll") { title } }');
    await proxy.whenHeld(1); // the wiki search is held upstream
    const closing = stack.close(60_000);
    // Released only once the subgraph's listener is closed, so the request is in flight during its drain.
    await vi.waitFor(() => expect(get(`${base}/healthz`)).rejects.toThrow(), { timeout: 30_000, interval: 50 });
    proxy.release();
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data.searchArticles)).toBe(true);
    expect(await closing).toEqual({ cut: 0 });
  });
});
