import { useState } from 'preact/hooks';
import { graphql } from '../gql';
import { useMutation, useQuery } from '../graphql';
import { Errors, Loading } from '../parts/Errors';
import { Status } from '../parts/Status';
import { href } from '../route';
import { useSession } from '../session';

const myServicesQuery = graphql(`
  query MyServices {
    myServices {
      service {
        id
        name
        description
      }
      status
      text
      incidentNumber
    }
  }
`);

const reportMutation = graphql(`
  mutation ReportProblem($serviceId: ID!, $text: String!) {
    reportProblem(serviceId: $serviceId, text: $text) {
      number
      message
    }
  }
`);

/** The end user's view: each service their groups use, in plain words, and "report a problem". */
export function MyServices() {
  const { data, errors, loading, refetch } = useQuery(myServicesQuery, {});
  const { may } = useSession();
  return (
    <>
      <h1 tabIndex={-1}>My services</h1>
      <p class="lead">The services you use, and whether they work.</p>
      <Errors errors={errors} />
      {loading && !data ? <Loading what="your services" /> : null}
      {data && data.myServices.length === 0 ? <p>No service is listed as used by your groups.</p> : null}
      <ul class="cards">
        {data?.myServices.map((s) => (
          <li key={s.service.id} class={`card my-service status-edge-${s.status.toLowerCase()}`}>
            <h2>
              <a href={href('service', s.service.id)}>{s.service.name}</a> <Status status={s.status} plain />
            </h2>
            <p>{s.text}</p>
            {s.service.description ? <p class="muted">{s.service.description}</p> : null}
            {may('problem:report') ? <Report serviceId={s.service.id} name={s.service.name} onDone={refetch} /> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function Report({ serviceId, name, onDone }: { serviceId: string; name: string; onDone: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const { mutate, running } = useMutation(reportMutation);
  const id = `report-${serviceId}`;
  return (
    <div>
      {open ? (
        <form
          class="report"
          onSubmit={async (event) => {
            event.preventDefault();
            const answer = await mutate({ serviceId, text });
            const report = answer.data?.reportProblem;
            setOutcome(
              report ? `${report.message} (ticket ${report.number})` : `Not reported: ${answer.errors.map((e) => e.message).join('; ')}`,
            );
            if (report) {
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
      <p class="outcome" aria-live="polite">
        {outcome}
      </p>
    </div>
  );
}
