import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import {
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteHistory, type HistoryStore } from '../bsm/history.js';
import type { Status } from '../kernel/model.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';
import { ROOT, type Stack, startStack } from './harness.js';
import { subscribe } from './sse-client.js';

/**
 * The object-scope matrix, generated from the schema as the role matrix is for fields: every entry
 * point and every field that returns an object (an entity, an interface over entities, or a type
 * that points at one, such as RootCause.ci) is asked through the gateway, on the demo estate, as an
 * admin and as three scoped viewers, and for every parent the viewer gets, the viewer's objects must
 * be exactly the admin's objects that are in the viewer's scope: nothing out of scope, nothing in
 * scope missing. A new field that returns an object is in the matrix by construction.
 *
 * What is in scope is worked out here, not asked of servicegraph: the services of each viewer are
 * written below from the demo estate; a CI is in scope when it is a component of one of them
 * (`Service.components`, read as the admin); an alert by its CI; an incident by its service or
 * CI; an article by what its labels name (an article whose labels name nothing known is general).
 *
 * Used by object-scope-matrix.test.ts on the real subgraphs and by the self-test
 * (object-scope-selftest/), which proves the matrix fails a subgraph that forgets scope.
 */

/** Roles added to a copy of the demo policy, and who the matrix asks as. */
const EXTRA_ROLES = `roles:
  payroll-operator:
    drillLevel: TELEMETRY
    actions: [alert:acknowledge, incident:create, incident:comment, article:link]
    scope: [{ services: [payroll] }]
  email-helpdesk:
    drillLevel: COMPONENT
    actions: [incident:create, incident:comment, article:link, problem:report]
    scope: [{ services: [email] }]
`;

interface MatrixViewer {
  name: string;
  roles: string[];
  groups: string[];
  /** The services in scope on the demo estate: the matched ones and their children. */
  services: string[];
}

const MATRIX_VIEWERS: MatrixViewer[] = [
  // payroll's children: identity, email (payslips go by mail), and through email the network.
  { name: 'operator scoped to payroll', roles: ['payroll-operator'], groups: [], services: ['email', 'identity', 'network', 'payroll'] },
  { name: 'service owner of hr-it', roles: ['service-owner'], groups: ['hr-it'], services: ['email', 'identity', 'network', 'payroll'] },
  { name: 'help desk scoped to email', roles: ['email-helpdesk'], groups: [], services: ['email', 'identity', 'network'] },
];

/** The demo policy with the matrix's scoped roles. */
function matrixPolicyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-matrix-policy-'));
  const file = join(dir, 'policy.yaml');
  copyFileSync(join(ROOT, 'policy/demo.yaml'), file);
  // The matrix asks every list at its largest page across the graph: a cost the limits refuse by design,
  // and cost is not what it tests (test/bypass-round-two.test.ts does).
  const policy = readFileSync(file, 'utf8')
    .replace(/^roles:\n/m, EXTRA_ROLES)
    .replace(/^maxCost: \d+$/m, 'maxCost: 100000000');
  writeFileSync(file, policy);
  return file;
}

const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
/** Words that find every demo article. */
const BROAD_TEXT = 'server payroll mail database disk vdi desktop web shop checkout password sso trading market';
const PAGE = 100;
/** The node an input object names (a what-if change): the SAN below payroll and the web shop, so several viewers see part of the answer. */
const INPUT_NODE_ID = 'san-storage01';

/** Every entity type: a type some subgraph gives a @key. */
const ENTITIES = new Set(
  parse(supergraphSdl).definitions.flatMap((def) =>
    def.kind === Kind.OBJECT_TYPE_DEFINITION &&
    def.directives?.some((d) => d.name.value === 'join__type' && d.arguments?.some((a) => a.name.value === 'key'))
      ? [def.name.value]
      : [],
  ),
);

interface Step {
  /** The field as written, with its arguments. */
  text: string;
  /** The object type the step lands on. */
  type: string;
}

/** The API schema of the committed supergraph, as the gateway serves it. */
async function loadApiSchema(): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl });
  const { schema } = await gateway.load();
  await gateway.stop();
  return schema;
}

