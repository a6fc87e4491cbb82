import type { ServiceInfo } from '../kernel/model.js';

/**
 * What every subgraph needs to know about business services to enforce scope: which services exist,
 * who owns and consumes them, and which CIs belong to which service. Implemented by the service model.
 */
export interface ServiceCatalog {
  services(): Promise<ServiceInfo[]>;
  /** Every CI below the service, including through child services. */
  componentIds(serviceId: string): Promise<string[]>;
  /** Every service whose tree contains the CI. */
  servicesForCi(ciId: string): Promise<string[]>;
}
