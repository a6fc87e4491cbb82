import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeMap, reduceRule } from '../arbitraries.js';
import { MAP_KINDS } from '../maps/index.js';
import { CRITICAL, OK } from '../status.js';
import { RULE_KINDS } from './index.js';
import type { EdgeMapDefinition, RuleKindDefinition } from './kind.js';

/**
 * The contract every reduce rule kind (and every edge map, below) must keep, run for each registered kind (rules.test.ts checks
 * that the registry holds every file and that reduceRule generates every kind). The engine relies
 * on each clause: root cause and UNKNOWN bounds on symmetry and monotony, the start-up and run-time
 * checks on `members` being exact. A self-test shows the contract catches a kind that breaks it.
 */

type Kind = RuleKindDefinition<{ kind: string }>;
const children = fc.array(fc.record({ v: fc.integer({ min: OK, max: CRITICAL }), w: fc.integer({ min: 0, max: 4 }) }), {
  minLength: 1,
  maxLength: 6,
});
const run = (def: Kind, rule: { kind: string }, kids: { v: number; w: number }[]) =>
  def.compile(rule)(
    kids.map((k) => k.v),
    kids.map((k) => k.w),
    kids.length,
    0,
  );

/** Every status assignment of n children (5^n, n ≤ 4). */
function* assignments(n: number): Generator<number[]> {
  if (n === 0) yield [];
  else for (const rest of assignments(n - 1)) for (let v = OK; v <= CRITICAL; v++) yield [v, ...rest];
}

function contract(def: Kind, rules: fc.Arbitrary<{ kind: string }>) {
  // Children are seen only through (value, weight): order never matters.
  fc.assert(
    fc.property(rules, children, fc.nat(), (rule, kids, seed) => {
      const shuffled = [...kids].sort((a, b) => ((a.v * 7 + a.w * 3 + seed) % 11) - ((b.v * 7 + b.w * 3 + seed) % 11));
      expect(run(def, rule, shuffled)).toBe(run(def, rule, kids));
    }),
    { numRuns: 150 },
  );
  if (def.monotone) {
    // Making a child worse never makes the result better.
    fc.assert(
      fc.property(rules, children, fc.nat(), (rule, kids, pick) => {
        const k = pick % kids.length;
        const worse = kids.map((c, i) => (i === k ? { ...c, v: Math.min(CRITICAL, c.v + 1) } : c));
        expect(run(def, rule, worse)).toBeGreaterThanOrEqual(run(def, rule, kids));
      }),
      { numRuns: 150 },
    );
  } else {
    // Not monotone: only how many children are OK may matter (core.ts, decide).
    fc.assert(
      fc.property(rules, children, fc.nat(), (rule, kids, pick) => {
        const k = pick % kids.length;
        const other = kids.map((c, i) => (i === k && c.v > OK ? { ...c, v: 1 + ((c.v + pick) % CRITICAL) } : c));
        expect(run(def, rule, other)).toBe(run(def, rule, kids));
      }),
      { numRuns: 150 },
    );
  }
  // members() reports a problem exactly when no status of the members gives OK.
  fc.assert(
    fc.property(rules, fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }), (rule, weights) => {
      const total = weights.reduce((a, b) => a + b, 0);
      let canBeOk = false;
      for (const vals of assignments(weights.length)) {
        if (
          run(
            def,
            rule,
            vals.map((v, i) => ({ v, w: weights[i] as number })),
          ) === OK
        ) {
          canBeOk = true;
          break;
        }
      }
      expect(def.members?.(rule, weights.length, total).length ?? 0, JSON.stringify({ rule, weights })).toBe(canBeOk ? 0 : 1);
    }),
    { numRuns: 150 },
  );
}

describe('the rule kind contract', () => {
  for (const def of RULE_KINDS as readonly unknown[] as Kind[]) {
    it(`${def.kind} keeps it`, () =>
      contract(
        def,
        reduceRule.filter((r) => r.kind === def.kind),
      ));
  }

  it('catches a kind that breaks it (self-test)', () => {
    const worst = RULE_KINDS[0] as unknown as Kind;
    const only = fc.constant({ kind: 'worst' });
    // Order-dependent: the first child decides.
    expect(() => contract({ ...worst, compile: () => (vals) => vals[0] as number }, only)).toThrow();
    // Declared monotone, but a worse child can make it better.
    expect(() =>
      contract({ ...worst, compile: () => (vals, _w, n) => (Array.from(vals).slice(0, n).includes(CRITICAL) ? OK : 1) }, only),
    ).toThrow();
    // Can never be OK, and its member check does not say so.
    expect(() => contract({ ...worst, compile: () => () => CRITICAL }, only)).toThrow();
  });
});

describe('the edge map contract', () => {
  // UNKNOWN bounds assume a worse child is never seen better through its map, and no map leaves the scale.
  for (const def of MAP_KINDS as readonly unknown[] as EdgeMapDefinition<{ kind: string }>[]) {
    it(`${def.kind} keeps it`, () => {
      fc.assert(
        fc.property(
          edgeMap.filter((m) => m.kind === def.kind),
          (map) => {
            const seen = [1, 2, 3, 4].map((c) => def.apply(map, c));
            for (const v of seen) expect(v >= OK && v <= CRITICAL).toBe(true);
            for (let c = 1; c < seen.length; c++) expect(seen[c]).toBeGreaterThanOrEqual(seen[c - 1] as number);
          },
        ),
        { numRuns: 30 },
      );
    });
  }
});
