import { decrease } from './decrease.js';
import { identity } from './identity.js';
import { ignore } from './ignore.js';
import { increase } from './increase.js';
import { set } from './set.js';

/** Every edge map, in the order the docs list them. A new map is its own file plus one entry here. */
export const MAP_KINDS = [identity, increase, decrease, set, ignore] as const;

type MapOf<D> = D extends { apply(map: infer M, c: number): number } ? M : never;

/** How one edge transforms the child's status before the parent's reduce rule sees it. */
export type EdgeMap = MapOf<(typeof MAP_KINDS)[number]>;
