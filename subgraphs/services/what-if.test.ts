import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceModel } from '../../bsm/model.js';
import { whatIf } from '../../bsm/what-if.js';
import { createHarness, type ServicesHarness } from './test-support.js';

/** What-if is engine work over copies: it neither records history nor reads or touches a tool. */
describe('what-if purity', () => {
  let h: ServicesHarness;
  beforeAll(() => {
    h = createHarness();
  });
  afterAll(() => h.close());

  it('evaluates a copy of the leaves: no history write, no tool read, the snapshot unchanged', async () => {
    const snap = await h.model.snapshot();
    const before = new Map([...snap.leaves].map(([id, leaf]) => [id, { ...leaf }]));
    const forbidden = (what: string) => () => {
      throw new Error(`what-if must not ${what}`);
    };
    // The model is the what-if's only way to a tool (its snapshot) or to write (its history's record).
    const history = new Proxy(h.model.history, {
      get: (target, key) => (key === 'record' ? forbidden('record history') : Reflect.get(target, key)),
    });
    const guarded: ServiceModel = { ...h.model, history, snapshot: forbidden('read the tools'), statusSince: h.model.statusSince };
    const window = { from: snap.at, to: new Date(snap.at.getTime() + 3_600_000) };
    const report = await whatIf(guarded, snap, [{ id: 'san-storage01', status: 'CRITICAL' }], { window, visible: () => true });
    expect(report.services.find((s) => s.serviceId === 'webshop')).toMatchObject({ changed: true, then: { status: 'CRITICAL' } });
    expect(report.evaluation.result('san-storage01')?.status).toBe('CRITICAL');
    // The present is untouched: same leaves, same evaluation.
    expect(snap.status('san-storage01')).toBe('OK');
    expect(new Map([...snap.leaves].map(([id, leaf]) => [id, { ...leaf }]))).toEqual(before);
  });

  it('sets a service to a status whatever is below it', async () => {
    const snap = await h.model.snapshot();
    const window = { from: snap.at, to: new Date(snap.at.getTime() + 3_600_000) };
    const report = await whatIf(h.model, snap, [{ id: 'payroll', status: 'OK' }], { window, visible: () => true });
    const payroll = report.services.find((s) => s.serviceId === 'payroll');
    expect(payroll).toMatchObject({ changed: true, now: { status: 'CRITICAL' }, then: { status: 'OK' }, windowRevenue: 0 });
  });
});
