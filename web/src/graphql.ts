import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TypedDocumentString } from './gql/graphql';
import { levelOf } from './drill';
import { useSession } from './session';

/**
 * The board's GraphQL client: one POST to the gateway's /graphql with the viewer's token, typed by
 * the operation (graphql-codegen's TypedDocumentString, generated from schema/public.graphql). No
 * client library: the page needs no normalised cache (answers depend on the viewer, and a cache
 * shared across sign-ins is exactly what must not happen), only a refresh on an interval, which a
 * library would leave to us anyway.
 */

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface Answer<R> {
  data: R | null;
  errors: GraphQLErrorBody[];
}

/** The gateway refused the token (expired, invalid): the page signs out and says so. */
export class TokenRefused extends Error {}

export async function execute<R, V>(token: string, document: TypedDocumentString<R, V>, variables: V): Promise<Answer<R>> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  if (response.status === 401) throw new TokenRefused('the gateway refused the token (expired or invalid): sign in again');
  const body = (await response.json()) as { data?: R | null; errors?: GraphQLErrorBody[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

export interface QueryState<R> extends Answer<R> {
  /** True until the first answer; false at once for an operation above the viewer's drill level (never sent). */
  loading: boolean;
  /** When the answer arrived (ms since the epoch): countdowns count from here. */
  receivedAt: number;
  refetch(): Promise<void>;
}

/**
 * Runs a query and runs it again every `refreshMs` the gateway announces (its evaluator interval),
 * while the tab is visible, so what the page shows is never older than one evaluation. A late answer
 * never replaces a newer one. A query above the viewer's drill level (drill.ts) is never sent.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V): QueryState<R> {
  const { token, settings, refuse, reads } = useSession();
  const allowed = reads(levelOf(document));
  const [state, setState] = useState<Answer<R> & { loading: boolean; receivedAt: number }>({
    data: null,
    errors: [],
    loading: allowed,
    receivedAt: Date.now(),
  });
  const sequence = useRef(0);
  const key = JSON.stringify(variables);
  const run = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const answer = await execute(token, document, variables);
      if (mine === sequence.current) setState({ ...answer, loading: false, receivedAt: Date.now() });
    } catch (error) {
      if (error instanceof TokenRefused) return refuse(error.message);
      if (mine === sequence.current)
        setState((s) => ({ ...s, loading: false, errors: [{ message: `the gateway cannot be reached (${String(error)})` }] }));
    }
  }, [token, document, key]);
  useEffect(() => {
    if (!allowed) return;
    void run();
    const timer = setInterval(() => {
      if (window.document.visibilityState === 'visible') void run();
    }, settings.refreshMs);
    return () => clearInterval(timer);
  }, [run, allowed, settings.refreshMs]);
  return { ...state, refetch: run };
}

/**
 * An operation the person starts (a mutation, or a question asked once such as a what-if): its
 * answer, its errors, and whether it is running.
 */
export function useOnDemand<R, V>(document: TypedDocumentString<R, V>) {
  const { token, refuse, reads } = useSession();
  const [running, setRunning] = useState(false);
  const mutate = useCallback(
    async (variables: V): Promise<Answer<R>> => {
      if (!reads(levelOf(document))) return { data: null, errors: [{ message: 'not at your drill level' }] };
      setRunning(true);
      try {
        return await execute(token, document, variables);
      } catch (error) {
        if (error instanceof TokenRefused) refuse(error.message);
        return { data: null, errors: [{ message: String(error) }] };
      } finally {
        setRunning(false);
      }
    },
    [token, document, reads],
  );
  return { mutate, running };
}
