import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ServiceRef as ServiceRefModel, CiRef as CiRefModel, BusinessImpactParent as BusinessImpactParentModel } from './parents.js';
import type { ServicesContext } from './context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO 8601 date-time in UTC. */
  DateTime: { input: unknown; output: string; }
  _FieldSet: { input: any; output: any; }
};

export type BusinessImpact = {
  __typename?: 'BusinessImpact';
  revenuePerHourAtRisk: Scalars['Float']['output'];
  servicesDegraded: Scalars['Int']['output'];
  servicesDown: Scalars['Int']['output'];
  servicesTotal: Scalars['Int']['output'];
  servicesUnknown: Scalars['Int']['output'];
  /** Services whose SLA breaks within the horizon if their current outage goes on, as Query.slaAtRisk. */
  slasAtRisk: Array<SlaRisk>;
  /** The services hit hardest, by priority score (what management sees instead of CIs). */
  topServices: Array<Service>;
  usersAffected: Scalars['Int']['output'];
};


export type BusinessImpactSlasAtRiskArgs = {
  horizonMinutes: Scalars['Int']['input'];
};


export type BusinessImpactTopServicesArgs = {
  first: Scalars['Int']['input'];
};

export type ConfigurationItem = HealthNode & {
  __typename?: 'ConfigurationItem';
  acknowledged: Scalars['Boolean']['output'];
  explanation: Explanation;
  id: Scalars['ID']['output'];
  /** Every service whose status this CI's state changes, transitively (bottom-up view). */
  impactedServices: Array<ImpactedService>;
  inMaintenance: Scalars['Boolean']['output'];
  status: Status;
  statusHistory: Array<StatusChange>;
  statusSince?: Maybe<Scalars['DateTime']['output']>;
};


