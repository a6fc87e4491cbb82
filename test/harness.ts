import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { startServicegraph, type Running } from '../app/start-gateway.js';
import { silentLogger, type Logger } from '../kernel/log.js';
import { internalKey, signIdentity } from '../kernel/identity-token.js';
import type { SubgraphName } from '../schema/subgraphs.js';

/**
 * Starts the whole stack (gateway + five subgraphs over the demo estate) on port 0 with a
 * throwaway data directory, and signs tokens the way `npm run token` does.
 */
export const TEST_SECRET = 'test-user-token-secret-0123456789abcdef';
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef';
export const ROOT = resolve(import.meta.dirname, '..');

export interface Stack extends Running {
  dataDir: string;
  /** The JSON-lines audit log of this stack. */
  auditFile: string;
  token(roles: string | string[], options?: { sub?: string; groups?: string[]; expiresIn?: string }): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
  }>;
  /** Calls one subgraph directly with a valid gateway identity token (as the gateway would). */
  subgraph(
    name: SubgraphName,
    query: string,
    options?: { roles?: string[]; variables?: Record<string, unknown>; token?: string | null },
  ): Promise<{ status: number; body: any }>;
}

/** The embedded demo's four builtin connectors, as a YAML list. */
export const BUILTIN_CONNECTORS = `
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: kb, type: builtin-knowledge }`;

/** The builtin tools, but a Confluence at `url` for knowledge; its token is the stack's env CONFLUENCE_TOKEN. */
export const withConfluence = (url: string) => `
  - { name: builtin, type: builtin-monitor }
  - { name: cmdb, type: builtin-cmdb }
  - { name: desk, type: builtin-helpdesk }
  - { name: wiki, type: confluence, baseUrl: "${url}", email: bot@example.com, apiToken: "\${CONFLUENCE_TOKEN}", timeoutMs: 2000, retryLimit: 0 }`;

export interface TestConfigOptions {
  extra?: string;
  /** More `server:` settings, as YAML flow entries (e.g. `shutdownGraceMs: 500`). */
  server?: string;
  policyFile?: string;
  /** YAML list items for `connectors:`. @default the builtin ones */
  connectors?: string;
  estateDir?: string;
  /** How the gateway calls its subgraphs. @default in-process */
  transport?: 'in-process' | 'http';
}

export function writeTestConfig(dir: string, options: TestConfigOptions = {}): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `server: { host: 127.0.0.1, port: 0${options.server ? `, ${options.server}` : ''} }
subgraphs: { mode: local, basePort: 0, listen: true, transport: ${options.transport ?? 'in-process'} }
estate: ${options.estateDir ?? join(ROOT, 'estate/demo')}
dataDir: ${join(dir, 'data')}
policy: ${options.policyFile ?? join(ROOT, 'policy/demo.yaml')}
auth: { issuer: servicegraph-demo, audience: servicegraph, secret: "\${SG_TEST_JWT_SECRET}" }
internalAuth: { secret: "\${SG_TEST_INTERNAL_SECRET}" }
introspection: true
audit: { sink: { file: ${join(dir, 'audit.log')} } }
${options.extra ?? ''}
connectors:${options.connectors ?? BUILTIN_CONNECTORS}
`,
  );
  return file;
}

export const testEnv = { ...process.env, SG_TEST_JWT_SECRET: TEST_SECRET, SG_TEST_INTERNAL_SECRET: TEST_INTERNAL_SECRET };

export async function signTestToken(
  roles: string[],
  options: { sub?: string; groups?: string[]; expiresIn?: string; secret?: string; audience?: string; issuer?: string } = {},
): Promise<string> {
  return new SignJWT({ roles, groups: options.groups ?? [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? `test-${roles[0] ?? 'nobody'}`)
    .setIssuer(options.issuer ?? 'servicegraph-demo')
    .setAudience(options.audience ?? 'servicegraph')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

export async function startStack(
  options: TestConfigOptions & { dir?: string; log?: Logger; env?: Record<string, string>; now?: () => Date } = {},
): Promise<Stack> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'servicegraph-'));
  const configFile = writeTestConfig(dir, options);
  const running = await startServicegraph({
    configFile,
    env: { ...testEnv, ...options.env },
    log: options.log ?? silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const post = async (url: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    ...running,
    dataDir: join(dir, 'data'),
    auditFile: join(dir, 'audit.log'),
    async close(graceMs) {
      const drained = await running.close(graceMs);
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
      return drained;
    },
    token: (roles, opts = {}) => signTestToken(Array.isArray(roles) ? roles : [roles], opts),
    gql: (query, opts = {}) =>
      post(
        running.url,
        { query, variables: opts.variables },
        { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      ),
    async subgraph(name, query, opts = {}) {
      const token =
        opts.token === undefined
          ? await signIdentity(
              internalKey(TEST_INTERNAL_SECRET),
              { sub: 'test', roles: opts.roles ?? ['admin'], groups: [] },
              { requestId: 'test' },
              name,
              60,
              { query, variables: opts.variables },
            )
          : opts.token;
      const url = running.subgraphUrls[name];
      if (!url) throw new Error(`subgraph ${name} has no port (subgraphs.listen)`);
      return post(url, { query, variables: opts.variables }, token ? { 'x-servicegraph-identity': token } : {});
    },
  };
}
