import { parse, type DocumentNode } from 'graphql';
import { INVENTORY, type InventoryRow, PRODUCTS, type Product, REVIEWS, type Review, USERS, type User } from './data.js';

/**
 * The four subgraphs of the public federation benchmark (Federation 2 SDL) with resolvers that
 * mirror its Rust subgraphs, and the same schema as one monolith.
 */
const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

export const SUBGRAPHS = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchSubgraph = (typeof SUBGRAPHS)[number];

const typeDefs: Record<BenchSubgraph, string> = {
  accounts: `${LINK}
    type Query { me: User  user(id: ID!): User  users: [User] }
    type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`,
  inventory: `${LINK}
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }`,
  products: `${LINK}
    type Query { topProducts(first: Int = 5): [Product] }
    type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
  reviews: `${LINK}
    type Review @key(fields: "id") {
      id: ID!
      body: String
      product: Product
      author: User @provides(fields: "username")
    }
    type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
    type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`,
};

export const subgraphTypeDefs = (name: BenchSubgraph): DocumentNode => parse(typeDefs[name]);

const byKey = <T, K extends keyof T>(rows: T[], key: K, value: T[K]): T | null => rows.find((row) => row[key] === value) ?? null;

/** Like the Rust subgraph: price and weight come from its own rows (null), not from the @requires'd values. */
const shippingEstimate = (p: InventoryRow): number | null => {
  if (p.price === null) return null;
  if (p.price > 1000) return 0;
  return p.weight === null ? null : Math.trunc(p.weight / 2);
};

type Resolvers = Record<string, Record<string, (...args: any[]) => unknown>>;

export const resolvers: Record<BenchSubgraph, Resolvers> = {
  accounts: {
    Query: {
      me: () => USERS[0],
      user: (_: unknown, { id }: { id: string }) => byKey(USERS, 'id', id),
      users: () => USERS,
    },
    User: { __resolveReference: (ref: Pick<User, 'id'>) => byKey(USERS, 'id', ref.id) },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: Pick<Product, 'upc'>) => byKey(INVENTORY, 'upc', ref.upc),
      shippingEstimate,
    },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first?: number | null }) => PRODUCTS.slice(0, first ?? 5) },
    Product: { __resolveReference: (ref: Pick<Product, 'upc'>) => byKey(PRODUCTS, 'upc', ref.upc) },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: Pick<Review, 'id'>) => byKey(REVIEWS, 'id', ref.id),
      author: () => ({ id: '1', username: 'urigo', reviews: REVIEWS.slice(0, 2) }),
    },
    User: {
      __resolveReference: (ref: Pick<User, 'id'>) => ({ id: ref.id, username: 'user', reviews: REVIEWS.slice(0, 2) }),
    },
    Product: {
      __resolveReference: (ref: Pick<Product, 'upc'>) => ({ upc: ref.upc }),
      reviews: (p: Pick<Product, 'upc'>) => REVIEWS.filter((r) => r.product.upc === p.upc),
    },
  },
};

/** The same API schema and data in one server, no federation: the floor a JavaScript gateway is compared with. */
export const monolithTypeDefs = `
  type Query { me: User  user(id: ID!): User  users: [User]  topProducts(first: Int = 5): [Product] }
  type User { id: ID!  name: String  username: String  birthday: Int  reviews: [Review] }
  type Review { id: ID!  body: String  product: Product  author: User }
  type Product { upc: String!  weight: Int  price: Int  inStock: Boolean  shippingEstimate: Int  name: String  reviews: [Review] }
`;

export const monolithResolvers: Resolvers = {
  Query: {
    me: () => USERS[0],
    user: (_: unknown, { id }: { id: string }) => byKey(USERS, 'id', id),
    users: () => USERS,
    topProducts: (_: unknown, { first }: { first?: number | null }) => PRODUCTS.slice(0, first ?? 5),
  },
  // The federated semantics: every user has reviews 1 and 2, every review's author is user 1.
  User: { reviews: () => REVIEWS.slice(0, 2) },
  Review: { product: (r: Review) => byKey(PRODUCTS, 'upc', r.product.upc), author: () => USERS[0] },
  Product: {
    inStock: (p: Product) => byKey(INVENTORY, 'upc', p.upc)?.inStock ?? null,
    shippingEstimate: () => null,
    reviews: (p: Product) => REVIEWS.filter((r) => r.product.upc === p.upc),
  },
};
