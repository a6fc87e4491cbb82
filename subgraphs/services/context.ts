import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import type { ConnectorInstance, HelpdeskApi, MonitorApi } from '../../connectors/core/connector.js';
import type { Logger } from '../../kernel/log.js';
import type { Incident } from '../../kernel/model.js';
import type { HealthSnapshot, ServiceModel } from '../../bsm/model.js';
import type { ServiceTopology } from '../../bsm/service-topology.js';
import type { EvaluationReports } from '../../bsm/evaluation-reports.js';
import type { ServiceReporter } from '../../bsm/service-report.js';
import { openIncidentsByService } from '../../bsm/views.js';
import type { BaseContext } from '../common/module.js';
import { recordPartialError, type PartialErrors } from '../common/partial-errors.js';

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
 * Only fields that need health read it: names, criticality or the structure below a service never
 * wait for a monitor.
 */
export interface ServicesRequest {
  model: ServiceModel;
  maxPageSize: number;
  now: Date;
  /**
   * The health snapshot, for a field that answers from it: a monitor that failed or answered from
   * its last known state is reported once per request, as a coded error naming it, at the path of
   * the first field that read it (the answer still arrives: UNKNOWN or stale-marked, never OK).
   */
  health(info: GraphQLResolveInfo): Promise<HealthSnapshot>;
  /** The health graph without health: reads the CMDBs, never a monitor. */
  topology(): Promise<ServiceTopology>;
  /** Ids of the services the viewer may see (with their children), from the request's scope. */
  scope(): Promise<Set<string>>;
  reporter(): Promise<ServiceReporter>;
  /** The open incident on each visible service. */
  incidents(): Promise<Map<string, Incident>>;
  monitors: { name: string; api: MonitorApi }[];
}

export interface ServicesContext extends BaseContext, PartialErrors {
  services: ServicesRequest;
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => (value ??= make());
}

export function createServicesContext(
  deps: ServicesSubgraphDeps,
  base: BaseContext,
  clock: () => Date,
  reports: EvaluationReports,
): ServicesContext {
  const { model } = deps;
  const now = clock();
  const errors: GraphQLError[] = [];
  const snapshot = memo(() => model.snapshot());
  const reported = new Set<string>();
  const health = async (info: GraphQLResolveInfo) => {
    const snap = await snapshot();
    for (const error of snap.monitorErrors) {
      const connector = String(error.extensions['connector']);
      if (reported.has(connector)) continue;
      reported.add(connector);
      recordPartialError({ errors }, error, info);
    }
    return snap;
  };
  const scope = memo(async () => new Set((await base.scope.load()).serviceIds));
  const reporter = memo(async () => reports.reporter(await snapshot(), now));
  const incidents = memo(async () => {
    const [snap, visible] = await Promise.all([snapshot(), scope()]);
    const helpdesks = deps.helpdesks.map((i) => ({ name: i.name, api: i.forRequest(base.auth) }));
    return openIncidentsByService(helpdesks, [...visible], snap, base.log);
  });
  return {
    ...base,
    errors,
    services: {
      model,
      maxPageSize: deps.maxPageSize,
      now,
      health,
      topology: () => model.directory.topology(),
      scope,
      reporter,
      incidents,
      monitors: deps.monitors.map((i) => ({ name: i.name, api: i.forRequest(base.auth) })),
    },
  };
}
