import { createEvaluationReports } from '../../bsm/evaluation-reports.js';
import type { SubgraphModule } from '../common/module.js';
import { createServicesContext, type ServicesContext, type ServicesSubgraphDeps } from './context.js';
import { servicesResolvers } from './resolvers.js';

export type { ServicesContext, ServicesSubgraphDeps } from './context.js';

/**
 * The BSM core as a subgraph, over the process's service model. start() runs the evaluator that
 * records status transitions even when nobody asks.
 */
export function createServicesSubgraph(deps: ServicesSubgraphDeps): SubgraphModule<ServicesContext> {
  const clock = deps.now ?? (() => new Date());
  // A floor, so a misconfigured 0 cannot turn the evaluator into a busy loop against the tools.
  const intervalMs = Math.max(1000, deps.evaluatorIntervalMs);
  // SLA reports live as long as one evaluation, and no longer than the evaluator's interval.
  const reports = createEvaluationReports(deps.model, { maxAgeMs: intervalMs });
  let timer: NodeJS.Timeout | null = null;

  const tick = async () => {
    try {
      await deps.model.snapshot();
    } catch (error) {
      deps.log.error('health evaluation failed', { error: String(error) });
    }
  };

  return {
    name: 'services',
    resolvers: servicesResolvers,
    createContext: (base) => createServicesContext(deps, base, clock, reports),
    async start() {
      if (timer) return;
      await tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
