import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../kernel/errors.js';
import { IdentificationRules } from '../kernel/correlate.js';
import { SUBGRAPH_NAMES } from '../schema/subgraphs.js';
import { connectorTypes, findConnector } from '../connectors/registry.js';
import { AuthConfig } from '../gateway/identity.js';

/**
 * The one configuration file. Secrets never live in it: a value `${NAME}` is replaced by the
 * environment variable NAME, and a missing variable is a config problem like any other. Every
 * problem is collected and reported at once, before anything starts.
 */

const SubgraphUrls = z.object(
  Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, z.url()])) as Record<(typeof SUBGRAPH_NAMES)[number], z.ZodURL>,
);

const ConnectorEntry = z.looseObject({
  /** Instance name: prefix of tool-qualified ids, `extensions.connector`. */
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  type: z.string(),
});

/**
 * /metrics, on a listener of its own (never the GraphQL port: see kernel/metrics.ts). Each process
 * serves its own: the gateway (with its in-process subgraphs), and each subgraph run alone.
 */
const MetricsConfig = z
  .object({
    /** @default false */
    enabled: z.boolean().default(false),
    /** Bind address; 0.0.0.0 where Prometheus scrapes from another host or pod. @default 127.0.0.1 */
    host: z.string().default('127.0.0.1'),
    /** 0: any free port. @default 9464 */
    port: z.number().int().min(0).max(65535).default(9464),
    /** When set, a scrape must send `Authorization: Bearer <token>` (from the environment: `${SG_METRICS_TOKEN}`). */
    token: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * The business series (status, revenue at risk, SLA budget per service): service names are
     * BUSINESS data; turn them off where the metrics port is readable by those who may not see them.
     * @default true
     */
    business: z.boolean().default(true),
  })
  .prefault({});

/** OpenTelemetry traces over OTLP/HTTP; off unless an endpoint is given. */
const TracingConfig = z
  .object({
    /** e.g. http://otel-collector:4318/v1/traces */
    endpoint: z.url().optional(),
    /** Sent with every export, e.g. `{ authorization: "Bearer ${OTEL_TOKEN}" }`. @default {} */
    headers: z.record(z.string(), z.string()).default({}),
    /** Share of requests traced (a subgraph follows the gateway's decision). @default 1 */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** `service.name` of the spans; a subgraph run alone appends its name. @default servicegraph */
    serviceName: z.string().min(1).default('servicegraph'),
  })
  .prefault({});

export const ConfigSchema = z.object({
  server: z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(4000) }).prefault({}),
  subgraphs: z
    .object({
      /** local: the gateway process also runs the five subgraphs (on basePort..basePort+4, 0 = any free port). */
      mode: z.enum(['local', 'remote']).default('local'),
      /**
       * local mode: how the gateway calls its own subgraphs. in-process skips the HTTP hop (same schema,
       * rules and context); http goes through their ports like a remote deployment. @default in-process
       */
      transport: z.enum(['in-process', 'http']).default('in-process'),
      basePort: z.number().int().min(0).max(65530).default(4001),
      /** remote: where each subgraph runs. */
      urls: SubgraphUrls.optional(),
    })
    .prefault({})
    .refine((s) => s.mode === 'local' || s.urls, { message: 'remote mode needs urls for every subgraph' }),
  /** Service definitions and the builtin tools' data. */
  estate: z.string().default('estate/demo'),
  /** Writable state: SQLite files, the demo key. */
  dataDir: z.string().default('.data'),
  policy: z.string().default('policy/demo.yaml'),
  auth: AuthConfig,
  internalAuth: z
    .object({
      /** Shared by gateway and subgraphs to sign identity; required when subgraphs run in other processes. */
      secret: z.string().min(32, 'must be at least 32 characters').optional(),
      /** @default 60 */
      ttlSeconds: z.number().int().positive().max(600).default(60),
    })
    .prefault({}),
  identification: IdentificationRules.prefault({}),
  /** @default 30000 */
  evaluatorIntervalMs: z.number().int().min(1000).default(30_000),
  maxPageSize: z.number().int().positive().max(10_000).default(500),
  limits: z
    .object({
      /** Largest request body. @default 65536 */
      maxBodyBytes: z.number().int().positive().default(65_536),
      /** Deepest selection nesting. @default 15 */
      maxDepth: z.number().int().positive().default(15),
      /** Most tokens the parser reads. @default 10000 */
      maxTokens: z.number().int().positive().default(10_000),
      /** Most aliases in one operation. @default 50 */
      maxAliases: z.number().int().positive().default(50),
    })
    .prefault({}),
  audit: z.object({ sink: z.union([z.enum(['stderr', 'stdout']), z.object({ file: z.string() })]).default('stderr') }).prefault({}),
  /** Introspection and the query plan view; off by default in production configs. @default false */
  introspection: z.boolean().default(false),
  metrics: MetricsConfig,
  tracing: TracingConfig,
  connectors: z.array(ConnectorEntry).min(1),
});
export type Config = z.infer<typeof ConfigSchema>;

