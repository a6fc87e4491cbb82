import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AlertView as AlertViewModel, MonitoringContext } from './context.js';
import type { MetricView as MetricViewModel } from './metrics.js';
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

export type Alert = {
  __typename?: 'Alert';
  acknowledged: Scalars['Boolean']['output'];
  acknowledgedAt?: Maybe<Scalars['DateTime']['output']>;
  acknowledgedBy?: Maybe<Scalars['String']['output']>;
  acknowledgedUntil?: Maybe<Scalars['DateTime']['output']>;
  /** The CI the identification rules map it to; null when unmapped. */
  ci?: Maybe<ConfigurationItem>;
  description?: Maybe<Scalars['String']['output']>;
  /** Tool-qualified: <connector>:<native id>. */
  id: Scalars['ID']['output'];
  inMaintenance: Scalars['Boolean']['output'];
  labels: Array<Label>;
  severity: Status;
  source: AlertSource;
  /** True when the monitor was down and this is its last good answer. */
  stale: Scalars['Boolean']['output'];
  startsAt: Scalars['DateTime']['output'];
  summary: Scalars['String']['output'];
};

export type AlertFilter = {
  acknowledged?: InputMaybe<Scalars['Boolean']['input']>;
  ciIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Connector instance names. */
  connectors?: InputMaybe<Array<Scalars['String']['input']>>;
  minSeverity?: InputMaybe<Status>;
};

export type AlertRule = {
  __typename?: 'AlertRule';
  activeAlerts: Scalars['Int']['output'];
  /** The rule's condition in the tool's language (PromQL for Prometheus). */
  expression: Scalars['String']['output'];
  group: Scalars['String']['output'];
  /** Tool-qualified: <connector>:<group>/<name>. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  severity: Status;
  source: AlertSource;
  /** inactive, pending or firing. */
  state: Scalars['String']['output'];
};

export type AlertSource = {
  __typename?: 'AlertSource';
  /** Connector instance name from the config. */
  connector: Scalars['String']['output'];
  /** Tool family: alertmanager, icinga, zabbix, builtin. */
  tool: Scalars['String']['output'];
  /** Deep link into the tool's UI. */
  url?: Maybe<Scalars['String']['output']>;
};

