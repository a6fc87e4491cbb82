import type { HTTPGraphQLResponse } from '@apollo/server';
import { Kind, parse } from 'graphql';
import type { Viewer } from '../authz/viewer.js';

/**
 * Request merging (server.mergeRequests, off by default): identical concurrent queries from viewers
 * who may see exactly the same data run once and every caller gets that one answer. "Identical" is
 * the same request body byte for byte and the same Accept header; "the same data" is the same
 * visibility key (below). A mutation is never merged, and a request arriving after the answer went
 * out runs anew: nothing is cached beyond the requests in flight.
 *
 * The authorization audit records the request that ran; the callers merged into it are not audited
 * again (which is one reason merging is off by default).
 */

/**
 * Everything the data a viewer gets depends on: drill level, actions, and each role's level,
 * actions and scope, plus the groups that `owned`/`consumed` scopes resolve against. Two viewers
 * with the same key are told the same thing by every field, filter and scope rule; anything else
 * (another group, another role with the same level) gives another key.
 */
export function visibilityKey(viewer: Viewer): string {
  const sorted = (xs: readonly string[]) => [...xs].sort();
  const grants = viewer.grants
    .map((g) => [g.role, g.drillLevel, sorted(g.actions), g.scope, g.actOnChildren] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify([viewer.anonymous, viewer.drillLevel, sorted(viewer.actions), sorted(viewer.groups), viewer.scope, grants]);
}

const READ_ONLY_MEMO = 1000;

export function createRequestMerger() {
  const inFlight = new Map<string, Promise<HTTPGraphQLResponse>>();
  /** Whether a body holds only queries, by body text (parsed once per text). */
  const readOnly = new Map<string, boolean>();

  function onlyQueries(body: string): boolean {
    let known = readOnly.get(body);
    if (known === undefined) {
      known = false;
      try {
        const { query } = JSON.parse(body) as { query?: unknown };
        if (typeof query === 'string') {
          known = parse(query, { noLocation: true }).definitions.every(
            (d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === 'query',
          );
        }
      } catch {
        // not JSON or not GraphQL: Apollo Server answers it, unmerged
      }
      if (readOnly.size >= READ_ONLY_MEMO) readOnly.clear();
      readOnly.set(body, known);
    }
    return known;
  }

  return {
    /**
     * Runs `execute` for this request, or shares the answer of the identical one in flight. A
     * shared answer that is not complete (incremental delivery) or failed is not reused: the
     * merged callers run their own.
     */
    run(viewer: Viewer, accept: string, body: string, execute: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
      if (!onlyQueries(body)) return execute();
      const key = `${visibilityKey(viewer)}\n${accept}\n${body}`;
      const running = inFlight.get(key);
      if (running) return running.then((r) => (r.body.kind === 'complete' ? r : execute()), execute);
      const mine = execute().finally(() => inFlight.delete(key));
      inFlight.set(key, mine);
      return mine;
    },
  };
}
