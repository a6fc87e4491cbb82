import type { ConnectorInstance, HelpdeskApi, MonitorApi } from '../../connectors/core/connector.js';
import type { Logger } from '../../kernel/log.js';
import type { Incident } from '../../kernel/model.js';
import type { HealthSnapshot, ServiceModel } from '../../bsm/model.js';
import { createServiceReporter, type ServiceReporter } from '../../bsm/service-report.js';
import { openIncidentsByService } from '../../bsm/views.js';
import type { BaseContext } from '../common/module.js';

/** What the services subgraph serves from. */
export interface ServicesSubgraphDeps {
  model: ServiceModel;
  /** For KPIs (instant and range queries). */
  monitors: ConnectorInstance<MonitorApi>[];
  /** For the open incident on each service (myServices, summaries). */
  helpdesks: ConnectorInstance<HelpdeskApi>[];
  /** Largest `first` a list accepts. */
  maxPageSize: number;
  /** How often the evaluator records service and CI status transitions. */
  evaluatorIntervalMs: number;
  log: Logger;
  /** The clock for calendar and SLA answers (tests pin it). @default wall clock */
  now?: () => Date;
}

/**
 * Per request: one health snapshot, one scope, one set of per-service numbers and one incident
 * lookup, whatever the number of fields asking (a dashboard over all services costs one each).
 */
export interface ServicesRequest {
  model: ServiceModel;
  maxPageSize: number;
  now: Date;
  snapshot(): Promise<HealthSnapshot>;
  /** Ids of the services the viewer may see (with their children), from the request's scope. */
  scope(): Promise<Set<string>>;
  reporter(): Promise<ServiceReporter>;
  /** The open incident on each visible service. */
  incidents(): Promise<Map<string, Incident>>;
  monitors: { name: string; api: MonitorApi }[];
}

export interface ServicesContext extends BaseContext {
  services: ServicesRequest;
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => (value ??= make());
}

export function createServicesContext(deps: ServicesSubgraphDeps, base: BaseContext, clock: () => Date): ServicesContext {
  const { model } = deps;
  const now = clock();
  const snapshot = memo(() => model.snapshot());
  const scope = memo(async () => new Set((await base.scope.load()).serviceIds));
  const reporter = memo(async () => {
    const snap = await snapshot();
    return createServiceReporter(model, snap.status, now);
  });
  const incidents = memo(async () => {
    const [snap, visible] = await Promise.all([snapshot(), scope()]);
    const helpdesks = deps.helpdesks.map((i) => ({ name: i.name, api: i.forRequest(base.auth) }));
    return openIncidentsByService(helpdesks, [...visible], snap, base.log);
  });
  return {
    ...base,
    services: {
      model,
      maxPageSize: deps.maxPageSize,
      now,
      snapshot,
      scope,
      reporter,
      incidents,
      monitors: deps.monitors.map((i) => ({ name: i.name, api: i.forRequest(base.auth) })),
    },
  };
}