/** What the schema says about objects: which types are entities, which point at one, how each is selected. */
function schemaModel(schema: GraphQLSchema) {
  const entityish = (type: GraphQLNamedType) =>
    ENTITIES.has(type.name) || (isAbstractType(type) && schema.getPossibleTypes(type).some((t) => ENTITIES.has(t.name)));
  const objectTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
  // A type that points at an entity through a non-null single field stands or falls with it.
  const pointers = new Map<string, string[]>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of objectTypes) {
      if (ENTITIES.has(type.name) || pointers.has(type.name)) continue;
      const via = Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && !isListType(f.type.ofType))
        .filter((f) => entityish(getNamedType(f.type)) || pointers.has(getNamedType(f.type).name))
        .map((f) => f.name);
      if (via.length > 0) {
        pointers.set(type.name, via);
        changed = true;
      }
    }
  }
  const returnsObjects = (field: GraphQLField<unknown, unknown>) => {
    const named = getNamedType(field.type);
    return entityish(named) || pointers.has(named.name);
  };

  /** What identifies an object of the type in an answer, and the facts the oracle needs. */
  function selection(typeName: string, inner = ''): string {
    const type = schema.getType(typeName);
    if (!type) return '__typename';
    if (isAbstractType(type))
      return `__typename ${schema
        .getPossibleTypes(type)
        .map((t) => `... on ${t.name} { ${selection(t.name)} }`)
        .join(' ')} ${inner}`;
    const facts: Record<string, string> = {
      Alert: 'ci { id }',
      Incident: 'service { id } ci { id }',
      Article: 'labels',
      Offering: 'service { id }',
    };
    if (ENTITIES.has(typeName)) return `__typename id ${facts[typeName] ?? ''} ${inner}`;
    const via = pointers.get(typeName) ?? [];
    const fields = isObjectType(type) ? type.getFields() : {};
    return `__typename ${via.map((f) => `${f} { ${selection(getNamedType(fields[f]!.type).name)} }`).join(' ')} ${inner}`;
  }

  /** An input object built from its required fields (ids name INPUT_NODE_ID, statuses CRITICAL); null when it is none or one cannot be filled. */
  function inputValue(type: GraphQLInputType): string | null {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) return null;
    const parts: string[] = [];
    for (const f of Object.values(named.getFields())) {
      const inner = getNamedType(f.type).name;
      if (inner === 'Status') parts.push(`${f.name}: CRITICAL`);
      else if (!isNonNullType(f.type) || f.defaultValue !== undefined) continue;
      else if (inner === 'ID') parts.push(`${f.name}: ${JSON.stringify(INPUT_NODE_ID)}`);
      else return null;
    }
    return `{ ${parts.join(', ')} }`;
  }

  /** Arguments for a field: `first` at a page every list holds whole, required ones filled; null when one cannot be. */
  function argumentsFor(field: GraphQLField<unknown, unknown>): string | null {
    const parts: string[] = [];
    for (const arg of field.args) {
      const named = getNamedType(arg.type).name;
      if (arg.name === 'first') parts.push(`first: ${PAGE}`);
      else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
        const input = inputValue(arg.type);
        if (input !== null) parts.push(`${arg.name}: ${input}`);
        else if (named === 'String') parts.push(`${arg.name}: ${JSON.stringify(BROAD_TEXT)}`);
        else if (named === 'DateTime') parts.push(`${arg.name}: "2026-01-01T00:00:00Z"`);
        else if (named === 'Int') parts.push(`${arg.name}: 5`);
        else return null;
      }
    }
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  /** Shortest path from Query, through non-entity types, to a list of every object of an entity type. */
  function rootOf(entity: string): Step[] | null {
    const queue: { type: string; path: Step[] }[] = [{ type: 'Query', path: [] }];
    const seen = new Set<string>(['Query']);
    while (queue.length > 0) {
      const { type, path } = queue.shift()!;
      for (const field of Object.values((schema.getType(type) as GraphQLObjectType).getFields())) {
        const args = argumentsFor(field);
        const named = getNamedType(field.type);
        if (args === null || !isObjectType(named)) continue;
        const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
        if (named.name === entity && isListType(inner)) return [...path, { text: `${field.name}${args}`, type: entity }];
        if (ENTITIES.has(named.name) || seen.has(named.name)) continue;
        seen.add(named.name);
        queue.push({ type: named.name, path: [...path, { text: `${field.name}${args}`, type: named.name }] });
      }
    }
    return null;
  }

  /**
   * How the matrix reaches objects of a type: Query itself; an entity by its root list; anything
   * else from each of Query and the entity types that reach it without passing another entity (an
   * Explanation under a service and under a CI), so each such parent is asked about.
   */
  function pathsTo(typeName: string): { from: string; path: Step[] }[] {
    if (typeName === 'Query') return [{ from: 'Query', path: [] }];
    if (ENTITIES.has(typeName)) {
      const root = rootOf(typeName);
      return root ? [{ from: typeName, path: root }] : [];
    }
    return ['Query', ...ENTITIES].flatMap((start) => {
      const base = pathsTo(start)[0];
      if (!base) return [];
      const queue = [{ type: start, path: base.path }];
      const seen = new Set([start]);
      while (queue.length > 0) {
        const { type, path } = queue.shift()!;
        for (const field of Object.values((schema.getType(type) as GraphQLObjectType).getFields())) {
          const args = argumentsFor(field);
          const named = getNamedType(field.type);
          if (args === null || !isObjectType(named) || ENTITIES.has(named.name) || seen.has(named.name)) continue;
          const next = [...path, { text: `${field.name}${args}`, type: named.name }];
          if (named.name === typeName) return [{ from: start, path: next }];
          seen.add(named.name);
          queue.push({ type: named.name, path: next });
        }
      }
      return [];
    });
  }

  return { schema, objectTypes, pointers, returnsObjects, selection, argumentsFor, pathsTo };
}

