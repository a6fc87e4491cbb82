import { z } from 'zod';
import { SEVERITY_ORDER, type Severity } from '../../../kernel/model.js';

/**
 * The shape every rule kind and every edge map fills in: one file per kind holds everything about
 * it (parameters and their schema, every check, the evaluation, the root-cause strategy, the words
 * of its explanation and of its "since", description and example). Start-up validation of the estate,
 * the engine, `Query.ruleKinds` and the docs tables all read these definitions (rules.ts), so a kind
 * cannot be described one way and evaluated another.
 *
 * Statuses are codes here (status.ts): OK 0 … CRITICAL 4.
 */

/** One parameter: how it is validated (start-up and engine alike) and how an editor and the docs show it. */
export interface Parameter<T> {
  /** Optional parameters are `.optional()`: their default lives in the kind's file and in `description`. */
  schema: z.ZodType<T>;
  /** int, float, percent, status, boolean: how a rule editor renders it. */
  type: string;
  description: string;
}

export type ParameterSet<R> = { [P in Exclude<keyof R, 'kind'>]-?: Parameter<R[P]> };

/** A problem with a rule, naming the parameter it is about ('' for the rule as a whole). */
export interface Problem {
  path: string;
  message: string;
}

/**
 * Reduces n known, mapped child codes; child k's weight is weights[w0 + k] (the evaluator passes the
 * estate's weight array without a view). Runs in the evaluator's hot loop: no allocation.
 */
export type Reducer = (vals: ArrayLike<number>, weights: ArrayLike<number>, n: number, w0: number) => number;

/** What an explanation sees of a node's counted inputs, already mapped and resolved. */
export interface Inputs {
  vals: readonly number[];
  weights: readonly number[];
  n: number;
  /** The rule's own result over these inputs. */
  value: number;
  /** The child's name. */
  name(k: number): string;
  /** Several children's names, shortened past a few: `a, b, c and 2 more`. */
  names(ks: readonly number[]): string;
}

export interface Explained {
  /** The rule's measure in words, e.g. `quorum: 1 of 3 members OK (min 2) → CRITICAL`; the engine appends the deciding children. */
  text: string;
  /**
   * The children to name when no recovery would lower the status (rules that are not monotone, e.g.
   * both halves of an exclusive pair up); otherwise the engine names the decisive children itself.
   */
  causes?: number[];
}

export interface RuleKindDefinition<R extends { kind: string }> {
  kind: R['kind'];
  /** What it does and where it comes from (Zabbix, Icinga, OpenNMS, Checkmk), for the docs and Query.ruleKinds. */
  description: string;
  /** A YAML example. */
  example: string;
  parameters: ParameterSet<R>;
  /** Checks across parameters (each single parameter is checked by its schema). */
  check?(rule: R): Problem[];
  /**
   * Checks against the members that count (how many, their total weight), made wherever they are
   * known: at start for a definition that lists its children (no selectors), and by the engine for
   * every node whenever it compiles a graph, so members from selectors or the CMDB are checked too.
   * A rule that can never be OK with these members is a problem (its node is UNKNOWN, with the reason).
   */
  members?(rule: R, count: number, totalWeight: number): Problem[];
  /**
   * Making any child worse never makes the result better. UNKNOWN bounds, root cause and "since"
   * rely on it; a kind that is not monotone must depend only on how many children are OK (see
   * core.ts, decide).
   */
  monotone: boolean;
  /** Name the parameter even when unused (`_rule: Worst`): the registry reads the rule type from it. */
  compile(rule: R): Reducer;
  /** The rule in words, for Rule.text: `OK when at least 2 children are OK, else CRITICAL`. */
  describe(rule: R): string;
  explain(rule: R, inputs: Inputs): Explained;
  /** When a node under this rule entered its status, in words (the engine computes it, see since.ts). */
  since: string;
  /** What root-cause search may assume about this kind (root-cause.ts). Absent: any failing child may help. */
  recovery?: {
    /** Children at this value are in every recovery set that lowers the node from `status` (worst: every child at ≥ status). */
    forced?(rule: R, status: number, value: number): boolean;
    /** The rule weighs children (not only counts them): the heaviest children matter most. */
    weighted?(rule: R): boolean;
    /** Recovering a child at this value can lower the rule. */
    helps?(rule: R, value: number): boolean;
  };
}

/** An edge map: how a child's status counts for its parent. Maps apply to problems only: OK stays OK. */
export interface EdgeMapDefinition<M extends { kind: string }> {
  kind: M['kind'];
  description: string;
  example: string;
  /** At most one: written `{ increase: 2 }` in YAML; without one the map is written by name (`ignore`). */
  parameters: ParameterSet<M>;
  /** false: the child does not count at all (not in totals, percentages, root cause or impact). */
  counts: boolean;
  /** A failing child's code (1..4) seen through the map, within OK..CRITICAL. */
  apply(map: M, code: number): number;
  /** The map in words, for Dependency.map: `decrease 1`. */
  describe(map: M): string;
  /** How it changed a failing status, for explanations: `MAJOR lowered by decrease 1 to MINOR`. */
  changed(map: M, from: Severity, to: Severity): string;
}

/** Parameter schemas the kinds share, with messages that read well after `rule.min: `. */
export const severity = z.enum(SEVERITY_ORDER, { error: (issue) => `unknown status ${String(issue.input)}` });
export const positiveInt = z.number({ error: 'an integer ≥ 1' }).int({ error: 'an integer ≥ 1' }).min(1, { error: 'an integer ≥ 1' });
export const percent = z
  .number({ error: 'a percentage in (0, 100]' })
  .gt(0, { error: 'a percentage in (0, 100]' })
  .max(100, { error: 'a percentage in (0, 100]' });
export const positive = z.number({ error: 'a number > 0' }).gt(0, { error: 'a number > 0' });
export const flag = z.boolean({ error: 'true or false' });

/** `all 3 children count as OK` / `the only child counts as OK`, for explanations. */
export const allCountAsOk = (n: number) => (n === 1 ? 'the only child counts as OK' : `all ${n} children count as OK`);

export type { Severity };
