import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphNode, HealthGraph } from './types.js';
import { dag } from './arbitraries.js';
import { evaluate } from './evaluate.js';
import { ci, graphOf, leaf, leavesOf, node } from './test-graph.js';

const estate = () =>
  graphOf(
    node('hr', 'service', { kind: 'worst' }, ['payroll', 'intranet']),
    node('payroll', 'service', { kind: 'worst' }, ['payroll-app']),
    node('intranet', 'service', { kind: 'worst' }, [{ id: 'web', map: { kind: 'decrease', n: 2 } }]),
    node('payroll-app', 'ci', { kind: 'worst' }, ['server123']),
    node('web', 'ci', { kind: 'quorum', min: 1 }, ['server123', 'server124']),
    ci('server123'),
    ci('server124'),
  );

describe('impact', () => {
  it('lists every service the CI changes, transitively, with statuses, magnitude and path', () => {
    const ev = evaluate(estate(), leavesOf({ server123: 'CRITICAL', server124: 'OK' }));
    expect(ev.impact('server123')).toEqual([
      { serviceId: 'hr', statusWith: 'CRITICAL', statusWithout: 'OK', magnitude: 4, path: ['hr', 'payroll', 'payroll-app', 'server123'] },
      { serviceId: 'payroll', statusWith: 'CRITICAL', statusWithout: 'OK', magnitude: 4, path: ['payroll', 'payroll-app', 'server123'] },
    ]);
    // intranet does not change: web still has server124.
    expect(ev.result('intranet')?.status).toBe('OK');
  });

  it('sees through edge maps and redundancy', () => {
    const ev = evaluate(estate(), leavesOf({ server123: 'CRITICAL', server124: 'CRITICAL' }));
    const i124 = ev.impact('server124');
    expect(i124).toEqual([
      { serviceId: 'intranet', statusWith: 'MINOR', statusWithout: 'OK', magnitude: 2, path: ['intranet', 'web', 'server124'] },
    ]);
    expect(ev.impact('server123').map((x) => x.serviceId)).toEqual(['hr', 'payroll', 'intranet']);
  });

  it('is empty for an OK CI, an unknown id, or a CI whose failure nobody notices', () => {
    const ev = evaluate(estate(), leavesOf({ server123: 'OK', server124: 'CRITICAL' }));
    expect(ev.impact('server123')).toEqual([]);
    expect(ev.impact('server124')).toEqual([]);
    expect(ev.impact('nope')).toEqual([]);
  });

  it('counts an UNKNOWN difference as one step', () => {
    const ev = evaluate(
      estate(),
      new Map([
        ['server123', leaf('UNKNOWN')],
        ['server124', leaf('OK')],
      ]),
    );
    expect(ev.impact('server123').find((x) => x.serviceId === 'payroll')).toMatchObject({
      statusWith: 'UNKNOWN',
      statusWithout: 'OK',
      magnitude: 1,
    });
  });

  it('equals comparing a full re-evaluation with the CI forced OK (property)', () => {
    fc.assert(
      fc.property(dag(12), fc.nat(), ({ graph, leaves }, pick) => {
        const ids = [...graph.nodes.keys()];
        const target = ids[pick % ids.length] as string;
        const ev = evaluate(graph, leaves);
        // "If the CI were OK": no children below it, an OK leaf.
        const pinned: HealthGraph = { nodes: new Map(graph.nodes) };
        pinned.nodes.set(target, { ...(graph.nodes.get(target) as GraphNode), edges: [] });
        const without = evaluate(pinned, new Map([...leaves, [target, leaf('OK')]]));
        const expected = ids
          .filter((id) => graph.nodes.get(id)?.kind === 'service' && ev.result(id)?.status !== without.result(id)?.status)
          .sort();
        const got = ev.impact(target);
        expect(got.map((x) => x.serviceId).sort()).toEqual(expected);
        for (const x of got) {
          expect(x.statusWith).toBe(ev.result(x.serviceId)?.status);
          expect(x.statusWithout).toBe(without.result(x.serviceId)?.status);
          expect(x.path[0]).toBe(x.serviceId);
          expect(x.path[x.path.length - 1]).toBe(target);
          for (let k = 0; k + 1 < x.path.length; k++) {
            expect(graph.nodes.get(x.path[k] as string)?.edges.some((e) => e.childId === x.path[k + 1] && e.map.kind !== 'ignore')).toBe(
              true,
            );
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
