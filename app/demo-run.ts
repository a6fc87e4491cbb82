import { rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Demo mode tells the demo's story from its beginning at every start: server123 went down 12 minutes
 * ago, it is payday, payroll's SLA breaks in 9 minutes. The estate's times are relative to the start
 * (`{{now-12m}}`), so what a previous run left behind would contradict them: a status history in
 * which payroll has been down since yesterday (its SLA long breached), acknowledgements and tickets
 * of alerts that started again. Every store keeps its files in the data directory it is given, so
 * one directory emptied at each start resets them all, including any store added later. The demo
 * key stays where the config puts it (`auth.demoKeyFile`), so tokens outlive a restart.
 */
export function freshDemoRun(dataDir: string): string {
  const dir = join(dataDir, 'demo-run');
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
