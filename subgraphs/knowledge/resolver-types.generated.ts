import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Article as ArticleModel } from '../../kernel/model.js';
import type { KnowledgeContext } from './context.js';
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

export type Article = {
  __typename?: 'Article';
  connector: Scalars['String']['output'];
  /** Tool-qualified: <connector>:<native id>. */
  id: Scalars['ID']['output'];
  labels: Array<Scalars['String']['output']>;
  /** Relevance in [0, 1] when the article came from a search. */
  score?: Maybe<Scalars['Float']['output']>;
  snippet: Scalars['String']['output'];
  /** Tool family: confluence, servicenow, mediawiki, builtin. */
  source: Scalars['String']['output'];
  title: Scalars['String']['output'];
  url?: Maybe<Scalars['String']['output']>;
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
  id: Scalars['ID']['output'];
  linkedArticleIds: Array<Scalars['ID']['output']>;
  linkedArticles: Array<Article>;
  searchText: Scalars['String']['output'];
  /** The articles most relevant to the incident's CI, service and words, from every knowledge base. */
  suggestedArticles: Array<Article>;
};


export type IncidentSuggestedArticlesArgs = {
  first: Scalars['Int']['input'];
};

export type Query = {
  __typename?: 'Query';
  article?: Maybe<Article>;
  /** Articles matching the words, from every knowledge base, merged and ranked. */
  searchArticles: Array<Article>;
};


export type QueryArticleArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySearchArticlesArgs = {
  first: Scalars['Int']['input'];
  text: Scalars['String']['input'];
};

export type Service = {
  __typename?: 'Service';
  /** Articles about the service. */
  articles: Array<Article>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};


export type ServiceArticlesArgs = {
  first: Scalars['Int']['input'];
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
  Article: Article;
  Incident: Incident;
  Service: Service;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Article:
    ( { __typename: 'Article' }
    & GraphQLRecursivePick<FederationTypes['Article'], {"id":true}> );
  Incident:
    ( { __typename: 'Incident' }
    & GraphQLRecursivePick<FederationTypes['Incident'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Incident'], {"linkedArticleIds":true}>
        | GraphQLRecursivePick<FederationTypes['Incident'], {"linkedArticleIds":true,"searchText":true}>
        | GraphQLRecursivePick<FederationTypes['Incident'], {"searchText":true}> ) );
  Service:
    ( { __typename: 'Service' }
    & GraphQLRecursivePick<FederationTypes['Service'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Service'], {"name":true}> ) );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Article: ResolverTypeWrapper<ArticleModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DrillLevel: DrillLevel;
  Incident: ResolverTypeWrapper<Pick<Omit<Incident, 'linkedArticles' | 'suggestedArticles'> & { linkedArticles: Array<ResolversTypes['Article']>, suggestedArticles: Array<ResolversTypes['Article']> }, 'id'> & Partial<Omit<Incident, 'linkedArticles' | 'suggestedArticles'> & { linkedArticles: Array<ResolversTypes['Article']>, suggestedArticles: Array<ResolversTypes['Article']> }>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Service: ResolverTypeWrapper<Pick<Omit<Service, 'articles'> & { articles: Array<ResolversTypes['Article']> }, 'id'> & Partial<Omit<Service, 'articles'> & { articles: Array<ResolversTypes['Article']> }>>;
  Status: Status;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Article: ArticleModel;
  ID: Scalars['ID']['output'];
  Float: Scalars['Float']['output'];
  DateTime: Scalars['DateTime']['output'];
  Incident: Pick<Omit<Incident, 'linkedArticles' | 'suggestedArticles'> & { linkedArticles: Array<ResolversParentTypes['Article']>, suggestedArticles: Array<ResolversParentTypes['Article']> }, 'id'> & Partial<Omit<Incident, 'linkedArticles' | 'suggestedArticles'> & { linkedArticles: Array<ResolversParentTypes['Article']>, suggestedArticles: Array<ResolversParentTypes['Article']> }>;
  Int: Scalars['Int']['output'];
  Query: Record<PropertyKey, never>;
  Service: Pick<Omit<Service, 'articles'> & { articles: Array<ResolversParentTypes['Article']> }, 'id'> & Partial<Omit<Service, 'articles'> & { articles: Array<ResolversParentTypes['Article']> }>;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
};

export type ActionDirectiveArgs = {
  name: Scalars['String']['input'];
};

export type ActionDirectiveResolver<Result, Parent, ContextType = KnowledgeContext, Args = ActionDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type DrillDirectiveArgs = {
  level: DrillLevel;
};

export type DrillDirectiveResolver<Result, Parent, ContextType = KnowledgeContext, Args = DrillDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ArticleResolvers<ContextType = KnowledgeContext, ParentType extends ResolversParentTypes['Article'] = ResolversParentTypes['Article'], FederationReferenceType extends FederationReferenceTypes['Article'] = FederationReferenceTypes['Article']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Article']> | FederationReferenceType, FederationReferenceType, ContextType>;
  connector?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  snippet?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type IncidentResolvers<ContextType = KnowledgeContext, ParentType extends ResolversParentTypes['Incident'] = ResolversParentTypes['Incident'], FederationReferenceType extends FederationReferenceTypes['Incident'] = FederationReferenceTypes['Incident']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Incident']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  linkedArticles?: Resolver<Array<ResolversTypes['Article']>, ParentType, ContextType>;
  suggestedArticles?: Resolver<Array<ResolversTypes['Article']>, ParentType, ContextType, RequireFields<IncidentSuggestedArticlesArgs, 'first'>>;
};

export type QueryResolvers<ContextType = KnowledgeContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  article?: Resolver<Maybe<ResolversTypes['Article']>, ParentType, ContextType, RequireFields<QueryArticleArgs, 'id'>>;
  searchArticles?: Resolver<Array<ResolversTypes['Article']>, ParentType, ContextType, RequireFields<QuerySearchArticlesArgs, 'first' | 'text'>>;
};

export type ServiceResolvers<ContextType = KnowledgeContext, ParentType extends ResolversParentTypes['Service'] = ResolversParentTypes['Service'], FederationReferenceType extends FederationReferenceTypes['Service'] = FederationReferenceTypes['Service']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Service']> | FederationReferenceType, FederationReferenceType, ContextType>;
  articles?: Resolver<Array<ResolversTypes['Article']>, ParentType, ContextType, RequireFields<ServiceArticlesArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type Resolvers<ContextType = KnowledgeContext> = {
  Article?: ArticleResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Incident?: IncidentResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Service?: ServiceResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = KnowledgeContext> = {
  action?: ActionDirectiveResolver<any, any, ContextType>;
  drill?: DrillDirectiveResolver<any, any, ContextType>;
};