type SchemaModel = ReturnType<typeof schemaModel>;

type Json = any;

/** The entity keys (`Type:id`) an answer value holds: an entity is itself, a pointer the entities it points at. */
function targets(value: Json, pointers: Map<string, string[]>): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => targets(v, pointers));
  if (ENTITIES.has(value.__typename)) return [`${value.__typename}:${value.id}`];
  return (pointers.get(value.__typename) ?? []).flatMap((f) => targets(value[f], pointers));
}

/** Each object at the end of the path, keyed by the chain of objects above it. */
function parentsAlong(data: Json, path: Step[], pointers: Map<string, string[]>): Map<string, Json> {
  let level: [string, Json][] = [['', data]];
  for (const step of path) {
    const name = step.text.replace(/\(.*$/, '');
    level = level.flatMap(([key, obj]) => {
      const value = obj?.[name];
      if (value === null || value === undefined) return [];
      const items: Json[] = Array.isArray(value) ? value : [value];
      return items.map((item): [string, Json] => [`${key}/${name}:${Array.isArray(value) ? targets(item, pointers).join(',') : ''}`, item]);
    });
  }
  return new Map(level);
}

interface Facts {
  components: Map<string, Set<string>>;
  alertCi: Map<string, string | null>;
  incident: Map<string, { service: string | null; ci: string | null }>;
  labels: Map<string, string[]>;
  offeringService: Map<string, string>;
  /** Service and CI ids by their lower-case id and name. */
  names: Map<string, string[]>;
}

/** Records what the admin's answers say about alerts, incidents and articles. */
function learn(value: Json, facts: Facts): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) learn(v, facts);
    return;
  }
  if (value.__typename === 'Alert' && 'ci' in value) facts.alertCi.set(value.id, value.ci?.id ?? null);
  if (value.__typename === 'Incident' && 'ci' in value)
    facts.incident.set(value.id, { service: value.service?.id ?? null, ci: value.ci?.id ?? null });
  if (value.__typename === 'Article' && Array.isArray(value.labels)) facts.labels.set(value.id, value.labels);
  if (value.__typename === 'Offering' && value.service) facts.offeringService.set(value.id, value.service.id);
  for (const v of Object.values(value)) learn(v, facts);
}

