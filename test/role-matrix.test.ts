import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import {
  getNamedType,
  isAbstractType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isEnumType,
  isInputObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnnotationIndex, type AnnotationIndex } from '../authz/annotations.js';
import { loadPolicy } from '../authz/policy.js';
import { drillRank, type DrillLevel } from '../authz/viewer.js';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.js';
import { ROOT, startStack, type Stack } from './harness.js';
import { subscribe } from './sse-client.js';

/**
 * The role matrix, generated from the SDL annotations: for every field of every type reachable
 * from Query or Subscription, and every demo role, the allow/deny the policy implies is checked
 * through the real gateway (subscriptions through /graphql/stream, which refuses a subscription
 * whole). A new field or subscription is covered automatically (and schema/schema.test.ts fails
 * when it has no @drill); for every mutation, the action right is checked, and a denied mutation
 * leaves the tool behind it untouched.
 */
const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const policy = loadPolicy(`${ROOT}/policy/demo.yaml`);
const ROLES = Object.keys(policy.roles);
const index: AnnotationIndex = buildAnnotationIndex(supergraphSdl);

/** Values for required arguments (and the required fields of input objects), so every path can be asked. */
function argumentsFor(field: GraphQLField<unknown, unknown>, parent: string): string {
  const requiredOf = <T extends { type: GraphQLInputType; defaultValue?: unknown }>(all: readonly T[]) =>
    all.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const required = requiredOf(field.args);
  if (required.length === 0) return '';
  const value = (name: string, type: GraphQLInputType): string => {
    const named = getNamedType(type);
    if (isInputObjectType(named)) {
      const inner = requiredOf(Object.values(named.getFields()));
      return `{ ${inner.map((f) => `${f.name}: ${value(f.name, f.type)}`).join(', ')} }`;
    }
    const typeName = named.name;
    if (typeName === 'DateTime') return '"2026-01-01T00:00:00Z"';
    if (typeName === 'Int') return '5';
    if (name === 'id' && parent === 'Query' && field.name === 'service') return '"payroll"';
    if (name === 'id' && parent === 'Query' && field.name === 'configurationItem') return '"server123"';
    if (typeName === 'ID') return '"none:0"';
    return '"server"';
  };
  return `(${required.map((a) => `${a.name}: ${value(a.name, a.type)}`).join(', ')})`;
}

interface Step {
  type: string;
  field: string;
  /** The field with its arguments, as written in the query. */
  text: string;
  /** An inline fragment to reach the next type through an abstract type. */
  fragment?: string;
}

/** The roots the matrix walks from: what /graphql answers and what /graphql/stream streams. */
const ROOTS = ['Query', 'Subscription'] as const;
type Root = (typeof ROOTS)[number];

/** Shortest path of fields from a root to every object or interface type (breadth first, Query first). */
function pathsToTypes(schema: GraphQLSchema): Map<string, Step[]> {
  const roots = ROOTS.filter((r) => schema.getType(r));
  const paths = new Map<string, Step[]>(roots.map((r) => [r, []]));
  const queue: string[] = [...roots];
  while (queue.length > 0) {
    const typeName = queue.shift()!;
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (isScalarType(target) || isEnumType(target)) continue;
      const candidates = isAbstractType(target) ? [target, ...schema.getPossibleTypes(target)] : [target];
      for (const next of candidates) {
        if (paths.has(next.name)) continue;
        const step: Step = { type: typeName, field: field.name, text: `${field.name}${argumentsFor(field, typeName)}` };
        if (next !== target) step.fragment = next.name;
        paths.set(next.name, [...paths.get(typeName)!, step]);
        queue.push(next.name);
      }
    }
  }
  return paths;
}

