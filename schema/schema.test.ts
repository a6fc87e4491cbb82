import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { Kind, parse, type ObjectTypeDefinitionNode, type InterfaceTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from './compose.js';
import { SUBGRAPH_NAMES, SUPERGRAPH_PATH, subgraphSdl } from './subgraphs.js';

describe('the composed supergraph', () => {
  const { supergraphSdl, hints } = composeSupergraph();

  it('is current: schema/supergraph.graphql equals a fresh composition (run npm run compose)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(supergraphSdl);
  });

  it('composes without hints', () => {
    expect(hints).toEqual([]);
  });

  it('keeps @drill and @action for the gateway', () => {
    expect(supergraphSdl).toContain('@drill(level: TELEMETRY)');
    expect(supergraphSdl).toContain('@action(name: "alert:acknowledge")');
  });

  it('loads in @apollo/gateway', async () => {
    const gateway = new ApolloGateway({ supergraphSdl });
    await expect(gateway.load()).resolves.toBeDefined();
    await gateway.stop();
  });

  it('declares the five entities with their key', () => {
    for (const entity of ['Service', 'ConfigurationItem', 'Alert', 'Incident', 'Article']) {
      expect(supergraphSdl).toMatch(new RegExp(`type ${entity}\\b[^{]*@join__type\\(graph: \\w+, key: "id"`));
    }
  });

  it('lets other subgraphs contribute fields to services, CIs and incidents', () => {
    for (const entity of ['Service', 'ConfigurationItem', 'Incident']) {
      const keyedIn = supergraphSdl.match(new RegExp(`type ${entity}\\b[^{]*\\{`))?.[0].match(/@join__type\(graph: \w+, key: "id"/g) ?? [];
      // An entity is federated when at least two subgraphs contribute fields to it under its key.
      expect(keyedIn.length, entity).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('every field carries an authorization annotation', () => {
  for (const name of SUBGRAPH_NAMES) {
    it(`${name}: @drill on every field of every object and interface, @action on every mutation`, () => {
      const doc = parse(subgraphSdl(name));
      const missing: string[] = [];
      for (const def of doc.definitions) {
        if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
        const type = def as ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode;
        for (const field of type.fields ?? []) {
          const directives = field.directives?.map((d) => d.name.value) ?? [];
          // @external fields are another subgraph's: that subgraph annotates them.
          if (directives.includes('external')) continue;
          if (!directives.includes('drill')) missing.push(`${type.name.value}.${field.name.value}: no @drill`);
          if (type.name.value === 'Mutation' && !directives.includes('action')) missing.push(`Mutation.${field.name.value}: no @action`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