export type ConfigurationItemStatusHistoryArgs = {
  first: Scalars['Int']['input'];
  from: Scalars['DateTime']['input'];
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type Criticality =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

export type Dependency = {
  __typename?: 'Dependency';
  /** The child's status after the edge map. */
  effectiveStatus: Status;
  /** The edge map in words, e.g. 'identity' or 'decrease 1'. */
  map: Scalars['String']['output'];
  node: HealthNode;
  /** DEPENDS_ON, RUNS_ON, MEMBER_OF, SERVICE (a child service) or SELECTOR (pulled in by a selector). */
  relation: Scalars['String']['output'];
  weight: Scalars['Float']['output'];
};

/** How deep a viewer may drill: BUSINESS < SERVICE < COMPONENT < TELEMETRY. */
export type DrillLevel =
  /** Service health, impact and SLA summary. */
  | 'BUSINESS'
  /** Configuration items, alerts, incidents, articles. */
  | 'COMPONENT'
  /** Service structure: dependencies, rules, explanations, history. */
  | 'SERVICE'
  /** Metrics, raw labels, deep links into the tools. */
  | 'TELEMETRY';

export type Duration = {
  __typename?: 'Duration';
  seconds: Scalars['Int']['output'];
  /** For people: '10 minutes'. */
  text: Scalars['String']['output'];
};

export type Explanation = {
  __typename?: 'Explanation';
  /** The children that made it so. */
  causes: Array<HealthNode>;
  /** The rule kind that decided the status. */
  rule: Scalars['String']['output'];
  /** In words: which rule fired and which children made it so. */
  text: Scalars['String']['output'];
};

/** Anything whose health servicegraph computes: a business service or a configuration item. */
export type HealthNode = {
  acknowledged: Scalars['Boolean']['output'];
  explanation: Explanation;
  id: Scalars['ID']['output'];
  inMaintenance: Scalars['Boolean']['output'];
  status: Status;
  statusSince?: Maybe<Scalars['DateTime']['output']>;
};

export type ImpactedService = {
  __typename?: 'ImpactedService';
  /** How many severity steps this CI adds to the service (0 when it changes nothing). */
  magnitude: Scalars['Int']['output'];
  path: Array<PathElement>;
  service: Service;
  /** The service's status with this CI as it is, and as it would be if the CI were OK. */
  statusWith: Status;
  statusWithout: Status;
};

export type Kpi = {
  __typename?: 'Kpi';
  baseline?: Maybe<Scalars['Float']['output']>;
  /** value / baseline - 1; null when either is unknown. */
  deviation?: Maybe<Scalars['Float']['output']>;
  /** The query that computes it (PromQL for Prometheus). */
  expression: Scalars['String']['output'];
  flag: KpiFlag;
  name: Scalars['String']['output'];
  unit?: Maybe<Scalars['String']['output']>;
  value?: Maybe<Scalars['Float']['output']>;
};

export type KpiFlag =
  | 'DROP'
  | 'NORMAL'
  | 'SPIKE'
  | 'UNKNOWN';

export type MyService = {
  __typename?: 'MyService';
  /** The open incident on it, if any. */
  incidentNumber?: Maybe<Scalars['String']['output']>;
  service: Service;
  since?: Maybe<Scalars['DateTime']['output']>;
  status: Status;
  /** Plain words: 'Payroll: degraded since 09:12, we are working on it, incident INC0010001.' */
  text: Scalars['String']['output'];
};

export type Outage = {
  __typename?: 'Outage';
  breachAt?: Maybe<Scalars['DateTime']['output']>;
  calendarReason?: Maybe<Scalars['String']['output']>;
  ci: ConfigurationItem;
  impactedServices: Array<ImpactedService>;
  priorityScore: Scalars['Float']['output'];
  rank: Scalars['Int']['output'];
  revenuePerHourAtRisk: Scalars['Float']['output'];
  status: Status;
  timeToBreach?: Maybe<Duration>;
  usersAtRisk: Scalars['Int']['output'];
  /** Why it ranks where it does, in words. */
  why: Scalars['String']['output'];
};

export type PathElement = {
  __typename?: 'PathElement';
  id: Scalars['ID']['output'];
  kind: PathKind;
  name: Scalars['String']['output'];
};

export type PathKind =
  | 'CI'
  | 'SERVICE';

export type Query = {
  __typename?: 'Query';
  /** Business impact for management: what is down, what it costs, what breaches soon. */
  businessImpact: BusinessImpact;
  /** The services the viewer's groups consume, in plain words. */
  myServices: Array<MyService>;
  /** Failing root-cause CIs ranked by business priority: fix the first one first. */
  outages: Array<Outage>;
  /** The rollup rule kinds with their parameters, so a portal can render a rule editor. */
  ruleKinds: Array<RuleKind>;
  /** One business service, or null when it does not exist or is outside the viewer's scope. */
  service?: Maybe<Service>;
  /** Business services the viewer may see, filtered and paged. */
  services: ServiceConnection;
  /** Services whose SLA breaks within the horizon if their current outage goes on. */
  slaAtRisk: Array<SlaRisk>;
  /** Who the gateway says the viewer is and what the policy lets them do. */
  viewer: Viewer;
};


export type QueryOutagesArgs = {
  first: Scalars['Int']['input'];
};


export type QueryServiceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryServicesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ServiceFilter>;
  first: Scalars['Int']['input'];
};


export type QuerySlaAtRiskArgs = {
  horizonMinutes: Scalars['Int']['input'];
};

export type RootCause = {
  __typename?: 'RootCause';
  ci: ConfigurationItem;
  /** From the service down to the CI. */
  path: Array<PathElement>;
  /** The path in words: 'Payroll → payroll-app → server123'. */
  pathText: Scalars['String']['output'];
  status: Status;
};

export type Rule = {
  __typename?: 'Rule';
  /** Extra rules; the final status is the worst of the main rule and every extra rule. */
  extraRules: Array<Rule>;
  kind: Scalars['String']['output'];
  parameters: Array<RuleParameterValue>;
  /** The rule in words. */
  text: Scalars['String']['output'];
};

export type RuleKind = {
  __typename?: 'RuleKind';
  description: Scalars['String']['output'];
  example: Scalars['String']['output'];
  name: Scalars['String']['output'];
  parameters: Array<RuleParameter>;
  target: RuleTarget;
};

export type RuleParameter = {
  __typename?: 'RuleParameter';
  description: Scalars['String']['output'];
  name: Scalars['String']['output'];
  required: Scalars['Boolean']['output'];
  /** int, float, percent, status, unknownMode, … */
  type: Scalars['String']['output'];
};

