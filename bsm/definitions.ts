import { join, relative } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../kernel/errors.js';
import { formatPath, listEstateFiles, loadEstateYaml } from '../kernel/estate.js';
import type { EdgeMap, GraphNode, HealthGraph, NodeOptions, NodeRule } from './engine/types.js';
import { findCycle } from './engine/evaluate.js';
import { EdgeMapSchema as MapSchema, RuleSchema, mapCounts, memberProblems } from './engine/rules.js';
import type { CalendarEntry } from './calendar.js';
import type { SlaSchedule, SlaSpec } from './sla.js';
import { WEEKDAYS, isTimeZone, parseHours } from '../kernel/time.js';

/**
 * Service definition files (`<estate>/services/*.yaml`, one service per file): loaded and validated at
 * start into typed definitions and engine rules. Every problem of every file is reported at once, each
 * naming the file and the path inside it: `services/payroll.yaml: rule.kind: unknown rule "wrost"`.
 */

const Id = z.string().trim().min(1);
export const CRITICALITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
export const VALUE_CLASSES = ['COMMODITY', 'DIFFERENTIATOR', 'VALUE_ADD'] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];

const Percent = z.number().gt(0).max(100);

/** The cost of one user-hour of lost work where a service does not say its own. */
export const DEFAULT_COST_PER_USER_HOUR = 50;

/** Drops keys whose value is undefined (exactOptionalPropertyTypes). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// Rules and maps are validated by the schemas of their kinds (bsm/engine/kinds, maps): the very
// checks the engine applies, so a rule that loads is a rule the engine evaluates.
const Rule = RuleSchema;
const EdgeMapSchema = MapSchema;

const Options = z.strictObject({
  unknownAs: z.enum(['UNKNOWN', 'OK', 'WORST']).default('UNKNOWN'),
  acknowledgedAsOk: z.boolean().default(false),
  maintenance: z.enum(['checkmk', 'ignore']).default('checkmk'),
});
const DEFAULT_OPTIONS: NodeOptions = { unknownAs: 'UNKNOWN', acknowledgedAsOk: false, maintenance: 'checkmk' };

const Weekdays = z.array(z.enum(WEEKDAYS)).min(1);
const Hours = z.string().refine((h) => parseHours(h) !== null, 'expected "HH:MM-HH:MM"');
const TimeZone = z.string().refine(isTimeZone, 'unknown time zone');
const Instant = z.iso.datetime({ offset: true });

const CalendarEntrySchema = z
  .strictObject({
    reason: z.string().min(1),
    weight: z.number().positive(),
    dates: z.array(z.iso.date()).min(1).optional(),
    weekdays: Weekdays.optional(),
    hours: Hours.optional(),
    timezone: TimeZone.optional(),
  })
  .refine((e) => e.dates || e.weekdays || e.hours, 'give dates, weekdays or hours');

const ScheduleSchema = z.strictObject({ weekdays: Weekdays.optional(), hours: Hours.optional(), timezone: TimeZone.optional() });

const SlaSchema = z.strictObject({
  objective: z.number().gt(0).max(100),
  windowDays: z.number().int().min(1).max(366).default(30),
  schedule: ScheduleSchema.optional(),
  exclude: z
    .array(
      z
        .strictObject({ from: Instant, to: Instant, reason: z.string().min(1) })
        .refine((e) => Date.parse(e.to) > Date.parse(e.from), 'to must be after from'),
    )
    .default([]),
});

const KpiSchema = z.strictObject({
  name: z.string().min(1),
  unit: z.string().optional(),
  expression: z.string().min(1),
  /** When absent, the average over the last day (when the monitor has range queries). */
  baseline: z.number().optional(),
  /** Deviation in percent beyond which the KPI is a SPIKE or a DROP. @default 50 */
  threshold: Percent.default(50),
  /** Monitor instance to ask; the first one that answers when absent. */
  monitor: z.string().optional(),
});

