import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { money, number, percent, perHour } from '../format';
import { Countdown } from '../parts/Countdown';
import { DowntimeCost } from '../parts/DowntimeCost';
import { Card, Cards } from '../parts/Cards';
import { Page, Section } from '../parts/Page';
import { Status } from '../parts/Status';
import { Tiles } from '../parts/Tiles';
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
      downtimeCostMonthToDate {
        total { total availability }
      }
      slasAtRisk {
        service { id name }
        timeToBreach { seconds }
      }
      topServices(first: 5) {
        id
        name
        status
        statusSince
        inMaintenance
        summary
        criticality
        impact { revenuePerHourAtRisk usersAffected calendarReason }
      }
    }
  }
`);

/** Management's view: what is down, what it puts at risk, which SLA breaks when: no CI, no metric. */
export function BusinessImpact() {
  const answer = useQuery(businessImpactQuery, {});
  const { data, receivedAt } = answer;
  const impact = data?.businessImpact;
  return (
    <Page title="Business impact" answers={[answer]} what="the business impact">
      {impact ? (
        <>
          <Tiles
            label="Summary"
            tiles={[
              { value: impact.servicesDown, text: `of ${impact.servicesTotal} services down`, alarm: impact.servicesDown > 0 },
              { value: impact.servicesDegraded, text: 'degraded' },
              { value: impact.servicesUnknown, text: 'unknown' },
              { value: perHour(impact.revenuePerHourAtRisk), text: 'revenue at risk' },
              { value: number(impact.usersAffected), text: 'users affected' },
              {
                value: money(impact.downtimeCostMonthToDate.total.total),
                text: (
                  <>
                    <a href={href('costs')}>downtime cost this month</a>, {percent(impact.downtimeCostMonthToDate.total.availability)}{' '}
                    available
                  </>
                ),
              },
            ]}
          />

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
