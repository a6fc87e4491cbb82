import { createServiceModel, type ServiceModel } from '../../bsm/model.js';
import type { ServiceCatalog } from '../../bsm/catalog.js';
import type { SubgraphDeps, SubgraphModule } from '../common/module.js';
import { createServicesContext, type ServicesContext } from './context.js';
import { servicesResolvers } from './resolvers.js';

export type { ServicesContext } from './context.js';

export interface ServicesSubgraphOptions {
  /** The clock for calendar and SLA answers (tests pin it). @default wall clock */
  now?: () => Date;
}

const isServiceModel = (catalog: ServiceCatalog): catalog is ServiceModel =>
  typeof (catalog as Partial<ServiceModel>).snapshot === 'function' && typeof (catalog as Partial<ServiceModel>).topology === 'function';

/**
 * The BSM core as a subgraph. It shares the process's service model (deps.catalog) when that is
 * one, so health is evaluated once for every subgraph; otherwise it builds its own. start() runs the
 * evaluator that records status transitions even when nobody asks.
 */
export function createServicesSubgraph(deps: SubgraphDeps, options: ServicesSubgraphOptions = {}): SubgraphModule<ServicesContext> {
  const shared = isServiceModel(deps.catalog);
  const model: ServiceModel = isServiceModel(deps.catalog)
    ? deps.catalog
    : createServiceModel({
        estateDir: deps.estateDir,
        dataDir: deps.dataDir,
        connectors: deps.connectors,
        settings: deps.settings,
        log: deps.log.child({ part: 'model' }),
      });
  const clock = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;

  const tick = async () => {
    try {
      await model.snapshot();
    } catch (error) {
      deps.log.error('health evaluation failed', { error: String(error) });
    }
  };

  return {
    name: 'services',
    resolvers: servicesResolvers,
    createContext: (base) => createServicesContext(deps, model, base, clock),
    async start() {
      if (timer) return;
      await tick();
      // A floor, so a misconfigured 0 cannot turn the evaluator into a busy loop against the tools.
      timer = setInterval(() => void tick(), Math.max(1000, deps.settings.evaluatorIntervalMs));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (!shared) await model.close();
    },
  };
}
