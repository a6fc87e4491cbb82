import { graphql } from '../gql';
import { useQuery } from '../graphql';
import { number, perHour } from '../format';
import { Countdown } from '../parts/Countdown';
import { DowntimeCost } from '../parts/DowntimeCost';
import { Errors, Loading } from '../parts/Errors';
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
    <>
      <h1 tabIndex={-1}>Business impact</h1>
      <Errors errors={errors} />
      {loading && !impact ? <Loading what="the business impact" /> : null}
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

          <section aria-labelledby="sla-risk">
            <h2 id="sla-risk">SLAs at risk</h2>
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
          </section>

          <section aria-labelledby="top-services">
            <h2 id="top-services">Hit hardest</h2>
            <ol class="cards">
              {impact.topServices.map((s) => (
                <li key={s.id} class={`card status-edge-${s.status.toLowerCase()}`}>
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
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
    </>
  );
}
