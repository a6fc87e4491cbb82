import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createPostgresLease, type Lease } from '../../kernel/lease.js';
import { silentLogger } from '../../kernel/log.js';
import { freshDatabase, noPostgres, type OnTestFinished, terminateSessions, unique } from './support.js';

/**
 * The evaluator's lease in PostgreSQL (a session advisory lock): one holder among the replicas, and
 * a holder that dies is replaced at the next tick of another. The tests call `tick` themselves; the
 * one that kills a real process measures the takeover with a short configured renewal.
 */

const lease = (
  onTestFinished: OnTestFinished,
  url: string,
  name: string,
  extra: { renewMs?: number; onChange?: (held: boolean) => void } = {},
) => {
  const l = createPostgresLease({ url, name, log: silentLogger, ...extra });
  onTestFinished(() => l.close());
  return l;
};

describe.skipIf(noPostgres)('lease (postgres advisory lock)', () => {
  it('has one holder; a clean close hands it over at the next tick', async ({ onTestFinished }) => {
    const url = await freshDatabase(onTestFinished);
    const name = unique('evaluator');
    const [a, b] = [lease(onTestFinished, url, name), lease(onTestFinished, url, name)];
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    expect(await a.tick()).toBe(true);
    expect([a.held(), b.held()]).toEqual([true, false]);
    // Another name is another lease.
    expect(await lease(onTestFinished, url, unique('other')).tick()).toBe(true);
    await a.close();
    expect(a.held()).toBe(false);
    expect(await b.tick()).toBe(true);
  });

  it('a holder whose connection is dropped loses the lease, and another takes it at its next tick', async ({ onTestFinished }) => {
    const url = await freshDatabase(onTestFinished);
    const name = unique('evaluator');
    const changes: boolean[] = [];
    const a = lease(onTestFinished, url, name, { onChange: (held) => changes.push(held) });
    expect(await a.tick()).toBe(true);
    expect(await terminateSessions(url, `servicegraph lease ${name}`)).toBe(1);
    // The lock is free at once: the first contender to tick holds it…
    const b = lease(onTestFinished, url, name);
    expect(await b.tick()).toBe(true);
    // …and the old holder knows at its next tick at the latest (its connection's error event may tell it sooner).
    expect(await a.tick()).toBe(false);
    expect(a.held()).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('a killed holder process is replaced within seconds', async ({ onTestFinished }) => {
    const url = await freshDatabase(onTestFinished);
    const name = unique('evaluator');
    // The holder: another process that takes the lease, says so, and waits to be killed.
    const script = `
      import { createPostgresLease } from './kernel/lease.ts';
      import { silentLogger } from './kernel/log.ts';
      const lease = createPostgresLease({ url: process.env.URL, name: process.env.NAME, log: silentLogger });
      if (await lease.tick()) process.stdout.write('held\\n');
      setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, URL: url, NAME: name },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(async () => {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    });
    const [line] = (await once(holder.stdout, 'data')) as [Buffer];
    expect(line.toString()).toBe('held\n');

    const renewMs = 200;
    let took: () => void = () => {};
    const taken = new Promise<void>((resolve) => {
      took = resolve;
    });
    const survivor: Lease = lease(onTestFinished, url, name, { renewMs, onChange: (held) => held && took() });
    expect(await survivor.tick()).toBe(false);
    survivor.start();
    const killedAt = Date.now();
    holder.kill('SIGKILL');
    await taken;
    const takeoverMs = Date.now() - killedAt;
    console.log(`lease takeover after the holder was killed: ${takeoverMs} ms (renewMs ${renewMs})`);
    expect(survivor.held()).toBe(true);
    expect(takeoverMs).toBeLessThan(5000);
  });
});
