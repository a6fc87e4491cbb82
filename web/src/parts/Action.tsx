import { useState } from 'preact/hooks';
import type { TypedDocumentString } from '../gql/graphql';
import { useOnDemand } from '../graphql';

/**
 * A mutation a person starts from the page, and what became of it in words: `done` says what the
 * tool did, else "<failed>: <the gateway's reasons>". The words land in an `Outcome`, which screen
 * readers announce.
 */
export function useAction<R, V>(document: TypedDocumentString<R, V>, words: { done: (data: R, variables: V) => string; failed: string }) {
  const { mutate, running } = useOnDemand(document);
  const [outcome, setOutcome] = useState<string | null>(null);
  const act = async (variables: V): Promise<R | null> => {
    const answer = await mutate(variables);
    setOutcome(answer.data ? words.done(answer.data, variables) : `${words.failed}: ${answer.errors.map((e) => e.message).join('; ')}`);
    return answer.data;
  };
  return { act, running, outcome };
}

export function Outcome({ text, inline = false }: { text: string | null; inline?: boolean }) {
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class="outcome" aria-live="polite">
      {text}
    </Tag>
  );
}
