import fc from 'fast-check';
import { SEVERITY_ORDER, type Severity, type Status } from '../../kernel/model.js';
import type { EdgeMap, GraphNode, HealthGraph, LeafState, NodeOptions, ReduceRule } from './types.js';
import { ruleProblems } from './rules.js';

/** fast-check generators of small random models for the engine's property tests. */

export const severity: fc.Arbitrary<Severity> = fc.constantFrom(...SEVERITY_ORDER);
export const status: fc.Arbitrary<Status> = fc.constantFrom<Status>(...SEVERITY_ORDER, 'UNKNOWN');

/**
 * Every reduce rule kind with random parameters, kept to what the kind's own checks accept (the
 * engine isolates a node whose rule is invalid; validity is tested on its own). rules.test.ts checks
 * that every kind of the registry is generated here.
 */
export const reduceRule: fc.Arbitrary<ReduceRule> = fc
  .oneof(
    fc.constant<ReduceRule>({ kind: 'worst' }),
    fc.constant<ReduceRule>({ kind: 'best' }),
    fc.constant<ReduceRule>({ kind: 'worstIfAll' }),
    fc
      .tuple(
        severity,
        fc.oneof(
          fc.record({ count: fc.integer({ min: 1, max: 5 }) }),
          fc.record({ percent: fc.integer({ min: 1, max: 100 }) }),
          fc.record({ weight: fc.integer({ min: 1, max: 12 }) }),
          fc.record({ weightPercent: fc.integer({ min: 1, max: 100 }) }),
        ),
        fc.boolean(),
        severity,
      )
      .map(
        ([atLeast, limit, lessThan, then]): ReduceRule => ({
          kind: 'threshold',
          atLeast,
          ...limit,
          ...(lessThan ? { lessThan } : {}),
          then,
        }),
      ),
    fc
      .record({ min: fc.integer({ min: 1, max: 6 }), then: severity, degraded: severity }, { requiredKeys: ['min'] })
      .map((r): ReduceRule => ({ kind: 'quorum', ...r })),
    fc.integer({ min: 1, max: 6 }).map((min): ReduceRule => ({ kind: 'quorum', min, worstOfBest: true })),
    fc.record({ then: severity, several: severity }, { requiredKeys: [] }).map((r): ReduceRule => ({ kind: 'exclusive', ...r })),
  )
  .filter((r) => ruleProblems(r).length === 0);

export const edgeMap: fc.Arbitrary<EdgeMap> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<EdgeMap>({ kind: 'identity' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((n): EdgeMap => ({ kind: 'increase', n })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((n): EdgeMap => ({ kind: 'decrease', n })) },
  { weight: 1, arbitrary: severity.map((s): EdgeMap => ({ kind: 'set', status: s })) },
  { weight: 1, arbitrary: fc.constant<EdgeMap>({ kind: 'ignore' }) },
);

export const options: fc.Arbitrary<NodeOptions> = fc.record({
  unknownAs: fc.constantFrom('UNKNOWN', 'OK', 'WORST'),
  acknowledgedAsOk: fc.boolean(),
  maintenance: fc.constantFrom('checkmk', 'ignore'),
});

export const leafState = (statuses: fc.Arbitrary<Status> = status): fc.Arbitrary<LeafState> =>
  fc.record({ status: statuses, acknowledged: fc.boolean(), inMaintenance: fc.boolean(), reason: fc.constant('generated') });

export const rules = fc.tuple(reduceRule, fc.array(reduceRule, { maxLength: 2 }));

/** A random DAG: node i may depend only on nodes with a lower number, so it is acyclic by construction. */
export const dag = (maxNodes = 14): fc.Arbitrary<{ graph: HealthGraph; leaves: Map<string, LeafState> }> =>
  fc.integer({ min: 2, max: maxNodes }).chain((n) =>
    fc
      .tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.record({
            kind: fc.constantFrom<'service' | 'ci'>('service', 'ci'),
            rules,
            options,
            edges: fc
              .uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : Math.min(i, 5) })
              .chain((kids) =>
                fc.tuple(...kids.map((c) => fc.record({ c: fc.constant(c), map: edgeMap, weight: fc.integer({ min: 0, max: 5 }) }))),
              ),
            leaf: fc.option(leafState(), { nil: undefined }),
          }),
        ),
      )
      .map((specs) => {
        const nodes = new Map<string, GraphNode>();
        const leaves = new Map<string, LeafState>();
        specs.forEach((s, i) => {
          const id = `n${i}`;
          nodes.set(id, {
            id,
            kind: s.kind,
            name: id,
            rule: { main: s.rules[0], extra: s.rules[1], options: s.options },
            edges: s.edges.map((e) => ({ childId: `n${e.c}`, map: e.map, weight: e.weight, relation: 'DEPENDS_ON' })),
          });
          if (s.leaf) leaves.set(id, s.leaf);
        });
        return { graph: { nodes }, leaves };
      }),
  );
