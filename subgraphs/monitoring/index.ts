import type { SubgraphModule } from '../common/module.js';
import { type AlertView, createMonitoringContext, type MonitoringContext, type MonitoringSubgraphDeps } from './context.js';
import { alertById, monitoringResolvers } from './resolvers.js';

/**
 * Alerts and metrics from every configured monitor, mapped to CIs; acknowledge in the tool that
 * raised them. Lists merged from several monitors return what the healthy ones gave and record the
 * failed ones' errors in `ctx.errors` (see common/partial-errors.ts): the server must append them.
 */
export type { MonitoringSubgraphDeps } from './context.js';

export function createMonitoringSubgraph(deps: MonitoringSubgraphDeps): SubgraphModule<MonitoringContext> {
  return {
    name: 'monitoring',
    resolvers: monitoringResolvers,
    scope: {
      // An alert is about its CI; an unmapped one about nothing (only a viewer who sees all sees it).
      subjects: { Alert: (alert: AlertView) => ({ ciIds: alert.ciId ? [alert.ciId] : [] }) },
      find: { Alert: (id, ctx) => alertById(ctx, id) },
    },
    createContext: (base) => createMonitoringContext(deps, base),
  };
}
