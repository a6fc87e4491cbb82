/**
 * Live status that forgets scope, for test/object-scope-matrix.test.ts, which runs this file in a
 * nested vitest to prove the subscription matrix catches it. The stream authenticates the caller
 * and then looks at services with a scope that covers all (as one would that filtered with the
 * service account's rights instead of the viewer's): every viewer is sent every service's changes.
 */
import { vi } from 'vitest';
import { defineSubscriptionScopeMatrix } from '../object-scope-matrix.js';

vi.mock('../../gateway/live-status.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../gateway/live-status.js')>();
  return {
    ...original,
    createLiveStatus(options: Parameters<typeof original.createLiveStatus>[0]) {
      return original.createLiveStatus({
        ...options,
        authenticate: async (header) => {
          const { viewer } = await options.authenticate(header);
          return { viewer: { ...viewer, scope: [{ kind: 'all' as const }] } };
        },
      });
    },
  };
});

await defineSubscriptionScopeMatrix('forgetful live status');
