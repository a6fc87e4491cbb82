/**
 * What every subgraph needs to know about business services to enforce scope: which services exist,
 * who owns and consumes them, and which CIs belong to which service. Implemented by the service model
 * (bsm/model.ts); monitoring and helpdesk use it to check that an alert or incident serves a
 * service in the viewer's scope.
 */
export interface ServiceInfo {
  id: string;
  name: string;
  owner: string;
  consumers: string[];
  tags: string[];
  /** How much the business depends on it; the help desk derives a reported problem's priority from it. */
  criticality?: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  /** Direct child services. */
  childServiceIds: string[];
}

export interface ServiceCatalog {
  services(): Promise<ServiceInfo[]>;
  /** Every CI below the service, including through child services. */
  componentIds(serviceId: string): Promise<string[]>;
  /** Every service whose tree contains the CI. */
  servicesForCi(ciId: string): Promise<string[]>;
}
