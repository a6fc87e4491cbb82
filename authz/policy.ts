import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../kernel/errors.js';
import type { Logger } from '../kernel/log.js';
import { SUBGRAPH_NAMES, subgraphSdl } from '../schema/subgraphs.js';
import { listActions } from './annotations.js';
import { DRILL_LEVELS, drillRank, type DrillLevel, type ScopeRule, type Viewer } from './viewer.js';

/**
 * The authorization policy: one YAML file naming roles (drill level, actions, service scope), how
 * token claims and groups map to roles, and how the gateway enforces. Validated at load with every
 * problem listed; reloadable without a restart.
 */

const ScopeRuleSchema = z.union(
  [
    z.strictObject({ all: z.literal(true) }),
    /** Services owned by one of the viewer's groups. */
    z.strictObject({ owned: z.literal(true) }),
    /** Services one of the viewer's groups consumes. */
    z.strictObject({ consumed: z.literal(true) }),
    z.strictObject({ services: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ tag: z.string().min(1) }),
  ],
  { error: 'a scope rule is one of { all: true }, { owned: true }, { consumed: true }, { services: [ids] }, { tag: name }' },
);

const RoleSchema = z.strictObject({
  drillLevel: z.enum(DRILL_LEVELS),
  /** Action names from the schema's @action directives, e.g. alert:acknowledge. */
  actions: z.array(z.string()).default([]),
  /** What the role sees: the services the rules match and their children, and every object that serves one of them. */
  scope: z.array(ScopeRuleSchema).min(1, 'a role needs at least one scope rule (use [{ all: true }] for everything)'),
  /**
   * Whether the actions reach the children of the matched services too. @default false: the role
   * acts only on objects whose nearest services its scope rules match themselves.
   */
  actOnChildren: z.boolean().default(false),
  /** The largest operation cost this role may run (see `maxCost` below). @default the policy's maxCost */
  maxCost: z.number().int().positive().optional(),
});

/** How many actions (mutation fields) one viewer may run per window, shared by all its requests. */
const ActionRateSchema = z.strictObject({
  /** @default 30 */
  limit: z.number().int().positive().default(30),
  /** @default 60 */
  windowSeconds: z.number().int().positive().max(86_400).default(60),
});

export const PolicySchema = z.strictObject({
  /** Token claim names (dot paths) the gateway reads roles and groups from. */
  claims: z
    .strictObject({ roles: z.string().min(1).default('roles'), groups: z.string().min(1).default('groups') })
    .default({ roles: 'roles', groups: 'groups' }),
  /** Roles granted to members of a group (from the token's groups claim). */
  groupRoles: z.record(z.string(), z.array(z.string())).default({}),
  /** Roles of callers without a token. @default none: anonymous callers may read nothing. */
  anonymous: z.strictObject({ roles: z.array(z.string()).default([]) }).default({ roles: [] }),
  /** filter: denied fields answer null + FORBIDDEN; reject: any denied field rejects the operation. @default filter */
  mode: z.enum(['filter', 'reject']).default('filter'),
  /** Log and audit what would be denied, deny nothing (gateway and subgraph shields). @default false */
  dryRun: z.boolean().default(false),
  /** full: the whole API schema; filtered: only what the viewer may use; off: rejected. @default filtered */
  introspection: z.enum(['full', 'filtered', 'off']).default('filtered'),
  /**
   * The cost budget of an operation, for roles that name none: the estimated number of values in the
   * answer, lists counted by their `first` (or its default) and nested multiplicatively. A viewer
   * with several roles gets the largest budget among them. @default 50000
   */
  maxCost: z.number().int().positive().default(50_000),
  /** Actions per viewer per window; over it, LIMIT_EXCEEDED with a retry-after. @default 30 per 60 s */
  actionRate: ActionRateSchema.prefault({}),
  /**
   * What the fields and mutations the schema does not annotate need: a company's own subgraphs
   * behind the gateway carry no @drill or @action. The connector subgraphs annotate everything.
   */
  unannotated: z
    .strictObject({
      /** The drill level a field needs when neither it nor its type has @drill. @default TELEMETRY: unannotated data stays hidden below it */
      drillLevel: z.enum(DRILL_LEVELS).default('TELEMETRY'),
      /** The action a mutation without @action needs besides that level, e.g. `external:write`. @default none: the level alone */
      action: z.string().min(1).optional(),
    })
    .prefault({}),
  roles: z.record(z.string(), RoleSchema),
});

