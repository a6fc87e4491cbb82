import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMediaWiki } from '../connectors/mediawiki/fake-server.js';
import { BUILTIN_CONNECTORS, ROOT, signTestToken, testEnv, writeTestConfig } from './harness.js';
import { startHeldProxy } from './held-proxy.js';

/**
 * The build as production runs it: `node dist/app/…` (no tsx), its command lines, and a graceful
 * stop under load, by a signal to node itself and to `npm start`.
 */

const ENTRY_POINTS = ['dist/app/main.js', 'dist/app/subgraph-main.js', 'dist/app/token-cli.js'];
const children = new Set<ChildProcess>();

beforeAll(() => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(entry: string, args: string[], env: NodeJS.ProcessEnv = testEnv) {
  return spawnSync(process.execPath, [join(ROOT, entry), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

/** Starts a process; resolves with its URL once it prints `ready at <url>`. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const stderr: string[] = [];
  const stderrWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    for (const w of stderrWaiters.filter((w) => w.pattern.test(line))) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /ready at (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`${command} exited with ${code} before it was ready:\n${stderr.join('\n')}`)));
  });
  const logged = (pattern: RegExp) =>
    stderr.some((l) => pattern.test(l)) ? Promise.resolve() : new Promise<void>((resolve) => stderrWaiters.push({ pattern, resolve }));
  return { child, url, exited, stderr, logged };
}

describe('the entry points of the build', () => {
  let helps: Record<string, string>;
  beforeAll(() => {
    helps = {};
    for (const entry of ENTRY_POINTS) {
      const { status, stdout } = run(entry, ['--help']);
      expect(status, entry).toBe(0);
      helps[entry] = stdout;
    }
  }, 90_000);

  it('print their help with every option and environment variable, exit 0', () => {
    for (const entry of ENTRY_POINTS) {
      expect(helps[entry]).toMatch(/^Usage: /);
      expect(helps[entry]).toContain('--config <file>');
      expect(helps[entry]).toContain('SERVICEGRAPH_CONFIG');
    }
    expect(helps['dist/app/main.js']).toMatch(/PORT[\s\S]*SERVICEGRAPH_SUBGRAPH_BASE_PORT/);
  });

  it('are documented in the README: every option and environment variable their help names', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const entry of ENTRY_POINTS) {
      const help = helps[entry] ?? '';
      const options = [...help.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1] as string).filter((o) => o !== '--help');
      const variables = help.includes('Environment:')
        ? [...(help.split('Environment:')[1] ?? '').matchAll(/^ {2}([A-Z_]+)/gm)].map((m) => m[1] as string)
        : [];
      expect(options.length + variables.length, entry).toBeGreaterThan(1);
      for (const name of [...options, ...variables]) expect(readme, `${entry}: ${name}`).toContain(name);
    }
  });

  it('refuse a wrong flag in one line with exit code 2, never a stack trace', () => {
    for (const entry of ENTRY_POINTS) {
      const { status, stderr } = run(entry, ['--confgi', 'x.yaml']);
      expect(status, entry).toBe(2);
      expect(stderr.trim().split('\n'), entry).toHaveLength(1);
      expect(stderr).toMatch(/unknown option --confgi \(see --help\)/);
    }
    expect(run('dist/app/subgraph-main.js', ['services', '--port', 'eighty']).stderr).toBe(
      'subgraph: --port must be a port number (0-65535), not "eighty" (see --help)\n',
    );
  }, 90_000);

  it('list every configuration problem and exit 1, creating nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-bad-'));
    const config = writeTestConfig(dir, { extra: 'introspecton: true' });
    const { status, stderr } = run('dist/app/main.js', ['--config', config], { ...testEnv, PORT: 'eighty' });
    expect(status).toBe(1);
    expect(stderr).toContain('servicegraph did not start:');
    expect(stderr).toContain('introspecton: unknown key, did you mean introspection?');
    expect(stderr).toContain('server.port: Invalid input: expected number, received string (from PORT)');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  }, 90_000);
});

describe('SIGTERM during load', () => {
  it('answers every request in flight, accepts no new one, closes everything and exits 0', async ({ onTestFinished }) => {
    const wiki = await startFakeMediaWiki();
    // Every search waits upstream until the test lets it through: 30 slow requests, in flight for sure
    // (30: a connector keeps at most 32 connections to its tool, and each search needs one).
    const proxy = await startHeldProxy(wiki.url, (url) => url.includes('list=search'));
    onTestFinished(async () => {
      proxy.release();
      await proxy.close();
      await wiki.close();
    });
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-sigterm-'));
    const config = writeTestConfig(dir, {
      server: 'shutdownGraceMs: 60000',
      // The requests are held upstream on purpose: their deadline must not answer them first.
      extra: 'requestDeadlineMs: 60000',
      connectors: `${BUILTIN_CONNECTORS.replace(/\n\s+- \{ name: kb, type: builtin-knowledge \}/, '')}
  - { name: wiki, type: mediawiki, baseUrl: "${proxy.url}", retryLimit: 0, timeoutMs: 60000 }`,
    });
    const gateway = start(process.execPath, [join(ROOT, 'dist/app/main.js'), '--config', config], testEnv);
    const url = await gateway.url;
    const token = await signTestToken(['operator']);
    const ask = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `{ searchArticles(text: ${JSON.stringify(text)}, first: 1) { title } }` }),
      });
    const inFlight = Array.from({ length: 30 }, (_, i) =>
      ask(`restart server${i}`).then(
        async (res) => ({ status: res.status, body: (await res.json()) as { data?: { searchArticles?: unknown[] }; errors?: unknown[] } }),
        (error: unknown) => ({
          status: 0,
          body: { errors: [String(error)] } as { data?: { searchArticles?: unknown[] }; errors?: unknown[] },
        }),
      ),
    );
    await proxy.whenHeld(30);

    gateway.child.kill('SIGTERM');
    // Logged once the listener is closed.
    await gateway.logged(/"msg":"draining/);
    // Not accepted: no new connection while the requests in flight finish.
    await expect(ask('too late')).rejects.toThrow();
    await expect(fetch(url.replace(/\/graphql$/, '/readyz'))).rejects.toThrow();

    proxy.release();
    const answers = await Promise.all(inFlight);
    const answered = answers.filter((a) => a.status === 200 && Array.isArray(a.body.data?.searchArticles) && !a.body.errors);
    expect(answered, JSON.stringify(answers.filter((a) => !answered.includes(a)).slice(0, 3))).toHaveLength(30);
    expect(await gateway.exited).toBe(0);
    const stopped = gateway.stderr.flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as { msg?: string; cut?: number }] : []));
    expect(stopped.find((l) => l.msg === 'stopped')?.cut).toBe(0);
  }, 120_000);

  it('through npm start: the signal reaches node, and nothing keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-npm-'));
    const config = writeTestConfig(dir);
    const npm = start('npm', ['start', '--silent', '--', '--config', config], testEnv);
    const url = await npm.url;
    expect((await fetch(url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
    npm.child.kill('SIGTERM');
    expect(await npm.exited).toBe(0);
    await expect(fetch(url.replace(/\/graphql$/, '/healthz'))).rejects.toThrow();
  }, 180_000);
});
