import { beforeAll, describe, expect, it } from 'vitest';
import { parse, print, validate, type GraphQLSchema } from 'graphql';
import type { AnnotationIndex } from './annotations.js';
import { EMPTY_ALIAS, filterOperation, type FilterViewer } from './operation-filter.js';
import { loadApiSchema, viewerWith } from './test-support.js';

let schema: GraphQLSchema;
let index: AnnotationIndex;
beforeAll(async () => {
  ({ schema, index } = await loadApiSchema());
});

const executive = () => viewerWith(['executive']);
const helpdesk = () => viewerWith(['helpdesk']);
const operator = () => viewerWith(['operator']);

function run(query: string, viewer: FilterViewer) {
  const result = filterOperation(parse(query), schema, index, viewer);
  // Whatever the filter leaves must still be a valid operation for the gateway to plan.
  expect(validate(schema, result.document)).toEqual([]);
  return { ...result, text: print(result.document) };
}

const compact = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('filterOperation', () => {
  it('returns the document untouched when the viewer may read everything', () => {
    const doc = parse('{ service(id: "payroll") { name rootCauses { pathText ci { name sourceLinks { url } } } } }');
    const result = filterOperation(doc, schema, index, operator());
    expect(result.changed).toBe(false);
    expect(result.document).toBe(doc);
    expect(result.denied).toEqual([]);
  });

  it('removes a field above the drill level and reports its path and the level it needs', () => {
    const r = run('{ service(id: "payroll") { name rootCauses { pathText } } }', executive());
    expect(compact(r.text)).toBe('{ service(id: "payroll") { name } }');
    expect(r.denied).toEqual([{ path: ['service', 'rootCauses'], field: 'Service.rootCauses', needs: 'COMPONENT', operation: null }]);
  });

  it('filters inside a named fragment and reports the denial at every path the fragment is spread at', () => {
    const r = run(
      `query Board { service(id: "payroll") { ...Detail } services { nodes { ...Detail } } }
       fragment Detail on Service { name components { name } }`,
      executive(),
    );
    expect(compact(r.text)).toContain('fragment Detail on Service { name }');
    expect(r.denied.map((d) => d.path)).toEqual([
      ['service', 'components'],
      ['services', 'nodes', 'components'],
    ]);
    expect(r.denied.every((d) => d.operation === 'Board')).toBe(true);
  });

  it('filters inside an inline fragment', () => {
    const r = run('{ service(id: "payroll") { ... on Service { name kpis { name expression } } } }', helpdesk());
    expect(compact(r.text)).toBe('{ service(id: "payroll") { ... on Service { name kpis { name } } } }');
    expect(r.denied).toEqual([{ path: ['service', 'kpis', 'expression'], field: 'Kpi.expression', needs: 'TELEMETRY', operation: null }]);
  });

  it('reports the alias as the path, not the field name', () => {
    const r = run('{ pay: service(id: "payroll") { title: name causes: rootCauses { pathText } } }', executive());
    expect(r.denied).toEqual([{ path: ['pay', 'causes'], field: 'Service.rootCauses', needs: 'COMPONENT', operation: null }]);
  });

  it('applies the interface rule: HealthNode.status may be a CI, so it needs COMPONENT; on Service it needs BUSINESS', () => {
    const serviceLevel = viewerWith(['executive']);
    const viewer = { ...serviceLevel, drillLevel: 'SERVICE' as const };
    const r = run('{ service(id: "payroll") { dependencies { relation node { id status ... on Service { name status } } } } }', viewer);
    expect(compact(r.text)).toBe('{ service(id: "payroll") { dependencies { relation node { ... on Service { name status } } } } }');
    expect(r.denied.map((d) => `${d.path.join('.')}:${d.field}:${d.needs}`)).toEqual([
      'service.dependencies.node.id:HealthNode.id:COMPONENT',
      'service.dependencies.node.status:HealthNode.status:COMPONENT',
    ]);
  });

  it('removes variable definitions only removed fields used', () => {
    const r = run(
      `query Q($id: ID!, $from: DateTime!, $depth: Int) {
         service(id: $id) { name statusHistory(from: $from) { to } tree(depth: $depth) { name } }
       }`,
      executive(),
    );
    expect(compact(r.text)).toBe('query Q($id: ID!) { service(id: $id) { name } }');
  });

  it('keeps a variable still used in a fragment', () => {
    const r = run(
      `query Q($first: Int) { businessImpact { ...Top } outages(first: $first) { rank } }
       fragment Top on BusinessImpact { topServices(first: $first) { name } }`,
      executive(),
    );
    expect(r.text).toContain('query Q($first: Int)');
    expect(r.denied.map((d) => d.field)).toEqual(['Query.outages']);
  });

  it('prunes a selection set left empty together with its parent, reported once at the parent', () => {
    const r = run('{ service(id: "payroll") { name rule { kind text } sla { objective } } }', executive());
    expect(compact(r.text)).toBe('{ service(id: "payroll") { name sla { objective } } }');
    expect(r.denied).toEqual([{ path: ['service', 'rule'], field: 'Service.rule', needs: 'SERVICE', operation: null }]);

    // A parent whose fields are all too deep, though it is readable itself, goes too.
    const kpi = run('{ service(id: "payroll") { name kpis { expression } } }', helpdesk());
    expect(compact(kpi.text)).toBe('{ service(id: "payroll") { name } }');
    expect(kpi.denied).toEqual([{ path: ['service', 'kpis'], field: 'Service.kpis', needs: 'TELEMETRY', operation: null, emptied: true }]);
  });

  it('drops a fragment that becomes empty, and its spreads', () => {
    const r = run(
      `{ service(id: "payroll") { name ...Deep } }
       fragment Deep on Service { rootCauses { pathText } components { name } }`,
      executive(),
    );
    expect(r.text).not.toContain('Deep');
    expect(r.denied.map((d) => d.field)).toEqual(['Service.rootCauses', 'Service.components']);
  });

  it('answers an operation with nothing left with a placeholder that still validates, and says so', () => {
    const r = run('query Ops { outages { rank } alerts { id } }', executive());
    expect(compact(r.text)).toBe(`query Ops { ${EMPTY_ALIAS}: __typename }`);
    expect(r.emptiedOperations).toEqual(['Ops']);
    expect(r.placeholders).toEqual([{ operation: 'Ops', path: [EMPTY_ALIAS] }]);
    expect(r.denied.map((d) => d.path)).toEqual([['outages'], ['alerts']]);
  });

  it('reports a mutation whose action the viewer lacks, in a document that also holds queries', () => {
    const r = run(
      `query Board { service(id: "payroll") { name rootCauses { pathText } } }
       mutation Ack($id: ID!) { acknowledgeAlert(id: $id, comment: "on it") { id labels { name } } }`,
      helpdesk(),
    );
    expect(r.forbiddenMutations).toEqual([
      {
        field: 'Mutation.acknowledgeAlert',
        responseKey: 'acknowledgeAlert',
        action: 'alert:acknowledge',
        needs: 'COMPONENT',
        operation: 'Ack',
      },
    ]);
    // The mutation stays in the document (the gateway rejects it whole); its selections are still filtered.
    expect(compact(r.text)).toContain('mutation Ack($id: ID!) { acknowledgeAlert(id: $id, comment: "on it") { id } }');
    expect(r.denied).toEqual([{ path: ['acknowledgeAlert', 'labels'], field: 'Alert.labels', needs: 'TELEMETRY', operation: 'Ack' }]);
    expect(run('mutation { acknowledgeAlert(id: "a", comment: "x") { id } }', operator()).forbiddenMutations).toEqual([]);
  });

  it('reports a mutation the viewer has the action for but not the drill level', () => {
    const odd = { ...viewerWith(['executive']), actions: ['alert:acknowledge'] };
    const r = run('mutation { acknowledgeAlert(id: "a", comment: "x") { id } }', odd);
    expect(r.forbiddenMutations).toEqual([
      { field: 'Mutation.acknowledgeAlert', responseKey: 'acknowledgeAlert', action: null, needs: 'COMPONENT', operation: null },
    ]);
  });

  it('keeps a mutation whose whole selection is denied, selecting a placeholder instead', () => {
    const r = run('mutation { createIncident(input: { title: "t", description: "d" }) { ci { sourceLinks { url } } } }', helpdesk());
    expect(r.forbiddenMutations).toEqual([]);
    expect(compact(r.text)).toBe(`mutation { createIncident(input: {title: "t", description: "d"}) { ${EMPTY_ALIAS}: __typename } }`);
    expect(r.denied).toEqual([
      { path: ['createIncident', 'ci'], field: 'Incident.ci', needs: 'TELEMETRY', operation: null, emptied: true },
    ]);
    expect(r.placeholders).toEqual([{ operation: null, path: ['createIncident', EMPTY_ALIAS] }]);
  });

  it('denies everything to a viewer with no role', () => {
    const nobody = viewerWith([]);
    const r = run('{ viewer { id } businessImpact { servicesDown } }', nobody);
    expect(r.emptiedOperations).toEqual([null]);
    expect(r.denied.map((d) => d.field)).toEqual(['Query.viewer', 'Query.businessImpact']);
  });

  it('leaves __typename and introspection to other checks', () => {
    const r = run('{ __typename service(id: "p") { __typename name } __type(name: "Service") { name } }', executive());
    expect(r.changed).toBe(false);
  });

  it('leaves invalid documents for validation: unknown fields and fragment cycles', () => {
    const unknown = filterOperation(parse('{ service(id: "p") { nope } }'), schema, index, executive());
    expect(unknown.changed).toBe(false);
    const cycle = parse('{ service(id: "p") { ...A } } fragment A on Service { name ...B } fragment B on Service { ...A }');
    expect(() => filterOperation(cycle, schema, index, executive())).not.toThrow();
  });

  it('walks union-free abstract lists: Explanation.causes through inline fragments per type', () => {
    const serviceLevel = { ...viewerWith(['executive']), drillLevel: 'SERVICE' as const };
    const r = run(
      '{ service(id: "p") { explanation { text causes { ... on Service { name } ... on ConfigurationItem { name class } } } } }',
      serviceLevel,
    );
    expect(compact(r.text)).toBe('{ service(id: "p") { explanation { text causes { ... on Service { name } } } } }');
    expect(r.denied.map((d) => d.field)).toEqual(['ConfigurationItem.name', 'ConfigurationItem.class']);
  });
});