export type Policy = z.infer<typeof PolicySchema>;
export type RolePolicy = Policy['roles'][string];
type ScopeRuleYaml = z.infer<typeof ScopeRuleSchema>;

export interface Identity {
  /** Token subject; null without a token. */
  sub: string | null;
  roles: string[];
  groups: string[];
}

export interface PolicyStore {
  current(): Policy;
  /** The viewer for a verified identity under the current policy (roles from the token and from groups). */
  viewerFor(identity: Identity): Viewer;
  /** Called after every successful reload; returns an unsubscribe function. */
  onChange(cb: (policy: Policy) => void): () => void;
  /** Re-reads the file now; an invalid file keeps the old policy (logged) and returns false. */
  reload(): boolean;
  close(): void;
}

let schemaActions: Set<string> | undefined;
/** The action vocabulary: every @action name in the subgraph SDLs (read once, lazily). */
function knownActions(): Set<string> {
  schemaActions ??= listActions(...SUBGRAPH_NAMES.map((name) => subgraphSdl(name)));
  return schemaActions;
}

const formatPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') ||
  '(root)';

/** Cross-reference checks zod cannot express; run on the raw value so they list problems even when zod also fails. */
function crossCheck(raw: unknown, schemaActions: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return problems;
  const doc = raw as Record<string, unknown>;
  // The action the policy gives unannotated mutations is part of the vocabulary roles may grant.
  const unannotated = doc['unannotated'] && typeof doc['unannotated'] === 'object' ? (doc['unannotated'] as Record<string, unknown>) : {};
  const actions = typeof unannotated['action'] === 'string' ? new Set([...schemaActions, unannotated['action']]) : schemaActions;
  const roles = doc['roles'] && typeof doc['roles'] === 'object' ? (doc['roles'] as Record<string, unknown>) : {};
  const roleNames = new Set(Object.keys(roles));
  for (const [name, role] of Object.entries(roles)) {
    const list = role && typeof role === 'object' ? (role as Record<string, unknown>)['actions'] : undefined;
    if (!Array.isArray(list)) continue;
    list.forEach((action, i) => {
      if (typeof action === 'string' && !actions.has(action)) {
        problems.push(`roles.${name}.actions[${i}]: unknown action "${action}" (the schema declares: ${[...actions].sort().join(', ')})`);
      }
    });
  }
  const groupRoles = doc['groupRoles'];
  if (groupRoles && typeof groupRoles === 'object') {
    for (const [group, list] of Object.entries(groupRoles as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      list.forEach((role, i) => {
        if (typeof role === 'string' && !roleNames.has(role)) problems.push(`groupRoles.${group}[${i}]: unknown role "${role}"`);
      });
    }
  }
  const anonymous = doc['anonymous'];
  const anonymousRoles = anonymous && typeof anonymous === 'object' ? (anonymous as Record<string, unknown>)['roles'] : undefined;
  if (Array.isArray(anonymousRoles)) {
    anonymousRoles.forEach((role, i) => {
      if (typeof role === 'string' && !roleNames.has(role)) problems.push(`anonymous.roles[${i}]: unknown role "${role}"`);
    });
  }
  return problems;
}

/** Validates a parsed policy document; throws ConfigError listing every problem. */
export function parsePolicy(raw: unknown, source: string, actions: ReadonlySet<string> = knownActions()): Policy {
  const result = PolicySchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)),
    ...crossCheck(raw, actions),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

/** Reads and validates a policy file; throws ConfigError listing every problem. */
export function loadPolicy(file: string, options: { actions?: ReadonlySet<string> } = {}): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new ConfigError(
      file,
      doc.errors.map((e) => e.message),
    );
  return parsePolicy(doc.toJS(), file, options.actions);
}

const toScopeRule = (rule: ScopeRuleYaml): ScopeRule => {
  if ('all' in rule) return { kind: 'all' };
  if ('owned' in rule) return { kind: 'owned' };
  if ('consumed' in rule) return { kind: 'consumed' };
  if ('services' in rule) return { kind: 'list', services: rule.services };
  return { kind: 'tag', tag: rule.tag };
};

