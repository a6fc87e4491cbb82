import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import { builtinConnectors, copyDemoEstate } from '../subgraphs/services/test-support.js';

import { rankOutages } from './ranking.js';
import { createServiceReporter, slaUrgency } from './service-report.js';
import { createTestModel, testSettings, type TestModel } from './test-fakes.js';

/**
 * The demo estate with a second big outage (webshop-db CRITICAL) and payday pinned to Friday
 * 2031-03-14, so the calendar decides which outage comes first:
 *
 *   both SLAs are long breached by 2031 (the outages were recorded now): urgency 5 for both
 *   payroll  CRITICAL 8 × (20,000 + 50 × 1,200 = 80,000) × calendar × 5
 *   webshop  HIGH 4 × (40,000 + 50 × 3,000 = 190,000) × calendar × 5
 *
 *   payday, 10:00         payroll 8 × 80,000 × 3 × 5 = 9.6 M   webshop 4 × 190,000 × 1 × 5 = 3.8 M
 *   Monday 19:00 (peak)   payroll 8 × 80,000 × 1 × 5 = 3.2 M   webshop 4 × 190,000 × 1.5 × 5 = 5.7 M
 */

let model: TestModel;
let remove: () => void;
let dataDir: string;

beforeAll(() => {
  const estate = copyDemoEstate();
  remove = estate.remove;
  const payroll = join(estate.dir, 'services', 'payroll.yaml');
  writeFileSync(payroll, readFileSync(payroll, 'utf8').replace('{{today}}', '2031-03-14').replace('{{today+1d}}', '2031-03-15'));
  const monitor = join(estate.dir, 'monitor.yaml');
  const text = readFileSync(monitor, 'utf8');
  const patched = text.replace(/- id: a3\n {4}severity: WARNING/, '- id: a3\n    severity: CRITICAL');
  expect(patched).not.toBe(text);
  writeFileSync(monitor, patched);
  dataDir = mkdtempSync(join(tmpdir(), 'sg-rank-'));
  const connectors = builtinConnectors(estate.dir, dataDir);
  model = createTestModel({ estateDir: estate.dir, dataDir, connectors, settings: testSettings, log: silentLogger });
});

afterAll(async () => {
  await model.close();
  remove();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ranking(now: string) {
  const snap = await model.snapshot();
  return rankOutages(model, snap, { reporter: createServiceReporter(model, snap.state, new Date(now)) });
}

describe('outage ranking', () => {
  it('puts server123 first on payday', async () => {
    const ranked = await ranking('2031-03-14T10:00:00Z');
    expect(ranked[0]?.ciId).toBe('server123');
    expect(ranked[0]?.calendarReason).toBe('payday');
    expect(ranked[0]?.priorityScore).toBeCloseTo(8 * 80_000 * 3 * 5, 6);
    expect(ranked[0]?.why).toBe('server123 takes down Payroll (CRITICAL, payday ×3, 20,000/h at risk, 1,200 users, SLA already breached)');
    expect(ranked[1]?.ciId).toBe('webshop-db');
    expect(ranked[1]?.priorityScore).toBeCloseTo(4 * 190_000 * 1 * 5, 6);
  });

  it('does not when the calendar says otherwise: the web shop evening peak on a normal day', async () => {
    const ranked = await ranking('2031-03-17T19:00:00Z');
    expect(ranked[0]?.ciId).toBe('webshop-db');
    expect(ranked[0]?.calendarReason).toBe('evening peak');
    expect(ranked[0]?.why).toMatch(
      /^webshop-db takes down Web Shop \(HIGH, evening peak ×1\.5, 40,000\/h at risk, 3,000 users, SLA already breached\)/,
    );
    expect(ranked[1]?.ciId).toBe('server123');
    expect(ranked[1]?.calendarReason).toBeNull();
    expect(ranked.map((r) => r.rank)).toEqual(ranked.map((_, i) => i + 1));
  });

  it('weighs SLA urgency from 1 (no outage) to 5 (breached)', () => {
    expect(slaUrgency(null)).toBe(1);
    expect(slaUrgency(0)).toBe(5);
    expect(slaUrgency(600)).toBeCloseTo(1 + 240 / 70, 9);
    expect(slaUrgency(4 * 3600)).toBeCloseTo(1.8, 9);
  });
});
