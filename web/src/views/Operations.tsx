import { useState } from 'preact/hooks';
import { clock, number, perHour } from '../format';
import { graphql } from '../gql';
import type { OutageLinksQuery, OutagesQuery } from '../gql/graphql';
import { useQuery } from '../graphql';
import { Outcome, useAction } from '../parts/Action';
import { Card, Cards } from '../parts/Cards';
import { Countdown } from '../parts/Countdown';
import { Page } from '../parts/Page';
import { ServiceLinks } from '../parts/ServiceLinks';
import { Status } from '../parts/Status';
import { href } from '../route';
import { useSession } from '../session';

const outagesQuery = graphql(`
  query Outages {
    outages(first: 20) {
      rank
      status
      why
      timeToBreach { seconds }
      revenuePerHourAtRisk
      usersAtRisk
      ci {
        id
        name
        class
        alerts {
          id
          severity
          summary
          startsAt
          acknowledged
          acknowledgedBy
          source { tool connector }
        }
        incidents { id number title }
      }
      impactedServices {
        service { id name }
        statusWith
      }
    }
  }
`);

/** The deep links into the tools, for viewers at TELEMETRY. */
const linksQuery = graphql(`
  query OutageLinks {
    outages(first: 20) {
      ci {
        id
        alerts {
          id
          source { url }
        }
        sourceLinks { tool connector url }
        monitorLinks { tool connector url }
      }
    }
  }
`);

const acknowledgeMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!, $comment: String!) {
    acknowledgeAlert(id: $id, comment: $comment) { id acknowledged acknowledgedBy }
  }
`);

type Outage = OutagesQuery['outages'][number];
type Links = OutageLinksQuery['outages'][number]['ci'];

/** The operator's view: what to fix first and why, how long until an SLA breaks, acknowledge, and where to look. */
export function Operations() {
  const outages = useQuery(outagesQuery, {});
  const links = useQuery(linksQuery, {});
  const linksOf = new Map(links.data?.outages.map((o) => [o.ci.id, o.ci]));
  return (
    <Page
      title="Operations"
      lead="Failing components ranked by what they cost the business: fix the first one first."
      answers={[outages, links]}
      what="the outages"
    >
      <Cards items={outages.data?.outages} empty="Nothing is failing." ordered>
        {(o) => (
          <OutageCard key={o.ci.id} outage={o} links={linksOf.get(o.ci.id)} receivedAt={outages.receivedAt} onChange={outages.refetch} />
        )}
      </Cards>
    </Page>
  );
}

function OutageCard({
  outage,
  links: deep,
  receivedAt,
  onChange,
}: {
  outage: Outage;
  links: Links | undefined;
  receivedAt: number;
  onChange: () => Promise<void>;
}) {
  const { ci } = outage;
  const links = [...(deep?.sourceLinks ?? []), ...(deep?.monitorLinks ?? [])].flatMap((l) => (l.url ? [{ ...l, url: l.url }] : []));
  const alertUrl = new Map(deep?.alerts.map((a) => [a.id, a.source.url]));
  return (
    <Card class="outage" status={outage.status}>
      <h2>
        <span class="rank">#{outage.rank}</span> {ci.name} <Status status={outage.status} />
        <span class="muted"> {ci.class}</span>
      </h2>
      <p class="why">{outage.why}</p>
      <p class="facts">
        {outage.timeToBreach ? <Countdown seconds={outage.timeToBreach.seconds} receivedAt={receivedAt} /> : 'No SLA breach ahead'} ·{' '}
        {perHour(outage.revenuePerHourAtRisk)} at risk · {number(outage.usersAtRisk)} users
      </p>
      <p>
        Impacts: <ServiceLinks services={outage.impactedServices.map((s) => ({ ...s.service, status: s.statusWith }))} />
      </p>
      {ci.incidents.length > 0 ? (
        <p>
          Tickets:{' '}
          {ci.incidents.map((t, i) => (
            <span key={t.id}>
              {i > 0 ? ', ' : ''}
              <a href={href('ticket', t.id)}>{t.number}</a> {t.title}
            </span>
          ))}
        </p>
      ) : null}
      <ul class="alerts" aria-label={`Alerts on ${ci.name}`}>
        {ci.alerts.map((a) => (
          <AlertRow key={a.id} alert={a} url={alertUrl.get(a.id) ?? null} onChange={onChange} />
        ))}
      </ul>
      {links.length > 0 ? (
        <p class="links">
          Open in:{' '}
          {links.map((l, i) => (
            <span key={`${l.connector}-${l.url}`}>
              {i > 0 ? ' · ' : ''}
              <a href={l.url} target="_blank" rel="noreferrer">
                {l.tool} ({l.connector})
              </a>
            </span>
          ))}
        </p>
      ) : null}
    </Card>
  );
}

function AlertRow({ alert, url, onChange }: { alert: Outage['ci']['alerts'][number]; url: string | null; onChange: () => Promise<void> }) {
  const { may } = useSession();
  const [comment, setComment] = useState('');
  const { act, running, outcome } = useAction(acknowledgeMutation, {
    done: ({ acknowledgeAlert: acked }) => `Acknowledged in ${alert.source.tool} by ${acked.acknowledgedBy ?? 'you'}`,
    failed: 'Not acknowledged',
  });
  const inputId = `ack-${alert.id}`;
  return (
    <li class="alert">
      <span>
        <Status status={alert.severity} /> {alert.summary} <span class="muted">since {clock(alert.startsAt)}</span> ·{' '}
        {url ? (
          <a href={url} target="_blank" rel="noreferrer">
            in {alert.source.tool} ({alert.source.connector})
          </a>
        ) : (
          <span>
            from {alert.source.tool} ({alert.source.connector})
          </span>
        )}
      </span>
      {alert.acknowledged ? (
        <span class="acknowledged">Acknowledged{alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}</span>
      ) : may('alert:acknowledge') ? (
        <form
          class="acknowledge"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await act({ id: alert.id, comment })) await onChange();
          }}
        >
          <label for={inputId}>Comment</label>
          <input id={inputId} required value={comment} onInput={(e) => setComment(e.currentTarget.value)} placeholder="rebooting" />
          <button type="submit" disabled={running}>
            Acknowledge
          </button>
        </form>
      ) : null}
      <Outcome text={outcome} inline />
    </li>
  );
}
