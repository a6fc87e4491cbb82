import type { GraphQLErrorBody } from '../graphql';

/** What went wrong, as the gateway said it (a tool down nulls only its fields: the rest is shown). */
export function Errors({ errors }: { errors: readonly GraphQLErrorBody[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="errors" role="alert">
      <p>Part of this view could not be loaded:</p>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.message}
            {e.extensions?.code ? <span class="code"> ({e.extensions.code})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}
