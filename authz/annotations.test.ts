import { describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, subgraphSdl } from '../schema/subgraphs.js';
import { buildAnnotationIndex, listActions, listUnannotated } from './annotations.js';
import { SUPERGRAPH_SDL } from './test-support.js';

describe('annotation index of the supergraph', () => {
  const index = buildAnnotationIndex(SUPERGRAPH_SDL);

  it('reads field levels, falling back to the type level', () => {
    expect(index.levelOf('Service', 'name')).toBe('BUSINESS');
    expect(index.levelOf('Service', 'rootCauses')).toBe('COMPONENT');
    expect(index.levelOf('Service', 'alerts')).toBe('COMPONENT'); // contributed by monitoring
    expect(index.levelOf('Kpi', 'expression')).toBe('TELEMETRY');
    expect(index.levelOf('ConfigurationItem', 'sourceLinks')).toBe('TELEMETRY');
    expect(index.typeLevel('Explanation')).toBe('SERVICE');
  });

  it('gives an interface field the deepest level of the interface and its implementations', () => {
    // HealthNode says BUSINESS, Service says BUSINESS, ConfigurationItem says COMPONENT.
    expect(index.levelOf('HealthNode', 'status')).toBe('COMPONENT');
    expect(index.levelOf('HealthNode', 'id')).toBe('COMPONENT');
    expect(index.levelOf('HealthNode', 'explanation')).toBe('COMPONENT');
    expect(index.levelOf('Service', 'status')).toBe('BUSINESS');
  });

  it('maps every mutation to its action', () => {
    expect(Object.fromEntries(index.actions)).toEqual({
      'Mutation.acknowledgeAlert': 'alert:acknowledge',
      'Mutation.unacknowledgeAlert': 'alert:acknowledge',
      'Mutation.createIncident': 'incident:create',
      'Mutation.commentIncident': 'incident:comment',
      'Mutation.linkArticle': 'article:link',
      'Mutation.reportProblem': 'problem:report',
      'Mutation.requestOffering': 'offering:request',
    });
    expect(index.actionOf('createIncident')).toBe('incident:create');
  });

  it('makes an unannotated field need the deepest level (hidden rather than leaked)', () => {
    const small = buildAnnotationIndex(
      'type Query { a: String b: String @drill(level: BUSINESS) } type T @drill(level: SERVICE) { x: Int }',
    );
    expect(small.levelOf('Query', 'a')).toBe('TELEMETRY');
    expect(small.levelOf('Query', 'b')).toBe('BUSINESS');
    expect(small.levelOf('T', 'x')).toBe('SERVICE');
    expect(small.levelOf('Nope', 'x')).toBe('TELEMETRY');
  });

  it('reads type extensions (subgraph SDLs may extend types)', () => {
    const ext = buildAnnotationIndex('type Query { a: Int @drill(level: BUSINESS) } extend type Query { b: Int @drill(level: SERVICE) }');
    expect(ext.levelOf('Query', 'b')).toBe('SERVICE');
  });
});

describe('every field of the real schema is annotated', () => {
  it.each([...SUBGRAPH_NAMES])('subgraph %s', (name) => {
    expect(listUnannotated(subgraphSdl(name))).toEqual([]);
  });

  it('the supergraph', () => {
    expect(listUnannotated(SUPERGRAPH_SDL)).toEqual([]);
  });

  it('listUnannotated finds a field without @drill and a mutation without @action', () => {
    const sdl = `
      type Query { ok: Int @drill(level: BUSINESS) bare: Int }
      type Mutation { doIt: Int @drill(level: COMPONENT) }
      type Covered @drill(level: SERVICE) { x: Int }
      type Entity @key(fields: "id") { id: ID! @drill(level: BUSINESS) remote: Int @external }
    `;
    expect(listUnannotated(sdl)).toEqual(['Query.bare', 'Mutation.doIt (no @action)']);
  });

  it('the action vocabulary comes from the SDL', () => {
    expect([...listActions(...SUBGRAPH_NAMES.map((n) => subgraphSdl(n)))].sort()).toEqual([
      'alert:acknowledge',
      'article:link',
      'incident:comment',
      'incident:create',
      'offering:request',
      'problem:report',
    ]);
  });
});