const ChildSchema = z
  .strictObject({
    ci: Id.optional(),
    service: Id.optional(),
    map: EdgeMapSchema.optional(),
    weight: z.number().positive().default(1),
    /** This parent's weight in the showback of a shared child service (bsm/showback.ts); by users when absent. */
    costShare: z.number().min(0).optional(),
  })
  .refine((c) => (c.ci === undefined) !== (c.service === undefined), 'give exactly one of ci, service')
  .refine((c) => c.costShare === undefined || c.service !== undefined, 'costShare: only on a child service');

const SelectorSchema = z
  .strictObject({
    class: z.string().optional(),
    tag: z.string().optional(),
    namePattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    attribute: z.record(z.string(), z.string()).optional(),
    map: EdgeMapSchema.optional(),
    weight: z.number().positive().default(1),
  })
  .refine((s) => s.class || s.tag || s.namePattern || s.attribute, 'give at least one of class, tag, namePattern, attribute');

const NodeRuleSchema = z
  .strictObject({
    ci: Id.optional(),
    class: z.string().optional(),
    rule: Rule,
    extraRules: z.array(Rule).default([]),
    options: Options.optional(),
  })
  .refine((n) => (n.ci === undefined) !== (n.class === undefined), 'give exactly one of ci, class');

/** A standard offering users request from the catalogue; its id is local to the service file. */
const OfferingSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-" only'),
  name: z.string().min(1),
  description: z.string().min(1),
  /** What the offering costs per month once granted, in the revenue unit. @default 0 */
  monthlyCost: z.number().min(0).default(0),
  /** What the requester should know or give, shown next to the request button. */
  howToRequest: z.string().min(1),
  /**
   * What the offering is in each help desk, by tool key (`servicenow`: catalogue item sys_id, `jsm`:
   * request type id, `rt`: queue) or by connector instance name (wins): see each connector's README.
   * A desk without its key uses its connector's default. @default {}
   */
  request: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), z.string().min(1)).default({}),
});

export const ServiceFileSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  name: z.string().min(1),
  description: z.string().optional(),
  criticality: z.enum(CRITICALITIES),
  valueClass: z.enum(VALUE_CLASSES).default('COMMODITY'),
  owner: z.string().min(1),
  consumers: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  impact: z
    .strictObject({
      revenuePerHour: z.number().min(0).default(0),
      users: z.number().int().min(0).default(0),
      /** What an hour of one user's lost work costs, in the revenue unit, so users and revenue add up. @default 50 */
      costPerUserHour: z.number().min(0).default(DEFAULT_COST_PER_USER_HOUR),
    })
    .default({ revenuePerHour: 0, users: 0, costPerUserHour: DEFAULT_COST_PER_USER_HOUR }),
  calendar: z.array(CalendarEntrySchema).default([]),
  sla: SlaSchema.optional(),
  kpis: z.array(KpiSchema).default([]),
  rule: Rule.default({ kind: 'worst' }),
  extraRules: z.array(Rule).default([]),
  options: Options.default(DEFAULT_OPTIONS),
  children: z.array(ChildSchema).default([]),
  selectors: z.array(SelectorSchema).default([]),
  nodeRules: z.array(NodeRuleSchema).default([]),
  /** What running the service costs per month, in the revenue unit, for showback. @default 0 */
  monthlyCost: z.number().min(0).default(0),
  offerings: z
    .array(OfferingSchema)
    .default([])
    .refine((list) => new Set(list.map((o) => o.id)).size === list.length, 'offering ids must be unique'),
});
type ServiceFile = z.output<typeof ServiceFileSchema>;

export interface ChildDefinition {
  kind: 'ci' | 'service';
  id: string;
  map: EdgeMap;
  weight: number;
  /** The parent's declared weight in the child service's showback; null: by the parent's users. */
  costShare: number | null;
}

