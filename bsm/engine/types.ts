import type { Severity, Status } from '../../kernel/model.js';

/**
 * The health engine's contract: a directed acyclic graph of services and CIs, leaf states from the
 * monitors, and the rules that roll child statuses up. Pure data: no I/O, so the engine can be
 * unit-tested, property-tested and benchmarked on synthetic estates.
 */

/** How one edge transforms the child's status before the parent's reduce rule sees it. */
export type EdgeMap =
  | { kind: 'identity' }
  | { kind: 'increase'; n: number }
  | { kind: 'decrease'; n: number }
  | { kind: 'set'; status: Severity }
  | { kind: 'ignore' };

/** Comparison used by threshold rules: children at ≥ status S (or the "less than" form). */
export interface Threshold {
  /** Count a child when its (mapped) status is at least this severity. */
  atLeast: Severity;
  /** Exactly one of: */
  count?: number;
  percent?: number;
  weight?: number;
  weightPercent?: number;
  /**
   * "less than" form (Zabbix N_L, NP_L, W_L, WP_L): fire when FEWER than the threshold are at ≤ atLeast,
   * e.g. `{ atLeast: OK, count: 2, lessThan: true, then: CRITICAL }` = "fewer than 2 children OK → CRITICAL". @default false
   */
  lessThan?: boolean;
  /** The status the node takes when the rule fires. */
  then: Severity;
}

/** How a node reduces its children's (mapped) statuses. */
export type ReduceRule =
  | { kind: 'worst' }
  | { kind: 'best' }
  /** Worst status only if every child is at least that bad; one failed cluster node is not an outage. */
  | { kind: 'worstIfAll' }
  | ({ kind: 'threshold' } & Threshold)
  /** MIN n of m children OK; else `then` (default CRITICAL). Below n but above 0 OK: `degraded` (default MAJOR) when given. */
  | { kind: 'quorum'; min: number; then?: Severity; degraded?: Severity }
  /** Exactly one child OK (active/passive pair); none OK → `then` (default CRITICAL), more than one → WARNING. */
  | { kind: 'exclusive'; then?: Severity };

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
  /** Re-evaluates only the ancestors of the changed nodes. */
  update(changes: Map<string, LeafState>): Evaluation;
}
