import type { ComponentChildren } from 'preact';
import type { GraphQLErrorBody } from '../graphql';
import { Errors, Loading } from './Errors';

interface Answered {
  errors: readonly GraphQLErrorBody[];
  loading?: boolean;
  data: unknown;
}

/**
 * The frame every view shares: its heading (where the keyboard focus goes when the view opens), the
 * lead sentence, what the gateway refused or could not load in any of the view's answers, and
 * "Loading <what>…" until the first of them (the one the view stands on) has arrived.
 */
export function Page({
  title,
  lead,
  answers,
  what,
  children,
}: {
  title: ComponentChildren;
  lead?: ComponentChildren;
  answers: readonly (Answered | null)[];
  /** What the first answer brings, in words: "your services". */
  what?: string;
  children?: ComponentChildren;
}) {
  const first = answers[0];
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {lead ? <p class="lead">{lead}</p> : null}
      <Errors errors={answers.flatMap((a) => a?.errors ?? [])} />
      {what && first?.loading && !first.data ? <Loading what={what} /> : null}
      {children}
    </>
  );
}

/** A titled part of a view, named by its heading for screen readers. */
export function Section({ id, title, children }: { id: string; title: ComponentChildren; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A titled list, left out when there is nothing in it, or nothing came (a field the viewer's drill
 * level does not read is never asked for). Each item draws its own `<li>`.
 */
export function ListSection<T>({
  id,
  title,
  items,
  class: listClass,
  children,
}: {
  id: string;
  title: string;
  items: readonly T[] | null | undefined;
  class?: string;
  children: (item: T) => ComponentChildren;
}) {
  if (!items || items.length === 0) return null;
  return (
    <Section id={id} title={title}>
      <ul class={listClass}>{items.map(children)}</ul>
    </Section>
  );
}
