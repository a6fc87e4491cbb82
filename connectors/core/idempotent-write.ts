import { GraphQLError } from 'graphql';
import { ERRORS } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/log.js';

/**
 * How every monitor acknowledges and takes an acknowledgement back: as "make it so", never as "do
 * it again". A write whose answer is lost (connection reset, slower than the timeout) may still have
 * happened, and the natural retry (or a double click) must not create a second acknowledgement:
 *
 * 1. read the state from the tool itself (not the cache); if it already holds, write nothing;
 * 2. write;
 * 3. if the write fails, read again: if the state now holds the write went through, and that is
 *    the answer; if it does not, the write's error is; if even that read fails after an outage,
 *    the outcome is unknown and the error says so (repeating is safe, by step 1);
 * 4. read back what the tool holds now; if that read fails, answer with what the write is known to
 *    have left.
 *
 * Writes on one object run one after the other within a connector instance, so two clicks in the
 * same process cannot both find "not yet" and both write. (Replicas of the gateway do not share
 * this queue; there step 1 still turns most repeats into no-ops.)
 */
export interface EnsureSteps<S> {
  /** What the tool holds now, read from the tool (never from a cache). Throws NOT_FOUND when the object is gone. */
  read(): Promise<S>;
  /** Whether `state` already is what the write would make it. */
  holds(state: S): boolean;
  /** Performs the write on `state`; resolves to the state the write is known to leave. */
  write(state: S): Promise<S>;
}

export interface IdempotentWrites {
  /** Brings the object `key` to the state `steps.holds` describes; `what` names the write in errors and logs. */
  ensure<S>(key: string, what: string, steps: EnsureSteps<S>): Promise<S>;
}

const codeOf = (error: unknown) => (error instanceof GraphQLError ? error.extensions['code'] : undefined);

export function createIdempotentWrites(connector: string, log: Logger): IdempotentWrites {
  /** The last write queued per object; each new one waits for it. */
  const queues = new Map<string, Promise<unknown>>();

  async function run<S>(what: string, key: string, steps: EnsureSteps<S>): Promise<S> {
    const before = await steps.read();
    if (steps.holds(before)) {
      log.info(`${what}: already so in the tool, nothing written`, { connector, object: key });
      return before;
    }
    let written: S;
    try {
      written = await steps.write(before);
    } catch (error) {
      let after: S;
      try {
        after = await steps.read();
      } catch (lookError) {
        // The object is gone (NOT_FOUND): that is what happened, whatever the write answered.
        if (codeOf(lookError) === 'NOT_FOUND') throw lookError;
        if (codeOf(error) !== 'UPSTREAM_UNAVAILABLE') throw error;
        throw ERRORS.UPSTREAM_UNAVAILABLE.err(
          `${connector} did not confirm the ${what} and could not be asked again: it may have been recorded; repeating it is safe`,
          { extensions: { connector } },
        );
      }
      if (!steps.holds(after)) throw error;
      log.warn(`${what}: the tool's answer was lost, but the tool has it`, { connector, object: key, code: codeOf(error) });
      return after;
    }
    try {
      return await steps.read();
    } catch {
      log.warn(`${what}: read-back failed; answering from the write`, { connector, object: key });
      return written;
    }
  }

  return {
    ensure<S>(key: string, what: string, steps: EnsureSteps<S>): Promise<S> {
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => run(what, key, steps));
      queues.set(key, next);
      const forget = () => {
        if (queues.get(key) === next) queues.delete(key);
      };
      next.then(forget, forget);
      return next;
    },
  };
}
