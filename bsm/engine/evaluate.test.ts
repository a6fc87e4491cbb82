import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITY_ORDER, type Severity, type Status } from '../../kernel/model.js';
import type { Evaluation, GraphNode, HealthGraph, NodeOptions, ReduceRule } from './types.js';
import { dag, edgeMap, leafState, reduceRule, status } from './arbitraries.js';
import { evaluate, findCycle, validateGraph } from './evaluate.js';
import { rank } from './status.js';
import { ci, graphOf, leaf, leavesOf, node, serviceOverKids } from './test-graph.js';

function serviceOver(main: ReduceRule, ids: string[], options: Partial<NodeOptions> = {}, extra: ReduceRule[] = []): HealthGraph {
  return graphOf(node('svc', 'service', main, ids, { options, extra }), ...ids.map((id) => ci(id)));
}

const statusOf = (ev: Evaluation, id = 'svc') => ev.result(id)?.status;

describe('evaluate', () => {
  it('a node with no leaf and no children is UNKNOWN; leaves of unknown ids are ignored', () => {
    const g = graphOf(node('empty', 'service', { kind: 'worst' }), ci('db'));
    const ev = evaluate(g, leavesOf({ db: 'MAJOR', ghost: 'CRITICAL' }));
    expect(statusOf(ev, 'empty')).toBe('UNKNOWN');
    expect(ev.result('empty')?.explanation.rule).toBe('none');
    expect(statusOf(ev, 'db')).toBe('MAJOR');
    expect(ev.result('ghost')).toBeUndefined();
  });

  it("combines a CI's own alerts with its children (worst of both)", () => {
    const g = graphOf(node('app', 'ci', { kind: 'worst' }, ['server']), ci('server'));
    const ev = evaluate(
      g,
      new Map([
        ['app', leaf('CRITICAL', { reason: 'CRITICAL alert "Heap full" from icinga' })],
        ['server', leaf('MINOR')],
      ]),
    );
    expect(ev.result('app')?.status).toBe('CRITICAL');
    expect(ev.result('app')?.explanation).toEqual({ rule: 'own alerts', text: 'CRITICAL alert "Heap full" from icinga', causeIds: [] });
    const ev2 = ev.update(new Map([['app', leaf('OK')]]));
    expect(ev2.result('app')?.status).toBe('MINOR');
    expect(ev2.result('app')?.explanation.text).toBe('worst: server MINOR');
  });

  it('explains in words, naming the children that decided', () => {
    const worstG = graphOf(
      node('payroll', 'service', { kind: 'worst' }, ['payroll-app', 'payroll-db']),
      ci('payroll-app'),
      ci('payroll-db'),
    );
    const ev = evaluate(worstG, leavesOf({ 'payroll-app': 'CRITICAL', 'payroll-db': 'OK' }));
    expect(ev.result('payroll')?.explanation).toEqual({ rule: 'worst', text: 'worst: payroll-app CRITICAL', causeIds: ['payroll-app'] });

    const mail = serviceOver({ kind: 'quorum', min: 2 }, ['mail-node1', 'mail-node2', 'mail-node3']);
    const q = evaluate(mail, leavesOf({ 'mail-node1': 'OK', 'mail-node2': 'CRITICAL', 'mail-node3': 'OK' }));
    expect(q.result('svc')?.explanation.text).toBe('quorum: 2 of 3 members OK (min 2) → OK; mail-node2 CRITICAL does not matter');
    const q2 = q.update(leavesOf({ 'mail-node3': 'MAJOR' }));
    expect(q2.result('svc')?.explanation).toEqual({
      rule: 'quorum',
      text: 'quorum: 1 of 3 members OK (min 2) → CRITICAL: mail-node2 CRITICAL, mail-node3 MAJOR',
      causeIds: ['mail-node2', 'mail-node3'],
    });

    const t = serviceOver({ kind: 'worst' }, ['a', 'b', 'c'], {}, [{ kind: 'threshold', atLeast: 'MINOR', count: 2, then: 'CRITICAL' }]);
    const te = evaluate(t, leavesOf({ a: 'MINOR', b: 'MAJOR', c: 'OK' }));
    expect(te.result('svc')?.explanation).toEqual({
      rule: 'threshold',
      text: 'threshold: 2 of 3 children (67%) at MINOR or worse, rule needs at least 2 → CRITICAL: a MINOR, b MAJOR',
      causeIds: ['a', 'b'],
    });
  });

  describe('explanations name the fact that decides (health issue, item 7)', () => {
    it('names an acknowledged problem counted as OK', () => {
      const g = serviceOver({ kind: 'worst' }, ['payment-gw'], { acknowledgedAsOk: true });
      const ev = evaluate(g, new Map([['payment-gw', leaf('CRITICAL', { ack: true })]]));
      expect(ev.result('svc')?.explanation.text).toBe(
        'worst: the only child counts as OK; acknowledged, so counted as OK: payment-gw CRITICAL; acknowledged',
      );
    });

    it('shows a child as its parent sees it: the status and what the edge map made of it', () => {
      const g = graphOf(
        node('shop', 'service', { kind: 'worst' }, [{ id: 'shop-web', map: { kind: 'decrease', n: 1 } }, 'cdn']),
        ci('shop-web'),
        ci('cdn'),
      );
      const ev = evaluate(g, leavesOf({ 'shop-web': 'MAJOR', cdn: 'WARNING' }));
      expect(ev.result('shop')?.explanation).toEqual({
        rule: 'worst',
        text: 'worst: shop-web MAJOR lowered by decrease 1 to MINOR',
        causeIds: ['shop-web'],
      });
    });

    it('names every child that is as necessary as the worst one', () => {
      const g = serviceOver({ kind: 'worstIfAll' }, ['mx3', 'mx4']);
      const ev = evaluate(g, leavesOf({ mx3: 'CRITICAL', mx4: 'MAJOR' }));
      expect(ev.result('svc')?.explanation).toEqual({
        rule: 'worstIfAll',
        text: 'worstIfAll: every child has a problem: mx3 CRITICAL, mx4 MAJOR',
        causeIds: ['mx3', 'mx4'],
      });
      const ok = ev.update(leavesOf({ mx4: 'OK' }));
      expect(ok.result('svc')?.explanation.text).toBe('worstIfAll: mx4 OK; mx3 CRITICAL does not matter');
    });

    it('exclusive: several OK gives `several` (default WARNING, Icinga XOR: CRITICAL), naming them', () => {
      const pair = (rule: ReduceRule) => evaluate(serviceOver(rule, ['a', 'b']), leavesOf({ a: 'OK', b: 'OK' })).result('svc');
      expect(pair({ kind: 'exclusive' })).toMatchObject({ status: 'WARNING' });
      expect(pair({ kind: 'exclusive', several: 'CRITICAL' })?.explanation).toEqual({
        rule: 'exclusive',
        text: 'exclusive: 2 of 2 OK (a, b), expected exactly one → CRITICAL: a OK, b OK',
        causeIds: ['a', 'b'],
      });
    });
  });

  describe('UNKNOWN children', () => {
    const run = (main: ReduceRule, kids: Status[], unknownAs: NodeOptions['unknownAs'] = 'UNKNOWN') => {
      const ids = kids.map((_, k) => `c${k}`);
      return evaluate(serviceOver(main, ids, { unknownAs }), leavesOf(Object.fromEntries(ids.map((id, k) => [id, kids[k] as Status]))));
    };

    it("mode 'UNKNOWN': never OK when an unknown child could change it", () => {
      expect(statusOf(run({ kind: 'worst' }, ['OK', 'UNKNOWN']))).toBe('UNKNOWN');
      expect(statusOf(run({ kind: 'worstIfAll' }, ['CRITICAL', 'UNKNOWN']))).toBe('UNKNOWN');
      expect(statusOf(run({ kind: 'quorum', min: 2 }, ['OK', 'CRITICAL', 'UNKNOWN']))).toBe('UNKNOWN');
      expect(statusOf(run({ kind: 'exclusive' }, ['OK', 'UNKNOWN']))).toBe('UNKNOWN');
      expect(statusOf(run({ kind: 'exclusive' }, ['CRITICAL', 'UNKNOWN']))).toBe('UNKNOWN');
    });

    it("mode 'UNKNOWN': the known children decide when no unknown could change the result", () => {
      expect(statusOf(run({ kind: 'worst' }, ['CRITICAL', 'UNKNOWN']))).toBe('CRITICAL');
      expect(statusOf(run({ kind: 'best' }, ['OK', 'UNKNOWN']))).toBe('OK');
      expect(statusOf(run({ kind: 'quorum', min: 2 }, ['OK', 'OK', 'UNKNOWN']))).toBe('OK');
      expect(statusOf(run({ kind: 'exclusive' }, ['OK', 'OK', 'UNKNOWN']))).toBe('WARNING');
    });

    it("mode 'UNKNOWN': a known problem is reported as a lower bound, and the explanation says so", () => {
      const ev = run({ kind: 'worst' }, ['MAJOR', 'UNKNOWN']);
      expect(statusOf(ev)).toBe('MAJOR');
      expect(ev.result('svc')?.explanation.text).toBe('worst: c0 MAJOR; c1 UNKNOWN could make it worse: at least MAJOR');
      const u = run({ kind: 'worst' }, ['OK', 'UNKNOWN']);
      expect(u.result('svc')?.explanation).toEqual({
        rule: 'worst',
        text: 'UNKNOWN: c1 UNKNOWN, and the known inputs do not decide',
        causeIds: ['c1'],
      });
    });

    it("modes 'OK' and 'WORST' count unknown children as OK or CRITICAL (before the edge map)", () => {
      expect(statusOf(run({ kind: 'worst' }, ['OK', 'UNKNOWN'], 'OK'))).toBe('OK');
      expect(statusOf(run({ kind: 'worst' }, ['OK', 'UNKNOWN'], 'WORST'))).toBe('CRITICAL');
      expect(statusOf(run({ kind: 'quorum', min: 2 }, ['OK', 'CRITICAL', 'UNKNOWN'], 'OK'))).toBe('OK');
      const g = graphOf(
        node('svc', 'service', { kind: 'worst' }, [{ id: 'x', map: { kind: 'decrease', n: 2 } }], { options: { unknownAs: 'WORST' } }),
        ci('x'),
      );
      expect(statusOf(evaluate(g, leavesOf({ x: 'UNKNOWN' })))).toBe('MINOR');
    });

    it("mode 'UNKNOWN' is sound: OK only if every possible status of the unknown children gives OK, and a reported problem is a lower bound (property)", () => {
      fc.assert(
        fc.property(
          fc.tuple(reduceRule, fc.array(reduceRule, { maxLength: 2 })),
          fc.array(fc.tuple(status, edgeMap, fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 6 }),
          ([main, extra], kids) => {
            fc.pre(kids.filter(([s]) => s === 'UNKNOWN').length <= 3);
            const { graph: g, ids } = serviceOverKids(
              main,
              kids.map(([, map, weight]) => ({ map, weight })),
              { extra },
            );
            // A node the engine cannot evaluate is UNKNOWN whatever its children say (tested on its own).
            fc.pre(validateGraph(g).length === 0);
            const known = (assignment: Status[]) => {
              let u = 0;
              const leaves = leavesOf(
                Object.fromEntries(
                  ids.map((id, k) => [id, kids[k]?.[0] === 'UNKNOWN' ? (assignment[u++] as Status) : (kids[k]?.[0] as Status)]),
                ),
              );
              return evaluate(g, leaves).result('svc')?.status as Status;
            };
            const reported = statusOf(evaluate(g, leavesOf(Object.fromEntries(ids.map((id, k) => [id, kids[k]?.[0] as Status])))));
            const unknowns = kids.filter(([s]) => s === 'UNKNOWN').length;
            const outcomes = new Set<Status>();
            const assign = (prefix: Status[]) => {
              if (prefix.length === unknowns) outcomes.add(known(prefix));
              else for (const s of SEVERITY_ORDER) assign([...prefix, s]);
            };
            assign([]);
            if (reported === 'OK') expect([...outcomes]).toEqual(['OK']);
            const monotone = [main, ...extra].every((r) => r.kind !== 'exclusive');
            if (reported !== 'UNKNOWN' && monotone) {
              for (const o of outcomes) expect(rank(o as Severity)).toBeGreaterThanOrEqual(rank(reported as Severity));
            }
            const counted = kids.some(([, m]) => m.kind !== 'ignore');
            if (reported === 'UNKNOWN' && counted) expect(outcomes.size).toBeGreaterThan(1);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('UNKNOWN propagates upward: a parent of an UNKNOWN service is not OK', () => {
      const g = graphOf(node('top', 'service', { kind: 'worst' }, ['svc']), node('svc', 'service', { kind: 'worst' }, ['db']), ci('db'));
      expect(statusOf(evaluate(g, leavesOf({ db: 'UNKNOWN' })), 'top')).toBe('UNKNOWN');
      expect(statusOf(evaluate(g, new Map()), 'top')).toBe('UNKNOWN');
    });
  });

  describe('acknowledgements (Checkmk: acknowledged if OK once every acknowledged problem is assumed OK)', () => {
    const g = (acknowledgedAsOk: boolean) => serviceOver({ kind: 'worst' }, ['a', 'b'], { acknowledgedAsOk });

    it('flags the node acknowledged but keeps its status by default', () => {
      const ev = evaluate(
        g(false),
        new Map([
          ['a', leaf('CRITICAL', { ack: true })],
          ['b', leaf('OK')],
        ]),
      );
      expect(ev.result('svc')).toMatchObject({ status: 'CRITICAL', acknowledged: true });
      expect(ev.result('a')).toMatchObject({ status: 'CRITICAL', acknowledged: true });
    });

    it('acknowledgedAsOk counts acknowledged problems as OK', () => {
      const ev = evaluate(
        g(true),
        new Map([
          ['a', leaf('CRITICAL', { ack: true })],
          ['b', leaf('OK')],
        ]),
      );
      expect(ev.result('svc')).toMatchObject({ status: 'OK', acknowledged: true });
      const partly = evaluate(
        g(true),
        new Map([
          ['a', leaf('CRITICAL', { ack: true })],
          ['b', leaf('MAJOR')],
        ]),
      );
      expect(partly.result('svc')).toMatchObject({ status: 'MAJOR', acknowledged: false });
      expect(partly.result('svc')?.explanation.text).toBe('worst: b MAJOR; acknowledged, so counted as OK: a CRITICAL');
    });

    it('is not acknowledged while an unacknowledged problem matters, and propagates up', () => {
      const ev = evaluate(
        g(false),
        new Map([
          ['a', leaf('CRITICAL', { ack: true })],
          ['b', leaf('WARNING')],
        ]),
      );
      expect(ev.result('svc')).toMatchObject({ status: 'CRITICAL', acknowledged: false });
      const chain = graphOf(node('top', 'service', { kind: 'worst' }, ['svc']), ...g(false).nodes.values());
      const up = evaluate(
        chain,
        new Map([
          ['a', leaf('CRITICAL', { ack: true })],
          ['b', leaf('OK')],
        ]),
      );
      expect(up.result('top')).toMatchObject({ status: 'CRITICAL', acknowledged: true });
    });
  });

  describe('maintenance (Checkmk: in maintenance only where a failure of the maintained children would matter)', () => {
    const maint = (status: Status = 'OK') => leaf(status, { maint: true });

    it('worst: one maintained child puts the node in maintenance; the status is unchanged', () => {
      const ev = evaluate(
        serviceOver({ kind: 'worst' }, ['a', 'b']),
        new Map([
          ['a', maint('CRITICAL')],
          ['b', leaf('OK')],
        ]),
      );
      expect(ev.result('svc')).toMatchObject({ status: 'CRITICAL', inMaintenance: true });
    });

    it('a maintained node of a healthy cluster does not put the cluster in maintenance', () => {
      const cluster = serviceOver({ kind: 'quorum', min: 2 }, ['n1', 'n2', 'n3']);
      const one = evaluate(
        cluster,
        new Map([
          ['n1', maint('CRITICAL')],
          ['n2', leaf('OK')],
          ['n3', leaf('OK')],
        ]),
      );
      expect(one.result('svc')).toMatchObject({ status: 'OK', inMaintenance: false });
      const two = evaluate(
        cluster,
        new Map([
          ['n1', maint()],
          ['n2', maint()],
          ['n3', leaf('OK')],
        ]),
      );
      expect(two.result('svc')).toMatchObject({ status: 'OK', inMaintenance: true });
    });

    it('best needs every child in maintenance', () => {
      const g = serviceOver({ kind: 'best' }, ['a', 'b']);
      expect(
        evaluate(
          g,
          new Map([
            ['a', maint()],
            ['b', leaf('OK')],
          ]),
        ).result('svc')?.inMaintenance,
      ).toBe(false);
      expect(
        evaluate(
          g,
          new Map([
            ['a', maint()],
            ['b', maint()],
          ]),
        ).result('svc')?.inMaintenance,
      ).toBe(true);
    });

    it("counts against the worst a failure could do through the edge map, and 'ignore' turns it off", () => {
      const decreased = graphOf(
        node('svc', 'service', { kind: 'worst' }, [{ id: 'a', map: { kind: 'decrease', n: 1 } }, 'b']),
        ci('a'),
        ci('b'),
      );
      const d = evaluate(
        decreased,
        new Map([
          ['a', maint()],
          ['b', leaf('OK')],
        ]),
      );
      expect(d.result('svc')?.inMaintenance).toBe(false); // a failure of a (→ MAJOR) is not as bad as a failure of b (CRITICAL)
      const capped = graphOf(node('svc', 'service', { kind: 'worst' }, [{ id: 'a', map: { kind: 'decrease', n: 1 } }]), ci('a'));
      expect(evaluate(capped, new Map([['a', maint()]])).result('svc')?.inMaintenance).toBe(true);
      const ignore = serviceOver({ kind: 'worst' }, ['a'], { maintenance: 'ignore' });
      expect(evaluate(ignore, new Map([['a', maint()]])).result('svc')?.inMaintenance).toBe(false);
    });

    it('propagates through levels', () => {
      const g = graphOf(
        node('top', 'service', { kind: 'worst' }, ['svc', 'other']),
        ...serviceOver({ kind: 'worst' }, ['a']).nodes.values(),
        ci('other'),
      );
      const ev = evaluate(
        g,
        new Map([
          ['a', maint('CRITICAL')],
          ['other', leaf('OK')],
        ]),
      );
      expect(ev.result('top')).toMatchObject({ status: 'CRITICAL', inMaintenance: true });
    });
  });

  describe('graph validation and isolation', () => {
    it('finds cycles, naming the path', () => {
      const g = graphOf(
        node('a', 'service', { kind: 'worst' }, ['b']),
        node('b', 'service', { kind: 'worst' }, ['c']),
        node('c', 'ci', { kind: 'worst' }, ['a']),
      );
      expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
      expect(validateGraph(g)).toEqual(['cycle: a → b → c → a']);
      const self = graphOf(node('a', 'ci', { kind: 'worst' }, ['a']));
      expect(findCycle(self)).toEqual(['a', 'a']);
      expect(findCycle(serviceOver({ kind: 'worst' }, ['x', 'y']))).toBeNull();
    });

    it('lists every problem at once: missing children, bad rules, bad maps, bad weights, unsatisfiable rules', () => {
      const g = graphOf(
        node('svc', 'service', { kind: 'quorum', min: 0 }, [
          'ghost',
          { id: 'db', weight: -1 },
          { id: 'db2', map: { kind: 'increase', n: 7 } },
        ]),
        node('pool', 'service', { kind: 'quorum', min: 5 }, ['db', 'db2']),
        ci('db'),
        ci('db2'),
      );
      expect(validateGraph(g)).toEqual([
        'svc: quorum.min: an integer ≥ 1',
        'svc: child ghost is not in the graph',
        'svc: edge to db: weight must be a number ≥ 0',
        'svc: edge to db2: increase.n: an integer from 1 to 4',
        'pool: quorum.min: 5 but only 2 members count, so it can never be OK',
      ]);
    });

    it('isolates a node it cannot evaluate: UNKNOWN with the reason, everything else evaluated', () => {
      // The case: a quorum whose degraded is worse than then used to fail every evaluation.
      const g = graphOf(
        node('top', 'service', { kind: 'worst' }, ['bad', 'good']),
        node('bad', 'service', { kind: 'quorum', min: 2, degraded: 'CRITICAL', then: 'MAJOR' }, ['a', 'b']),
        node('good', 'service', { kind: 'worst' }, ['a', 'b']),
        ci('a'),
        ci('b'),
      );
      const ev = evaluate(g, leavesOf({ a: 'OK', b: 'MINOR' }));
      expect(ev.result('bad')).toMatchObject({
        status: 'UNKNOWN',
        explanation: {
          rule: 'invalid',
          text: 'UNKNOWN: its rule cannot be evaluated (quorum.degraded: CRITICAL is worse than then (MAJOR))',
          causeIds: [],
        },
      });
      expect(statusOf(ev, 'good')).toBe('MINOR');
      expect(statusOf(ev, 'top')).toBe('MINOR'); // worst: the known MINOR, at least (the UNKNOWN could be worse)
      expect(ev.rootCauses('top').map((c) => c.ciId)).toEqual(['b']);
      expect(ev.rootCauses('bad')).toEqual([]);
      // A CI that cannot be evaluated keeps its own alerts' problem, and is its own root cause.
      const ci2 = graphOf(node('app', 'ci', { kind: 'quorum', min: 3 }, ['x']), ci('x'));
      const own = evaluate(
        ci2,
        new Map([
          ['app', leaf('MAJOR', { reason: 'MAJOR alert "Heap" from icinga' })],
          ['x', leaf('OK')],
        ]),
      );
      expect(own.result('app')).toMatchObject({ status: 'MAJOR', explanation: { rule: 'invalid' } });
      expect(own.result('app')?.explanation.text).toBe(
        'MAJOR alert "Heap" from icinga: its rule cannot be evaluated (quorum.min: 3 but only 1 members count, so it can never be OK)',
      );
      expect(own.rootCauses('app')).toEqual([{ ciId: 'app', status: 'MAJOR', path: ['app'] }]);
    });

    it('isolates an edge that closes a cycle: its parent is UNKNOWN, the rest is evaluated', () => {
      const g = graphOf(
        node('svc', 'service', { kind: 'worst' }, ['a', 'db']),
        node('a', 'ci', { kind: 'worst' }, ['b']),
        node('b', 'ci', { kind: 'worst' }, ['a']),
        ci('db'),
      );
      const ev = evaluate(g, leavesOf({ db: 'CRITICAL' }));
      expect(ev.result('b')?.explanation.text).toBe('UNKNOWN: its rule cannot be evaluated (cycle: a → b → a)');
      expect(statusOf(ev, 'svc')).toBe('CRITICAL');
      expect(ev.rootCauses('svc').map((c) => c.ciId)).toEqual(['db']);
    });

    it('isolation: every node that can be evaluated gets what it would get with the bad node UNKNOWN (property)', () => {
      fc.assert(
        fc.property(dag(10), fc.nat(), ({ graph, leaves }, pick) => {
          const ids = [...graph.nodes.keys()];
          const badId = ids[pick % ids.length] as string;
          const bad = graph.nodes.get(badId) as GraphNode;
          // The same node twice: once with a rule the engine rejects, once as a plain UNKNOWN leaf.
          const broken: HealthGraph = {
            nodes: new Map(graph.nodes).set(badId, { ...bad, rule: { ...bad.rule, main: { kind: 'quorum', min: 0 } } }),
          };
          const asLeaf: HealthGraph = { nodes: new Map(graph.nodes).set(badId, { ...bad, edges: [] }) };
          const unknownLeaves = new Map(leaves).set(badId, leaf('UNKNOWN'));
          const a = evaluate(broken, new Map(leaves).set(badId, leaf('OK')));
          const b = evaluate(asLeaf, unknownLeaves);
          for (const id of ids) expect([id, a.result(id)?.status]).toEqual([id, b.result(id)?.status]);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('incremental update', () => {
    it('leaves the previous snapshot unchanged', () => {
      const g = serviceOver({ kind: 'worst' }, ['a', 'b']);
      const before = evaluate(g, leavesOf({ a: 'OK', b: 'OK' }));
      const after = before.update(leavesOf({ a: 'CRITICAL' }));
      expect(statusOf(before)).toBe('OK');
      expect(statusOf(after)).toBe('CRITICAL');
      expect(after.update(leavesOf({ a: 'OK' })).result('svc')?.status).toBe('OK');
    });

    it('equals a full re-evaluation after any sequence of changes (property)', () => {
      fc.assert(
        fc.property(
          dag(14),
          fc.array(fc.tuple(fc.nat(), fc.option(leafState(), { nil: undefined })), { minLength: 1, maxLength: 6 }),
          ({ graph, leaves }, changes) => {
            const ids = [...graph.nodes.keys()];
            let ev = evaluate(graph, leaves);
            const current = new Map(leaves);
            for (const [pick, state] of changes) {
              const id = ids[pick % ids.length] as string;
              // A removed leaf is modelled as UNKNOWN "no monitor watches it", as the service model does.
              const next = state ?? leaf('UNKNOWN', { reason: 'no monitor watches it' });
              current.set(id, next);
              ev = ev.update(new Map([[id, next]]));
            }
            const full = evaluate(graph, current);
            for (const id of ids) {
              const a = ev.result(id);
              const b = full.result(id);
              expect([id, a?.status, a?.acknowledged, a?.inMaintenance, a?.explanation]).toEqual([
                id,
                b?.status,
                b?.acknowledged,
                b?.inMaintenance,
                b?.explanation,
              ]);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
