import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServicegraph } from '../app/start-gateway.js';
import { startSubgraph } from '../app/start-subgraph.js';
import { ConfigError } from '../kernel/errors.js';
import { silentLogger } from '../kernel/log.js';
import { ROOT, testEnv, writeTestConfig } from './harness.js';

/** A failed start says everything that is wrong at once, and leaves nothing behind. */

function copyOfDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-start-'));
  cpSync(join(ROOT, 'estate/demo'), join(dir, 'estate'), { recursive: true });
  cpSync(join(ROOT, 'policy/demo.yaml'), join(dir, 'policy.yaml'));
  return dir;
}

async function startError(start: () => Promise<unknown>): Promise<ConfigError> {
  const error = await start().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('a start that fails', () => {
  it('lists every problem of the config, the policy and the estate in one message, and creates no directory', async () => {
    const dir = copyOfDemo();
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('drillLevel: TELEMETRY', 'drillLevel: TELEMETRI'));
    writeFileSync(join(dir, 'estate/services/broken.yaml'), 'id: broken\nname: Broken\ncriticalty: HIGH\n');
    const configFile = writeTestConfig(dir, { estateDir: join(dir, 'estate'), policyFile: policy, extra: 'introspecton: true' });
    const error = await startError(() => startServicegraph({ configFile, env: testEnv, log: silentLogger }));
    expect(error.message).toMatch(/problems in 3 files/);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        `${configFile}: introspecton: unknown key, did you mean introspection?`,
        expect.stringMatching(new RegExp(`^${policy}: roles\\.operator\\.drillLevel: `)),
        expect.stringMatching(/broken\.yaml: .*criticalty/),
      ]),
    );
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('removes the data directory a builtin tool created before another one’s file failed', async () => {
    const dir = copyOfDemo();
    // The builtin monitor opens its store first; the help desk's estate file then fails.
    writeFileSync(join(dir, 'estate/helpdesk.yaml'), 'incidents: [{ number: INC1 }]\n');
    const configFile = writeTestConfig(dir, { estateDir: join(dir, 'estate'), policyFile: join(dir, 'policy.yaml') });
    const error = await startError(() => startServicegraph({ configFile, env: testEnv, log: silentLogger }));
    expect(error.source).toMatch(/helpdesk\.yaml$/);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('a subgraph alone: the config’s and the policy’s problems together, and no directory', async () => {
    const dir = copyOfDemo();
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('drillLevel: TELEMETRY', 'drillLevel: TELEMETRI'));
    const configFile = writeTestConfig(dir, { estateDir: join(dir, 'estate'), policyFile: policy, extra: 'limts: { maxDepth: 3 }' });
    const error = await startError(() => startSubgraph({ configFile, name: 'services', port: 0, env: testEnv, log: silentLogger }));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        `${configFile}: limts: unknown key, did you mean limits?`,
        expect.stringMatching(new RegExp(`^${policy}: roles\\.operator\\.drillLevel: `)),
      ]),
    );
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});

describe('a port that cannot be had', () => {
  it('is a one-line problem naming the setting, and what the start created is gone', async ({ onTestFinished }) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-port-'));
    const configFile = writeTestConfig(dir);
    const error = await startError(() => startServicegraph({ configFile, env: { ...testEnv, PORT: String(port) }, log: silentLogger }));
    expect(error.problems).toEqual([`server.port (or PORT): 127.0.0.1:${port} is already in use`]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});

describe('local mode', () => {
  it('opens no port for the subgraphs unless subgraphs.listen asks for them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-ports-'));
    const configFile = writeTestConfig(dir);
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('listen: true, ', ''));
    const running = await startServicegraph({ configFile, env: testEnv, log: silentLogger });
    try {
      expect(running.subgraphUrls).toEqual({});
      const answer = await fetch(running.url.replace(/\/graphql$/, '/readyz'));
      expect(answer.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
