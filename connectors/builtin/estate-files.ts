import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadEstateFile } from '../../kernel/estate.js';
import { ConfigError } from '../../kernel/errors.js';
import type { CiHint, ConfigurationItem, Relation } from '../../kernel/model.js';

/**
 * The zod schemas of the builtin tools' estate files (cmdb.yaml, monitor.yaml, helpdesk.yaml,
 * knowledge.yaml) and one loader per file. Cross-references inside a file are checked here too, so a
 * typo in a relation is reported at start with the file and the path, not found later as a hole in
 * the service tree.
 */

const Id = z.string().trim().min(1);
/** YAML gives numbers and booleans for `cores: 8`; attributes are strings in the model. */
const Scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
/** ISO 8601 with `Z` or an offset, normalised to UTC so timestamps sort as strings. */
const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const CiHintSchema = z
  .strictObject({
    ciId: Id.optional(),
    name: Id.optional(),
    fqdn: Id.optional(),
    ip: Id.optional(),
  })
  .refine((hint) => Object.values(hint).some((v) => v !== undefined), 'give at least one of ciId, name, fqdn, ip');

/** Drops absent keys so the hint satisfies exactOptionalPropertyTypes. */
export function toHint(hint: z.output<typeof CiHintSchema>): CiHint {
  return Object.fromEntries(Object.entries(hint).filter(([, v]) => v !== undefined)) as CiHint;
}

// ---------------------------------------------------------------------------------------------- cmdb

const CiSchema = z.strictObject({
  id: Id,
  /** @default id */
  name: Id.optional(),
  class: Id,
  fqdn: z.string().nullable().default(null),
  ip: z.string().nullable().default(null),
  serial: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
  attributes: z.record(z.string(), Scalar).default({}),
  /** What the CI costs per month, for showback; absent means unknown, not free. */
  monthlyCost: z.number().min(0).nullable().default(null),
});

const RelationSchema = z.strictObject({
  /** Depends on the child: the child's health flows up to the parent. */
  parent: Id,
  child: Id,
  type: z.enum(['DEPENDS_ON', 'RUNS_ON', 'MEMBER_OF']),
});