function queryFor(path: Step[], leafType: GraphQLObjectType, fields: string[]): { root: Root; text: string } {
  const leaf = fields
    .map((name) => {
      const field = leafType.getFields()[name]!;
      const target = getNamedType(field.type);
      const sub = isScalarType(target) || isEnumType(target) ? '' : ' { __typename }';
      return `${field.name}${argumentsFor(field, leafType.name)}${sub}`;
    })
    .join(' ');
  // __typename keeps the leaf selection non-empty when every field in it is denied, so the gateway
  // reports each denied field rather than pruning the emptied parent.
  let body = `__typename ${leaf}`;
  for (const step of [...path].reverse()) {
    body = step.fragment ? `${step.text} { __typename ... on ${step.fragment} { ${body} } }` : `${step.text} { __typename ${body} }`;
  }
  const root = (path[0]?.type ?? 'Query') as Root;
  return { root, text: `${root === 'Subscription' ? 'subscription ' : ''}{ ${body} }` };
}

const levelOf = (role: string): DrillLevel => policy.roles[role]!.drillLevel as DrillLevel;
const allows = (role: string, type: string, field: string) => drillRank(levelOf(role)) >= drillRank(index.levelOf(type, field));

describe('role matrix through the gateway', () => {
  let stack: Stack;
  let schema: GraphQLSchema;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    stack = await startStack();
    // Groups that give owned/consumed scopes something to hold: hr-it owns payroll (server123's service).
    const groups: Record<string, string[]> = { 'service-owner': ['hr-it'], 'end-user': ['all-staff'] };
    for (const role of ROLES) tokens.set(role, await stack.token(role, { sub: `matrix-${role}`, groups: groups[role] ?? [] }));
    const gateway = new ApolloGateway({ supergraphSdl });
    schema = (await gateway.load()).schema;
    await gateway.stop();
  });
  afterAll(() => stack?.close());

  /**
   * The fields the gateway refuses the role in this operation: on /graphql each FORBIDDEN error's
   * field; on /graphql/stream, which refuses a subscription whole (a stream has no partial answer),
   * the `denied` of its 403, and none when the stream opens.
   */
  async function forbiddenFields(operation: { root: Root; text: string }, token: string): Promise<Set<string>> {
    if (operation.root === 'Query') {
      const { body } = await stack.gql(operation.text, { token });
      return new Set((body.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => String(e.extensions?.['field'])));
    }
    const sub = await subscribe(stack.url.replace(/\/graphql$/, '/graphql/stream'), { token, query: operation.text });
    try {
      if (sub.res.status === 200) return new Set();
      const body = (await sub.res.json()) as { errors: { extensions: { code: string; denied?: { field: string }[] } }[] };
      expect(sub.res.status, operation.text).toBe(403);
      expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
      return new Set((body.errors[0]?.extensions.denied ?? []).map((d) => d.field));
    } finally {
      await sub.close();
    }
  }

  it('covers every field of every type reachable from Query and Subscription, for every role', async () => {
    const paths = pathsToTypes(schema);
    let checked = 0;
    const walked = new Set<string>();
    for (const [typeName, path] of paths) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type) || (ROOTS as readonly string[]).includes(typeName) || typeName.startsWith('__')) continue;
      const fields = Object.keys(type.getFields());
      const operation = queryFor(path, type, fields);
      walked.add(operation.root);
      for (const role of ROLES) {
        // The first denied step on the way down is where the gateway must stop this role.
        const blockedAt = path.find((step) => !allows(role, step.type, step.field));
        const forbidden = await forbiddenFields(operation, tokens.get(role)!);
        if (blockedAt) {
          expect(forbidden, `${role}: ${typeName} reached through ${blockedAt.type}.${blockedAt.field}`).toContain(
            `${blockedAt.type}.${blockedAt.field}`,
          );
          continue;
        }
        for (const field of fields) {
          const expected = allows(role, typeName, field);
          expect(forbidden.has(`${typeName}.${field}`), `${role} ${typeName}.${field} should be ${expected ? 'allowed' : 'denied'}`).toBe(
            !expected,
          );
          checked += 1;
        }
      }
    }
    // Sanity: the walk reached the whole schema, not a corner of it, from every root it has.
    expect(checked).toBeGreaterThan(200);
    expect([...walked].sort()).toEqual(ROOTS.filter((r) => schema.getType(r)).sort());
  }, 120_000);

  it('refuses every subscription field to exactly the roles below its drill level', async () => {
    const fields = Object.values(schema.getSubscriptionType()?.getFields() ?? {});
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      const target = getNamedType(field.type);
      const selection = isScalarType(target) || isEnumType(target) ? '' : ' { __typename }';
      const operation = {
        root: 'Subscription' as const,
        text: `subscription { ${field.name}${argumentsFor(field, 'Subscription')}${selection} }`,
      };
      for (const role of ROLES) {
        const forbidden = await forbiddenFields(operation, tokens.get(role)!);
        expect(forbidden.has(`Subscription.${field.name}`), `${role} Subscription.${field.name}`).toBe(
          !allows(role, 'Subscription', field.name),
        );
      }
    }
  });

  describe('actions: every mutation for every role, the tool untouched when denied', () => {
    const MUTATIONS: Record<string, string> = {
      acknowledgeAlert: 'acknowledgeAlert(id: $alert, comment: "matrix") { id acknowledged }',
      unacknowledgeAlert: 'unacknowledgeAlert(id: $alert) { id acknowledged }',
      createIncident: 'createIncident(input: { title: "matrix", description: "matrix", ciId: "server123" }) { id }',
      commentIncident: 'commentIncident(id: $incident, text: "matrix") { id }',
      linkArticle: 'linkArticle(incidentId: $incident, articleId: $article) { id linkedArticleIds }',
      reportProblem: 'reportProblem(serviceId: "payroll", text: "matrix") { number }',
      requestOffering: 'requestOffering(input: { offeringId: "payroll.payslip-reissue", clientMutationId: "matrix" }) { number }',
    };

    it('lists a mutation here for every @action in the schema', () => {
      expect(Object.keys(MUTATIONS).sort()).toEqual([...index.actions.keys()].map((k) => k.replace(/^Mutation\./, '')).sort());
    });

    for (const role of ROLES) {
      it(role, async () => {
        const admin = await stack.token('admin');
        const state = async () => {
          const { body } = await stack.gql(
            `{ alerts(first: 500) { id acknowledged } incidents(filter: { openOnly: false }, first: 500) { id linkedArticleIds } searchArticles(text: "server123") { id } }`,
            { token: admin },
          );
          return body.data as {
            alerts: { id: string; acknowledged: boolean }[];
            incidents: { id: string; linkedArticleIds: string[] }[];
            searchArticles: { id: string }[];
          };
        };
        const before = await state();
        const variables = {
          alert: before.alerts.find((a) => !a.acknowledged)!.id,
          incident: before.incidents[0]!.id,
          article: before.searchArticles[0]!.id,
        };
        for (const [name, selection] of Object.entries(MUTATIONS)) {
          const action = index.actionOf(name)!;
          const granted = (policy.roles[role]!.actions as string[]).includes(action);
          const used = ['alert', 'incident', 'article'].filter((v) => selection.includes(`$${v}`));
          const declared = used.map((v) => `$${v}: ID!`).join(', ');
          const { body } = await stack.gql(`mutation${declared ? `(${declared})` : ''} { ${selection} }`, {
            token: tokens.get(role)!,
            variables: Object.fromEntries(used.map((v) => [v, variables[v as keyof typeof variables]])),
          });
          const codes = (body.errors ?? []).map((e) => e.extensions?.['code']);
          if (granted) {
            expect(codes, `${role} may ${action}`).not.toContain('FORBIDDEN');
          } else {
            expect(codes, `${role} may not ${action}`).toContain('FORBIDDEN');
            expect(body.data ?? null, `${role} ${name}: no data for a rejected mutation`).toBeNull();
            const after = await state();
            expect(after.incidents.length, `${role} ${name}: no incident created`).toBe(before.incidents.length);
            expect(after.alerts.filter((a) => a.acknowledged).length, `${role} ${name}: no alert acknowledged`).toBe(
              before.alerts.filter((a) => a.acknowledged).length,
            );
            expect(
              after.incidents.map((i) => i.linkedArticleIds.length),
              `${role} ${name}: no article linked`,
            ).toEqual(before.incidents.map((i) => i.linkedArticleIds.length));
          }
          if (granted) Object.assign(before, await state());
        }
      });
    }
  });
});