const uniqueScope = (rules: ScopeRule[]): ScopeRule[] => {
  const seen = new Map<string, ScopeRule>();
  for (const rule of rules) seen.set(JSON.stringify(rule), rule);
  return [...seen.values()];
};

/**
 * The viewer for an identity: its token roles that the policy knows (unknown ones are ignored, as a
 * token may carry roles of other applications), plus the roles its groups map to. Without a token:
 * the policy's anonymous roles. A viewer with no role has no grants and may read nothing.
 */
export function resolveViewer(policy: Policy, identity: Identity): Viewer {
  const anonymous = identity.sub === null;
  // Names come from tokens: own keys only, so a role or group called `constructor` is just unknown.
  const requested = anonymous
    ? policy.anonymous.roles
    : [
        ...identity.roles,
        ...identity.groups.flatMap((group) => (Object.hasOwn(policy.groupRoles, group) ? policy.groupRoles[group] : []) ?? []),
      ];
  const roles = [...new Set(requested)].filter((role) => typeof role === 'string' && Object.hasOwn(policy.roles, role)).sort();
  const grants = roles.map((role) => {
    const def = policy.roles[role] as RolePolicy;
    return {
      role,
      drillLevel: def.drillLevel,
      actions: [...def.actions],
      scope: uniqueScope(def.scope.map(toScopeRule)),
      actOnChildren: def.actOnChildren,
    };
  });
  const drillLevel = grants.reduce<DrillLevel>(
    (deepest, g) => (drillRank(g.drillLevel) > drillRank(deepest) ? g.drillLevel : deepest),
    'BUSINESS',
  );
  return {
    id: identity.sub ?? 'anonymous',
    anonymous,
    roles,
    groups: anonymous ? [] : [...new Set(identity.groups)],
    drillLevel,
    actions: [...new Set(grants.flatMap((g) => g.actions))].sort(),
    scope: uniqueScope(grants.flatMap((g) => g.scope)),
    grants,
  };
}

/** The cost budget of a viewer: the largest of its roles' (a role's own `maxCost`, else the policy's). */
export function costBudget(policy: Policy, viewer: Pick<Viewer, 'roles'>): number {
  const own = (role: string) => (Object.hasOwn(policy.roles, role) ? policy.roles[role]?.maxCost : undefined) ?? policy.maxCost;
  const budgets = viewer.roles.map(own);
  return budgets.length > 0 ? Math.max(...budgets) : policy.maxCost;
}

/**
 * Loads the policy (throws ConfigError at start) and keeps it current: with `watch`, changes to the
 * file are picked up after a short debounce. A reload that fails validation keeps the policy in
 * force and logs every problem, so a typo never locks everyone out or opens everything up.
 */
export function createPolicyStore(
  file: string,
  log: Logger,
  options: { watch: boolean; debounceMs?: number; actions?: ReadonlySet<string> },
): PolicyStore {
  const loadOptions = options.actions ? { actions: options.actions } : {};
  let policy = loadPolicy(file, loadOptions);
  const listeners = new Set<(p: Policy) => void>();
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;

  function reload(): boolean {
    try {
      policy = loadPolicy(file, loadOptions);
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
      log.error('policy reload failed, keeping the previous policy', { file, problems });
      return false;
    }
    log.info('policy reloaded', { file, roles: Object.keys(policy.roles) });
    for (const cb of listeners) cb(policy);
    return true;
  }

  if (options.watch) {
    // Watch the directory, and compare what the file reads: an editor replaces the file by rename,
    // and a Kubernetes ConfigMap update swaps the `..data` link the file points through, so neither
    // a watch on the file nor an event naming it sees every change.
    const read = () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null; // mid-swap or removed: the next event reads it again
      }
    };
    let seen = read();
    watcher = watch(dirname(file), () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const text = read();
        if (text === seen) return;
        seen = text;
        reload();
      }, options.debounceMs ?? 200);
    });
    watcher.on('error', (error) => log.warn('policy watch failed', { file, reason: error.message }));
  }

  return {
    current: () => policy,
    viewerFor: (identity) => resolveViewer(policy, identity),
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
      listeners.clear();
    },
  };
}
