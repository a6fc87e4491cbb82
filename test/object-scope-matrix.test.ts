import { describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import { defineObjectScopeMatrix, defineSubscriptionScopeMatrix } from './object-scope-matrix.js';

/**
 * The object-scope matrix (object-scope-matrix.ts) on the real subgraphs and the real live status:
 * every field that returns objects gives each scoped viewer exactly the objects in its scope, and
 * every subscription streams each one exactly the objects in its scope. And the matrix must fail a
 * part that forgets scope, not only pass good ones: it runs again, nested, against the deliberately
 * forgetful cmdb subgraph and live status of object-scope-selftest/.
 */
await defineObjectScopeMatrix('demo estate');
await defineSubscriptionScopeMatrix('demo estate');

describe('object-scope matrix self-test', () => {
  it('fails exactly the fields a cmdb subgraph that forgets scope answers, and the subscriptions of a live status that does', async () => {
    const exitCode = process.exitCode;
    const vitest = await startVitest('test', [], {
      include: ['test/object-scope-selftest/*.selftest.ts'],
      watch: false,
      // A reporter without hooks: the nested run's (expected) failures stay out of the output.
      reporters: [{}],
    });
    const outcomes = new Map<string, string>();
    for (const module of vitest.state.getTestModules()) {
      for (const test of module.children.allTests()) outcomes.set(test.name, test.result().state);
    }
    await vitest.close();
    // The nested run sets a failing exit code for its expected failures; this run decides its own.
    process.exitCode = exitCode;
    const failed = [...outcomes].filter(([, state]) => state === 'failed').map(([name]) => name);
    // What the cmdb subgraph answers: CIs by id, the CI list, and what uses a CI (its users may serve
    // other services); and every field the matrix reaches through the CI list, whose answer the
    // leaked CIs break for the viewer (the other subgraphs null them, and the nulls spread).
    expect(failed.sort()).toEqual([
      'ConfigurationItem.alerts',
      'ConfigurationItem.impactedServices',
      'ConfigurationItem.incidents',
      'ConfigurationItem.usedBy',
      'Explanation.causes under ConfigurationItem',
      'Query.configurationItem',
      'Query.configurationItems',
      'Subscription.serviceStatusChanged',
    ]);
    expect([...outcomes.values()].filter((s) => s === 'passed').length).toBe(outcomes.size - failed.length);
  }, 300_000);
});
