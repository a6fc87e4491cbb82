import { useMemo } from 'preact/hooks';
import { number, percent, perHour, when } from '../format';
import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { Countdown } from '../parts/Countdown';
import { Loading } from '../parts/Errors';
import { BudgetGauge } from '../parts/Gauge';
import { ListSection, Page, Section } from '../parts/Page';
import { ServiceLinks } from '../parts/ServiceLinks';
import { Status } from '../parts/Status';
import { Timeline } from '../parts/Timeline';
import { Tree } from '../parts/Tree';
import { OPERATION_LEVELS } from '../drill';
import { href } from '../route';
import { useSession } from '../session';

const summaryQuery = graphql(`
  query ServiceSummary($id: ID!) {
    service(id: $id) {
      id
      name
      description
      criticality
      owner
      status
      statusSince
      summary
      impact { revenuePerHourAtRisk usersAffected calendarReason }
      sla {
        objective
        windowDays
        schedule
        availability
        errorBudget { seconds }
        errorBudgetLeft { seconds }
        timeToBreach { seconds }
        breached
      }
    }
  }
`);

const structureQuery = graphql(`
  query ServiceStructure($id: ID!, $from: DateTime!) {
    service(id: $id) {
      id
      explanation { text }
      tree(depth: 6) {
        name
        depth
        status
        node {
          __typename
          ... on Service { id }
        }
      }
      dependents { id name status }
      statusHistory(from: $from, first: 500) { at from to }
    }
  }
`);

const componentsQuery = graphql(`
  query ServiceComponents($id: ID!) {
    service(id: $id) {
      id
      rootCauses {
        pathText
        status
        ci {
          id
          name
          impactedServices {
            service { id name }
            statusWith
          }
        }
      }
      incidents { id number title state }
    }
  }
`);

/** How far back the timeline looks: a day, which the demo's story (minutes old) and a real week both read well in. */
const HISTORY_MS = 24 * 3600 * 1000;

/** The timeline shows the last hour, or back to the first transition of the day when that is older. */
function timelineStart(changes: readonly { at: string }[], from: number, now: number): number {
  const first = changes[0] ? Date.parse(changes[0].at) : now;
  return Math.max(from, Math.min(first - (now - first) * 0.1, now - 3600 * 1000));
}

/** One service to the viewer's depth: status, impact and SLA for everyone; structure, history and root cause deeper. */
export function ServiceDetail({ id }: { id: string }) {
  // The window's start moves only when the page is opened, so each refresh asks the same question.
  const { reads } = useSession();
  const from = useMemo(() => new Date(Date.now() - HISTORY_MS).toISOString(), []);
  const summary = useQuery(summaryQuery, { id });
  const structure = useQuery(structureQuery, { id, from });
  const components = useQuery(componentsQuery, { id });
  const answers = [summary, structure, components];
  const { data, loading, receivedAt } = summary;
  const service = data?.service ? { ...data.service, ...structure.data?.service, ...components.data?.service } : null;
  if (loading && !data) return <Loading what="the service" />;
  if (!service)
    return (
      <Page title="Service not found" answers={answers}>
        <p>There is no service "{id}", or it is not one you may see.</p>
      </Page>
    );
  const { sla, impact } = service;
  return (
    <Page
      title={
        <>
          {service.name} <Status status={service.status} />
        </>
      }
      lead={service.summary}
      answers={answers}
    >
      {reads(OPERATION_LEVELS.WhatIf) ? (
        <p>
          <a href={href('whatif', service.id)}>What if {service.name} went down?</a>
        </p>
      ) : null}
      <div class="columns">
        <Section id="about" title="Impact">
          <dl class="facts-list">
            <dt>Criticality</dt>
            <dd>{service.criticality.toLowerCase()}</dd>
            <dt>Owner</dt>
            <dd>{service.owner}</dd>
            {service.statusSince ? (
              <>
                <dt>Status since</dt>
                <dd>{when(service.statusSince)}</dd>
              </>
            ) : null}
            <dt>Revenue at risk</dt>
            <dd>{perHour(impact.revenuePerHourAtRisk)}</dd>
            <dt>Users affected</dt>
            <dd>{number(impact.usersAffected)}</dd>
            {impact.calendarReason ? (
              <>
                <dt>Today</dt>
                <dd>{impact.calendarReason}</dd>
              </>
            ) : null}
          </dl>
          {service.description ? <p class="muted">{service.description}</p> : null}
        </Section>
        {sla ? (
          <Section id="sla" title="SLA">
            <BudgetGauge left={sla.errorBudgetLeft.seconds} total={sla.errorBudget.seconds} />
            <p>
              {percent(sla.availability, 3)} available of {sla.objective} % over {sla.windowDays} days
              {sla.schedule ? ` (${sla.schedule})` : ''}.
            </p>
            <p>
              {sla.breached ? (
                <span class="countdown breached">SLA breached</span>
              ) : sla.timeToBreach ? (
                <Countdown seconds={sla.timeToBreach.seconds} receivedAt={receivedAt} />
              ) : (
                'No breach ahead: the service is up.'
              )}
            </p>
          </Section>
        ) : null}
      </div>

      {service.explanation ? (
        <Section id="why" title={`Why it is ${service.status.toLowerCase()}`}>
          <p>{service.explanation.text}</p>
        </Section>
      ) : null}

      <ListSection id="root-cause" title="Root cause" class="root-causes" items={service.rootCauses}>
        {(cause) => (
          <li key={cause.ci.id}>
            <p>
              <strong>{cause.pathText}</strong> <Status status={cause.status} />
            </p>
            {cause.ci.impactedServices.length > 1 ? (
              <p>
                {cause.ci.name} also impacts:{' '}
                <ServiceLinks
                  services={cause.ci.impactedServices
                    .filter((s) => s.service.id !== service.id)
                    .map((s) => ({ ...s.service, status: s.statusWith }))}
                />
              </p>
            ) : null}
          </li>
        )}
      </ListSection>

      {service.tree ? (
        <Section id="tree" title="Depends on">
          <Tree
            nodes={service.tree.map((n) => ({
              name: n.name,
              depth: n.depth,
              status: n.status,
              href: n.node.__typename === 'Service' && n.depth > 0 ? href('service', n.node.id) : undefined,
            }))}
          />
        </Section>
      ) : null}

      <ListSection id="dependents" title="Services that depend on it" class="inline-list" items={service.dependents}>
        {(d) => (
          <li key={d.id}>
            <a href={href('service', d.id)}>{d.name}</a> <Status status={d.status} />
          </li>
        )}
      </ListSection>

      {service.statusHistory ? (
        <Section id="history" title="Status history">
          <Timeline
            changes={service.statusHistory}
            start={timelineStart(service.statusHistory, Date.parse(from), receivedAt)}
            end={receivedAt}
          />
        </Section>
      ) : null}

      <ListSection id="tickets" title="Open tickets" items={service.incidents}>
        {(t) => (
          <li key={t.id}>
            <a href={href('ticket', t.id)}>{t.number}</a> {t.title} <span class="muted">({t.state.toLowerCase().replace('_', ' ')})</span>
          </li>
        )}
      </ListSection>
    </Page>
  );
}
