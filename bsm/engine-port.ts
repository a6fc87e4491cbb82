/** The health engine's entry points, in one place for the service model and the services subgraph. */
export { evaluate, findCycle } from './engine/evaluate.js';
export { ruleKinds, describeRule, describeMap, type RuleKindInfo } from './engine/rules.js';
