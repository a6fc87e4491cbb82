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

/**
 * The role matrix, generated from the SDL annotations: for every field of every type reachable
 * from Query, and every demo role, the allow/deny the policy implies is checked through the real
 * gateway. A new field is covered automatically (and schema/schema.test.ts fails when it has no
 * @drill); for every mutation, the action right is checked, and a denied mutation leaves the
 * tool behind it untouched.
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

/** Shortest path of fields from Query to every object or interface type (breadth first). */
function pathsToTypes(schema: GraphQLSchema): Map<string, Step[]> {
  const paths = new Map<string, Step[]>([['Query', []]]);
  const queue = ['Query'];
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

function queryFor(path: Step[], leafType: GraphQLObjectType, fields: string[]): string {
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
  return `{ ${body} }`;
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

  it('covers every field of every type reachable from Query, for every role', async () => {
    const paths = pathsToTypes(schema);
    let checked = 0;
    for (const [typeName, path] of paths) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type) || typeName === 'Query' || typeName.startsWith('__')) continue;
      const fields = Object.keys(type.getFields());
      for (const role of ROLES) {
        // The first denied step on the way down is where the gateway must stop this role.
        const blockedAt = path.find((step) => !allows(role, step.type, step.field));
        const { body } = await stack.gql(queryFor(path, type, fields), { token: tokens.get(role)! });
        const forbidden = new Set(
          (body.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => String(e.extensions?.['field'])),
        );
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
    // Sanity: the walk reached the whole schema, not a corner of it.
    expect(checked).toBeGreaterThan(200);
  }, 120_000);

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
