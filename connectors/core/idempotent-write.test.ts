import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../kernel/errors.js';
import { silentLogger } from '../../kernel/log.js';
import { createIdempotentWrites, type EnsureSteps } from './idempotent-write.js';
import { failure } from './test-support.js';

/** A tool holding one flag, whose reads and writes a test scripts: `write` applies, then may fail. */
function tool() {
  const state = { acknowledged: false, writes: 0 };
  const script: { readFails?: Error[]; writeFails?: { error: Error; applied: boolean } | undefined } = {};
  const steps: EnsureSteps<{ acknowledged: boolean }> = {
    async read() {
      const error = script.readFails?.shift();
      if (error) throw error;
      return { acknowledged: state.acknowledged };
    },
    holds: (s) => s.acknowledged,
    async write() {
      state.writes += 1;
      const fail = script.writeFails;
      script.writeFails = undefined;
      if (!fail || fail.applied) state.acknowledged = true;
      if (fail) throw fail.error;
      return { acknowledged: true };
    },
  };
  return { state, script, steps };
}

const down = () => ERRORS.UPSTREAM_UNAVAILABLE.err('tool is unreachable', { extensions: { connector: 'tool' } });
const refused = () => ERRORS.UPSTREAM_REJECTED.err('tool refused', { extensions: { connector: 'tool' } });

describe('idempotent writes', () => {
  const writes = () => createIdempotentWrites('tool', silentLogger);

  it('writes once, and a repeat finds it done and writes nothing', async () => {
    const { state, steps } = tool();
    const w = writes();
    expect(await w.ensure('a1', 'acknowledgement', steps)).toEqual({ acknowledged: true });
    expect(await w.ensure('a1', 'acknowledgement', steps)).toEqual({ acknowledged: true });
    expect(state.writes).toBe(1);
  });

  it('two at once on one object run one after the other: the second writes nothing', async () => {
    const { state, steps } = tool();
    const w = writes();
    await Promise.all([w.ensure('a1', 'acknowledgement', steps), w.ensure('a1', 'acknowledgement', steps)]);
    expect(state.writes).toBe(1);
  });

  it('a write whose answer was lost, but that the tool has, is answered as done', async () => {
    const { state, script, steps } = tool();
    script.writeFails = { error: down(), applied: true };
    expect(await writes().ensure('a1', 'acknowledgement', steps)).toEqual({ acknowledged: true });
    expect(state.writes).toBe(1);
  });

  it('a write the tool refused, and does not have, is its error', async () => {
    const { script, steps } = tool();
    script.writeFails = { error: refused(), applied: false };
    expect((await failure(writes().ensure('a1', 'acknowledgement', steps))).extensions['code']).toBe('UPSTREAM_REJECTED');
  });

  it('an outage during the write and the look after: the error says it may have been recorded and that repeating is safe', async () => {
    const { state, script, steps } = tool();
    script.writeFails = { error: down(), applied: true };
    const w = writes();
    const ensure = w.ensure('a1', 'acknowledgement', {
      ...steps,
      async write(s) {
        script.readFails = [down()]; // the look after the write fails too
        return steps.write(s);
      },
    });
    const error = await failure(ensure);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'tool' });
    expect(error.message).toBe(
      'tool did not confirm the acknowledgement and could not be asked again: it may have been recorded; repeating it is safe',
    );
    // And it is: the repeat finds it.
    expect(await w.ensure('a1', 'acknowledgement', steps)).toEqual({ acknowledged: true });
    expect(state.writes).toBe(1);
  });

  it('an object gone by the look after a failed write: NOT_FOUND, what happened', async () => {
    const { script, steps } = tool();
    script.writeFails = { error: refused(), applied: false };
    const gone = ERRORS.NOT_FOUND.err('tool: a1 recovered', { extensions: { connector: 'tool' } });
    const ensure = writes().ensure('a1', 'acknowledgement', {
      ...steps,
      async write(s) {
        script.readFails = [gone];
        return steps.write(s);
      },
    });
    expect((await failure(ensure)).extensions['code']).toBe('NOT_FOUND');
  });

  it('a read-back that fails after a good write answers with what the write left', async () => {
    const { steps } = tool();
    let reads = 0;
    const answer = await writes().ensure('a1', 'acknowledgement', {
      ...steps,
      async read() {
        reads += 1;
        if (reads === 2) throw down();
        return steps.read();
      },
    });
    expect(answer).toEqual({ acknowledged: true });
  });
});
