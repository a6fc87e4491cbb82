import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { DRILL_LEVELS, drillRank, type DrillLevel } from './viewer.js';

/**
 * The authorization annotations of one SDL (the supergraph's coreSupergraphSdl or a subgraph SDL):
 * which drill level each field needs and which action each mutation needs. Built once per schema
 * load; lookups are two Map reads.
 */
export interface AnnotationIndex {
  /**
   * The level a viewer needs to read `type.field`: the field's @drill, else its type's @drill.
   * Interface fields need the deepest level over the interface and every implementation (Apollo
   * Router's rule: selecting `HealthNode.status` may return a CI). A field with no annotation at all
   * needs the policy's `unannotated.drillLevel`, TELEMETRY unless it says otherwise, so a forgotten
   * annotation hides data instead of leaking it.
   */
  levelOf(typeName: string, fieldName: string): DrillLevel;
  /** The @drill on the type itself, if any. */
  typeLevel(typeName: string): DrillLevel | undefined;
  /** The @action a root mutation field needs, if any (for a mutation without @action: the policy's `unannotated.action`). */
  actionOf(mutationField: string): string | undefined;
  /** Every `Type.field → level` entry (for tests, docs and the introspection filter). */
  readonly fields: ReadonlyMap<string, DrillLevel>;
  /** Every `Mutation.field → action` entry. */
  readonly actions: ReadonlyMap<string, string>;
}

type Composite = ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode;

const isComposite = (def: DefinitionNode): def is Composite =>
  def.kind === Kind.OBJECT_TYPE_DEFINITION ||
  def.kind === Kind.OBJECT_TYPE_EXTENSION ||
  def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
  def.kind === Kind.INTERFACE_TYPE_EXTENSION;

const isInterface = (def: Composite) => def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_EXTENSION;

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return arg.value.kind === Kind.ENUM || arg.value.kind === Kind.STRING ? arg.value.value : undefined;
}

function drillOf(directives: readonly ConstDirectiveNode[] | undefined): DrillLevel | undefined {
  const d = directives?.find((x) => x.name.value === 'drill');
  const level = d && stringArg(d, 'level');
  return level && (DRILL_LEVELS as readonly string[]).includes(level) ? (level as DrillLevel) : undefined;
}

function actionOfField(field: FieldDefinitionNode): string | undefined {
  const d = field.directives?.find((x) => x.name.value === 'action');
  return d && stringArg(d, 'name');
}

const maxLevel = (a: DrillLevel, b: DrillLevel): DrillLevel => (drillRank(a) >= drillRank(b) ? a : b);

const toDocument = (sdl: string | DocumentNode): DocumentNode => (typeof sdl === 'string' ? parse(sdl) : sdl);

/** Merged view of a type over its definition and extensions (subgraph SDLs may use `extend type`). */
interface TypeEntry {
  level: DrillLevel | undefined;
  interface: boolean;
  implements: Set<string>;
  fields: Map<string, FieldDefinitionNode>;
}

function collectTypes(doc: DocumentNode): Map<string, TypeEntry> {
  const types = new Map<string, TypeEntry>();
  for (const def of doc.definitions) {
    if (!isComposite(def)) continue;
    const name = def.name.value;
    const entry = types.get(name) ?? { level: undefined, interface: isInterface(def), implements: new Set(), fields: new Map() };
    entry.level = drillOf(def.directives) ?? entry.level;
    for (const i of def.interfaces ?? []) entry.implements.add(i.name.value);
    for (const f of def.fields ?? []) entry.fields.set(f.name.value, f);
    types.set(name, entry);
  }
  return types;
}

/** What a field or mutation the SDL does not annotate needs (the policy's `unannotated`). */
export interface Unannotated {
  drillLevel: DrillLevel;
  action?: string | undefined;
}

export function buildAnnotationIndex(sdl: string | DocumentNode, unannotated: Unannotated = { drillLevel: 'TELEMETRY' }): AnnotationIndex {
  const types = collectTypes(toDocument(sdl));
  const fields = new Map<string, DrillLevel>();
  const actions = new Map<string, string>();

  for (const [typeName, entry] of types) {
    for (const [fieldName, field] of entry.fields) {
      const level = drillOf(field.directives) ?? entry.level;
      if (level) fields.set(`${typeName}.${fieldName}`, level);
      const action = typeName === 'Mutation' ? actionOfField(field) : undefined;
      if (action) actions.set(`${typeName}.${fieldName}`, action);
    }
  }

  // Interface rule: an interface field is as deep as its deepest implementation, because the
  // gateway cannot know before execution which implementation a value will be.
  for (const [typeName, entry] of types) {
    for (const iface of entry.implements) {
      for (const fieldName of types.get(iface)?.fields.keys() ?? []) {
        const key = `${iface}.${fieldName}`;
        const own = fields.get(`${typeName}.${fieldName}`) ?? unannotated.drillLevel;
        fields.set(key, maxLevel(fields.get(key) ?? own, own));
      }
    }
  }

  return {
    levelOf: (typeName, fieldName) => fields.get(`${typeName}.${fieldName}`) ?? unannotated.drillLevel,
    typeLevel: (typeName) => types.get(typeName)?.level,
    actionOf: (field) => actions.get(`Mutation.${field}`) ?? unannotated.action,
    fields,
    actions,
  };
}

/** Every action name the schema's mutations declare with @action (the policy's action vocabulary). */
export function listActions(...sdls: (string | DocumentNode)[]): Set<string> {
  const out = new Set<string>();
  for (const sdl of sdls) for (const action of buildAnnotationIndex(sdl).actions.values()) out.add(action);
  return out;
}

/**
 * Fields that carry no @drill (on the field or its type), and Mutation fields without @action.
 * `@external` fields are skipped: their owner subgraph annotates them. A test runs this over every
 * SDL so a new field cannot ship unguarded.
 */
export function listUnannotated(sdl: string | DocumentNode): string[] {
  const out: string[] = [];
  for (const [typeName, entry] of collectTypes(toDocument(sdl))) {
    for (const [fieldName, field] of entry.fields) {
      if (field.directives?.some((d) => d.name.value === 'external')) continue;
      if (!drillOf(field.directives) && !entry.level) out.push(`${typeName}.${fieldName}`);
      if (typeName === 'Mutation' && !actionOfField(field)) out.push(`${typeName}.${fieldName} (no @action)`);
    }
  }
  return out;
}
