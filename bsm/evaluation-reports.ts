import type { ServiceDefinition } from './definitions.js';
import type { Evaluation } from './engine/types.js';
import type { HealthSnapshot, ServiceModel } from './model.js';
import { createServiceReporter, serviceSla, type ServiceReporter } from './service-report.js';
import { slaAt, type SlaReport } from './sla.js';

/**
 * The services' SLA reports computed once per evaluation, not per request: the SLA arithmetic over
 * each service's recorded history (two history reads and a walk of every calendar day of the
 * window) was the dashboard's heaviest part, and its inputs change only with an evaluation.
 *
 * One generation holds the reports of one evaluation (the engine's result object, which the model
 * keeps while no CI changed) over one state of the history (its last written position, so a
 * transition written by this replica or another one starts a new generation). A request whose
 * evaluation or history differs, or that comes `maxAgeMs` (the evaluator's interval) after the
 * generation was made, replaces it as a whole; nothing of an older generation is served after.
 * Within a generation a report is computed once, at the time of the request that first asked for
 * it, and every request reads it at its own clock (`slaAt`): the budget left and the time to
 * breach count down between evaluations, as the current state goes on.
 */

interface Generation {
  evaluation: Evaluation;
  seq: number;
  /** The request time it was made at: its age is measured from here. */
  madeAt: number;
  /** Per service: the definition it was computed from, the time it was computed at, the report. */
  reports: Map<string, { def: ServiceDefinition; at: Date; report: Promise<SlaReport | null> }>;
}

export interface EvaluationReports {
  /** The request's reporter: SLA from the current generation, read at `now`; impact from it. */
  reporter(snap: HealthSnapshot, now: Date): Promise<ServiceReporter>;
}

export function createEvaluationReports(model: ServiceModel, options: { maxAgeMs: number }): EvaluationReports {
  let current: Generation | null = null;

  const generationFor = async (snap: HealthSnapshot, now: Date): Promise<Generation> => {
    const seq = await model.history.lastSeq();
    const found = current;
    const age = found ? now.getTime() - found.madeAt : Infinity;
    if (found && found.evaluation === snap.evaluation && found.seq === seq && age >= 0 && age < options.maxAgeMs) return found;
    const made: Generation = { evaluation: snap.evaluation, seq, madeAt: now.getTime(), reports: new Map() };
    current = made;
    return made;
  };

  return {
    async reporter(snap, now) {
      const generation = await generationFor(snap, now);
      const sla = async (def: ServiceDefinition): Promise<SlaReport | null> => {
        if (!def.sla) return null;
        const state = snap.state(def.id);
        let entry = generation.reports.get(def.id);
        if (entry?.def !== def) {
          entry = { def, at: now, report: serviceSla(model, def, state, now) };
          generation.reports.set(def.id, entry);
          // A failed read is not kept: the next request tries again.
          const made = entry;
          made.report.catch(() => generation.reports.get(def.id) === made && generation.reports.delete(def.id));
        }
        const report = await entry.report;
        return report && slaAt(def.sla, report, entry.at, now, state);
      };
      return createServiceReporter(model, snap.state, now, sla);
    },
  };
}
