import { describe, expect, it } from 'vitest';
import type { ServiceDefinition } from './definitions.js';
import type { Evaluation } from './engine/types.js';
import { createEvaluationReports } from './evaluation-reports.js';
import type { NodeState, StatusChange } from './history.js';
import type { HealthSnapshot, ServiceModel } from './model.js';

/**
 * The SLA reports of one evaluation: computed once per evaluation and history position, never
 * served past either, nor past the evaluator's interval; read at each request's clock.
 */

const T0 = Date.parse('2026-11-27T10:00:00Z');
const down: NodeState = { status: 'CRITICAL', inMaintenance: false };

function fixture() {
  const def = { id: 'payroll', sla: { objective: 99.9, windowDays: 30, exclude: [] } } as unknown as ServiceDefinition;
  const reads: string[] = [];
  let seq = 1;
  let failNext = false;
  const changes: StatusChange[] = [{ at: new Date(T0 - 10 * 60_000), from: 'OK', to: 'CRITICAL', inMaintenance: false }];
  const model = {
    definitions: { services: [def], byId: new Map([[def.id, def]]) },
    history: {
      lastSeq: async () => seq,
      stateAt: async () => ({ status: 'OK', inMaintenance: false }),
      history: async (id: string) => {
        reads.push(id);
        if (failNext) {
          failNext = false;
          throw new Error('history unavailable');
        }
        return changes;
      },
    },
  } as unknown as ServiceModel;
  const snapshot = (): HealthSnapshot => ({ evaluation: {} as Evaluation, state: () => down }) as unknown as HealthSnapshot;
  return {
    model,
    reads,
    snapshot,
    write: () => (seq += 1),
    failNextRead: () => (failNext = true),
  };
}

const at = (ms: number) => new Date(T0 + ms);

describe('evaluation reports', () => {
  it('computes a service SLA once per evaluation and counts its breach down at each request clock', async () => {
    const f = fixture();
    const reports = createEvaluationReports(f.model, { maxAgeMs: 30_000 });
    const snap = f.snapshot();
    const first = await (await reports.reporter(snap, at(0))).sla('payroll');
    const later = await (await reports.reporter(snap, at(20_000))).sla('payroll');
    expect(f.reads).toEqual(['payroll']);
    // 2,592 s of budget, 600 s spent at T0; 20 s more of the outage later.
    expect(first?.timeToBreachSeconds).toBeCloseTo(1992, 6);
    expect(later?.timeToBreachSeconds).toBeCloseTo(1972, 6);
    expect(later?.breachAt?.getTime()).toBe(first?.breachAt?.getTime());
    expect(later?.badSeconds).toBeCloseTo(620, 6);
  });

  it('starts anew on a new evaluation, a new history position, or past the interval', async () => {
    const f = fixture();
    const reports = createEvaluationReports(f.model, { maxAgeMs: 30_000 });
    const snap = f.snapshot();
    await (await reports.reporter(snap, at(0))).sla('payroll');
    await (await reports.reporter(f.snapshot(), at(1000))).sla('payroll'); // another evaluation
    expect(f.reads).toHaveLength(2);
    const next = f.snapshot();
    await (await reports.reporter(next, at(2000))).sla('payroll');
    f.write();
    await (await reports.reporter(next, at(3000))).sla('payroll'); // a transition written
    expect(f.reads).toHaveLength(4);
    await (await reports.reporter(next, at(32_999))).sla('payroll');
    expect(f.reads).toHaveLength(4);
    await (await reports.reporter(next, at(33_000))).sla('payroll'); // one interval old
    await (await reports.reporter(next, at(10_000))).sla('payroll'); // the clock went back
    expect(f.reads).toHaveLength(6);
  });

  it('keeps no failed read', async () => {
    const f = fixture();
    const reports = createEvaluationReports(f.model, { maxAgeMs: 30_000 });
    const snap = f.snapshot();
    f.failNextRead();
    await expect((await reports.reporter(snap, at(0))).sla('payroll')).rejects.toThrow('history unavailable');
    expect((await (await reports.reporter(snap, at(1000))).sla('payroll'))?.breached).toBe(false);
    expect(f.reads).toHaveLength(2);
  });
});
