import { type CircuitState, reportBreaker } from '../../kernel/metrics.js';

/**
 * A circuit breaker per tool instance: after `threshold` consecutive failures the circuit opens and
 * calls fail fast for `cooldownMs`; then one trial call is let through (half-open). Failing fast
 * keeps a dead tool from holding every request for its full timeout. Its state is in /metrics.
 */
export interface BreakerOptions {
  /** @default 5 */
  threshold?: number;
  /** @default 30000 */
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  constructor(readonly connector: string) {
    super(`${connector}: circuit open`);
    this.name = 'CircuitOpenError';
  }
}

export function createBreaker(connector: string, options: BreakerOptions = {}) {
  const threshold = options.threshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const state = (): CircuitState => {
    if (failures < threshold) return 'closed';
    return now() - openedAt >= cooldownMs ? 'half-open' : 'open';
  };

  const breaker = {
    connector,
    state,
    async run<T>(call: () => Promise<T>, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
      const current = state();
      if (current === 'open' || (current === 'half-open' && trialInFlight)) throw new CircuitOpenError(connector);
      const trial = current === 'half-open';
      if (trial) trialInFlight = true;
      try {
        const result = await call();
        failures = 0;
        return result;
      } catch (error) {
        // A 404 or a rejected action says the tool is alive: only outages count against the circuit.
        if (isFailure(error)) {
          failures = trial ? threshold : failures + 1;
          if (failures >= threshold) openedAt = now();
        } else {
          failures = 0;
        }
        throw error;
      } finally {
        if (trial) trialInFlight = false;
      }
    },
  };
  reportBreaker(breaker);
  return breaker;
}

export type Breaker = ReturnType<typeof createBreaker>;
