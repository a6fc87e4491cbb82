import { currentRequest, newRequestContext } from '../kernel/request-context.js';
import { IDENTITY_HEADER, signIdentity } from '../kernel/identity-token.js';

/**
 * /readyz: named checks run side by side, each bounded by its own timeout, so one tool or
 * subgraph that hangs makes the answer "not ready" in time instead of making the probe hang.
 */

/**
 * Resolves when the thing checked is usable; rejects (or times out) when not. A string it resolves
 * to is a note on a check that passes ("none configured"): reported `ok: <note>`, still ready.
 */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown>;

export type CheckResults = Record<string, 'ok' | string>;

/** Whether a check's result lets the gateway be ready. */
export const passed = (result: string): boolean => result === 'ok' || result.startsWith('ok: ');

export async function runChecks(checks: Record<string, ReadinessCheck>, timeoutMs: number): Promise<CheckResults> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runOne(check, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // A check that ignores the signal still loses the race: the answer never waits past the timeout.
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      check(controller.signal).then(
        (note) => (typeof note === 'string' ? `ok: ${note}` : 'ok'),
        (error: unknown) => (error instanceof Error ? error.message : 'unavailable'),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A subgraph over HTTP is ready when it answers `{ __typename }` to a request the gateway signed:
 * that proves it runs, serves GraphQL and shares the gateway's internal key (a subgraph with another
 * secret answers 401 and would fail every real request too).
 */
export function subgraphCheck(name: string, url: string, key: Uint8Array): ReadinessCheck {
  const request = { query: 'query Readiness { __typename }' };
  return async (signal) => {
    const token = await signIdentity(
      key,
      { sub: 'servicegraph-readiness', roles: [], groups: [] },
      currentRequest() ?? newRequestContext(),
      name,
      10,
      request,
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
      body: JSON.stringify(request),
      signal,
    }).catch((error: unknown) => {
      throw new Error(signal.aborted ? 'timed out' : `unreachable (${causeOf(error)})`);
    });
    if (response.status !== 200) throw new Error(`answered HTTP ${response.status}`);
    const body = (await response.json().catch(() => null)) as { data?: { __typename?: string } } | null;
    if (body?.data?.__typename !== 'Query') throw new Error('answered without data');
  };
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND) in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'error');
}
