import { money, percent } from '../format';
import { graphql } from '../gql';
import type { CostsQuery } from '../gql/graphql';
import { useQuery } from '../graphql';
import { Page, Section } from '../parts/Page';
import { type Column, Table } from '../parts/Table';
import { Tiles } from '../parts/Tiles';
import { href } from '../route';

const costsQuery = graphql(`
  query Costs {
    downtimeCost {
      total {
        availability
        downtime { text }
        revenueLost
        productivityCost
        total
      }
      byService {
        service { id name }
        cost {
          availability
          downtime { text }
          total
        }
      }
    }
    showback {
      month
      total
      services {
        service { id name }
        ownCost
        allocatedCost
        totalCost
      }
      byConsumerGroup { group cost }
    }
  }
`);

type Report = CostsQuery['downtimeCost'];
type Showback = CostsQuery['showback'];

const serviceLink = (row: { service: { id: string; name: string } }) => <a href={href('service', row.service.id)}>{row.service.name}</a>;

const DOWNTIME: Column<Report['byService'][number]>[] = [
  { label: 'Service', cell: serviceLink },
  { label: 'Down', cell: (r) => r.cost.downtime.text },
  { label: 'Availability', cell: (r) => percent(r.cost.availability), numeric: true },
  { label: 'Cost', cell: (r) => money(r.cost.total), numeric: true },
];

const SHOWBACK: Column<Showback['services'][number]>[] = [
  { label: 'Service', cell: serviceLink },
  { label: 'Own', cell: (r) => money(r.ownCost), numeric: true },
  { label: 'Shared, allocated', cell: (r) => money(r.allocatedCost), numeric: true },
  { label: 'Total', cell: (r) => money(r.totalCost), numeric: true },
];

const GROUPS: Column<Showback['byConsumerGroup'][number]>[] = [
  { label: 'Consumer group', cell: (r) => r.group },
  { label: 'Charged', cell: (r) => money(r.cost), numeric: true },
];

/** Management's money: what downtime cost this month so far, and what each service costs to run and who it is charged to. */
export function Costs() {
  const answer = useQuery(costsQuery, {});
  const { data } = answer;
  const downtime = data?.downtimeCost;
  const showback = data?.showback;
  return (
    <Page
      title="Costs"
      lead="What outages cost this month so far, and what the services cost to run: shared services passed on to those that use them."
      answers={[answer]}
      what="the costs"
    >
      {downtime ? (
        <Section id="downtime" title="Downtime this month">
          <Tiles
            label="Downtime this month"
            tiles={[
              { value: money(downtime.total.total), text: 'downtime cost' },
              { value: money(downtime.total.revenueLost), text: 'revenue lost' },
              { value: money(downtime.total.productivityCost), text: 'lost working time' },
              { value: percent(downtime.total.availability), text: `available (${downtime.total.downtime.text} down)` },
            ]}
          />
          <Table
            caption="Downtime cost by service, costliest first"
            columns={DOWNTIME}
            rows={downtime.byService}
            keyOf={(r) => r.service.id}
          />
          <p class="muted">Planned maintenance and time with no known state cost nothing.</p>
        </Section>
      ) : null}
      {showback ? (
        <Section id="showback" title={`Running costs in ${showback.month}`}>
          <p class="showback-total">
            All services together: <strong>{money(showback.total)}</strong> per month.
          </p>
          <Table caption="Running cost by service" columns={SHOWBACK} rows={showback.services} keyOf={(r) => r.service.id} />
          <Table caption="Running cost by consumer group" columns={GROUPS} rows={showback.byConsumerGroup} keyOf={(r) => r.group} />
        </Section>
      ) : null}
    </Page>
  );
}
