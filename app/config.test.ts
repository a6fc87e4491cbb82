import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../kernel/errors.js';
import { loadConfig } from './config.js';

const write = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
};

describe('loadConfig', () => {
  it('reads paths written in the file relative to the file, wherever it is started from', () => {
    const { dir, file } = write(`
estate: ./estate
dataDir: ./state
policy: ./policy.yaml
auth: { issuer: i, audience: a, demoKeyFile: ./state/demo.key }
audit: { sink: { file: ./audit.jsonl } }
connectors:
  - { name: icinga, type: icinga, baseUrl: "https://icinga.invalid:5665", username: u, password: p, caFile: ./ca.crt }
`);
    const { config, connectorConfigs } = loadConfig(file, {});
    expect(config.estate).toBe(join(dir, 'estate'));
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.policy).toBe(join(dir, 'policy.yaml'));
    expect(config.auth.demoKeyFile).toBe(join(dir, 'state/demo.key'));
    expect(config.audit.sink).toEqual({ file: join(dir, 'audit.jsonl') });
    expect(connectorConfigs[0]?.settings).toMatchObject({ caFile: join(dir, 'ca.crt') });
  });

  it('fills secrets from the environment and lists every problem at once', () => {
    const { file } = write(`
auth: { issuer: i, audience: a, secret: "\${JWT_SECRET}" }
maxPageSize: -1
connectors:
  - { name: Bad Name, type: builtin-cmdb }
  - { name: zbx, type: zabbix, baseUrl: "not a url", token: "\${ZBX_TOKEN}" }
`);
    const error = (() => {
      try {
        loadConfig(file, {});
      } catch (e) {
        return e;
      }
      return null;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'auth.secret: environment variable JWT_SECRET is not set',
        'connectors[1].token: environment variable ZBX_TOKEN is not set',
        expect.stringMatching(/^maxPageSize: /),
        expect.stringMatching(/^connectors\[0\]\.name: /),
        expect.stringMatching(/^connectors\[1\]\.baseUrl: /),
      ]),
    );
    // With the secrets in the environment, only the real mistakes remain.
    const withEnv = (() => {
      try {
        loadConfig(file, { JWT_SECRET: 'x'.repeat(40), ZBX_TOKEN: 't' });
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    })();
    expect(withEnv.some((p) => p.includes('environment variable'))).toBe(false);
    expect(withEnv).toHaveLength(3);
  });
});