export interface LoadedConfig {
  file: string;
  config: Config;
  /** Each connector entry's settings, validated by its connector's own schema. */
  connectorConfigs: { name: string; type: string; settings: unknown }[];
}

const ENV_REF = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** Replaces ${NAME} in every string; records each missing variable as a problem at its path. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        problems.push(`${path}: environment variable ${name} is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path ? `${path}.${k}` : k, problems)]));
  }
  return value;
}

const issuePath = (prefix: string, path: PropertyKey[]) =>
  [prefix, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].filter(Boolean).join('.').replace(/\.\[/g, '[');

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(file, [`file not found: ${path}`]);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof YAMLParseError ? `${error.message.split('\n')[0]}` : String(error);
    throw new ConfigError(file, [`not valid YAML: ${reason}`]);
  }
  const problems: string[] = [];
  const substituted = substituteEnv(raw ?? {}, env, '', problems);
  const parsed = ConfigSchema.safeParse(substituted);
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`${issuePath('', issue.path) || '(root)'}: ${issue.message}`);

  const connectorConfigs: LoadedConfig['connectorConfigs'] = [];
  const seen = new Set<string>();
  const entries = (substituted as { connectors?: unknown }).connectors;
  if (Array.isArray(entries)) {
    entries.forEach((entry: unknown, i) => {
      if (!entry || typeof entry !== 'object') return;
      const { name, type, ...settings } = entry as Record<string, unknown>;
      if (typeof name === 'string' && seen.has(name)) problems.push(`connectors[${i}].name: duplicate connector name "${name}"`);
      if (typeof name === 'string') seen.add(name);
      if (typeof type !== 'string') return;
      const connector = findConnector(type);
      if (!connector) {
        problems.push(`connectors[${i}].type: unknown connector "${type}" (known: ${connectorTypes().join(', ')})`);
        return;
      }
      const result = connector.config.safeParse(settings);
      if (!result.success) {
        for (const issue of result.error.issues) problems.push(`${issuePath(`connectors[${i}]`, issue.path)}: ${issue.message}`);
      } else if (typeof name === 'string') {
        connectorConfigs.push({ name, type, settings: result.data });
      }
    });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);

  // Paths written in the config are relative to the config file; the defaults of paths it leaves out
  // are relative to the working directory (the repository root for `npm start`).
  const base = dirname(path);
  const given = (key: string) => (raw as Record<string, unknown>)[key] !== undefined;
  const rel = (value: string, key: string) => (given(key) ? resolve(base, value) : resolve(value));
  const config = parsed.data;
  const { auth, audit } = config;
  return {
    file: path,
    config: {
      ...config,
      estate: rel(config.estate, 'estate'),
      dataDir: rel(config.dataDir, 'dataDir'),
      policy: rel(config.policy, 'policy'),
      auth: auth.demoKeyFile ? { ...auth, demoKeyFile: resolve(base, auth.demoKeyFile) } : auth,
      audit: typeof audit.sink === 'object' ? { sink: { file: resolve(base, audit.sink.file) } } : audit,
    },
    connectorConfigs: connectorConfigs.map((c) => ({ ...c, settings: resolveCaFiles(c.settings, base) })),
  };
}

/** `caFile` settings (at any depth: Prometheus has one per endpoint) are relative to the config file too. */
function resolveCaFiles(settings: unknown, base: string): unknown {
  if (Array.isArray(settings)) return settings.map((v) => resolveCaFiles(v, base));
  if (!settings || typeof settings !== 'object') return settings;
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [k, k === 'caFile' && typeof v === 'string' ? resolve(base, v) : resolveCaFiles(v, base)]),
  );
}
