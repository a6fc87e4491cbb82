import type { SubgraphDeps, SubgraphModule } from '../common/module.js';
import { createMonitoringContext, type MonitoringContext } from './context.js';
import { monitoringResolvers } from './resolvers.js';

/**
 * Alerts and metrics from every configured monitor, mapped to CIs; acknowledge in the tool that
 * raised them. Lists merged from several monitors return what the healthy ones gave and record the
 * failed ones' errors in `ctx.errors` (see cmdb/partial-errors.ts): the server must append them.
 */
export function createMonitoringSubgraph(deps: SubgraphDeps): SubgraphModule<MonitoringContext> {
  return {
    name: 'monitoring',
    resolvers: monitoringResolvers,
    createContext: (base) => createMonitoringContext(deps, base),
  };
}