export const CmdbFile = z
  .strictObject({
    cis: z.array(CiSchema).default([]),
    relations: z.array(RelationSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.cis.forEach((ci, i) => {
      if (seen.has(ci.id)) ctx.addIssue({ code: 'custom', path: ['cis', i, 'id'], message: `duplicate CI id "${ci.id}"` });
      seen.add(ci.id);
    });
    const children = new Map<string, string[]>();
    file.relations.forEach((rel, i) => {
      for (const end of ['parent', 'child'] as const) {
        if (!seen.has(rel[end])) ctx.addIssue({ code: 'custom', path: ['relations', i, end], message: `unknown CI "${rel[end]}"` });
      }
      if (rel.parent === rel.child) ctx.addIssue({ code: 'custom', path: ['relations', i], message: 'a CI cannot depend on itself' });
      children.set(rel.parent, [...(children.get(rel.parent) ?? []), rel.child]);
    });
    // A cycle would make health roll up forever: report the first one found.
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, trail: string[]): string[] | null => {
      if (state.get(id) === 'done') return null;
      if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
      state.set(id, 'visiting');
      for (const child of children.get(id) ?? []) {
        const cycle = visit(child, [...trail, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return null;
    };
    for (const id of children.keys()) {
      const cycle = visit(id, []);
      if (cycle) {
        ctx.addIssue({ code: 'custom', path: ['relations'], message: `relations form a cycle: ${cycle.join(' → ')}` });
        break;
      }
    }
  });

export interface CmdbEstate {
  cis: ConfigurationItem[];
  relations: Relation[];
}

export function loadCmdbEstate(estateDir: string, connector: string): CmdbEstate {
  const file = join(estateDir, 'cmdb.yaml');
  const data = loadEstateFile(file, CmdbFile);
  return {
    cis: data.cis.map((ci) => ({
      id: ci.id,
      name: ci.name ?? ci.id,
      class: ci.class,
      fqdn: ci.fqdn,
      ip: ci.ip,
      serial: ci.serial,
      tags: ci.tags,
      attributes: ci.attributes,
      monthlyCost: ci.monthlyCost,
      sourceLinks: [{ tool: 'builtin', connector, id: ci.id, url: null }],
    })),
    relations: data.relations.map((r) => ({ parentId: r.parent, childId: r.child, type: r.type })),
  };
}

// ------------------------------------------------------------------------------------------- monitor

const AlertSchema = z.strictObject({
  /** The native id; the connector qualifies it as `<instance>:<id>`. */
  id: Id,
  severity: z.enum(['WARNING', 'MINOR', 'MAJOR', 'CRITICAL']),
  summary: z.string().min(1),
  description: z.string().nullable().default(null),
  startsAt: Instant,
  acknowledged: z.boolean().default(false),
  acknowledgedBy: z.string().nullable().default(null),
  acknowledgedAt: Instant.nullable().default(null),
  inMaintenance: z.boolean().default(false),
  /** When the maintenance ends; absent: the window has no announced end. */
  maintenanceUntil: Instant.nullable().default(null),
  labels: z.record(z.string(), Scalar).default({}),
  ci: CiHintSchema,
});

const KpiSampleSchema = z.strictObject({
  /** Matched exactly against the expression in a service's `kpis`. */
  expression: z.string().min(1),
  value: z.number(),
  /** Older values, oldest first, one every `stepMinutes`, ending one step before now. */
  history: z.strictObject({ stepMinutes: z.number().positive(), values: z.array(z.number()) }).optional(),
});

export const MonitorFile = z
  .strictObject({
    /** CIs this monitor watches: `all` (every CI in cmdb.yaml) or a list of CI ids. */
    watched: z.union([z.literal('all'), z.array(Id)]).default('all'),
    alerts: z.array(AlertSchema).default([]),
    /** Current values per CI: `{ server123: { cpu: 0.97 } }`. */
    metrics: z
      .record(Id, z.record(z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name is [a-zA-Z_:][a-zA-Z0-9_:]*'), z.number()))
      .default({}),
    kpis: z.array(KpiSampleSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.alerts.forEach((alert, i) => {
      if (seen.has(alert.id)) ctx.addIssue({ code: 'custom', path: ['alerts', i, 'id'], message: `duplicate alert id "${alert.id}"` });
      seen.add(alert.id);
      if (alert.acknowledgedBy !== null && !alert.acknowledged) {
        ctx.addIssue({ code: 'custom', path: ['alerts', i, 'acknowledgedBy'], message: 'set only on an acknowledged alert' });
      }
    });
  });
export type MonitorFile = z.output<typeof MonitorFile>;
export type AlertDef = MonitorFile['alerts'][number];
export type KpiSample = MonitorFile['kpis'][number];

export interface MonitorEstate {
  file: MonitorFile;
  /** Watched CI ids, `all` resolved against cmdb.yaml. */
  watched: string[];
}

export function loadMonitorEstate(estateDir: string, now: Date): MonitorEstate {
  const file = join(estateDir, 'monitor.yaml');
  const data = loadEstateFile(file, MonitorFile, now);
  if (data.watched !== 'all') return { file: data, watched: data.watched };
  const cmdbFile = join(estateDir, 'cmdb.yaml');
  if (!existsSync(cmdbFile)) throw new ConfigError(file, ['watched: "all" needs cmdb.yaml next to it; list the watched CI ids instead']);
  return { file: data, watched: loadEstateFile(cmdbFile, CmdbFile, now).cis.map((ci) => ci.id) };
}

// ------------------------------------------------------------------------------------------ helpdesk

export const INCIDENT_STATES = ['NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELED'] as const;
export const INCIDENT_PRIORITIES = ['CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'PLANNING'] as const;

const IncidentSchema = z.strictObject({
  /** The ticket number, also its native id: INC0010001. */
  number: z.string().regex(/^INC\d{7}$/, 'a number looks like INC0010001'),
  title: z.string().min(1),
  description: z.string().nullable().default(null),
  state: z.enum(INCIDENT_STATES).default('NEW'),
  priority: z.enum(INCIDENT_PRIORITIES).default('MODERATE'),
  ci: CiHintSchema.nullable().default(null),
  serviceId: Id.nullable().default(null),
  assignee: z.string().nullable().default(null),
  openedAt: Instant,
  responseDue: Instant.nullable().default(null),
  resolutionDue: Instant.nullable().default(null),
});

export const HelpdeskFile = z.strictObject({ incidents: z.array(IncidentSchema).default([]) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.incidents.forEach((incident, i) => {
    if (seen.has(incident.number))
      ctx.addIssue({ code: 'custom', path: ['incidents', i, 'number'], message: `duplicate number "${incident.number}"` });
    seen.add(incident.number);
  });
});
export type IncidentDef = z.output<typeof HelpdeskFile>['incidents'][number];

export function loadHelpdeskEstate(estateDir: string, now: Date): IncidentDef[] {
  return loadEstateFile(join(estateDir, 'helpdesk.yaml'), HelpdeskFile, now).incidents;
}

// ----------------------------------------------------------------------------------------- knowledge

const ArticleSchema = z.strictObject({
  id: Id,
  title: z.string().min(1),
  /** Markdown. */
  body: z.string().min(1),
  labels: z.array(z.string()).default([]),
  /** Related CI ids and service ids: searches naming them rank the article higher. */
  cis: z.array(Id).default([]),
  services: z.array(Id).default([]),
  url: z.url().nullable().default(null),
});

export const KnowledgeFile = z.strictObject({ articles: z.array(ArticleSchema).default([]) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.articles.forEach((article, i) => {
    if (seen.has(article.id))
      ctx.addIssue({ code: 'custom', path: ['articles', i, 'id'], message: `duplicate article id "${article.id}"` });
    seen.add(article.id);
  });
});
export type ArticleDef = z.output<typeof KnowledgeFile>['articles'][number];

export function loadKnowledgeEstate(estateDir: string): ArticleDef[] {
  return loadEstateFile(join(estateDir, 'knowledge.yaml'), KnowledgeFile).articles;
}
