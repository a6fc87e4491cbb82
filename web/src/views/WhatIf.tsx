import { useState } from 'preact/hooks';
import { money, number, perHour } from '../format';
import { graphql } from '../gql';
import type { Status as StatusValue, WhatIfChange, WhatIfQuery } from '../gql/graphql';
import { useOnDemand, useQuery } from '../graphql';
import { Page, Section } from '../parts/Page';
import { Status } from '../parts/Status';
import { type Column, Table } from '../parts/Table';
import { Tiles } from '../parts/Tiles';
import { href } from '../route';

const targetsQuery = graphql(`
  query WhatIfTargets {
    services(first: 200) {
      nodes { id name }
    }
    configurationItems(first: 500) { id name class }
  }
`);

const whatIfQuery = graphql(`
  query WhatIf($changes: [WhatIfChange!]!, $from: DateTime, $to: DateTime) {
    whatIf(changes: $changes, from: $from, to: $to) {
      from
      to
      revenuePerHourAtRiskNow
      revenuePerHourAtRiskThen
      usersAtRiskNow
      usersAtRiskThen
      windowCost
      slaBreaches { id name }
      services {
        service { id name }
        changed
        slaBreach
        current { status inMaintenance revenuePerHourAtRisk }
        hypothetical { status inMaintenance revenuePerHourAtRisk }
      }
    }
  }
`);

type Result = WhatIfQuery['whatIf'];
type Row = Result['services'][number];

const STATUSES: StatusValue[] = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'OK', 'UNKNOWN'];

const state = (s: Row['current']) => (
  <>
    <Status status={s.status} />
    {s.inMaintenance ? ' in maintenance' : ''}
  </>
);

const COLUMNS: Column<Row>[] = [
  { label: 'Service', cell: (r) => <a href={href('service', r.service.id)}>{r.service.name}</a> },
  { label: 'Now', cell: (r) => state(r.current) },
  { label: 'Then', cell: (r) => state(r.hypothetical) },
  { label: 'Revenue at risk now', cell: (r) => perHour(r.current.revenuePerHourAtRisk), numeric: true },
  { label: 'Revenue at risk then', cell: (r) => perHour(r.hypothetical.revenuePerHourAtRisk), numeric: true },
  { label: 'SLA', cell: (r) => (r.slaBreach ? 'would breach' : 'holds') },
];

/** `datetime-local` gives local wall time without a zone; the API wants an instant. Empty means "not given". */
const instant = (local: string): string | null => (local ? new Date(local).toISOString() : null);

/**
 * Planning: set CIs or services to a status, or in planned maintenance for a window, and see beside
 * now what would follow. The API computes it without recording anything or asking any tool.
 */
export function WhatIf({ id }: { id: string }) {
  const targets = useQuery(targetsQuery, {});
  const { mutate: ask, running } = useOnDemand(whatIfQuery);
  const [changes, setChanges] = useState<WhatIfChange[]>([{ id, status: 'CRITICAL', maintenance: false }]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [answer, setAnswer] = useState<Awaited<ReturnType<typeof ask>> | null>(null);
  const update = (i: number, change: Partial<WhatIfChange>) => setChanges(changes.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <Page
      title="What if"
      lead="Assume components or services fail, or go into planned maintenance, and see what would follow beside what is true now. Nothing is recorded and no tool is touched."
      answers={[targets, answer]}
      what="the services and components"
    >
      <form
        class="what-if"
        onSubmit={async (event) => {
          event.preventDefault();
          setAnswer(await ask({ changes: changes.filter((c) => c.id), from: instant(from), to: instant(to) }));
        }}
      >
        <ol class="changes">
          {changes.map((change, i) => (
            <li key={i} class="change">
              <label>
                Component or service {i + 1}
                <select required value={change.id} onChange={(e) => update(i, { id: e.currentTarget.value })}>
                  <option value="">Pick one…</option>
                  <optgroup label="Services">
                    {targets.data?.services.nodes.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label="Components">
                    {targets.data?.configurationItems.map((ci) => (
                      <option key={ci.id} value={ci.id}>
                        {ci.name} ({ci.class})
                      </option>
                    ))}
                  </optgroup>
                </select>
              </label>
              <label>
                Status
                <select value={change.status ?? 'CRITICAL'} onChange={(e) => update(i, { status: e.currentTarget.value as StatusValue })}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                <input type="checkbox" checked={change.maintenance} onChange={(e) => update(i, { maintenance: e.currentTarget.checked })} />
                in planned maintenance
              </label>
              {changes.length > 1 ? (
                <button type="button" class="secondary" onClick={() => setChanges(changes.filter((_, j) => j !== i))}>
                  Remove change {i + 1}
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        <div class="window">
          <label>
            From (now when empty)
            <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            To (an hour later when empty)
            <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <div class="actions">
          <button
            type="button"
            class="secondary"
            onClick={() => setChanges([...changes, { id: '', status: 'CRITICAL', maintenance: false }])}
          >
            Add a change
          </button>
          <button type="submit" disabled={running}>
            Show what would happen
          </button>
        </div>
      </form>
      {answer?.data ? <Comparison result={answer.data.whatIf} /> : null}
    </Page>
  );
}

function Comparison({ result }: { result: Result }) {
  return (
    <Section id="what-if-result" title="Now and then">
      <Tiles
        label="Now and then"
        tiles={[
          { value: `${perHour(result.revenuePerHourAtRiskNow)} → ${perHour(result.revenuePerHourAtRiskThen)}`, text: 'revenue at risk' },
          { value: `${number(result.usersAtRiskNow)} → ${number(result.usersAtRiskThen)}`, text: 'users at risk' },
          {
            value: result.slaBreaches.length,
            text: `SLAs would breach${result.slaBreaches.length > 0 ? `: ${result.slaBreaches.map((s) => s.name).join(', ')}` : ''}`,
            alarm: result.slaBreaches.length > 0,
          },
          { value: money(result.windowCost), text: 'the window costs' },
        ]}
      />
      <Table caption="Impacted services" columns={COLUMNS} rows={result.services} keyOf={(r) => r.service.id} />
    </Section>
  );
}
