import { useState } from 'preact/hooks';
import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { Outcome, useAction } from '../parts/Action';
import { Card, Cards } from '../parts/Cards';
import { Page } from '../parts/Page';
import { Status } from '../parts/Status';
import { href } from '../route';
import { useSession } from '../session';

const myServicesQuery = graphql(`
  query MyServices {
    myServices {
      service { id name description }
      status
      text
      incidentNumber
    }
  }
`);

const reportMutation = graphql(`
  mutation ReportProblem($serviceId: ID!, $text: String!) {
    reportProblem(serviceId: $serviceId, text: $text) { number message }
  }
`);

/** The end user's view: each service their groups use, in plain words, and "report a problem". */
export function MyServices() {
  const answer = useQuery(myServicesQuery, {});
  const { may } = useSession();
  return (
    <Page title="My services" lead="The services you use, and whether they work." answers={[answer]} what="your services">
      <Cards items={answer.data?.myServices} empty="No service is listed as used by your groups.">
        {(s) => (
          <Card key={s.service.id} class="my-service" status={s.status}>
            <h2>
              <a href={href('service', s.service.id)}>{s.service.name}</a> <Status status={s.status} plain />
            </h2>
            <p>{s.text}</p>
            {s.service.description ? <p class="muted">{s.service.description}</p> : null}
            {may('problem:report') ? <Report serviceId={s.service.id} name={s.service.name} onDone={answer.refetch} /> : null}
          </Card>
        )}
      </Cards>
    </Page>
  );
}

function Report({ serviceId, name, onDone }: { serviceId: string; name: string; onDone: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const { act, running, outcome } = useAction(reportMutation, {
    done: ({ reportProblem: r }) => `${r.message} (ticket ${r.number})`,
    failed: 'Not reported',
  });
  const id = `report-${serviceId}`;
  return (
    <div>
      {open ? (
        <form
          class="report"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await act({ serviceId, text })) {
              setOpen(false);
              setText('');
              await onDone();
            }
          }}
        >
          <label for={id}>What does not work with {name}?</label>
          <textarea id={id} required rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <div class="actions">
            <button type="submit" disabled={running}>
              Send the report
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="secondary" onClick={() => setOpen(true)}>
          Report a problem with {name}
        </button>
      )}
      <Outcome text={outcome} />
    </div>
  );
}
