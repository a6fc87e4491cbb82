import { type DocumentNode, Kind, parse } from 'graphql';
import { buildAnnotationIndex } from '../../authz/annotations.js';
import { canAct, coversAll, mayRead, servicesInScope } from '../../authz/scope.js';
import type { DrillLevel, Viewer } from '../../authz/viewer.js';
import type { ScopeIndex, ScopeSource } from '../../bsm/directory.js';
import type { ServiceInfo } from '../../kernel/model.js';
import { SUBGRAPH_NAMES, type SubgraphName, subgraphSdl } from '../../schema/subgraphs.js';

/**
 * The one scope model of every object, per request: whether the viewer may see an object of an
 * entity type (Service, ConfigurationItem, Alert, Incident, Article: every `@key` type) and whether
 * it may act on it. Built once per request from the viewer and the service directory, in every
 * subgraph's base context; the scope middleware (scope-middleware.ts) applies it to every field
 * that returns an entity and every mutation argument that names one.
 *
 * An object is in scope when it serves a service in scope through the merged topology:
 * - a service: it is in scope (matched by a scope rule, or a child of one that is);
 * - a CI: a service above it is;
 * - an alert: its CI is; an incident: its own service or its CI is;
 * - an article: a service or CI its labels name is; an article whose labels name nothing known is
 *   general knowledge (a how-to on full disks), open to every viewer who may read articles;
 * - anything that serves no known service: only a viewer whose scope is `all`.
 * On top, the viewer's drill level must reach the type's own `@drill` (a SERVICE-level viewer sees
 * services, never a CI, wherever one would appear: a tree, a dependency, a cause).
 */

/** What an object is about: the services and CIs it serves, or the labels that name them. */
export type Subject = { serviceIds?: readonly string[]; ciIds?: readonly string[] } | { labels: readonly string[] };

/**
 * For an entity type a subgraph only extends and cannot place (an Incident in the knowledge
 * subgraph knows only the fields the gateway passes): its owner subgraph decided visibility before
 * the gateway asked for the entity, and whatever this subgraph adds to it is scoped on its own.
 */
export const DECIDED_BY_OWNER = Symbol('decided by the owner subgraph');

/** How a value of an entity type, as this subgraph's resolvers return it, says what it is about. */
export type SubjectOf = ((value: never) => Subject) | typeof DECIDED_BY_OWNER;

/**
 * The model types that say what they are about in every subgraph: a service and a CI by their id,
 * an article (kernel/model.ts Article) by its labels.
 */
const SHARED: Record<string, (value: never) => Subject> = {
  Service: (value: { id: string }) => ({ serviceIds: [value.id] }),
  ConfigurationItem: (value: { id: string }) => ({ ciIds: [value.id] }),
  Article: (value: { labels: readonly string[] }) => ({ labels: value.labels }),
};

/** The entity types (every `@key` type of any subgraph) and how one subgraph's values of them are placed. */
export interface EntityScopes {
  readonly types: ReadonlySet<string>;
  /** The type's own @drill: the least level that may see an object of it at all. */
  levelOf(typeName: string): DrillLevel;
  /** How this subgraph's values of the type are placed; undefined when it has no way. */
  subjectOf(typeName: string): SubjectOf | undefined;
}

const keyTypes = (doc: DocumentNode) =>
  doc.definitions.flatMap((def) =>
    (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) &&
    def.directives?.some((d) => d.name.value === 'key')
      ? [def.name.value]
      : [],
  );

/**
 * The entity types of every subgraph SDL, with their drill levels, and this subgraph's subjects;
 * throws when an entity type of its own SDL cannot be placed (a new entity type cannot ship unscoped).
 */
let entityLevels: Map<string, DrillLevel> | undefined;
/** Every entity type of the product and its @drill, read once from the subgraph SDLs. */
function readEntityLevels(): Map<string, DrillLevel> {
  if (entityLevels) return entityLevels;
  const levels = new Map<string, DrillLevel>();
  for (const other of SUBGRAPH_NAMES) {
    const doc = parse(subgraphSdl(other));
    const annotations = buildAnnotationIndex(doc);
    for (const type of keyTypes(doc)) if (!levels.has(type)) levels.set(type, annotations.typeLevel(type) ?? 'TELEMETRY');
  }
  entityLevels = levels;
  return levels;
}