function inScopeFor(viewer: MatrixViewer, facts: Facts) {
  const services = new Set(viewer.services);
  const cis = new Set(viewer.services.flatMap((s) => [...(facts.components.get(s) ?? [])]));
  return (key: string): boolean => {
    const at = key.indexOf(':');
    const [type, id] = [key.slice(0, at), key.slice(at + 1)];
    switch (type) {
      case 'Service':
        return services.has(id);
      case 'ConfigurationItem':
        return cis.has(id);
      case 'Alert': {
        const ci = facts.alertCi.get(id);
        if (ci === undefined) throw new Error(`the admin's answers say nothing of alert ${id}`);
        return ci !== null && cis.has(ci);
      }
      case 'Incident': {
        const incident = facts.incident.get(id);
        if (!incident) throw new Error(`the admin's answers say nothing of incident ${id}`);
        return (incident.service !== null && services.has(incident.service)) || (incident.ci !== null && cis.has(incident.ci));
      }
      case 'Article': {
        const labels = facts.labels.get(id);
        if (!labels) throw new Error(`the admin's answers say nothing of article ${id}`);
        const named = labels.flatMap((l) => facts.names.get(l.toLowerCase()) ?? []);
        return named.length === 0 || named.some((n) => services.has(n) || cis.has(n));
      }
      case 'Offering': {
        const service = facts.offeringService.get(id);
        if (!service) throw new Error(`the admin's answers say nothing of offering ${id}`);
        return services.has(service);
      }
      default:
        throw new Error(`${type} is an entity type the matrix cannot place: say here what makes one in scope`);
    }
  };
}

/** One field under test: where it is, how the matrix reaches its parents. */
interface FieldCase {
  /** `Type.field`, and the parent's source when the type is reached from several. */
  name: string;
  field: GraphQLField<unknown, unknown>;
  path: Step[];
}

function fieldsUnderTest(model: SchemaModel): FieldCase[] {
  const out: FieldCase[] = [];
  for (const type of model.objectTypes) {
    const paths = model.pathsTo(type.name);
    // The pointers a pointer type is made of are asked through the fields that return it.
    const own = new Set(model.pointers.get(type.name) ?? []);
    for (const field of Object.values(type.getFields())) {
      if (!model.returnsObjects(field) || own.has(field.name)) continue;
      for (const { from, path } of paths) {
        out.push({ name: `${type.name}.${field.name}${paths.length > 1 ? ` under ${from}` : ''}`, field, path });
      }
    }
  }
  return out;
}

function queryAlong(model: SchemaModel, path: Step[], leaf: string): string {
  let body = leaf;
  for (let i = path.length - 1; i >= 0; i--) body = `${path[i]!.text} { ${model.selection(path[i]!.type, body)} }`;
  return `{ ${body} }`;
}

/** The objects of a field's value, one group of entity keys per item (a pointer item groups what it points at). */
function groups(value: Json, pointers: Map<string, string[]>): string[][] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => groups(v, pointers));
  return [targets(value, pointers)];
}

const sortGroups = (list: string[][]) => list.map((g) => g.join('+')).sort();

/** A parent reached through objects out of scope is the business of the field that listed them. */
function parentInScope(parent: string, inScope: (key: string) => boolean): boolean {
  return parent
    .split('/')
    .flatMap((segment) => segment.slice(segment.indexOf(':') + 1).split(','))
    .filter((key) => key.includes(':'))
    .every(inScope);
}

/**
 * The field of a streamed event that names the object the event is about, and that object's type,
 * by the schema's naming: `serviceId` names a Service.
 */
function eventObject(type: GraphQLObjectType): { field: string; entity: string } {
  for (const f of Object.values(type.getFields())) {
    if (getNamedType(f.type).name !== 'ID') continue;
    const entity = [...ENTITIES].find((e) => `${e.charAt(0).toLowerCase()}${e.slice(1)}Id` === f.name);
    if (entity) return { field: f.name, entity };
  }
  throw new Error(`${type.name}: say here which of its fields names the object an event is about`);
}

/** A status other than the node's last recorded one, so a transition to it is written. */
const otherThan = (last: Status | undefined): Status => (last === 'WARNING' ? 'MINOR' : 'WARNING');

/**
 * Every subscription field, as every matrix viewer and the admin: one transition of every service
 * is written to the history the stream tails, then one of a service every viewer sees; once that
 * one arrived, each stream must have carried exactly the services in its viewer's scope (the admin's:
 * all of them).
 */
