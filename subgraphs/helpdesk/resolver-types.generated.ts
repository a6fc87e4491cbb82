import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { IncidentView as IncidentViewModel, HelpdeskContext } from './context.js';
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

export type ConfigurationItem = {
  __typename?: 'ConfigurationItem';
  id: Scalars['ID']['output'];
  incidents: Array<Incident>;
};


export type ConfigurationItemIncidentsArgs = {
  openOnly: Scalars['Boolean']['input'];
};

export type CreateIncidentInput = {
  ciId?: InputMaybe<Scalars['ID']['input']>;
  /** Idempotency key: the same key never opens a second incident. Generated when absent. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Which help desk to open it in (connector name); the first configured one by default. */
  connector?: InputMaybe<Scalars['String']['input']>;
  description: Scalars['String']['input'];
  priority: IncidentPriority;
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  title: Scalars['String']['input'];
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

export type Incident = {
  __typename?: 'Incident';
  assignee?: Maybe<Scalars['String']['output']>;
  ci?: Maybe<ConfigurationItem>;
  connector: Scalars['String']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Tool-qualified: <connector>:<native id>. */
  id: Scalars['ID']['output'];
  linkedArticleIds: Array<Scalars['ID']['output']>;
  number: Scalars['String']['output'];
  openedAt: Scalars['DateTime']['output'];
  priority: IncidentPriority;
  resolutionDue?: Maybe<Scalars['DateTime']['output']>;
  /** Seconds until the resolution is due (negative when overdue). */
  resolutionTimeLeftSeconds?: Maybe<Scalars['Int']['output']>;
  responseDue?: Maybe<Scalars['DateTime']['output']>;
  /** Words that describe the incident for knowledge search: title, CI and service names. */
  searchText: Scalars['String']['output'];
  service?: Maybe<Service>;
  /** Tool family: servicenow, jira, rt, builtin. */
  source: Scalars['String']['output'];
  state: IncidentState;
  title: Scalars['String']['output'];
  /** Deep link into the help desk. */
  url?: Maybe<Scalars['String']['output']>;
};

export type IncidentFilter = {
  ciIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only incidents not resolved, closed or canceled. Default true. */
  openOnly: Scalars['Boolean']['input'];
  serviceIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  text?: InputMaybe<Scalars['String']['input']>;
};

export type IncidentPriority =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MODERATE'
  | 'PLANNING';

export type IncidentState =
  | 'CANCELED'
  | 'CLOSED'
  | 'IN_PROGRESS'
  | 'NEW'
  | 'ON_HOLD'
  | 'RESOLVED';

export type Mutation = {
  __typename?: 'Mutation';
  commentIncident: Incident;
  createIncident: Incident;
  /** Records in the help desk that this article helps with this incident. */
  linkArticle: Incident;
  /** An end user reports that a service they use does not work; opens an incident on it. */
  reportProblem: ProblemReport;
};


export type MutationCommentIncidentArgs = {
  id: Scalars['ID']['input'];
  internal: Scalars['Boolean']['input'];
  text: Scalars['String']['input'];
};


export type MutationCreateIncidentArgs = {
  input: CreateIncidentInput;
};


export type MutationLinkArticleArgs = {
  articleId: Scalars['ID']['input'];
  incidentId: Scalars['ID']['input'];
};


export type MutationReportProblemArgs = {
  serviceId: Scalars['ID']['input'];
  text: Scalars['String']['input'];
};

export type ProblemReport = {
  __typename?: 'ProblemReport';
  message: Scalars['String']['output'];
  /** The ticket number to quote, e.g. INC0010042. */
  number: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  incident?: Maybe<Incident>;
  incidents: Array<Incident>;
};


export type QueryIncidentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncidentsArgs = {
  filter: IncidentFilter;
  first: Scalars['Int']['input'];
};

export type Service = {
  __typename?: 'Service';
  componentIds: Array<Scalars['ID']['output']>;
  id: Scalars['ID']['output'];
  /** Incidents on the service or on any CI below it. */
  incidents: Array<Incident>;
};


export type ServiceIncidentsArgs = {
  openOnly: Scalars['Boolean']['input'];
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
  ConfigurationItem: ConfigurationItem;
  Incident: Incident;
  Service: Service;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  ConfigurationItem:
    ( { __typename: 'ConfigurationItem' }
    & GraphQLRecursivePick<FederationTypes['ConfigurationItem'], {"id":true}> );
  Incident:
    ( { __typename: 'Incident' }
    & GraphQLRecursivePick<FederationTypes['Incident'], {"id":true}> );
  Service:
    ( { __typename: 'Service' }
    & GraphQLRecursivePick<FederationTypes['Service'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Service'], {"componentIds":true}> ) );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ConfigurationItem: ResolverTypeWrapper<Pick<Omit<ConfigurationItem, 'incidents'> & { incidents: Array<ResolversTypes['Incident']> }, 'id'> & Partial<Omit<ConfigurationItem, 'incidents'> & { incidents: Array<ResolversTypes['Incident']> }>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CreateIncidentInput: CreateIncidentInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DrillLevel: DrillLevel;
  Incident: ResolverTypeWrapper<IncidentViewModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  IncidentFilter: IncidentFilter;
  IncidentPriority: IncidentPriority;
  IncidentState: IncidentState;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ProblemReport: ResolverTypeWrapper<ProblemReport>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Service: ResolverTypeWrapper<Pick<Omit<Service, 'incidents'> & { incidents: Array<ResolversTypes['Incident']> }, 'id'> & Partial<Omit<Service, 'incidents'> & { incidents: Array<ResolversTypes['Incident']> }>>;
  Status: Status;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ConfigurationItem: Pick<Omit<ConfigurationItem, 'incidents'> & { incidents: Array<ResolversParentTypes['Incident']> }, 'id'> & Partial<Omit<ConfigurationItem, 'incidents'> & { incidents: Array<ResolversParentTypes['Incident']> }>;
  ID: Scalars['ID']['output'];
  Boolean: Scalars['Boolean']['output'];
  CreateIncidentInput: CreateIncidentInput;
  DateTime: Scalars['DateTime']['output'];
  Incident: IncidentViewModel;
  Int: Scalars['Int']['output'];
  IncidentFilter: IncidentFilter;
  Mutation: Record<PropertyKey, never>;
  ProblemReport: ProblemReport;
  Query: Record<PropertyKey, never>;
  Service: Pick<Omit<Service, 'incidents'> & { incidents: Array<ResolversParentTypes['Incident']> }, 'id'> & Partial<Omit<Service, 'incidents'> & { incidents: Array<ResolversParentTypes['Incident']> }>;
  String: Scalars['String']['output'];
};

export type ActionDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type ActionDirectiveResolver<Result, Parent, ContextType = HelpdeskContext, Args = ActionDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type DrillDirectiveArgs = {
  level: DrillLevel;
};

export type DrillDirectiveResolver<Result, Parent, ContextType = HelpdeskContext, Args = DrillDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ConfigurationItemResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['ConfigurationItem'] = ResolversParentTypes['ConfigurationItem'], FederationReferenceType extends FederationReferenceTypes['ConfigurationItem'] = FederationReferenceTypes['ConfigurationItem']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ConfigurationItem']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  incidents?: Resolver<Array<ResolversTypes['Incident']>, ParentType, ContextType, RequireFields<ConfigurationItemIncidentsArgs, 'openOnly'>>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type IncidentResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['Incident'] = ResolversParentTypes['Incident'], FederationReferenceType extends FederationReferenceTypes['Incident'] = FederationReferenceTypes['Incident']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Incident']> | FederationReferenceType, FederationReferenceType, ContextType>;
  assignee?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ci?: Resolver<Maybe<ResolversTypes['ConfigurationItem']>, ParentType, ContextType>;
  connector?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  linkedArticleIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['IncidentPriority'], ParentType, ContextType>;
  resolutionDue?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  resolutionTimeLeftSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  responseDue?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  searchText?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  service?: Resolver<Maybe<ResolversTypes['Service']>, ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['IncidentState'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  commentIncident?: Resolver<ResolversTypes['Incident'], ParentType, ContextType, RequireFields<MutationCommentIncidentArgs, 'id' | 'internal' | 'text'>>;
  createIncident?: Resolver<ResolversTypes['Incident'], ParentType, ContextType, RequireFields<MutationCreateIncidentArgs, 'input'>>;
  linkArticle?: Resolver<ResolversTypes['Incident'], ParentType, ContextType, RequireFields<MutationLinkArticleArgs, 'articleId' | 'incidentId'>>;
  reportProblem?: Resolver<ResolversTypes['ProblemReport'], ParentType, ContextType, RequireFields<MutationReportProblemArgs, 'serviceId' | 'text'>>;
};

export type ProblemReportResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['ProblemReport'] = ResolversParentTypes['ProblemReport']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  incident?: Resolver<Maybe<ResolversTypes['Incident']>, ParentType, ContextType, RequireFields<QueryIncidentArgs, 'id'>>;
  incidents?: Resolver<Array<ResolversTypes['Incident']>, ParentType, ContextType, RequireFields<QueryIncidentsArgs, 'filter' | 'first'>>;
};

export type ServiceResolvers<ContextType = HelpdeskContext, ParentType extends ResolversParentTypes['Service'] = ResolversParentTypes['Service'], FederationReferenceType extends FederationReferenceTypes['Service'] = FederationReferenceTypes['Service']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Service']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  incidents?: Resolver<Array<ResolversTypes['Incident']>, ParentType, ContextType, RequireFields<ServiceIncidentsArgs, 'openOnly'>>;
};

export type Resolvers<ContextType = HelpdeskContext> = {
  ConfigurationItem?: ConfigurationItemResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Incident?: IncidentResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  ProblemReport?: ProblemReportResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Service?: ServiceResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = HelpdeskContext> = {
  action?: ActionDirectiveResolver<any, any, ContextType>;
  drill?: DrillDirectiveResolver<any, any, ContextType>;
};
