import { useState } from 'preact/hooks';
import { money } from '../format';
import { graphql } from '../gql';
import type { CatalogQuery } from '../gql/graphql';
import { useQuery } from '../graphql';
import { Outcome, useAction } from '../parts/Action';
import { Card, Cards } from '../parts/Cards';
import { Page } from '../parts/Page';
import { Status } from '../parts/Status';
import { href } from '../route';
import { useSession } from '../session';

const catalogQuery = graphql(`
  query Catalog {
    catalog {
      service { id name status }
      id
      name
      description
      valueClass
      monthlyCost
      slaObjective
      owner
      howToRequest
    }
  }
`);

const requestMutation = graphql(`
  mutation RequestOffering($input: RequestOfferingInput!) {
    requestOffering(input: $input) { number message }
  }
`);

type Offering = CatalogQuery['catalog'][number];

/** The service catalogue: the standard offerings of the services the viewer sees, and "request" where the role may. */
export function Catalog() {
  const answer = useQuery(catalogQuery, {});
  const { may } = useSession();
  return (
    <Page
      title="Catalogue"
      lead="Standard offerings of the services you use: what each costs, who provides it, and how to ask for it."
      answers={[answer]}
      what="the catalogue"
    >
      <Cards items={answer.data?.catalog} empty="No service you see offers anything to request.">
        {(o) => (
          <Card key={o.id} class="offering">
            <h2>{o.name}</h2>
            <p>{o.description}</p>
            <p class="facts">
              {money(o.monthlyCost)} per month ·{' '}
              {o.slaObjective === null || o.slaObjective === undefined ? 'no SLA' : `SLA ${o.slaObjective} %`} · provided by {o.owner} ·{' '}
              {o.valueClass.toLowerCase().replace('_', '-')} · <a href={href('service', o.service.id)}>{o.service.name}</a>{' '}
              <Status status={o.service.status} plain />
            </p>
            <p>
              <strong>How to request:</strong> {o.howToRequest}
            </p>
            {may('offering:request') ? <RequestForm offering={o} /> : null}
          </Card>
        )}
      </Cards>
    </Page>
  );
}

/** 128 random bits as hex; `crypto.randomUUID` would need a secure context, which a plain-HTTP gateway is not. */
const newRequestKey = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

function RequestForm({ offering }: { offering: Offering }) {
  const [note, setNote] = useState('');
  // One idempotency key per request, not per click: a double click, or sending again after an error,
  // asks for the same ticket, which the help desk opens once. "Request another" starts a new request.
  const [key, setKey] = useState(newRequestKey);
  const [ticket, setTicket] = useState<string | null>(null);
  const { act, running, outcome } = useAction(requestMutation, {
    done: ({ requestOffering: r }) => r.message,
    failed: 'Not requested',
  });
  const id = `note-${offering.id}`;
  return (
    <form
      class="report"
      onSubmit={async (event) => {
        event.preventDefault();
        const answer = await act({ input: { offeringId: offering.id, note, clientMutationId: key } });
        if (answer) setTicket(answer.requestOffering.number);
      }}
    >
      <label for={id}>Note for {offering.owner} (optional)</label>
      <textarea id={id} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" disabled={running}>
          Request {offering.name}
        </button>
        {ticket ? (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setKey(newRequestKey());
              setTicket(null);
              setNote('');
            }}
          >
            Request another
          </button>
        ) : null}
      </div>
      <Outcome text={outcome} />
    </form>
  );
}
