import type { ComponentChildren } from 'preact';
import type { Status as StatusValue } from '../gql/graphql';
import { Status } from './Status';

export interface FlatNode {
  name: string;
  depth: number;
  status: StatusValue;
  /** Where the node's name links to (a service's detail), if anywhere. */
  href?: string | undefined;
}

interface Nested extends FlatNode {
  children: Nested[];
}

/** The gateway's depth-first list (each node with its depth) as nested children. */
export function nest(flat: readonly FlatNode[]): Nested[] {
  const roots: Nested[] = [];
  const stack: Nested[] = [];
  for (const node of flat) {
    const nested: Nested = { ...node, children: [] };
    while (stack.length > node.depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(nested);
    else roots.push(nested);
    stack.push(nested);
  }
  return roots;
}

function Branch({ nodes }: { nodes: Nested[] }): ComponentChildren {
  return (
    <ul>
      {nodes.map((n, i) => (
        <li key={`${n.name}-${i}`}>
          <span class="tree-node">
            {n.href ? <a href={n.href}>{n.name}</a> : n.name} <Status status={n.status} />
          </span>
          {n.children.length > 0 ? <Branch nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The dependency tree as nested lists: each level readable by keyboard and screen reader as a list. */
export function Tree({ nodes }: { nodes: readonly FlatNode[] }) {
  return (
    <div class="tree">
      <Branch nodes={nest(nodes)} />
    </div>
  );
}
