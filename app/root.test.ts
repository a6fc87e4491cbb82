import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/log.js';
import { testEnv, writeTestConfig } from '../test/harness.js';
import { loadConfig } from './config.js';
import { createServicegraph, type Servicegraph } from './root.js';

let root: Servicegraph | undefined;
let dir: string | undefined;
afterEach(async () => {
  await root?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function build(): Promise<Servicegraph> {
  dir = mkdtempSync(join(tmpdir(), 'sg-root-'));
  // A pinned clock: what is shared "for two seconds" is shared for the whole test, however slow the machine.
  const now = () => new Date('2026-11-27T09:00:00.000Z');
  root = createServicegraph({ loaded: loadConfig(writeTestConfig(dir), testEnv), log: silentLogger, now });
  await root.loadConnectors();
  return root;
}

describe('the composition root', () => {
  it('builds each part once, on first use, and nothing before', async () => {
    const sg = await build();
    expect(sg.builtConnectors()).toEqual([]);
    expect(sg.connectors('knowledge')).toBe(sg.connectors('knowledge'));
    expect(sg.builtConnectors().map((c) => c.kind)).toEqual(['knowledge']);
    expect(sg.directory()).toBe(sg.directory());
  });

  it('gives the model and every subgraph one merged CMDB: health and the cmdb answers read the same merge', async () => {
    const sg = await build();
    const merge = await sg.cmdb()();
    expect((await sg.model().snapshot()).topology.cmdb).toBe(merge);
    expect((await sg.directory().topology()).cmdb).toBe(merge);
  });
});
