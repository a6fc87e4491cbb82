import { useState } from 'preact/hooks';
import { money } from '../format';
import { graphql } from '../gql';
import type { CatalogQuery } from '../gql/graphql';
import { useQuery } from '../graphql';
import { Outcome, useAction } from '../parts/Action';
import { Card, Cards } from '../parts/Cards';
import { Page, Section } from '../parts/Page';
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

/** Offerings under the service that provides them, services in the order the catalogue first names them. */
function byService(offerings: readonly Offering[]): { service: Offering['service']; offerings: Offering[] }[] {
  const groups = new Map<string, { service: Offering['service']; offerings: Offering[] }>();
  for (const o of offerings) {
    const group = groups.get(o.service.id) ?? { service: o.service, offerings: [] };
    group.offerings.push(o);
    groups.set(o.service.id, group);
  }
  return [...groups.values()];
}

/** The service catalogue: the standard offerings of the services the viewer sees, by service, and "request" where the role may. */
export function Catalog() {
  const answer = useQuery(catalogQuery, {});
  const { may } = useSession();
  const catalog = answer.data?.catalog;
  return (
    <Page
      title="Catalogue"
      lead="Standard offerings of the services you use: what each costs, who provides it, and how to ask for it."
      answers={[answer]}
      what="the catalogue"
    >
      {catalog?.length === 0 ? <p>No service you see offers anything to request.</p> : null}
      {byService(catalog ?? []).map(({ service, offerings }) => (
        <Section
          key={service.id}
          id={`offerings-${service.id}`}
          title={
            <>
              <a href={href('service', service.id)}>{service.name}</a> <Status status={service.status} plain />
            </>
          }
        >
          <Cards items={offerings} empty={null}>
            {(o) => (
              <Card key={o.id} class="offering">
                <h3>{o.name}</h3>
                <p>{o.description}</p>
                <p class="facts">
                  {money(o.monthlyCost)} per month ·{' '}
                  {o.slaObjective === null || o.slaObjective === undefined ? 'no SLA' : `SLA ${o.slaObjective} %`} · provided by {o.owner} ·{' '}
                  {o.valueClass.toLowerCase().replace('_', '-')}
                </p>
                <p>
                  <strong>How to request:</strong> {o.howToRequest}
                </p>
                {may('offering:request') ? <RequestForm offering={o} /> : null}
              </Card>
            )}
          </Cards>
        </Section>
      ))}
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