export interface SelectorDefinition {
  class?: string;
  tag?: string;
  namePattern?: RegExp;
  attribute?: Record<string, string>;
  map: EdgeMap;
  weight: number;
}

export interface KpiDefinition {
  name: string;
  unit: string | null;
  expression: string;
  baseline: number | null;
  threshold: number;
  monitor: string | null;
}

export interface OfferingDefinition {
  /** `<service id>.<offering id>`: unique across the estate. */
  id: string;
  name: string;
  description: string;
  monthlyCost: number;
  howToRequest: string;
  /** The offering's id per help desk (tool key or connector instance name → id). */
  request: Record<string, string>;
}

export interface ServiceDefinition {
  /** Relative to the estate: `services/payroll.yaml`. */
  file: string;
  id: string;
  name: string;
  description: string | null;
  criticality: Criticality;
  valueClass: ValueClass;
  owner: string;
  consumers: string[];
  tags: string[];
  impact: { revenuePerHour: number; users: number; costPerUserHour: number };
  calendar: CalendarEntry[];
  sla: SlaSpec | null;
  kpis: KpiDefinition[];
  rule: NodeRule;
  children: ChildDefinition[];
  selectors: SelectorDefinition[];
  /** Its own running cost per month (showback). */
  monthlyCost: number;
  offerings: OfferingDefinition[];
}

/** A rule for CI nodes, by CI id or by class. A CI-specific rule beats a class rule. */
export interface CiNodeRule {
  ci?: string;
  class?: string;
  rule: NodeRule;
  /** Where it was defined, for conflicts. */
  file: string;
}

export interface ServiceDefinitions {
  services: ServiceDefinition[];
  byId: Map<string, ServiceDefinition>;
  nodeRules: CiNodeRule[];
}

function toDefinition(file: string, data: ServiceFile): ServiceDefinition {
  return {
    file,
    id: data.id,
    name: data.name,
    description: data.description ?? null,
    criticality: data.criticality,
    valueClass: data.valueClass,
    owner: data.owner,
    consumers: data.consumers,
    tags: data.tags,
    impact: data.impact,
    calendar: data.calendar.map((c) => compact(c) as CalendarEntry),
    sla: data.sla ? { ...data.sla, schedule: data.sla.schedule ? (compact(data.sla.schedule) as SlaSchedule) : undefined } : null,
    kpis: data.kpis.map((k) => ({
      name: k.name,
      unit: k.unit ?? null,
      expression: k.expression,
      baseline: k.baseline ?? null,
      threshold: k.threshold,
      monitor: k.monitor ?? null,
    })),
    rule: { main: data.rule, extra: data.extraRules, options: data.options },
    children: data.children.map((c) => ({
      kind: c.ci !== undefined ? 'ci' : 'service',
      id: (c.ci ?? c.service) as string,
      map: c.map ?? { kind: 'identity' },
      weight: c.weight,
      costShare: c.costShare ?? null,
    })),
    selectors: data.selectors.map(
      (s) =>
        compact({
          class: s.class,
          tag: s.tag,
          namePattern: s.namePattern !== undefined ? new RegExp(s.namePattern) : undefined,
          attribute: s.attribute,
          map: s.map ?? { kind: 'identity' },
          weight: s.weight,
        }) as SelectorDefinition,
    ),
    monthlyCost: data.monthlyCost,
    offerings: data.offerings.map((o) => ({ ...o, id: `${data.id}.${o.id}` })),
  };
}

/**
 * Loads every service file below `<estateDir>/services`. Throws one ConfigError listing every problem
 * of every file (syntax, schema, unknown child services, duplicate ids, cycles).
 */
