import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { GraphQLError } from 'graphql';
import { ERRORS } from '../kernel/errors.js';

/**
 * The rate of actions (mutation fields) per viewer, on rate-limiter-flexible. Its store is
 * pluggable: in memory by default (one gateway), `RateLimiterRedis` where several replicas must share
 * one count (pass a factory that builds it on the shared client). A viewer over the limit gets
 * LIMIT_EXCEEDED with HTTP 429, a `retry-after` header and `extensions.retryAfterSeconds`; nothing runs.
 */
export type RateLimiterFactory = (options: { points: number; duration: number; keyPrefix: string }) => RateLimiterAbstract;

export const memoryRateLimiter: RateLimiterFactory = (options) => new RateLimiterMemory(options);

export interface ActionRate {
  limit: number;
  windowSeconds: number;
}

export function createActionRateLimit(factory: RateLimiterFactory = memoryRateLimiter) {
  let current: { rate: ActionRate; limiter: RateLimiterAbstract } | undefined;
  // The policy can change the rate on reload: a new window starts with a new limiter.
  const limiterFor = (rate: ActionRate) => {
    if (!current || current.rate.limit !== rate.limit || current.rate.windowSeconds !== rate.windowSeconds) {
      current = { rate, limiter: factory({ points: rate.limit, duration: rate.windowSeconds, keyPrefix: 'sg-actions' }) };
    }
    return current.limiter;
  };

  /** Takes `actions` from the viewer's allowance; an error (nothing taken beyond it) when over. */
  return async function consume(viewerId: string, actions: number, rate: ActionRate): Promise<GraphQLError | undefined> {
    if (actions <= 0) return undefined;
    try {
      await limiterFor(rate).consume(viewerId, actions);
      return undefined;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection; // the store failed: not the caller's fault
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return ERRORS.LIMIT_EXCEEDED.err(`more than ${rate.limit} actions in ${rate.windowSeconds} s: retry in ${retryAfterSeconds} s`, {
        extensions: {
          retryAfterSeconds,
          // Apollo Server iterates these headers, so a Map; graphql-yoga's typing of the same
          // extension (pulled in by the explorer) says Record, which Apollo could not iterate.
          http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) as unknown as Record<string, string> },
        },
      });
    }
  };
}
