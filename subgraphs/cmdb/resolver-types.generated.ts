import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ConfigurationItem as ConfigurationItemModel } from '../../kernel/model.js';
import type { CmdbContext } from './context.js';
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

export type Attribute = {
  __typename?: 'Attribute';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type CiRelation = {
  __typename?: 'CiRelation';
  ci: ConfigurationItem;
  type: RelationType;
};

export type ConfigurationItem = {
  __typename?: 'ConfigurationItem';
  attributes: Array<Attribute>;
  /** server, vm, cluster, application, database, network, storage, desktop-pool, … */
  class: Scalars['String']['output'];
  /** What this CI needs (it is the parent of these relations). */
  dependsOn: Array<CiRelation>;
  fqdn?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  ip?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  serial?: Maybe<Scalars['String']['output']>;
  /** Deep links into every tool that knows this CI. */
  sourceLinks: Array<SourceLink>;
  tags: Array<Scalars['String']['output']>;
  /** What needs this CI. */
  usedBy: Array<CiRelation>;
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

export type Query = {
  __typename?: 'Query';
  configurationItem?: Maybe<ConfigurationItem>;
  /** CIs matching a case-insensitive search on name, FQDN or IP, optionally of one class. */
  configurationItems: Array<ConfigurationItem>;
};


export type QueryConfigurationItemArgs = {
  id: Scalars['ID']['input'];
};


export type QueryConfigurationItemsArgs = {
  class?: InputMaybe<Scalars['String']['input']>;
  first: Scalars['Int']['input'];
  search?: InputMaybe<Scalars['String']['input']>;
};

export type RelationType =
  | 'DEPENDS_ON'
  | 'MEMBER_OF'
  | 'RUNS_ON';

export type SourceLink = {
  __typename?: 'SourceLink';
  connector: Scalars['String']['output'];
  /** The tool's own id of the object. */
  id: Scalars['String']['output'];
  tool: Scalars['String']['output'];
  url?: Maybe<Scalars['String']['output']>;
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
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  ConfigurationItem:
    ( { __typename: 'ConfigurationItem' }
    & GraphQLRecursivePick<FederationTypes['ConfigurationItem'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Attribute: ResolverTypeWrapper<Attribute>;
  CiRelation: ResolverTypeWrapper<Omit<CiRelation, 'ci'> & { ci: ResolversTypes['ConfigurationItem'] }>;
  ConfigurationItem: ResolverTypeWrapper<ConfigurationItemModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DrillLevel: DrillLevel;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  RelationType: RelationType;
  SourceLink: ResolverTypeWrapper<SourceLink>;
  Status: Status;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Attribute: Attribute;
  CiRelation: Omit<CiRelation, 'ci'> & { ci: ResolversParentTypes['ConfigurationItem'] };
  ConfigurationItem: ConfigurationItemModel;
  ID: Scalars['ID']['output'];
  DateTime: Scalars['DateTime']['output'];
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  SourceLink: SourceLink;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
};

export type ActionDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type ActionDirectiveResolver<Result, Parent, ContextType = CmdbContext, Args = ActionDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type DrillDirectiveArgs = {
  level: DrillLevel;
};

export type DrillDirectiveResolver<Result, Parent, ContextType = CmdbContext, Args = DrillDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AttributeResolvers<ContextType = CmdbContext, ParentType extends ResolversParentTypes['Attribute'] = ResolversParentTypes['Attribute']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CiRelationResolvers<ContextType = CmdbContext, ParentType extends ResolversParentTypes['CiRelation'] = ResolversParentTypes['CiRelation']> = {
  ci?: Resolver<ResolversTypes['ConfigurationItem'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['RelationType'], ParentType, ContextType>;
};

export type ConfigurationItemResolvers<ContextType = CmdbContext, ParentType extends ResolversParentTypes['ConfigurationItem'] = ResolversParentTypes['ConfigurationItem'], FederationReferenceType extends FederationReferenceTypes['ConfigurationItem'] = FederationReferenceTypes['ConfigurationItem']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ConfigurationItem']> | FederationReferenceType, FederationReferenceType, ContextType>;
  attributes?: Resolver<Array<ResolversTypes['Attribute']>, ParentType, ContextType>;
  class?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dependsOn?: Resolver<Array<ResolversTypes['CiRelation']>, ParentType, ContextType>;
  fqdn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ip?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  serial?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sourceLinks?: Resolver<Array<ResolversTypes['SourceLink']>, ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  usedBy?: Resolver<Array<ResolversTypes['CiRelation']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type QueryResolvers<ContextType = CmdbContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  configurationItem?: Resolver<Maybe<ResolversTypes['ConfigurationItem']>, ParentType, ContextType, RequireFields<QueryConfigurationItemArgs, 'id'>>;
  configurationItems?: Resolver<Array<ResolversTypes['ConfigurationItem']>, ParentType, ContextType, RequireFields<QueryConfigurationItemsArgs, 'first'>>;
};

export type SourceLinkResolvers<ContextType = CmdbContext, ParentType extends ResolversParentTypes['SourceLink'] = ResolversParentTypes['SourceLink']> = {
  connector?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tool?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = CmdbContext> = {
  Attribute?: AttributeResolvers<ContextType>;
  CiRelation?: CiRelationResolvers<ContextType>;
  ConfigurationItem?: ConfigurationItemResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Query?: QueryResolvers<ContextType>;
  SourceLink?: SourceLinkResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = CmdbContext> = {
  action?: ActionDirectiveResolver<any, any, ContextType>;
  drill?: DrillDirectiveResolver<any, any, ContextType>;
};
