import type { ServiceImpactReport } from '../../bsm/service-report.js';
import type { BusinessImpact } from './resolver-types.generated.js';

/**
 * What the services resolvers hand on as the parent of a field (codegen's `mappers`): entities
 * travel as references, since every field reads the request's one health snapshot by id.
 */
export type ServiceRef = { __typename: 'Service'; id: string };
export type CiRef = { __typename: 'ConfigurationItem'; id: string };
export type NodeRef = ServiceRef | CiRef;

export const serviceRef = (id: string): ServiceRef => ({ __typename: 'Service', id });
export const ciRef = (id: string): CiRef => ({ __typename: 'ConfigurationItem', id });

/** Query.businessImpact's answer: its fields, and the services ranked by priority score for `topServices`. */
export type BusinessImpactParent = Omit<BusinessImpact, 'slasAtRisk' | 'topServices' | 'downtimeCostMonthToDate'> & {
  ranked: { id: string; impact: ServiceImpactReport }[];
};
