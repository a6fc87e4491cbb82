import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { NotificationsSchema } from '../bsm/notifications.js';
import { ConfigError } from '../kernel/errors.js';
import { IdentificationRules } from '../kernel/correlate.js';
import { isConnectorSubgraph, SUPERGRAPH_PATH, type SubgraphName, supergraphSubgraphs } from '../schema/subgraphs.js';
import { connectorType, connectorTypes } from '../connectors/registry.js';
import { AuthConfig } from '../gateway/identity.js';
import { conformToSchema } from './config-input.js';

/**
 * The one configuration file. Secrets never live in it: a value `${NAME}` is replaced by the
 * environment variable NAME and `${file:/run/secrets/name}` by that file's content (trimmed); a
 * missing variable or file is a config problem like any other. Unknown keys are errors at every
 * depth, and text is read as a number or boolean where the schema wants one (config-input.ts).
 * Every problem is collected and reported at once, before anything starts.
 */

/** Where subgraphs answer, by the names the supergraph gives them (the connector subgraphs' or any other). */
const SubgraphUrls = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a subgraph name of the supergraph'), z.url());

const ServerConfig = z.object({
  host: z.string().default('127.0.0.1'),
  /** The PORT environment variable overrides it. */
  port: z.number().int().min(0).max(65535).default(4000),
  /**
   * After SIGTERM or SIGINT: how long requests in flight may take to finish before their connections
   * are cut (readiness answers 503 and no connection is accepted from the start). @default 10000
   */
  shutdownGraceMs: z.number().int().min(0).max(600_000).default(10_000),
  /** /readyz: how long each check (a subgraph, a tool) may take before it counts as failed. @default 2000 */
  readinessTimeoutMs: z.number().int().positive().max(60_000).default(2000),
  /**
   * Identical concurrent queries from viewers who may see exactly the same data (same permission set,
   * same scope, same groups) run once and share the answer; never mutations. The audit records the
   * one that ran, not the callers merged into it. @default false
   */
  mergeRequests: z.boolean().default(false),
  /** Cross-origin calls from browsers; off unless origins are listed. */
  cors: z
    .object({
      /** Exact origins (scheme://host[:port]) allowed to call /graphql, or ["*"] for any (then without credentials). */
      origins: z
        .array(z.union([z.literal('*'), z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port], no path')]))
        .default([]),
      /** Let allowed origins send cookies and Authorization (Access-Control-Allow-Credentials). @default false */
      credentials: z.boolean().default(false),
      /** How long a browser may cache a preflight answer. @default 600 */
      maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
    })
    .prefault({})
    .refine((c) => !(c.credentials && c.origins.includes('*')), {
      message: 'credentials need listed origins, not "*"',
      path: ['credentials'],
    }),
  /** GraphiQL at GET /graphql (from a browser), served by the gateway itself, no CDN. @default false */
  explorer: z.boolean().default(false),
});

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

export const ConfigSchema = z
  .object({
    server: ServerConfig.prefault({}),
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
        /**
         * local mode: also serve each subgraph on basePort+i, for direct calls with a gateway token.
         * transport http implies it; in-process needs no port. @default false
         */
        listen: z.boolean().default(false),
        /**
         * Where each subgraph the gateway does not run itself answers, by name: in remote mode every
         * subgraph of the supergraph, in local mode those that are not connector subgraphs. @default
         * the URL the supergraph names for it, when it names a callable one
         */
        urls: SubgraphUrls.default({}),
      })
      .prefault({}),
    /**
     * The supergraph the gateway serves, composed by @apollo/composition (or rover) from the
     * connector subgraphs and/or a company's own. @default the connector subgraphs' (schema/supergraph.graphql)
     */
    supergraph: z.string().optional(),
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
        /** Lifetime of an identity token (each is bound to one subgraph request): its transit time. @default 10 */
        ttlSeconds: z.number().int().positive().max(600).default(10),
      })
      .prefault({}),
    identification: IdentificationRules.prefault({}),
    /** @default 30000 */
    evaluatorIntervalMs: z.number().int().min(1000).default(30_000),
    /**
     * How long one request waits for the tools, retries included; then each tool's last good answer
     * is served marked stale (or what it alone knew reads UNKNOWN) with an error naming it. @default 2500
     */
    requestDeadlineMs: z.number().int().positive().max(60_000).default(2500),
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
        /** Most directives in one operation. @default 50 */
        maxDirectives: z.number().int().positive().default(50),
        /** Most actions (mutation fields) in one operation. @default 10 */
        maxMutations: z.number().int().positive().default(10),
        /** Longest string argument or variable, in characters. @default 10000 */
        maxTextLength: z.number().int().positive().default(10_000),
        /** Elements the cost assumes for a list without a `first` argument. @default 10 */
        assumedListSize: z.number().int().positive().default(10),
      })
      .prefault({}),
    /** postgres: the append-only table in `storage.postgres`, one log for every replica. */
    audit: z
      .object({ sink: z.union([z.enum(['stderr', 'stdout', 'postgres']), z.object({ file: z.string() })]).default('stderr') })
      .prefault({}),
    /** Where the connectors' caches live. Without Redis each process keeps its own, in memory. */
    cache: z
      .object({
        redis: z
          .object({
            /** redis://[:password@]host:port[/db] or rediss://; with a password, from the environment: "${REDIS_URL}". */
            url: z.string().regex(/^rediss?:\/\/./, 'a redis:// or rediss:// URL'),
            /** How long a replica that misses keeps the others waiting for its read of a tool. @default 10000 */
            lockMs: z.number().int().positive().default(10_000),
          })
          .optional(),
      })
      .prefault({}),
    /**
     * Where state shared by replicas lives: status history, the builtin tools' tickets and
     * acknowledgements, the audit log when its sink is postgres, and the evaluator's lease. Without
     * PostgreSQL: SQLite files in dataDir, and this process is the evaluator.
     */
    storage: z
      .object({
        postgres: z
          .object({
            /** postgres://user:password@host:port/database; from the environment: "${DATABASE_URL}". */
            url: z.string().regex(/^postgres(ql)?:\/\/./, 'a postgres:// URL'),
            /** Connections per process. @default 10 */
            poolSize: z.number().int().positive().max(100).default(10),
            /** How often a replica tries to take the evaluator lease, and its holder confirms it. @default 2000 */
            leaseRenewMs: z.number().int().min(100).max(60_000).default(2000),
          })
          .optional(),
      })
      .prefault({}),
    /** Introspection and the query plan view; off by default in production configs. @default false */
    introspection: z.boolean().default(false),
    /**
     * The embedded demo. The service board offers a role picker and the gateway signs its tokens
     * (POST /board/demo-token, with the demo key), and every start tells the demo's story from its
     * beginning: the state of a run (status history, acknowledgements, tickets) lives in
     * `<dataDir>/demo-run`, emptied at each start. Never in production. @default false
     */
    demo: z.boolean().default(false),
    metrics: MetricsConfig,
    tracing: TracingConfig,
    /** Webhooks on service status changes (bsm/notifications.ts), fired by the evaluator's lease holder. */
    notifications: NotificationsSchema,
    connectors: z.array(ConnectorEntry).min(1),
  })
  .refine((c) => c.audit.sink !== 'postgres' || c.storage.postgres, {
    message: 'needs storage.postgres',
    path: ['audit', 'sink'],
  })
  .refine((c) => !c.demo || c.auth.demoKeyFile, {
    message: 'demo mode signs its tokens with the demo key: needs auth.demoKeyFile',
    path: ['demo'],
  })
  .refine((c) => !c.demo || !c.storage.postgres, {
    message: 'demo mode starts its story afresh in dataDir at each start: not with storage.postgres',
    path: ['demo'],
  });
