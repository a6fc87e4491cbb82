import type { CodegenConfig } from '@graphql-codegen/cli';
import { SUBGRAPH_NAMES, type SubgraphName } from './schema/subgraphs.js';

/**
 * Resolver types generated from each subgraph's SDL, so every `subgraphs/<name>/resolvers.ts` is
 * checked against its schema: field names, parent and return shapes, argument types and which
 * arguments always arrive (the SDL's defaults). `npm run codegen` writes them; they are git-ignored
 * and `npm test` and `npm run typecheck` generate them before tsc. Only tsc reads them (resolvers
 * import them as types), so nothing that runs depends on them, and they can never be stale.
 *
 * `mappers` name the object a resolver really hands on for a schema type (a model object, a view
 * with correlation added, or a bare reference), so a field resolver's parent is typed as that.
 * Paths are relative to the generated file, which sits beside the subgraph's resolvers.
 */
const model = '../../kernel/model.js';
/**
 * An entity another subgraph owns travels as a reference: its key, plus whichever fields the gateway
 * passes for `@requires`. (The plugin's own FederationReferenceTypes cannot serve: for an entity with
 * `@requires` it admits no reference without those fields, so a resolver could not return one.)
 */
const reference = "Pick<{T}, 'id'> & Partial<{T}>";

const subgraphs: Record<SubgraphName, { context: string; mappers: Record<string, string> }> = {
  services: {
    context: './context.js#ServicesContext',
    mappers: {
      Service: './parents.js#ServiceRef',
      ConfigurationItem: './parents.js#CiRef',
      BusinessImpact: './parents.js#BusinessImpactParent',
    },
  },
  monitoring: {
    context: './context.js#MonitoringContext',
    mappers: {
      Alert: './context.js#AlertView',
      Metric: `${model}#CiMetric`,
      ConfigurationItem: reference,
      Service: reference,
    },
  },
  cmdb: {
    context: './context.js#CmdbContext',
    mappers: { ConfigurationItem: `${model}#ConfigurationItem` },
  },
  helpdesk: {
    context: './context.js#HelpdeskContext',
    mappers: {
      Incident: './context.js#IncidentView',
      Offering: '../../bsm/catalog.js#Offering',
      ConfigurationItem: reference,
      Service: reference,
    },
  },
  knowledge: {
    context: './context.js#KnowledgeContext',
    mappers: { Article: `${model}#Article`, Incident: reference, Service: reference },
  },
};

/**
 * The types of a client's operations, from the client-facing schema (schema/public.graphql): what
 * the service board (web/src) and the example client (examples/) send, each operation with its
 * result and variables types, checked by tsc like the resolver types and git-ignored like them.
 * `documentMode: 'string'` makes each `graphql(...)` a typed string, so the page ships no GraphQL
 * library. A field the viewer may not read answers null even where the schema says non-null: the
 * board asks only for what its drill level allows (web/src/drill.ts), so the types hold.
 */
const clientOperations = (folder: string, extensions: boolean) => ({
  schema: 'schema/public.graphql',
  documents: [`${folder}/**/*.{ts,tsx}`, `!${folder}/gql/**`],
  preset: 'client' as const,
  presetConfig: { fragmentMasking: false },
  config: {
    documentMode: 'string',
    enumsAsTypes: true,
    useTypeImports: true,
    scalars: { DateTime: 'string' },
    // Node's ESM resolution (the example client) wants `./graphql.js`; Vite's (the board) takes either.
    emitLegacyCommonJSImports: !extensions,
  },
});

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'web/src/gql/': clientOperations('web/src', false),
    'examples/gql/': clientOperations('examples', true),
    ...Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [
        `subgraphs/${name}/resolver-types.generated.ts`,
        {
          schema: ['schema/directives.graphql', `schema/${name}.graphql`],
          plugins: ['typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useTypeImports: true,
            // A mapped model type is imported as <Name>Model, beside the schema's own <Name>.
            mapperTypeSuffix: 'Model',
            // String unions, as the model's Status, Severity and IncidentPriority are.
            enumsAsTypes: true,
            // The gateway hands DateTime over as the string the client wrote; resolvers answer ISO strings.
            scalars: { DateTime: { input: 'unknown', output: 'string' } },
            // An argument or input field the SDL defaults is always there when a resolver runs.
            avoidOptionals: { defaultValue: true },
            contextType: subgraphs[name].context,
            mappers: subgraphs[name].mappers,
            // It counts the {T} mappers of references as unused: they are used.
            showUnusedMappers: false,
          },
        },
      ]),
    ),
  },
};

export default config;