export type RuleParameterValue = {
  __typename?: 'RuleParameterValue';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type RuleTarget =
  /** Maps a child's status on one edge. */
  | 'EDGE'
  /** Reduces the children's statuses into the node's status. */
  | 'NODE';

export type ScopeKind =
  | 'ALL'
  | 'CONSUMED'
  | 'LIST'
  | 'NONE'
  | 'OWNED'
  | 'TAG';

export type Service = HealthNode & {
  __typename?: 'Service';
  /** Every problem below counts as acknowledged. */
  acknowledged: Scalars['Boolean']['output'];
  /** Ids of every CI below this service (used by other subgraphs to find alerts and incidents). */
  componentIds: Array<Scalars['ID']['output']>;
  /** Every CI below this service. */
  components: Array<ConfigurationItem>;
  /** The groups that use the service. */
  consumers: Array<Scalars['String']['output']>;
  criticality: Criticality;
  /** Direct children (services and CIs) with the edge rule and their status. */
  dependencies: Array<Dependency>;
  /** Services that depend on this one. */
  dependents: Array<Service>;
  description?: Maybe<Scalars['String']['output']>;
  /** Why the service has its status: the rule that fired and the children that made it so. */
  explanation: Explanation;
  id: Scalars['ID']['output'];
  impact: ServiceImpact;
  inMaintenance: Scalars['Boolean']['output'];
  kpis: Array<Kpi>;
  name: Scalars['String']['output'];
  /** The group that owns the service. */
  owner: Scalars['String']['output'];
  /** The smallest sets of failing CIs whose recovery would lower this service's status. */
  rootCauses: Array<RootCause>;
  rule: Rule;
  sla?: Maybe<Sla>;
  status: Status;
  statusHistory: Array<StatusChange>;
  statusSince?: Maybe<Scalars['DateTime']['output']>;
  /** One sentence for people: 'Payroll: down since 09:12, we are working on it.' */
  summary: Scalars['String']['output'];
  tags: Array<Scalars['String']['output']>;
  /** The dependency tree below this service, top-down, as a flat list in depth-first order. */
  tree: Array<TreeNode>;
  valueClass: ValueClass;
};


export type ServiceStatusHistoryArgs = {
  first: Scalars['Int']['input'];
  from: Scalars['DateTime']['input'];
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


export type ServiceTreeArgs = {
  depth: Scalars['Int']['input'];
};

export type ServiceConnection = {
  __typename?: 'ServiceConnection';
  /** Pass as `after` for the next page; null on the last page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<Service>;
  totalCount: Scalars['Int']['output'];
};

export type ServiceFilter = {
  criticality?: InputMaybe<Array<Criticality>>;
  status?: InputMaybe<Array<Status>>;
  tag?: InputMaybe<Scalars['String']['input']>;
  /** Case-insensitive match on id, name or description. */
  text?: InputMaybe<Scalars['String']['input']>;
};

export type ServiceImpact = {
  __typename?: 'ServiceImpact';
  /** Why today matters, e.g. 'payday'. */
  calendarReason?: Maybe<Scalars['String']['output']>;
  calendarWeight: Scalars['Float']['output'];
  /** criticality × value at risk × calendar weight × SLA urgency; 0 when the service is OK. */
  priorityScore: Scalars['Float']['output'];
  revenuePerHourAtRisk: Scalars['Float']['output'];
  usersAffected: Scalars['Int']['output'];
};

export type Sla = {
  __typename?: 'Sla';
  /** Availability so far in the window, in percent. */
  availability: Scalars['Float']['output'];
  breachAt?: Maybe<Scalars['DateTime']['output']>;
  breached: Scalars['Boolean']['output'];
  errorBudget: Duration;
  errorBudgetLeft: Duration;
  /** Target availability in percent, e.g. 99.9. */
  objective: Scalars['Float']['output'];
  /** Business-hours schedule the SLA counts in, in words; null when it counts around the clock. */
  schedule?: Maybe<Scalars['String']['output']>;
  /** How long the current outage may last before the objective is missed; null when the service is up. */
  timeToBreach?: Maybe<Duration>;
  windowDays: Scalars['Int']['output'];
};

export type SlaRisk = {
  __typename?: 'SlaRisk';
  breachAt: Scalars['DateTime']['output'];
  service: Service;
  timeToBreach: Duration;
};

/** Health, ordered OK < WARNING < MINOR < MAJOR < CRITICAL; UNKNOWN when the data to decide is missing. */
export type Status =
  | 'CRITICAL'
  | 'MAJOR'
  | 'MINOR'
  | 'OK'
  | 'UNKNOWN'
  | 'WARNING';

export type StatusChange = {
  __typename?: 'StatusChange';
  at: Scalars['DateTime']['output'];
  from?: Maybe<Status>;
  to: Status;
};

export type TreeNode = {
  __typename?: 'TreeNode';
  depth: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  node: HealthNode;
  /** The id of the node above in the tree; null for the root. */
  parentId?: Maybe<Scalars['ID']['output']>;
  status: Status;
};

/** How the business values a service (Gartner pace layers, as ServiceNow's portfolio uses them). */
export type ValueClass =
  | 'COMMODITY'
  | 'DIFFERENTIATOR'
  | 'VALUE_ADD';

export type Viewer = {
  __typename?: 'Viewer';
  actions: Array<Scalars['String']['output']>;
  drillLevel: DrillLevel;
  groups: Array<Scalars['String']['output']>;
  /** Subject of the token; 'anonymous' without one. */
  id: Scalars['ID']['output'];
  roles: Array<Scalars['String']['output']>;
  scope: ViewerScope;
};

export type ViewerScope = {
  __typename?: 'ViewerScope';
  kinds: Array<ScopeKind>;
  /** The ids of the services in scope (with their children). */
  services: Array<Scalars['ID']['output']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  ConfigurationItem: ConfigurationItem;
  Service: Service;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  ConfigurationItem:
    ( { __typename: 'ConfigurationItem' }
    & GraphQLRecursivePick<FederationTypes['ConfigurationItem'], {"id":true}> );
  Service:
    ( { __typename: 'Service' }
    & GraphQLRecursivePick<FederationTypes['Service'], {"id":true}> );
};


/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  HealthNode:
    | ( CiRefModel )
    | ( ServiceRefModel )
  ;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  BusinessImpact: ResolverTypeWrapper<BusinessImpactParentModel>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ConfigurationItem: ResolverTypeWrapper<CiRefModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Criticality: Criticality;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Dependency: ResolverTypeWrapper<Omit<Dependency, 'node'> & { node: ResolversTypes['HealthNode'] }>;
  DrillLevel: DrillLevel;
  Duration: ResolverTypeWrapper<Duration>;
  Explanation: ResolverTypeWrapper<Omit<Explanation, 'causes'> & { causes: Array<ResolversTypes['HealthNode']> }>;
  HealthNode: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['HealthNode']>;
  ImpactedService: ResolverTypeWrapper<Omit<ImpactedService, 'service'> & { service: ResolversTypes['Service'] }>;
  Kpi: ResolverTypeWrapper<Kpi>;
  KpiFlag: KpiFlag;
  MyService: ResolverTypeWrapper<Omit<MyService, 'service'> & { service: ResolversTypes['Service'] }>;
  Outage: ResolverTypeWrapper<Omit<Outage, 'ci' | 'impactedServices'> & { ci: ResolversTypes['ConfigurationItem'], impactedServices: Array<ResolversTypes['ImpactedService']> }>;
  PathElement: ResolverTypeWrapper<PathElement>;
  PathKind: PathKind;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RootCause: ResolverTypeWrapper<Omit<RootCause, 'ci'> & { ci: ResolversTypes['ConfigurationItem'] }>;
  Rule: ResolverTypeWrapper<Rule>;
  RuleKind: ResolverTypeWrapper<RuleKind>;
  RuleParameter: ResolverTypeWrapper<RuleParameter>;
  RuleParameterValue: ResolverTypeWrapper<RuleParameterValue>;
  RuleTarget: RuleTarget;
  ScopeKind: ScopeKind;
  Service: ResolverTypeWrapper<ServiceRefModel>;
  ServiceConnection: ResolverTypeWrapper<Omit<ServiceConnection, 'nodes'> & { nodes: Array<ResolversTypes['Service']> }>;
  ServiceFilter: ServiceFilter;
  ServiceImpact: ResolverTypeWrapper<ServiceImpact>;
  Sla: ResolverTypeWrapper<Sla>;
  SlaRisk: ResolverTypeWrapper<Omit<SlaRisk, 'service'> & { service: ResolversTypes['Service'] }>;
  Status: Status;
  StatusChange: ResolverTypeWrapper<StatusChange>;
  TreeNode: ResolverTypeWrapper<Omit<TreeNode, 'node'> & { node: ResolversTypes['HealthNode'] }>;
  ValueClass: ValueClass;
  Viewer: ResolverTypeWrapper<Viewer>;
  ViewerScope: ResolverTypeWrapper<ViewerScope>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  BusinessImpact: BusinessImpactParentModel;
  Float: Scalars['Float']['output'];
  Int: Scalars['Int']['output'];
  ConfigurationItem: CiRefModel;
  Boolean: Scalars['Boolean']['output'];
  ID: Scalars['ID']['output'];
  DateTime: Scalars['DateTime']['output'];
  Dependency: Omit<Dependency, 'node'> & { node: ResolversParentTypes['HealthNode'] };
  Duration: Duration;
  Explanation: Omit<Explanation, 'causes'> & { causes: Array<ResolversParentTypes['HealthNode']> };
  HealthNode: ResolversInterfaceTypes<ResolversParentTypes>['HealthNode'];
  ImpactedService: Omit<ImpactedService, 'service'> & { service: ResolversParentTypes['Service'] };
  Kpi: Kpi;
  MyService: Omit<MyService, 'service'> & { service: ResolversParentTypes['Service'] };
  Outage: Omit<Outage, 'ci' | 'impactedServices'> & { ci: ResolversParentTypes['ConfigurationItem'], impactedServices: Array<ResolversParentTypes['ImpactedService']> };
  PathElement: PathElement;
  Query: Record<PropertyKey, never>;
  RootCause: Omit<RootCause, 'ci'> & { ci: ResolversParentTypes['ConfigurationItem'] };
  Rule: Rule;
  RuleKind: RuleKind;
  RuleParameter: RuleParameter;
  RuleParameterValue: RuleParameterValue;
  Service: ServiceRefModel;
  ServiceConnection: Omit<ServiceConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Service']> };
  ServiceFilter: ServiceFilter;
  ServiceImpact: ServiceImpact;
  Sla: Sla;
  SlaRisk: Omit<SlaRisk, 'service'> & { service: ResolversParentTypes['Service'] };
  StatusChange: StatusChange;
  TreeNode: Omit<TreeNode, 'node'> & { node: ResolversParentTypes['HealthNode'] };
  Viewer: Viewer;
  ViewerScope: ViewerScope;
  String: Scalars['String']['output'];
};

export type ActionDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type ActionDirectiveResolver<Result, Parent, ContextType = ServicesContext, Args = ActionDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type DrillDirectiveArgs = {
  level: DrillLevel;
};

export type DrillDirectiveResolver<Result, Parent, ContextType = ServicesContext, Args = DrillDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type BusinessImpactResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['BusinessImpact'] = ResolversParentTypes['BusinessImpact']> = {
  revenuePerHourAtRisk?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  servicesDegraded?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  servicesDown?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  servicesTotal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  servicesUnknown?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  slasAtRisk?: Resolver<Array<ResolversTypes['SlaRisk']>, ParentType, ContextType, RequireFields<BusinessImpactSlasAtRiskArgs, 'horizonMinutes'>>;
  topServices?: Resolver<Array<ResolversTypes['Service']>, ParentType, ContextType, RequireFields<BusinessImpactTopServicesArgs, 'first'>>;
  usersAffected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ConfigurationItemResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['ConfigurationItem'] = ResolversParentTypes['ConfigurationItem'], FederationReferenceType extends FederationReferenceTypes['ConfigurationItem'] = FederationReferenceTypes['ConfigurationItem']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ConfigurationItem']> | FederationReferenceType, FederationReferenceType, ContextType>;
  acknowledged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['Explanation'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  impactedServices?: Resolver<Array<ResolversTypes['ImpactedService']>, ParentType, ContextType>;
  inMaintenance?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  statusHistory?: Resolver<Array<ResolversTypes['StatusChange']>, ParentType, ContextType, RequireFields<ConfigurationItemStatusHistoryArgs, 'first' | 'from'>>;
  statusSince?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DependencyResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Dependency'] = ResolversParentTypes['Dependency']> = {
  effectiveStatus?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  map?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['HealthNode'], ParentType, ContextType>;
  relation?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type DurationResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Duration'] = ResolversParentTypes['Duration']> = {
  seconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ExplanationResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Explanation'] = ResolversParentTypes['Explanation']> = {
  causes?: Resolver<Array<ResolversTypes['HealthNode']>, ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type HealthNodeResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['HealthNode'] = ResolversParentTypes['HealthNode']> = {
  __resolveType: TypeResolveFn<'ConfigurationItem' | 'Service', ParentType, ContextType>;
};

export type ImpactedServiceResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['ImpactedService'] = ResolversParentTypes['ImpactedService']> = {
  magnitude?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['PathElement']>, ParentType, ContextType>;
  service?: Resolver<ResolversTypes['Service'], ParentType, ContextType>;
  statusWith?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  statusWithout?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
};

export type KpiResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Kpi'] = ResolversParentTypes['Kpi']> = {
  baseline?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  deviation?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  expression?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  flag?: Resolver<ResolversTypes['KpiFlag'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unit?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type MyServiceResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['MyService'] = ResolversParentTypes['MyService']> = {
  incidentNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  service?: Resolver<ResolversTypes['Service'], ParentType, ContextType>;
  since?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type OutageResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Outage'] = ResolversParentTypes['Outage']> = {
  breachAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  calendarReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ci?: Resolver<ResolversTypes['ConfigurationItem'], ParentType, ContextType>;
  impactedServices?: Resolver<Array<ResolversTypes['ImpactedService']>, ParentType, ContextType>;
  priorityScore?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenuePerHourAtRisk?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  timeToBreach?: Resolver<Maybe<ResolversTypes['Duration']>, ParentType, ContextType>;
  usersAtRisk?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  why?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PathElementResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['PathElement'] = ResolversParentTypes['PathElement']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['PathKind'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  businessImpact?: Resolver<ResolversTypes['BusinessImpact'], ParentType, ContextType>;
  myServices?: Resolver<Array<ResolversTypes['MyService']>, ParentType, ContextType>;
  outages?: Resolver<Array<ResolversTypes['Outage']>, ParentType, ContextType, RequireFields<QueryOutagesArgs, 'first'>>;
  ruleKinds?: Resolver<Array<ResolversTypes['RuleKind']>, ParentType, ContextType>;
  service?: Resolver<Maybe<ResolversTypes['Service']>, ParentType, ContextType, RequireFields<QueryServiceArgs, 'id'>>;
  services?: Resolver<ResolversTypes['ServiceConnection'], ParentType, ContextType, RequireFields<QueryServicesArgs, 'first'>>;
  slaAtRisk?: Resolver<Array<ResolversTypes['SlaRisk']>, ParentType, ContextType, RequireFields<QuerySlaAtRiskArgs, 'horizonMinutes'>>;
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
};

export type RootCauseResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['RootCause'] = ResolversParentTypes['RootCause']> = {
  ci?: Resolver<ResolversTypes['ConfigurationItem'], ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['PathElement']>, ParentType, ContextType>;
  pathText?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
};

export type RuleResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Rule'] = ResolversParentTypes['Rule']> = {
  extraRules?: Resolver<Array<ResolversTypes['Rule']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parameters?: Resolver<Array<ResolversTypes['RuleParameterValue']>, ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RuleKindResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['RuleKind'] = ResolversParentTypes['RuleKind']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  example?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parameters?: Resolver<Array<ResolversTypes['RuleParameter']>, ParentType, ContextType>;
  target?: Resolver<ResolversTypes['RuleTarget'], ParentType, ContextType>;
};

export type RuleParameterResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['RuleParameter'] = ResolversParentTypes['RuleParameter']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  required?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RuleParameterValueResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['RuleParameterValue'] = ResolversParentTypes['RuleParameterValue']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ServiceResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Service'] = ResolversParentTypes['Service'], FederationReferenceType extends FederationReferenceTypes['Service'] = FederationReferenceTypes['Service']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Service']> | FederationReferenceType, FederationReferenceType, ContextType>;
  acknowledged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  componentIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  components?: Resolver<Array<ResolversTypes['ConfigurationItem']>, ParentType, ContextType>;
  consumers?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  criticality?: Resolver<ResolversTypes['Criticality'], ParentType, ContextType>;
  dependencies?: Resolver<Array<ResolversTypes['Dependency']>, ParentType, ContextType>;
  dependents?: Resolver<Array<ResolversTypes['Service']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['Explanation'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  impact?: Resolver<ResolversTypes['ServiceImpact'], ParentType, ContextType>;
  inMaintenance?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  kpis?: Resolver<Array<ResolversTypes['Kpi']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rootCauses?: Resolver<Array<ResolversTypes['RootCause']>, ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['Rule'], ParentType, ContextType>;
  sla?: Resolver<Maybe<ResolversTypes['Sla']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  statusHistory?: Resolver<Array<ResolversTypes['StatusChange']>, ParentType, ContextType, RequireFields<ServiceStatusHistoryArgs, 'first' | 'from'>>;
  statusSince?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  tree?: Resolver<Array<ResolversTypes['TreeNode']>, ParentType, ContextType, RequireFields<ServiceTreeArgs, 'depth'>>;
  valueClass?: Resolver<ResolversTypes['ValueClass'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ServiceConnectionResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['ServiceConnection'] = ResolversParentTypes['ServiceConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Service']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ServiceImpactResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['ServiceImpact'] = ResolversParentTypes['ServiceImpact']> = {
  calendarReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  calendarWeight?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  priorityScore?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  revenuePerHourAtRisk?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  usersAffected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SlaResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Sla'] = ResolversParentTypes['Sla']> = {
  availability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  breachAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  breached?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  errorBudget?: Resolver<ResolversTypes['Duration'], ParentType, ContextType>;
  errorBudgetLeft?: Resolver<ResolversTypes['Duration'], ParentType, ContextType>;
  objective?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  schedule?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timeToBreach?: Resolver<Maybe<ResolversTypes['Duration']>, ParentType, ContextType>;
  windowDays?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SlaRiskResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['SlaRisk'] = ResolversParentTypes['SlaRisk']> = {
  breachAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  service?: Resolver<ResolversTypes['Service'], ParentType, ContextType>;
  timeToBreach?: Resolver<ResolversTypes['Duration'], ParentType, ContextType>;
};

export type StatusChangeResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['StatusChange'] = ResolversParentTypes['StatusChange']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['Status']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
};

export type TreeNodeResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['TreeNode'] = ResolversParentTypes['TreeNode']> = {
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['HealthNode'], ParentType, ContextType>;
  parentId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  actions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  drillLevel?: Resolver<ResolversTypes['DrillLevel'], ParentType, ContextType>;
  groups?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  scope?: Resolver<ResolversTypes['ViewerScope'], ParentType, ContextType>;
};

export type ViewerScopeResolvers<ContextType = ServicesContext, ParentType extends ResolversParentTypes['ViewerScope'] = ResolversParentTypes['ViewerScope']> = {
  kinds?: Resolver<Array<ResolversTypes['ScopeKind']>, ParentType, ContextType>;
  services?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = ServicesContext> = {
  BusinessImpact?: BusinessImpactResolvers<ContextType>;
  ConfigurationItem?: ConfigurationItemResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Dependency?: DependencyResolvers<ContextType>;
  Duration?: DurationResolvers<ContextType>;
  Explanation?: ExplanationResolvers<ContextType>;
  HealthNode?: HealthNodeResolvers<ContextType>;
  ImpactedService?: ImpactedServiceResolvers<ContextType>;
  Kpi?: KpiResolvers<ContextType>;
  MyService?: MyServiceResolvers<ContextType>;
  Outage?: OutageResolvers<ContextType>;
  PathElement?: PathElementResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RootCause?: RootCauseResolvers<ContextType>;
  Rule?: RuleResolvers<ContextType>;
  RuleKind?: RuleKindResolvers<ContextType>;
  RuleParameter?: RuleParameterResolvers<ContextType>;
  RuleParameterValue?: RuleParameterValueResolvers<ContextType>;
  Service?: ServiceResolvers<ContextType>;
  ServiceConnection?: ServiceConnectionResolvers<ContextType>;
  ServiceImpact?: ServiceImpactResolvers<ContextType>;
  Sla?: SlaResolvers<ContextType>;
  SlaRisk?: SlaRiskResolvers<ContextType>;
  StatusChange?: StatusChangeResolvers<ContextType>;
  TreeNode?: TreeNodeResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  ViewerScope?: ViewerScopeResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = ServicesContext> = {
  action?: ActionDirectiveResolver<any, any, ContextType>;
  drill?: DrillDirectiveResolver<any, any, ContextType>;
};
