import { best } from './best.js';
import { exclusive } from './exclusive.js';
import { quorum } from './quorum.js';
import { threshold } from './threshold.js';
import { worst } from './worst.js';
import { worstIfAll } from './worst-if-all.js';

/** Every reduce rule kind, in the order the docs list them. A new kind is its own file plus one entry here. */
export const RULE_KINDS = [worst, best, worstIfAll, threshold, quorum, exclusive] as const;

type RuleOf<D> = D extends { compile(rule: infer R): unknown } ? R : never;

/** How a node reduces its children's (mapped) statuses: one of the kinds above. */
export type ReduceRule = RuleOf<(typeof RULE_KINDS)[number]>;
