import type { ComponentChildren } from 'preact';
import type { GraphQLErrorBody } from '../graphql';
import { Errors, Loading } from './Errors';

/**
 * The frame every view shares: its heading (where the keyboard focus goes when the view opens), the
 * lead sentence, what the gateway refused or could not load, and "Loading…" until the first answer.
 */
export function Page({
  title,
  lead,
  errors,
  loading,
  children,
}: {
  title: ComponentChildren;
  lead?: ComponentChildren;
  errors: readonly GraphQLErrorBody[];
  /** What is loading, in words ("your services"), while nothing has arrived yet. */
  loading?: string | false;
  children?: ComponentChildren;
}) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {lead ? <p class="lead">{lead}</p> : null}
      <Errors errors={errors} />
      {loading ? <Loading what={loading} /> : null}
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