export function loadServiceDefinitions(estateDir: string, now = new Date()): ServiceDefinitions {
  const files = listEstateFiles(estateDir, 'services');
  const problems: string[] = [];
  const badFiles = new Set<string>();
  const report = (file: string, problem: string) => {
    badFiles.add(file);
    problems.push(`${file}: ${problem}`);
  };
  const loaded: { file: string; data: ServiceFile }[] = [];
  const nodeRules: CiNodeRule[] = [];

  if (files.length === 0) report('services', `no service definitions in ${join(estateDir, 'services')}`);
  for (const path of files) {
    const file = relative(estateDir, path);
    let raw: unknown;
    try {
      raw = loadEstateYaml(path, now);
    } catch (error) {
      if (error instanceof ConfigError) for (const p of error.problems) report(file, p);
      else report(file, String(error));
      continue;
    }
    const parsed = ServiceFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(file, `${formatPath(issue.path)}: ${issue.message}`);
      continue;
    }
    loaded.push({ file, data: parsed.data });
  }

  const byId = new Map<string, ServiceDefinition>();
  for (const { file, data } of loaded) {
    const clash = byId.get(data.id);
    if (clash) {
      report(file, `id: service "${data.id}" is already defined in ${clash.file}`);
      continue;
    }
    byId.set(data.id, toDefinition(file, data));
  }

  const ciRuleAt = new Map<string, string>();
  for (const { file, data } of loaded) {
    // A service that lists all its members (no selectors) is checked against them now; the others,
    // and CI rules over CMDB members, by the engine whenever the topology changes.
    if (data.selectors.length === 0) {
      const counted = data.children.filter((c) => mapCounts(c.map ?? { kind: 'identity' }));
      const weight = counted.reduce((sum, c) => sum + c.weight, 0);
      if (counted.length > 0) {
        for (const p of memberProblems(data.rule, counted.length, weight, 'rule')) report(file, p);
        data.extraRules.forEach((rule, i) => {
          for (const p of memberProblems(rule, counted.length, weight, `extraRules[${i}]`)) report(file, p);
        });
      }
    }
    data.children.forEach((child, i) => {
      if (child.service !== undefined && !byId.has(child.service)) {
        report(file, `children[${i}].service: unknown service "${child.service}"`);
      }
      if (child.service === data.id) report(file, `children[${i}].service: a service cannot contain itself`);
    });
    data.nodeRules.forEach((n, i) => {
      const rule: NodeRule = { main: n.rule, extra: n.extraRules, options: n.options ?? DEFAULT_OPTIONS };
      if (n.ci !== undefined) {
        const earlier = ciRuleAt.get(n.ci);
        if (earlier && earlier !== file) {
          report(file, `nodeRules[${i}].ci: CI "${n.ci}" already has a rule in ${earlier} (a CI has one status everywhere)`);
          return;
        }
        ciRuleAt.set(n.ci, file);
        nodeRules.push({ ci: n.ci, rule, file });
      } else {
        nodeRules.push({ class: n.class as string, rule, file });
      }
    });
  }

  if (problems.length === 0) {
    const cycle = findCycle(serviceGraph([...byId.values()]));
    if (cycle) {
      const first = byId.get(cycle[0] ?? '');
      report(first?.file ?? 'services', `children: services form a cycle: ${cycle.join(' → ')}`);
    }
  }

  if (problems.length > 0) {
    const source = badFiles.size === 1 ? join(estateDir, [...badFiles][0] as string) : join(estateDir, 'services');
    throw new ConfigError(source, problems);
  }
  return { services: [...byId.values()], byId, nodeRules };
}

/** The service-to-service part of the model, for the cycle check. */
function serviceGraph(services: ServiceDefinition[]): HealthGraph {
  const nodes = new Map<string, GraphNode>();
  for (const s of services) {
    nodes.set(s.id, {
      id: s.id,
      kind: 'service',
      name: s.name,
      rule: s.rule,
      edges: s.children
        .filter((c) => c.kind === 'service')
        .map((c) => ({ childId: c.id, map: c.map, weight: c.weight, relation: 'SERVICE' })),
    });
  }
  return { nodes };
}
