import type { Logger } from '../kernel/log.js';
import type { ServiceReading } from '../kernel/metrics.js';
import type { ServiceModel } from './model.js';
import { createServiceReporter } from './service-report.js';

/**
 * The business view for /metrics: every defined service's status, revenue per hour at risk and SLA
 * numbers, from the same snapshot and the same arithmetic as `Service.status`, `impact` and `sla`,
 * so an alert in Prometheus and the answer in GraphQL never disagree. A model that cannot evaluate
 * reports every service UNKNOWN (never OK) rather than failing the scrape.
 */
export function serviceReadings(model: ServiceModel, now: () => Date, log: Logger): () => Promise<ServiceReading[]> {
  return async () => {
    const services = model.definitions.services;
    try {
      const snapshot = await model.snapshot();
      const reporter = createServiceReporter(model, snapshot.state, now());
      return await Promise.all(
        services.map(async (def): Promise<ServiceReading> => {
          const [sla, impact] = await Promise.all([reporter.sla(def.id), reporter.impact(def.id)]);
          return {
            service: def.id,
            criticality: def.criticality,
            status: snapshot.status(def.id),
            revenuePerHourAtRisk: impact?.revenuePerHourAtRisk ?? 0,
            errorBudgetLeftSeconds: sla?.errorBudgetLeftSeconds ?? null,
            timeToBreachSeconds: sla?.timeToBreachSeconds ?? null,
          };
        }),
      );
    } catch (error) {
      log.warn('health evaluation failed for /metrics; every service reported UNKNOWN', {
        reason: error instanceof Error ? error.message : String(error),
      });
      return services.map((def) => ({
        service: def.id,
        criticality: def.criticality,
        status: 'UNKNOWN',
        revenuePerHourAtRisk: 0,
        errorBudgetLeftSeconds: null,
        timeToBreachSeconds: null,
      }));
    }
  };
}
