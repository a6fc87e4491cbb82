import type { Status } from '../../kernel/model.js';
import type { ReduceRule } from './kinds/index.js';
import type { EdgeMap } from './maps/index.js';

/**
 * The health engine's contract: a directed acyclic graph of services and CIs, leaf states from the
 * monitors, and the rules that roll child statuses up. Pure data: no I/O, so the engine can be
 * unit-tested, property-tested and benchmarked on synthetic estates.
 */

/** Edge maps (maps/) and reduce rules (kinds/): one definition per kind, these types come from them. */
export type { EdgeMap } from './maps/index.js';
export type { ReduceRule } from './kinds/index.js';

export type UnknownMode = 'UNKNOWN' | 'OK' | 'WORST';

export interface NodeOptions {
  /** How UNKNOWN children count. @default 'UNKNOWN' (propagates, never shown as OK) */
  unknownAs: UnknownMode;
  /** Acknowledged problems count as OK. @default false */
  acknowledgedAsOk: boolean;
  /** 'checkmk': a node is in maintenance only where a failure of the maintained children would matter. 'ignore': maintenance changes nothing. */
  maintenance: 'checkmk' | 'ignore';
}

export interface NodeRule {
  main: ReduceRule;
  /** Final status = worst of main and every extra rule (Zabbix services semantics). */
  extra: ReduceRule[];
  options: NodeOptions;
}

export interface Edge {
  childId: string;
  map: EdgeMap;
  weight: number;
  /** DEPENDS_ON, RUNS_ON, MEMBER_OF, SERVICE or SELECTOR: for explanations. */
  relation: string;
}

export interface GraphNode {
  id: string;
  kind: 'service' | 'ci';
  name: string;
  rule: NodeRule;
  edges: Edge[];
}

export interface HealthGraph {
  nodes: Map<string, GraphNode>;
}

/** A node's own state as the monitors see it (for CIs; services normally have none). */
export interface LeafState {
  status: Status;
  acknowledged: boolean;
  inMaintenance: boolean;
  /** In words: 'CRITICAL alert "Host down" from icinga', 'no monitor watches it', 'monitor zbx unavailable'. */
  reason: string;
  /** When the leaf entered its status (its worst current alert's start); absent or null when unknown. */
  since?: Date | null;
}

export interface Explanation {
  text: string;
  /** The rule kind that decided, e.g. 'worst', 'quorum', 'own alerts'. */
  rule: string;
  /** Child ids that made it so. */
  causeIds: string[];
}

export interface NodeResult {
  status: Status;
  acknowledged: boolean;
  inMaintenance: boolean;
  explanation: Explanation;
}

export interface RootCause {
  ciId: string;
  status: Status;
  /** Node ids from the queried node down to the CI. */
  path: string[];
}

export interface Impact {
  serviceId: string;
  statusWith: Status;
  statusWithout: Status;
  /** Severity steps this CI adds (0 when it changes nothing). */
  magnitude: number;
  path: string[];
}

export interface Evaluation {
  result(id: string): NodeResult | undefined;
  /** Minimal sets of failing CIs whose recovery would lower the node's status, recursively. */
  rootCauses(id: string): RootCause[];
  /** Every service whose status this CI's state changes, transitively. */
  impact(ciId: string): Impact[];
  /**
   * When the node entered its current problem status: its children's failures (each at its own
   * since) replayed in time order through the node's rules; the moment the replay reached the status.
   * Null when OK or UNKNOWN, or when the deciding input's start is unknown.
   */
  since(id: string): Date | null;
  /** Re-evaluates only the ancestors of the changed nodes. */
  update(changes: Map<string, LeafState>): Evaluation;
}
