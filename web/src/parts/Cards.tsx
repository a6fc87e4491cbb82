import type { ComponentChildren } from 'preact';
import type { Status as StatusValue } from '../gql/graphql';
import { tone } from './Status';

/**
 * A list of cards, saying so in words when the answer holds none (and nothing while it has not
 * arrived). `ordered` where the order is a ranking.
 */
export function Cards<T>({
  items,
  empty,
  ordered = false,
  children,
}: {
  items: readonly T[] | undefined;
  empty: ComponentChildren;
  ordered?: boolean;
  children: (item: T) => ComponentChildren;
}) {
  if (!items) return null;
  if (items.length === 0) return <p>{empty}</p>;
  const List = ordered ? 'ol' : 'ul';
  return <List class="cards">{items.map(children)}</List>;
}

/** One card; its left edge takes the colour of a status when it has one. */
export function Card({ status, class: extra, children }: { status?: StatusValue; class?: string; children: ComponentChildren }) {
  return (
    <li class={extra ? `card ${extra}` : 'card'} style={status ? tone(status) : undefined}>
      {children}
    </li>
  );
}
