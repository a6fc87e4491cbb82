import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Status } from '../../kernel/model.js';
import { edgeMap, options, rules, severity } from './arbitraries.js';
import { evaluate, validateGraph } from './evaluate.js';
import type { LeafState, NodeOptions, ReduceRule } from './types.js';
import { ci, graphOf, leaf, node, serviceOverKids } from './test-graph.js';

const t = (minute: number) => new Date(Date.UTC(2026, 10, 27, 9, minute));
const failing = (status: Status, minute: number | null, flags: { ack?: boolean } = {}): LeafState => ({
  ...leaf(status, flags),
  since: minute === null ? null : t(minute),
});

function sinceOver(main: ReduceRule, kids: LeafState[], extra: ReduceRule[] = []) {
  const { graph: g, ids } = serviceOverKids(
    main,
    kids.map(() => ({})),
    { extra },
  );
  const ev = evaluate(g, new Map(ids.map((id, k) => [id, kids[k] as LeafState])));
  return { status: ev.result('svc')?.status, since: ev.since('svc') };
}

describe('since: when a node entered its problem status, per its rule', () => {
  it('worst: the first child at that status; worstIfAll and best: the last child to fail', () => {
    const kids = [failing('CRITICAL', 43), failing('MAJOR', 8), failing('CRITICAL', 50)];
    expect(sinceOver({ kind: 'worst' }, kids)).toEqual({ status: 'CRITICAL', since: t(43) });
    expect(sinceOver({ kind: 'worstIfAll' }, kids)).toEqual({ status: 'CRITICAL', since: t(50) });
    expect(sinceOver({ kind: 'best' }, kids)).toEqual({ status: 'MAJOR', since: t(50) });
  });

  it('quorum: when the member that broke it failed; threshold: when the limit was reached', () => {
    const dbs = [failing('CRITICAL', 5), failing('CRITICAL', 30), leaf('OK')];
    expect(sinceOver({ kind: 'quorum', min: 2 }, dbs)).toEqual({ status: 'CRITICAL', since: t(30) });
    expect(sinceOver({ kind: 'quorum', min: 3 }, dbs)).toEqual({ status: 'CRITICAL', since: t(5) });
    const t2 = { kind: 'threshold', atLeast: 'MAJOR', count: 2, then: 'CRITICAL' } as const;
    expect(sinceOver(t2, [failing('MAJOR', 1), failing('CRITICAL', 20), failing('CRITICAL', 40)])).toEqual({
      status: 'CRITICAL',
      since: t(20),
    });
  });

  it('unknown when the deciding failure has no known start, or when nothing failing explains it', () => {
    expect(sinceOver({ kind: 'worstIfAll' }, [failing('CRITICAL', 5), failing('MAJOR', null)]).since).toBeNull();
    expect(sinceOver({ kind: 'worst' }, [failing('CRITICAL', 5), failing('MAJOR', null)]).since).toEqual(t(5));
    // Both halves of an exclusive pair up: WARNING with nothing failing.
    expect(sinceOver({ kind: 'exclusive' }, [leaf('OK'), leaf('OK')])).toEqual({ status: 'WARNING', since: null });
  });

  it('goes through levels: a service dated by the CI that made its child fail', () => {
    const g = graphOf(
      node('svc', 'service', { kind: 'worst' }, ['cluster', 'db']),
      node('cluster', 'ci', { kind: 'worstIfAll' }, ['n1', 'n2']),
      ci('n1'),
      ci('n2'),
      ci('db'),
    );
    const ev = evaluate(
      g,
      new Map([
        ['n1', failing('CRITICAL', 10)],
        ['n2', failing('CRITICAL', 25)],
        ['db', leaf('OK')],
      ]),
    );
    expect(ev.since('cluster')).toEqual(t(25));
    expect(ev.since('svc')).toEqual(t(25));
    expect(ev.since('db')).toBeNull();
  });

  it('equals replaying the failures in time order through a full evaluation (property, every rule kind)', () => {
    const kid = fc.record({
      status: fc.oneof(fc.constant<Status>('OK'), severity),
      minute: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      ack: fc.boolean(),
      map: edgeMap,
      weight: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(
        rules,
        options,
        fc.array(kid, { minLength: 1, maxLength: 7 }),
        fc.option(fc.record({ status: severity, minute: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }) }), { nil: undefined }),
        ([main, extra], opts: NodeOptions, kids, own) => {
          const { graph: g, ids } = serviceOverKids(main, kids, { extra, options: opts });
          fc.pre(validateGraph(g).length === 0);
          /** The leaves as they were at minute m: a failing input is OK before its start (null: starts last, at "?"). */
          const at = (m: number) => {
            const leaves = new Map<string, LeafState>();
            kids.forEach((x, k) => {
              const started = x.status === 'OK' || (x.minute === null ? m === Infinity : x.minute <= m);
              leaves.set(ids[k] as string, started ? failing(x.status, x.minute, { ack: x.ack }) : leaf('OK'));
            });
            if (own)
              leaves.set(
                'svc',
                own.minute === null
                  ? m === Infinity
                    ? failing(own.status, null)
                    : leaf('OK')
                  : own.minute <= m
                    ? failing(own.status, own.minute)
                    : leaf('OK'),
              );
            return evaluate(g, leaves);
          };
          const now = at(Infinity);
          const s = now.result('svc')?.status as Status;
          fc.pre(s !== 'OK' && s !== 'UNKNOWN');
          // The last moment the status changed into s; before any failure (minute -1) or at "?" means unknown.
          const moments = [-1, 0, 1, 2, 3, 4, 5, 6, Infinity];
          let expected: Date | null = null;
          let previous: Status | undefined;
          for (const m of moments) {
            const here = at(m).result('svc')?.status;
            if (here === s && previous !== s) expected = m < 0 || m === Infinity ? null : t(m);
            previous = here;
          }
          expect(now.since('svc')).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