export async function defineSubscriptionScopeMatrix(label: string): Promise<void> {
  const model = schemaModel(await loadApiSchema());
  const fields = Object.values(model.schema.getSubscriptionType()?.getFields() ?? {});
  describe(`object-scope matrix of subscriptions (${label})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-matrix-stream-'));
    let stack: Stack;
    // Another writer of the stack's history, as the lease holder's evaluator is for every replica's tail.
    let writer: HistoryStore;
    let services: string[];
    beforeAll(async () => {
      // The tail reads the history at the evaluator interval: a second keeps the wait for an event short.
      stack = await startStack({ dir, policyFile: matrixPolicyFile(), extra: 'evaluatorIntervalMs: 1000' });
      writer = createSqliteHistory(join(dir, 'data'));
      const { body } = await stack.gql(`{ services(first: ${PAGE}) { nodes { id } } }`, { token: await stack.token('admin') });
      services = (body.data as Json).services.nodes.map((s: Json) => s.id);
    }, 120_000);
    afterAll(async () => {
      await writer?.close();
      await stack?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('has a subscription to check', () => expect(fields.length).toBeGreaterThan(0));

    for (const field of fields) {
      it(`Subscription.${field.name}`, async () => {
        const about = eventObject(getNamedType(field.type) as GraphQLObjectType);
        if (about.entity !== 'Service')
          throw new Error(`${field.name} streams ${about.entity}s: say here how to drive a transition of one`);
        const url = stack.url.replace(/\/graphql$/, '/graphql/stream');
        const query = `subscription { ${field.name}${model.argumentsFor(field) ?? ''} { __typename ${about.field} } }`;
        const viewers = [{ name: 'admin', roles: ['admin'], groups: [], services }, ...MATRIX_VIEWERS];
        const streams = await Promise.all(
          viewers.map(async (v) =>
            subscribe(url, { token: await stack.token(v.roles, { sub: `matrix-${v.roles[0]}`, groups: v.groups }), query }),
          ),
        );
        try {
          for (const [i, s] of streams.entries()) expect(s.res.status, viewers[i]?.name).toBe(200);
          const before = await writer.lastSeq();
          const write = async (ids: string[], at: Date) => {
            const latest = await writer.latest();
            await writer.record(
              ids.map((id) => {
                const last = latest.get(id);
                return {
                  id,
                  at,
                  from: last?.status ?? null,
                  to: otherThan(last?.status),
                  inMaintenance: false,
                  fromMaintenance: last?.inMaintenance ?? false,
                };
              }),
            );
          };
          await write(services, new Date());
          const common = services.find((id) => MATRIX_VIEWERS.every((v) => v.services.includes(id)));
          expect(common, 'a service every matrix viewer sees').toBeDefined();
          const lastAt = new Date(Date.now() + 1);
          await write([common as string], lastAt);
          const last = (await writer.changesAfter(before, 10_000)).find((c) => c.nodeId === common && c.at.getTime() === lastAt.getTime());
          expect(last, 'the last transition was written').toBeDefined();
          for (const [i, s] of streams.entries()) {
            const viewer = viewers[i] as MatrixViewer;
            await s.next((e) => e.id === String(last?.seq));
            const seen = new Set(
              s.events
                .filter((e) => e.event === 'next')
                .map((e) => String((e.data.data as Record<string, Json> | undefined)?.[field.name]?.[about.field])),
            );
            expect([...seen].sort(), `Subscription.${field.name} for the ${viewer.name}`).toEqual([...viewer.services].sort());
          }
        } finally {
          await Promise.all(streams.map((s) => s.close()));
        }
      });
    }
  });
}

/**
 * Defines the matrix: one test per field that returns objects (named `Type.field`), each asking as
 * every matrix viewer. `label` names the stack: the self-test runs the same matrix against a
 * deliberately forgetful subgraph.
 */
export async function defineObjectScopeMatrix(label: string): Promise<void> {
  const model = schemaModel(await loadApiSchema());
  const fields = fieldsUnderTest(model);

  describe(`object-scope matrix (${label})`, () => {
    let stack: Stack;
    const tokens = new Map<string, string>();
    let admin: string;
    const facts: Facts = {
      components: new Map(),
      alertCi: new Map(),
      incident: new Map(),
      labels: new Map(),
      offeringService: new Map(),
      names: new Map(),
    };
    /** Every id of each entity type, as the admin lists them (for lookups by id). */
    const ids = new Map<string, string[]>();

    beforeAll(async () => {
      stack = await startStack({ policyFile: matrixPolicyFile() });
      admin = await stack.token('admin', { sub: 'matrix-admin' });
      for (const v of MATRIX_VIEWERS) tokens.set(v.name, await stack.token(v.roles, { sub: `matrix-${v.roles[0]}`, groups: v.groups }));
      // What the oracle needs: every object of every entity type with its facts, every service's components, every name.
      for (const entity of ENTITIES) {
        const path = model.pathsTo(entity)[0]?.path;
        if (!path) continue;
        const { body } = await stack.gql(queryAlong(model, path, ''), { token: admin });
        learn(body.data, facts);
        ids.set(
          entity,
          [...parentsAlong(body.data, path, model.pointers).values()].map((o: Json) => o.id),
        );
      }
      const { body } = await stack.gql(
        `{ services(first: ${PAGE}) { nodes { id name components { id } } } configurationItems(first: 500) { id name } }`,
        { token: admin },
      );
      const data = body.data as Json;
      for (const s of data.services.nodes) facts.components.set(s.id, new Set(s.components.map((c: Json) => c.id)));
      for (const o of [...data.services.nodes, ...data.configurationItems]) {
        for (const name of new Set([o.id.toLowerCase(), o.name.toLowerCase()]))
          facts.names.set(name, [...(facts.names.get(name) ?? []), o.id]);
      }
    }, 120_000);
    afterAll(() => stack?.close());

    it('knows each viewer’s services as servicegraph does, and reaches the whole schema', async () => {
      for (const v of MATRIX_VIEWERS) {
        const { body } = await stack.gql('{ viewer { scope { services } } }', { token: tokens.get(v.name)! });
        expect([...(body.data as Json).viewer.scope.services].sort(), v.name).toEqual(v.services);
      }
      expect(fields.map((f) => f.name)).toEqual(
        expect.arrayContaining([
          'Query.configurationItems',
          'Query.alert',
          'ConfigurationItem.usedBy',
          'Service.tree',
          'Explanation.causes under Service',
          'Incident.suggestedArticles',
        ]),
      );
      for (const entity of ENTITIES) expect(ids.get(entity)?.length, `every ${entity} as the admin lists them`).toBeGreaterThan(0);
    });

    for (const { name, field, path } of fields) {
      it(name, async () => {
        const named = getNamedType(field.type).name;
        const byId = field.args.some((a) => a.name === 'id' && isNonNullType(a.type));
        // A lookup by id is asked for every id the admin knows, each under its own alias.
        const keys = byId ? (ids.get(named) ?? []).map((_, i) => `k${i}`) : [field.name];
        const leaf = byId
          ? (ids.get(named) ?? []).map((id, i) => `k${i}: ${field.name}(id: ${JSON.stringify(id)}) { ${model.selection(named)} }`).join(' ')
          : `${field.name}${model.argumentsFor(field) ?? ''} { ${model.selection(named)} }`;
        const query = queryAlong(model, path, leaf);
        const adminAnswer = await stack.gql(query, { token: admin });
        expect(adminAnswer.body.errors ?? [], `${name} as admin`).toEqual([]);
        learn(adminAnswer.body.data, facts);
        const adminParents = parentsAlong(adminAnswer.body.data, path, model.pointers);
        let compared = 0;
        for (const v of MATRIX_VIEWERS) {
          const inScope = inScopeFor(v, facts);
          const answer = await stack.gql(query, { token: tokens.get(v.name)! });
          for (const [parent, object] of parentsAlong(answer.body.data, path, model.pointers)) {
            const seenByAdmin = adminParents.get(parent);
            if (seenByAdmin === undefined || !parentInScope(parent, inScope)) continue;
            const got = keys.flatMap((k) => groups(object[k], model.pointers));
            const expected = keys.flatMap((k) => groups(seenByAdmin[k], model.pointers)).filter((g) => g.every(inScope));
            expect(sortGroups(got), `${name} for the ${v.name}, under ${parent || 'Query'}`).toEqual(sortGroups(expected));
            compared += 1;
          }
        }
        expect(compared, 'some parent was compared').toBeGreaterThan(0);
      });
    }
  });
}
