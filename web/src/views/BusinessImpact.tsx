import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { number, perHour } from '../format';
import { Countdown } from '../parts/Countdown';
import { DowntimeCost } from '../parts/DowntimeCost';
import { Card, Cards } from '../parts/Cards';
import { Page, Section } from '../parts/Page';
import { Status } from '../parts/Status';
import { href } from '../route';

const businessImpactQuery = graphql(`
  query BusinessImpact {
    businessImpact {
      servicesTotal
      servicesDown
      servicesDegraded
      servicesUnknown
      revenuePerHourAtRisk
      usersAffected
      slasAtRisk {
        service {
          id
          name
        }
        timeToBreach {
          seconds
        }
      }
      topServices(first: 5) {
        id
        name
        status
        statusSince
        inMaintenance
        summary
        criticality
        impact {
          revenuePerHourAtRisk
          usersAffected
          calendarReason
        }
      }
    }
  }
`);

/** Management's view: what is down, what it puts at risk, which SLA breaks when: no CI, no metric. */
export function BusinessImpact() {
  const { data, errors, loading, receivedAt } = useQuery(businessImpactQuery, {});
  const impact = data?.businessImpact;
  return (
    <Page title="Business impact" errors={errors} loading={loading && !impact && 'the business impact'}>
      {impact ? (
        <>
          <ul class="tiles" aria-label="Summary">
            <li class={impact.servicesDown > 0 ? 'tile alarm' : 'tile'}>
              <span class="tile-value">{impact.servicesDown}</span> of {impact.servicesTotal} services down
            </li>
            <li class="tile">
              <span class="tile-value">{impact.servicesDegraded}</span> degraded
            </li>
            <li class="tile">
              <span class="tile-value">{impact.servicesUnknown}</span> unknown
            </li>
            <li class="tile">
              <span class="tile-value">{perHour(impact.revenuePerHourAtRisk)}</span> revenue at risk
            </li>
            <li class="tile">
              <span class="tile-value">{number(impact.usersAffected)}</span> users affected
            </li>
          </ul>

          <Section id="sla-risk" title="SLAs at risk">
            {impact.slasAtRisk.length === 0 ? (
              <p>No SLA breaks in the next four hours.</p>
            ) : (
              <ul class="risks">
                {impact.slasAtRisk.map((risk) => (
                  <li key={risk.service.id}>
                    <a href={href('service', risk.service.id)}>{risk.service.name}</a>:{' '}
                    <Countdown seconds={risk.timeToBreach.seconds} receivedAt={receivedAt} />
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section id="top-services" title="Hit hardest">
            <Cards items={impact.topServices} empty="Every service is working." ordered>
              {(s) => (
                <Card key={s.id} status={s.status}>
                  <h3>
                    <a href={href('service', s.id)}>{s.name}</a> <Status status={s.status} plain />
                  </h3>
                  <p>{s.summary}</p>
                  <p class="facts">
                    {perHour(s.impact.revenuePerHourAtRisk)} at risk · {number(s.impact.usersAffected)} users · criticality{' '}
                    {s.criticality.toLowerCase()}
                    {s.impact.calendarReason ? ` · today is ${s.impact.calendarReason}` : ''}
                  </p>
                  {s.status === 'CRITICAL' && !s.inMaintenance && s.statusSince ? (
                    <DowntimeCost perHour={s.impact.revenuePerHourAtRisk} since={s.statusSince} />
                  ) : null}
                </Card>
              )}
            </Cards>
          </Section>
        </>
      ) : null}
    </Page>
  );
}
