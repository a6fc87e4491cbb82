import { duration, when } from '../format';
import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { Outcome, useAction } from '../parts/Action';
import { Card, Cards } from '../parts/Cards';
import { Loading } from '../parts/Errors';
import { Page } from '../parts/Page';
import { Status } from '../parts/Status';
import { href } from '../route';
import { useSession } from '../session';

const ticketsQuery = graphql(`
  query Tickets {
    incidents(first: 50) {
      id
      number
      title
      state
      priority
      openedAt
      service { id name }
    }
  }
`);

const ticketQuery = graphql(`
  query Ticket($id: ID!) {
    incident(id: $id) {
      id
      number
      title
      description
      state
      priority
      assignee
      openedAt
      resolutionTimeLeftSeconds
      url
      source
      ci { id name }
      service {
        id
        name
        status
        summary
        rootCauses { pathText status }
      }
      suggestedArticles(first: 5) { id title snippet url source }
      linkedArticles { id title url }
    }
  }
`);

const linkMutation = graphql(`
  mutation LinkArticle($incidentId: ID!, $articleId: ID!) {
    linkArticle(incidentId: $incidentId, articleId: $articleId) { id linkedArticleIds }
  }
`);

const words = (value: string) => value.toLowerCase().replace('_', ' ');

/** The help desk's list: open tickets, newest first as the help desk gives them. */
export function Tickets() {
  const answer = useQuery(ticketsQuery, {});
  return (
    <Page
      title="Tickets"
      lead="Open incidents in every help desk. Open one to reach its service, the root cause and the articles that fix it."
      answers={[answer]}
      what="the tickets"
    >
      <Cards items={answer.data?.incidents} empty="No ticket is open.">
        {(t) => (
          <Card key={t.id}>
            <h2>
              <a href={href('ticket', t.id)}>
                {t.number}: {t.title}
              </a>
            </h2>
            <p class="facts">
              {words(t.priority)} priority · {words(t.state)} · opened {when(t.openedAt)}
              {t.service ? ` · ${t.service.name}` : ''}
            </p>
          </Card>
        )}
      </Cards>
    </Page>
  );
}

/** One ticket: incident → service → root cause → suggested articles, and link the one that helps. */
export function Ticket({ id }: { id: string }) {
  const { may } = useSession();
  const answer = useQuery(ticketQuery, { id });
  const { data, loading, refetch } = answer;
  const { act, running, outcome } = useAction(linkMutation, {
    done: (_, { articleId }) => {
      const article = data?.incident?.suggestedArticles.find((a) => a.id === articleId);
      return `Linked "${article?.title ?? articleId}" to ${data?.incident?.number ?? 'the ticket'}`;
    },
    failed: 'Not linked',
  });
  const incident = data?.incident;
  if (loading && !data) return <Loading what="the ticket" />;
  if (!incident) return <Page title="Ticket not found" answers={[answer]} />;
  const linked = new Set(incident.linkedArticles.map((a) => a.id));
  return (
    <Page
      title={
        <>
          {incident.number}: {incident.title}
        </>
      }
      answers={[answer]}
    >
      <p class="facts">
        {words(incident.priority)} priority · {words(incident.state)} ·{' '}
        {incident.assignee ? `assigned to ${incident.assignee}` : 'unassigned'} · opened {when(incident.openedAt)}
        {incident.resolutionTimeLeftSeconds !== null && incident.resolutionTimeLeftSeconds !== undefined
          ? incident.resolutionTimeLeftSeconds >= 0
            ? ` · resolution due in ${duration(incident.resolutionTimeLeftSeconds)}`
            : ` · resolution overdue by ${duration(-incident.resolutionTimeLeftSeconds)}`
          : ''}
        {incident.url ? (
          <>
            {' · '}
            <a href={incident.url} target="_blank" rel="noreferrer">
              open in {incident.source}
            </a>
          </>
        ) : null}
      </p>
      {incident.description ? <p class="description">{incident.description}</p> : null}

      <ol class="chain">
        <li>
          <h2>Configuration item</h2>
          <p>{incident.ci ? incident.ci.name : 'The ticket names no CI.'}</p>
        </li>
        <li>
          <h2>Service</h2>
          {incident.service ? (
            <p>
              <a href={href('service', incident.service.id)}>{incident.service.name}</a> <Status status={incident.service.status} />:{' '}
              {incident.service.summary}
            </p>
          ) : (
            <p>The ticket names no service.</p>
          )}
        </li>
        <li>
          <h2>Root cause</h2>
          {incident.service && incident.service.rootCauses.length > 0 ? (
            <ul>
              {incident.service.rootCauses.map((c) => (
                <li key={c.pathText}>
                  {c.pathText} <Status status={c.status} />
                </li>
              ))}
            </ul>
          ) : (
            <p>No root cause: the service is not failing.</p>
          )}
        </li>
        <li>
          <h2>Suggested articles</h2>
          {incident.suggestedArticles.length === 0 ? <p>No article matches.</p> : null}
          <ul class="articles">
            {incident.suggestedArticles.map((a) => (
              <li key={a.id}>
                <h3>
                  {a.url ? (
                    <a href={a.url} target="_blank" rel="noreferrer">
                      {a.title}
                    </a>
                  ) : (
                    a.title
                  )}
                </h3>
                <p class="muted">
                  {a.snippet} <span>({a.source})</span>
                </p>
                {linked.has(a.id) ? (
                  <span class="acknowledged">Linked to this ticket</span>
                ) : may('article:link') ? (
                  <button
                    type="button"
                    class="secondary"
                    disabled={running}
                    onClick={async () => {
                      await act({ incidentId: incident.id, articleId: a.id });
                      await refetch();
                    }}
                  >
                    Link “{a.title}” to this ticket
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          <Outcome text={outcome} />
        </li>
      </ol>
    </Page>
  );
}