export function createEntityScopes(name: SubgraphName, subjects: Readonly<Record<string, SubjectOf>> = {}): EntityScopes {
  const levels = readEntityLevels();
  const subjectOf = (typeName: string): SubjectOf | undefined => subjects[typeName] ?? SHARED[typeName];
  const missing = keyTypes(parse(subgraphSdl(name))).filter((t) => !subjectOf(t));
  if (missing.length > 0) throw new Error(`scope: ${name} gives no subject for ${missing.join(', ')}: say what they are about`);
  return {
    types: new Set(levels.keys()),
    levelOf: (typeName) => levels.get(typeName) ?? 'TELEMETRY',
    subjectOf,
  };
}

/** The viewer's scope, loaded for the request. */
export interface Scope {
  readonly viewer: Viewer;
  /** A scope rule covers everything, objects that serve no known service included. */
  readonly seesAll: boolean;
  /** The services the viewer sees (matched and their children), in catalog order. */
  readonly serviceIds: readonly string[];
  readonly catalog: readonly ServiceInfo[];
  readonly index: ScopeIndex;
  /** May the viewer see this value of an entity type (drill level and scope)? */
  sees(typeName: string, value: unknown): boolean;
  /** The values the viewer may see, in order. */
  filter<T>(typeName: string, values: readonly T[]): T[];
  /** Does one of the viewer's roles grant the action on this value (its nearest services)? */
  mayAct(action: string, typeName: string, value: unknown): boolean;
}

export interface RequestScope {
  readonly viewer: Viewer;
  /** The scope, loaded on first use and memoised for the request. */
  load(): Promise<Scope>;
}

interface Placed {
  serviceIds: readonly string[];
  ciIds: readonly string[];
  /** About nothing known: general knowledge. */
  general: boolean;
}

function place(subject: Subject, index: ScopeIndex): Placed {
  if (!('labels' in subject)) return { serviceIds: subject.serviceIds ?? [], ciIds: subject.ciIds ?? [], general: false };
  const named = subject.labels.map((label) => index.named(label));
  const serviceIds = named.flatMap((n) => n.serviceIds);
  const ciIds = named.flatMap((n) => n.ciIds);
  return { serviceIds, ciIds, general: serviceIds.length === 0 && ciIds.length === 0 };
}

/**
 * `dryRun` (the policy's): the types' drill levels hide nothing, as the field rules deny nothing;
 * service scope still applies, as it always has.
 */
export function createRequestScope(
  viewer: Viewer,
  source: ScopeSource,
  entities: EntityScopes,
  options: { dryRun?: boolean } = {},
): RequestScope {
  let loaded: Promise<Scope> | undefined;
  const load = async (): Promise<Scope> => {
    const [catalog, index] = await Promise.all([source.services(), source.scopeIndex()]);
    const seesAll = coversAll(viewer.scope);
    const seen = seesAll ? new Set(catalog.map((s) => s.id)) : servicesInScope(viewer.scope, viewer.groups, catalog);
    const ciSeen = new Map<string, boolean>();
    const seesCi = (id: string) => {
      let found = ciSeen.get(id);
      if (found === undefined) ciSeen.set(id, (found = index.servicesAbove(id).some((s) => seen.has(s))));
      return found;
    };
    const subjectOf = (typeName: string, value: unknown): Subject | typeof DECIDED_BY_OWNER | null => {
      const of = entities.subjectOf(typeName);
      if (!of) return null;
      return of === DECIDED_BY_OWNER ? of : (of as (v: unknown) => Subject)(value);
    };
    const sees = (typeName: string, value: unknown): boolean => {
      if (value === null || value === undefined || !entities.types.has(typeName)) return false;
      if (!options.dryRun && !mayRead(viewer, entities.levelOf(typeName))) return false;
      const subject = subjectOf(typeName, value);
      // A value this subgraph cannot place is never shown (createEntityScopes refuses such a subgraph at start).
      if (subject === null) return false;
      if (seesAll || subject === DECIDED_BY_OWNER) return true;
      const placed = place(subject, index);
      return placed.general || placed.serviceIds.some((id) => seen.has(id)) || placed.ciIds.some(seesCi);
    };
    return {
      viewer,
      seesAll,
      serviceIds: catalog.map((s) => s.id).filter((id) => seen.has(id)),
      catalog,
      index,
      sees,
      filter: (typeName, values) => values.filter((value) => sees(typeName, value)),
      mayAct(action, typeName, value) {
        const subject = subjectOf(typeName, value);
        // An object the owner placed is acted on in the owner subgraph, never here.
        if (subject === null || subject === DECIDED_BY_OWNER) return false;
        const placed = place(subject, index);
        const nearest = [...placed.serviceIds, ...placed.ciIds.flatMap((id) => index.nearestServices(id))];
        return canAct(viewer, action, nearest, catalog, { general: placed.general });
      },
    };
  };
  return { viewer, load: () => (loaded ??= load()) };
}
