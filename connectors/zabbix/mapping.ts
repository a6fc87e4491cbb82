import type { Alert, CiHint, Severity, WatchedCi } from '../../kernel/model.js';
import { ACTION, type AcknowledgeDto, type EventHostsDto, type HostDto, type ProblemDto } from './client.js';

/** Pure Zabbix DTO → model functions. */

export interface MappingContext {
  connector: string;
  /** Zabbix frontend root, no trailing slash. */
  uiUrl: string;
  ciIdTag: string;
}

export const TOOL = 'zabbix';

/**
 * Zabbix severities 0..5. "Not classified" and "Information" are still active problems, so they
 * read as WARNING (an alert is never OK); Average → MINOR, High → MAJOR, Disaster → CRITICAL.
 */
const SEVERITY: Record<number, { severity: Severity; label: string }> = {
  0: { severity: 'WARNING', label: 'not_classified' },
  1: { severity: 'WARNING', label: 'information' },
  2: { severity: 'WARNING', label: 'warning' },
  3: { severity: 'MINOR', label: 'average' },
  4: { severity: 'MAJOR', label: 'high' },
  5: { severity: 'CRITICAL', label: 'disaster' },
};
export function severityOf(zabbixSeverity: number): Severity {
  return SEVERITY[zabbixSeverity]?.severity ?? 'CRITICAL';
}

/** Acknowledgements written through servicegraph start with `[author]`: Zabbix records only its API user. */
export function ackMessage(author: string, comment: string): string {
  return `[${author}] ${comment}`;
}
const AUTHOR_PREFIX = /^\[([^\]]+)\]/;

/** The acknowledgement in force: the latest update that acknowledged, unless a later one took it back. */
export function currentAck(acks: AcknowledgeDto[]): AcknowledgeDto | null {
  const ordered = [...acks].sort((a, b) => a.clock - b.clock || Number(a.acknowledgeid ?? 0) - Number(b.acknowledgeid ?? 0));
  let current: AcknowledgeDto | null = null;
  for (const ack of ordered) {
    if (ack.action & ACTION.unacknowledge) current = null;
    if (ack.action & ACTION.acknowledge) current = ack;
  }
  return current;
}

/** The agent interface marked main, else any main, else the first: where the host is reached. */
function mainInterface(host: HostDto): HostDto['interfaces'][number] | undefined {
  return host.interfaces.find((i) => i.main === '1' && i.type === '1') ?? host.interfaces.find((i) => i.main === '1') ?? host.interfaces[0];
}

const tagValue = (tags: { tag: string; value: string }[], name: string) => tags.find((t) => t.tag === name && t.value.trim())?.value.trim();

/** Technical host name, CI id from the problem's tags (host tags are inherited) or the host's, IP and DNS name. */
export function ciHint(
  hostName: string | undefined,
  host: HostDto | undefined,
  problemTags: { tag: string; value: string }[],
  ctx: Pick<MappingContext, 'ciIdTag'>,
): CiHint {
  const hint: CiHint = {};
  const ciId = tagValue(problemTags, ctx.ciIdTag) ?? (host ? tagValue(host.tags, ctx.ciIdTag) : undefined);
  if (ciId) hint.ciId = ciId;
  const name = host?.host ?? hostName;
  if (name) hint.name = name;
  const iface = host ? mainInterface(host) : undefined;
  if (iface?.ip) hint.ip = iface.ip;
  if (iface?.dns.includes('.')) hint.fqdn = iface.dns.toLowerCase();
  else if (name?.includes('.')) hint.fqdn = name.toLowerCase();
  return hint;
}

export function eventUrl(triggerId: string, eventId: string, ctx: Pick<MappingContext, 'uiUrl'>): string {
  return `${ctx.uiUrl}/tr_events.php?triggerid=${encodeURIComponent(triggerId)}&eventid=${encodeURIComponent(eventId)}`;
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

export function toAlert(
  problem: ProblemDto,
  hostRef: EventHostsDto['hosts'][number] | undefined,
  hostsById: ReadonlyMap<string, HostDto>,
  ctx: MappingContext,
): Alert {
  const host = hostRef ? hostsById.get(hostRef.hostid) : undefined;
  const acknowledged = problem.acknowledged === '1';
  const ack = acknowledged ? currentAck(problem.acknowledges) : null;
  const labels: Record<string, string> = {};
  for (const t of problem.tags) labels[t.tag] = labels[t.tag] === undefined ? t.value : `${labels[t.tag]}, ${t.value}`;
  // Fixed labels win over same-named tags: they are what filters and links rely on.
  Object.assign(labels, {
    ...(hostRef ? { host: hostRef.host } : {}),
    severity: SEVERITY[problem.severity]?.label ?? String(problem.severity),
    triggerid: problem.objectid,
    eventid: problem.eventid,
  });
  return {
    id: `${ctx.connector}:${problem.eventid}`,
    connector: ctx.connector,
    tool: TOOL,
    severity: severityOf(problem.severity),
    summary: problem.name,
    description: problem.opdata.trim() || null,
    startsAt: iso(problem.clock),
    acknowledged,
    acknowledgedBy: ack ? (AUTHOR_PREFIX.exec(ack.message)?.[1] ?? ack.username ?? null) : null,
    acknowledgedAt: ack ? iso(ack.clock) : null,
    // A Zabbix acknowledgement does not expire.
    acknowledgedUntil: null,
    // Zabbix marks problems of hosts in maintenance (with data collection) as suppressed.
    inMaintenance: problem.suppressed === '1' || host?.maintenance_status === '1',
    // The end of a maintenance is on Zabbix's maintenance objects, which this connector does not read.
    maintenanceUntil: null,
    labels,
    ci: ciHint(hostRef?.host, host, problem.tags, ctx),
    url: eventUrl(problem.objectid, problem.eventid, ctx),
  };
}

export function toAlerts(problems: ProblemDto[], events: EventHostsDto[], hosts: HostDto[], ctx: MappingContext): Alert[] {
  const hostOfEvent = new Map(events.map((e) => [e.eventid, e.hosts[0]]));
  const hostsById = new Map(hosts.map((h) => [h.hostid, h]));
  return problems.map((p) => toAlert(p, hostOfEvent.get(p.eventid), hostsById, ctx));
}

/** Problems view filtered to one host: where an operator goes from a CI. */
export function hostProblemsUrl(hostId: string, ctx: Pick<MappingContext, 'uiUrl'>): string {
  return `${ctx.uiUrl}/zabbix.php?action=problem.view&filter_set=1&hostids%5B%5D=${encodeURIComponent(hostId)}`;
}

/** Every host is watched; each links to its problems in the Zabbix frontend. */
export function watchedHosts(hosts: HostDto[], ctx: Pick<MappingContext, 'ciIdTag' | 'uiUrl'>): WatchedCi[] {
  return hosts.map((h) => ({ ...ciHint(h.host, h, [], ctx), link: { tool: 'zabbix', url: hostProblemsUrl(h.hostid, ctx) } }));
}
