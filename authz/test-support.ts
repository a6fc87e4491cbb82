import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { buildAnnotationIndex, type AnnotationIndex } from './annotations.js';
import { loadPolicy, resolveViewer, type Policy, type PolicyStore } from './policy.js';
import type { Viewer } from './viewer.js';

/** Shared fixtures of the authz tests: the real supergraph, its API schema, the demo policy. */

export const DEMO_POLICY_FILE = fileURLToPath(new URL('../policy/demo.yaml', import.meta.url));
export const SUPERGRAPH_SDL = readFileSync(fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)), 'utf8');

export const demoPolicy = (): Policy => loadPolicy(DEMO_POLICY_FILE);

/** A viewer of the demo policy holding the given roles. */
export function viewerWith(roles: string[], groups: string[] = [], policy: Policy = demoPolicy()): Viewer {
  return resolveViewer(policy, { sub: `test-${roles.join('+') || 'none'}`, roles, groups });
}

/** A PolicyStore over a fixed policy (tests change `policy` fields to switch modes). */
export function staticPolicyStore(policy: Policy): PolicyStore {
  return {
    current: () => policy,
    viewerFor: (identity) => resolveViewer(policy, identity),
    onChange: () => () => {},
    reload: () => true,
    close: () => {},
  };
}

/** The API schema the gateway serves for the committed supergraph (loads it the way the gateway does). */
export async function loadApiSchema(): Promise<{ schema: GraphQLSchema; index: AnnotationIndex }> {
  const gateway = new ApolloGateway({ supergraphSdl: SUPERGRAPH_SDL });
  const { schema } = await gateway.load();
  await gateway.stop();
  return { schema, index: buildAnnotationIndex(SUPERGRAPH_SDL) };
}
