import type { ServiceDefinitions, ValueClass } from './definitions.js';

/**
 * The service catalogue: the standard offerings of every service, as users request them. An
 * offering belongs to its service: it is seen by whoever sees the service, its value class, owner
 * and SLA are the service's, and a request for it is a request (not an incident) on the service, in
 * the help desk's own sense (HelpdeskApi.createRequest).
 */
export interface Offering {
  id: string;
  serviceId: string;
  name: string;
  description: string;
  valueClass: ValueClass;
  monthlyCost: number;
  /** The service's SLA objective in percent; null when it has none. */
  slaObjective: number | null;
  /** The group that owns the service and fulfils the request. */
  owner: string;
  howToRequest: string;
  /** What it is in each help desk (see OfferingDefinition.request). */
  request: Readonly<Record<string, string>>;
}

/** Every offering of the estate, in service then file order. */
export function catalogOf(definitions: ServiceDefinitions): Offering[] {
  return definitions.services.flatMap((service) =>
    service.offerings.map((o) => ({
      ...o,
      serviceId: service.id,
      valueClass: service.valueClass,
      slaObjective: service.sla?.objective ?? null,
      owner: service.owner,
    })),
  );
}