export type Config = z.infer<typeof ConfigSchema>;

export interface LoadedConfig {
  file: string;
  config: Config;
  /** The supergraph the gateway serves, and where each of its subgraphs runs. */
  supergraph: SubgraphRouting;
  /** Each connector entry's settings, validated by its connector's own schema. */
  connectorConfigs: { name: string; type: string; settings: unknown }[];
}

/** `${NAME}` (an environment variable) or `${file:PATH}` (a file's content, trimmed). */
const REF = /\$\{(?:file:([^}]+)|([A-Z_][A-Z0-9_]*))\}/g;

/** Environment variables that override a setting of the file, and the setting each one sets. */
export const ENV_OVERRIDES = { PORT: ['server', 'port'], SERVICEGRAPH_SUBGRAPH_BASE_PORT: ['subgraphs', 'basePort'] } as const;

interface Substitution {
  env: NodeJS.ProcessEnv;
  /** Relative secret files are relative to the config file. */
  base: string;
  problems: string[];
  /** Where a reference could not be filled: the schema's complaint about the empty value there is noise. */
  unfilled: Set<string>;
}

/** Replaces every reference in every string; records each missing variable or unreadable file at its path. */
function substitute(value: unknown, path: string, s: Substitution): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (_, file: string | undefined, name: string | undefined) => {
      if (file !== undefined) {
        const where = isAbsolute(file) ? file : resolve(s.base, file);
        try {
          return readFileSync(where, 'utf8').trim();
        } catch (error) {
          s.problems.push(`${path}: secret file ${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
          s.unfilled.add(path);
          return '';
        }
      }
      const found = s.env[name as string];
      if (found === undefined || found === '') {
        s.problems.push(`${path}: environment variable ${name} is not set`);
        s.unfilled.add(path);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, `${path}[${i}]`, s));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, path ? `${path}.${k}` : k, s)]));
  }
  return value;
}

/** The file's value with the environment's overrides set in it; returns which path each variable set. */
function applyOverrides(value: unknown, env: NodeJS.ProcessEnv): { value: unknown; from: Map<string, string> } {
  const from = new Map<string, string>();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { value, from };
  const out = { ...(value as Record<string, unknown>) };
  for (const [name, [section, key]] of Object.entries(ENV_OVERRIDES)) {
    const given = env[name];
    if (given === undefined || given === '') continue;
    const current = out[section];
    out[section] = { ...(current && typeof current === 'object' ? current : {}), [key]: given };
    from.set(`${section}.${key}`, name);
  }
  return { value: out, from };
}

const issuePath = (prefix: string, path: PropertyKey[]) =>
  [prefix, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].filter(Boolean).join('.').replace(/\.\[/g, '[');

/** What reading a config file found: the loaded config, or its problems and the files it names. */
export interface ConfigInspection {
  file: string;
  loaded: LoadedConfig | null;
  problems: string[];
  /**
   * The policy file and estate directory the config names (or their defaults), resolved even when
   * other parts are invalid, so their own problems can be listed in the same message.
   */
  names: { policy: string; estate: string } | null;
}

/** Reads, substitutes and validates a config file; never throws for what is wrong in it. */
export function inspectConfig(file: string, env: NodeJS.ProcessEnv = process.env): ConfigInspection {
  const path = resolve(file);
  if (!existsSync(path)) return { file: path, loaded: null, problems: [`file not found: ${path}`], names: null };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof YAMLParseError ? `${error.message.split('\n')[0]}` : String(error);
    return { file: path, loaded: null, problems: [`not valid YAML: ${reason}`], names: null };
  }
  const base = dirname(path);
  const problems: string[] = [];
  const unfilled = new Set<string>();
  const overridden = applyOverrides(substitute(raw ?? {}, '', { env, base, problems, unfilled }), env);
  const conformed = conformToSchema(ConfigSchema, overridden.value);
  problems.push(...conformed.problems);
  const substituted = conformed.value;
  const parsed = ConfigSchema.safeParse(substituted);
  if (!parsed.success) problems.push(...issuesOf(parsed.error.issues, '', { from: overridden.from, unfilled }));

  const connectorConfigs: LoadedConfig['connectorConfigs'] = [];
  const seen = new Set<string>();
  const entries = (substituted as { connectors?: unknown }).connectors;
  if (Array.isArray(entries)) {
    entries.forEach((entry: unknown, i) => {
      if (!entry || typeof entry !== 'object') return;
      const { name, type, ...given } = entry as Record<string, unknown>;
      if (typeof name === 'string' && seen.has(name)) problems.push(`connectors[${i}].name: duplicate connector name "${name}"`);
      if (typeof name === 'string') seen.add(name);
      if (typeof type !== 'string') return;
      const connector = connectorType(type);
      if (!connector) {
        problems.push(`connectors[${i}].type: unknown connector "${type}" (known: ${connectorTypes().join(', ')})`);
        return;
      }
      const settings = conformToSchema(connector.config, given, `connectors[${i}]`);
      problems.push(...settings.problems);
      const result = connector.config.safeParse(settings.value);
      if (!result.success) {
        problems.push(...issuesOf(result.error.issues, `connectors[${i}]`, { unfilled }));
      } else if (typeof name === 'string') {
        connectorConfigs.push({ name, type, settings: result.data });
      }
    });
  }

  // Paths written in the config are relative to the config file; the defaults of paths it leaves out
  // are relative to the working directory (the repository root for `npm start`).
  const written = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rel = (value: unknown, key: string, fallback: string) =>
    typeof value === 'string' && written[key] !== undefined ? resolve(base, value) : resolve(fallback);
  const doc = (substituted && typeof substituted === 'object' ? substituted : {}) as Record<string, unknown>;
  const names = { policy: rel(doc['policy'], 'policy', 'policy/demo.yaml'), estate: rel(doc['estate'], 'estate', 'estate/demo') };
  const routing = parsed.success ? routeSubgraphs(parsed.data, rel(parsed.data.supergraph, 'supergraph', SUPERGRAPH_PATH), problems) : null;
  if (problems.length > 0 || !parsed.success || !routing) return { file: path, loaded: null, problems, names };

  const config = parsed.data;
  const { auth, audit } = config;
  const loaded: LoadedConfig = {
    file: path,
    config: {
      ...config,
      estate: rel(config.estate, 'estate', config.estate),
      dataDir: rel(config.dataDir, 'dataDir', config.dataDir),
      policy: rel(config.policy, 'policy', config.policy),
      supergraph: routing.file,
      auth: auth.demoKeyFile ? { ...auth, demoKeyFile: resolve(base, auth.demoKeyFile) } : auth,
      audit: typeof audit.sink === 'object' ? { sink: { file: resolve(base, audit.sink.file) } } : audit,
    },
    connectorConfigs: connectorConfigs.map((c) => ({ ...c, settings: resolveCaFiles(c.settings, base) })),
    supergraph: routing,
  };
  return { file: path, loaded, problems: [], names };
}

export interface SubgraphRouting {
  /** The supergraph file. */
  file: string;
  sdl: string;
  /** Connector subgraphs of the supergraph this process runs itself (local mode). */
  local: SubgraphName[];
  /** Every other subgraph of the supergraph, by name: where it answers. */
  remote: Record<string, string>;
}

/**
 * Reads the supergraph and decides where each of its subgraphs runs: in local mode the connector
 * subgraphs it names run in this process and any other subgraph (a company's own) is called at its
 * URL; in remote mode every subgraph is. A URL comes from `subgraphs.urls`, else from the
 * supergraph; a subgraph with neither, or a URL for a name the supergraph lacks, is a problem.
 */
function routeSubgraphs(config: Config, file: string, problems: string[]): SubgraphRouting | null {
  let sdl: string;
  let graphs: { name: string; url: string | null }[];
  try {
    sdl = readFileSync(file, 'utf8');
    graphs = supergraphSubgraphs(sdl);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`supergraph: ${code ? `cannot read ${file} (${code})` : `${file} is not a supergraph (${(error as Error).message})`}`);
    return null;
  }
  if (graphs.length === 0) problems.push(`supergraph: ${file} names no subgraph (no join__Graph enum: compose it first)`);
  const local: SubgraphName[] = [];
  const remote: Record<string, string> = {};
  const mode = config.subgraphs.mode;
  for (const { name, url } of graphs) {
    if (mode === 'local' && isConnectorSubgraph(name)) {
      local.push(name);
      continue;
    }
    const at = config.subgraphs.urls[name] ?? url;
    if (at) remote[name] = at;
    else
      problems.push(
        `subgraphs.urls.${name}: where does subgraph "${name}" answer? (${mode === 'remote' ? 'remote mode: every subgraph needs a URL' : 'not a connector subgraph, so it runs elsewhere'}; the supergraph names no callable URL)`,
      );
  }
  const known = new Set(graphs.map((g) => g.name));
  for (const name of Object.keys(config.subgraphs.urls)) {
    if (!known.has(name))
      problems.push(`subgraphs.urls.${name}: the supergraph has no subgraph "${name}" (it has: ${[...known].join(', ')})`);
  }
  return { file, sdl, local, remote };
}

/** Reads and validates a config file; throws one ConfigError listing every problem. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const inspection = inspectConfig(file, env);
  if (!inspection.loaded) throw new ConfigError(file, inspection.problems);
  return inspection.loaded;
}

/**
 * zod's issues as `path: message`. Unknown keys are left out (config-input.ts reports them, with a
 * suggestion), and so is the complaint about a value whose variable or file was missing (reported
 * already). A setting an environment variable overrode says so.
 */
function issuesOf(issues: z.core.$ZodIssue[], prefix: string, context: { from?: Map<string, string>; unfilled: Set<string> }): string[] {
  return issues.flatMap((issue) => {
    const at = issuePath(prefix, issue.path) || '(root)';
    if (issue.code === 'unrecognized_keys' || context.unfilled.has(at)) return [];
    const variable = context.from?.get(at);
    return [`${at}: ${issue.message}${variable ? ` (from ${variable})` : ''}`];
  });
}

/** `caFile` settings (at any depth: Prometheus has one per endpoint) are relative to the config file too. */
function resolveCaFiles(settings: unknown, base: string): unknown {
  if (Array.isArray(settings)) return settings.map((v) => resolveCaFiles(v, base));
  if (!settings || typeof settings !== 'object') return settings;
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [k, k === 'caFile' && typeof v === 'string' ? resolve(base, v) : resolveCaFiles(v, base)]),
  );
}