export type ConfigurationItem = {
  __typename?: 'ConfigurationItem';
  alerts: Array<Alert>;
  id: Scalars['ID']['output'];
  metrics: Array<Metric>;
  /** Deep links into every monitor that watches this CI (Prometheus graph, Icinga Web host, Zabbix problems). */
  monitorLinks: Array<MonitorLink>;
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

export type Label = {
  __typename?: 'Label';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type Metric = {
  __typename?: 'Metric';
  at?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  unit?: Maybe<Scalars['String']['output']>;
  /** Deep link to the graph in the tool. */
  url?: Maybe<Scalars['String']['output']>;
  value?: Maybe<Scalars['Float']['output']>;
};

/** Where to look at a CI in a monitor's own UI. */
export type MonitorLink = {
  __typename?: 'MonitorLink';
  connector: Scalars['String']['output'];
  /** prometheus, icinga, zabbix */
  tool: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Acknowledges the alert in the tool that raised it (an Alertmanager silence, an Icinga or Zabbix acknowledgement). */
  acknowledgeAlert: Alert;
  /** Takes the acknowledgement back in the tool (expires the silence). */
  unacknowledgeAlert: Alert;
};


export type MutationAcknowledgeAlertArgs = {
  comment: Scalars['String']['input'];
  id: Scalars['ID']['input'];
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type MutationUnacknowledgeAlertArgs = {
  id: Scalars['ID']['input'];
};

export type Query = {
  __typename?: 'Query';
  alert?: Maybe<Alert>;
  /** The monitors' alerting rules (Prometheus), firing ones first: what can raise an alert, and why it did. */
  alertRules: Array<AlertRule>;
  /** Active alerts from every monitor, worst first. */
  alerts: Array<Alert>;
  /** Alerts that no identification rule maps to a CI: listed, never dropped. */
  unmappedAlerts: Array<Alert>;
};


export type QueryAlertArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAlertRulesArgs = {
  first: Scalars['Int']['input'];
};


export type QueryAlertsArgs = {
  filter?: InputMaybe<AlertFilter>;
  first: Scalars['Int']['input'];
};


export type QueryUnmappedAlertsArgs = {
  first: Scalars['Int']['input'];
};

export type Service = {
  __typename?: 'Service';
  /** Active alerts on every CI below the service. */
  alerts: Array<Alert>;
  componentIds: Array<Scalars['ID']['output']>;
  id: Scalars['ID']['output'];
};

/** Health, ordered OK < WARNING < MINOR < MAJOR < CRITICAL; UNKNOWN when the data to decide is missing. */
export type Status =
  | 'CRITICAL'
  | 'MAJOR'
  | 'MINOR'
  | 'OK'
  | 'UNKNOWN'
  | 'WARNING';



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
  Alert: Alert;
  ConfigurationItem: ConfigurationItem;
  Service: Service;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Alert:
    ( { __typename: 'Alert' }
    & GraphQLRecursivePick<FederationTypes['Alert'], {"id":true}> );
  ConfigurationItem:
    ( { __typename: 'ConfigurationItem' }
    & GraphQLRecursivePick<FederationTypes['ConfigurationItem'], {"id":true}> );
  Service:
    ( { __typename: 'Service' }
    & GraphQLRecursivePick<FederationTypes['Service'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Service'], {"componentIds":true}> ) );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Alert: ResolverTypeWrapper<AlertViewModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AlertFilter: AlertFilter;
  AlertRule: ResolverTypeWrapper<AlertRule>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AlertSource: ResolverTypeWrapper<AlertSource>;
  ConfigurationItem: ResolverTypeWrapper<Pick<Omit<ConfigurationItem, 'alerts' | 'metrics'> & { alerts: Array<ResolversTypes['Alert']>, metrics: Array<ResolversTypes['Metric']> }, 'id'> & Partial<Omit<ConfigurationItem, 'alerts' | 'metrics'> & { alerts: Array<ResolversTypes['Alert']>, metrics: Array<ResolversTypes['Metric']> }>>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DrillLevel: DrillLevel;
  Label: ResolverTypeWrapper<Label>;
  Metric: ResolverTypeWrapper<MetricViewModel>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  MonitorLink: ResolverTypeWrapper<MonitorLink>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Service: ResolverTypeWrapper<Pick<Omit<Service, 'alerts'> & { alerts: Array<ResolversTypes['Alert']> }, 'id'> & Partial<Omit<Service, 'alerts'> & { alerts: Array<ResolversTypes['Alert']> }>>;
  Status: Status;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Alert: AlertViewModel;
  Boolean: Scalars['Boolean']['output'];
  ID: Scalars['ID']['output'];
  AlertFilter: AlertFilter;
  AlertRule: AlertRule;
  Int: Scalars['Int']['output'];
  AlertSource: AlertSource;
  ConfigurationItem: Pick<Omit<ConfigurationItem, 'alerts' | 'metrics'> & { alerts: Array<ResolversParentTypes['Alert']>, metrics: Array<ResolversParentTypes['Metric']> }, 'id'> & Partial<Omit<ConfigurationItem, 'alerts' | 'metrics'> & { alerts: Array<ResolversParentTypes['Alert']>, metrics: Array<ResolversParentTypes['Metric']> }>;
  DateTime: Scalars['DateTime']['output'];
  Label: Label;
  Metric: MetricViewModel;
  Float: Scalars['Float']['output'];
  MonitorLink: MonitorLink;
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  Service: Pick<Omit<Service, 'alerts'> & { alerts: Array<ResolversParentTypes['Alert']> }, 'id'> & Partial<Omit<Service, 'alerts'> & { alerts: Array<ResolversParentTypes['Alert']> }>;
  String: Scalars['String']['output'];
};

export type ActionDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type ActionDirectiveResolver<Result, Parent, ContextType = MonitoringContext, Args = ActionDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type DrillDirectiveArgs = {
  level: DrillLevel;
};

export type DrillDirectiveResolver<Result, Parent, ContextType = MonitoringContext, Args = DrillDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AlertResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Alert'] = ResolversParentTypes['Alert'], FederationReferenceType extends FederationReferenceTypes['Alert'] = FederationReferenceTypes['Alert']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Alert']> | FederationReferenceType, FederationReferenceType, ContextType>;
  acknowledged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  acknowledgedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  acknowledgedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  acknowledgedUntil?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  ci?: Resolver<Maybe<ResolversTypes['ConfigurationItem']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inMaintenance?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['Label']>, ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['AlertSource'], ParentType, ContextType>;
  stale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AlertRuleResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['AlertRule'] = ResolversParentTypes['AlertRule']> = {
  activeAlerts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  expression?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  group?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['AlertSource'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AlertSourceResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['AlertSource'] = ResolversParentTypes['AlertSource']> = {
  connector?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tool?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ConfigurationItemResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['ConfigurationItem'] = ResolversParentTypes['ConfigurationItem'], FederationReferenceType extends FederationReferenceTypes['ConfigurationItem'] = FederationReferenceTypes['ConfigurationItem']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ConfigurationItem']> | FederationReferenceType, FederationReferenceType, ContextType>;
  alerts?: Resolver<Array<ResolversTypes['Alert']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metrics?: Resolver<Array<ResolversTypes['Metric']>, ParentType, ContextType>;
  monitorLinks?: Resolver<Array<ResolversTypes['MonitorLink']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type LabelResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Label'] = ResolversParentTypes['Label']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MetricResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Metric'] = ResolversParentTypes['Metric']> = {
  at?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unit?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type MonitorLinkResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['MonitorLink'] = ResolversParentTypes['MonitorLink']> = {
  connector?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tool?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  acknowledgeAlert?: Resolver<ResolversTypes['Alert'], ParentType, ContextType, RequireFields<MutationAcknowledgeAlertArgs, 'comment' | 'id'>>;
  unacknowledgeAlert?: Resolver<ResolversTypes['Alert'], ParentType, ContextType, RequireFields<MutationUnacknowledgeAlertArgs, 'id'>>;
};

export type QueryResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  alert?: Resolver<Maybe<ResolversTypes['Alert']>, ParentType, ContextType, RequireFields<QueryAlertArgs, 'id'>>;
  alertRules?: Resolver<Array<ResolversTypes['AlertRule']>, ParentType, ContextType, RequireFields<QueryAlertRulesArgs, 'first'>>;
  alerts?: Resolver<Array<ResolversTypes['Alert']>, ParentType, ContextType, RequireFields<QueryAlertsArgs, 'first'>>;
  unmappedAlerts?: Resolver<Array<ResolversTypes['Alert']>, ParentType, ContextType, RequireFields<QueryUnmappedAlertsArgs, 'first'>>;
};

export type ServiceResolvers<ContextType = MonitoringContext, ParentType extends ResolversParentTypes['Service'] = ResolversParentTypes['Service'], FederationReferenceType extends FederationReferenceTypes['Service'] = FederationReferenceTypes['Service']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Service']> | FederationReferenceType, FederationReferenceType, ContextType>;
  alerts?: Resolver<Array<ResolversTypes['Alert']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type Resolvers<ContextType = MonitoringContext> = {
  Alert?: AlertResolvers<ContextType>;
  AlertRule?: AlertRuleResolvers<ContextType>;
  AlertSource?: AlertSourceResolvers<ContextType>;
  ConfigurationItem?: ConfigurationItemResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Label?: LabelResolvers<ContextType>;
  Metric?: MetricResolvers<ContextType>;
  MonitorLink?: MonitorLinkResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Service?: ServiceResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = MonitoringContext> = {
  action?: ActionDirectiveResolver<any, any, ContextType>;
  drill?: DrillDirectiveResolver<any, any, ContextType>;
};
