import type { Alert, CiHint, Severity, WatchedCi } from '../../kernel/model.js';
import type { CommentDto, Filter, HostDto, ObjectType, ServiceDto } from './client.js';

/** Pure Icinga 2 DTO → model functions. */

export interface MappingContext {
  connector: string;
  /** Icinga Web 2 root, no trailing slash. */
  uiUrl: string;
  ciIdVar: string;
}

export const TOOL = 'icinga';

/** An Icinga object an alert is about: a host, or a service on a host (`host!service`). */
export interface ObjectRef {
  type: ObjectType;
  host: string;
  service?: string;
}

export function parseNativeId(nativeId: string): ObjectRef | null {
  const at = nativeId.indexOf('!');
  if (at < 0) return nativeId ? { type: 'Host', host: nativeId } : null;
  const host = nativeId.slice(0, at);
  const service = nativeId.slice(at + 1);
  return host && service ? { type: 'Service', host, service } : null;
}

const nativeIdOf = (ref: ObjectRef) => (ref.service === undefined ? ref.host : `${ref.host}!${ref.service}`);

/** Filters pass names as variables, so a host called `x" || true` cannot widen an action. */
export function objectFilter(ref: ObjectRef): Filter {
  return ref.service === undefined
    ? { filter: 'host.name == h', filter_vars: { h: ref.host } }
    : { filter: 'host.name == h && service.name == s', filter_vars: { h: ref.host, s: ref.service } };
}

export function commentFilter(ref: ObjectRef): Filter {
  return { filter: 'comment.host_name == h && comment.service_name == s', filter_vars: { h: ref.host, s: ref.service ?? '' } };
}

/**
 * Host state 1 is DOWN → CRITICAL (Icinga 2 reports UNREACHABLE only through reachability, not a
 * state). Service 1 WARNING, 2 CRITICAL; 3 UNKNOWN has no place on the severity scale: a check that
 * cannot tell is a real problem but not proof of an outage, so it maps to MAJOR, and the raw state
 * stays visible in the `state` label.
 */
const HOST_STATES: Record<number, string> = { 0: 'UP', 1: 'DOWN' };
const SERVICE_STATES: Record<number, string> = { 0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN' };
const SERVICE_SEVERITY: Record<number, Severity> = { 1: 'WARNING', 2: 'CRITICAL', 3: 'MAJOR' };

export function hostSeverity(state: number): Severity {
  return state === 0 ? 'OK' : 'CRITICAL';
}
export function serviceSeverity(state: number): Severity {
  return state === 0 ? 'OK' : (SERVICE_SEVERITY[state] ?? 'MAJOR');
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const isIp = (value: string) => IPV4.test(value) || (value.includes(':') && /^[0-9a-f:.]+$/i.test(value));

/** Host name, address (an IP, or a DNS name that is then the FQDN) and `vars.<ciIdVar>`. */
export function ciHint(hostName: string, address: string, vars: Record<string, unknown>, ctx: Pick<MappingContext, 'ciIdVar'>): CiHint {
  const hint: CiHint = { name: hostName };
  const ciId = vars[ctx.ciIdVar];
  if (typeof ciId === 'string' && ciId.trim()) hint.ciId = ciId.trim();
  else if (typeof ciId === 'number') hint.ciId = String(ciId);
  const addr = address.trim();
  if (addr && isIp(addr)) hint.ip = addr.toLowerCase();
  else if (addr.includes('.')) hint.fqdn = addr.toLowerCase();
  else if (hostName.includes('.')) hint.fqdn = hostName.toLowerCase();
  return hint;
}

const iso = (unixSeconds: number | undefined) => (unixSeconds && unixSeconds > 0 ? new Date(unixSeconds * 1000).toISOString() : null);

/** Latest acknowledgement comment per object (`host!service`, or `host` for a host). */
export function ackComments(comments: CommentDto[]): Map<string, CommentDto['attrs']> {
  const byObject = new Map<string, CommentDto['attrs']>();
  for (const { attrs } of comments) {
    if (attrs.entry_type !== 4) continue;
    const key = attrs.service_name ? `${attrs.host_name}!${attrs.service_name}` : attrs.host_name;
    const seen = byObject.get(key);
    if (!seen || seen.entry_time < attrs.entry_time) byObject.set(key, attrs);
  }
  return byObject;
}

export function hostUrl(host: string, ctx: Pick<MappingContext, 'uiUrl'>): string {
  return `${ctx.uiUrl}/monitoring/host/show?host=${encodeURIComponent(host)}`;
}
export function serviceUrl(host: string, service: string, ctx: Pick<MappingContext, 'uiUrl'>): string {
  return `${ctx.uiUrl}/monitoring/service/show?host=${encodeURIComponent(host)}&service=${encodeURIComponent(service)}`;
}

const firstLine = (output: string | undefined) => (output ?? '').split('\n')[0]?.trim() ?? '';
/** The rest of a multi-line plugin output is the long text Icinga Web shows under the summary. */
const longOutput = (output: string | undefined) => {
  const rest = (output ?? '').split('\n').slice(1).join('\n').trim();
  return rest === '' ? null : rest;
};

interface Common {
  ref: ObjectRef;
  severity: Severity;
  summary: string;
  output: string | undefined;
  startsAt: number | undefined;
  checkedAt: number | undefined;
  acknowledgement: number;
  acknowledgementExpiry: number;
  inMaintenance: boolean;
  labels: Record<string, string>;
  ci: CiHint;
  url: string;
}

function alertOf(c: Common, acks: ReadonlyMap<string, CommentDto['attrs']>, ctx: MappingContext): Alert {
  const acknowledged = c.acknowledgement > 0;
  const comment = acknowledged ? acks.get(nativeIdOf(c.ref)) : undefined;
  return {
    id: `${ctx.connector}:${nativeIdOf(c.ref)}`,
    connector: ctx.connector,
    tool: TOOL,
    severity: c.severity,
    summary: c.summary,
    description: longOutput(c.output),
    startsAt: iso(c.startsAt) ?? iso(c.checkedAt) ?? new Date(0).toISOString(),
    acknowledged,
    acknowledgedBy: comment?.author ?? null,
    acknowledgedAt: iso(comment?.entry_time),
    acknowledgedUntil: acknowledged ? iso(c.acknowledgementExpiry) : null,
    inMaintenance: c.inMaintenance,
    // The end of a downtime is on Icinga's Downtime objects, which this connector does not read.
    maintenanceUntil: null,
    labels: c.labels,
    ci: c.ci,
    url: c.url,
  };
}

/** A host in a problem state (the caller passes only those). */
export function hostAlert(dto: HostDto, acks: ReadonlyMap<string, CommentDto['attrs']>, ctx: MappingContext): Alert {
  const a = dto.attrs;
  const state = HOST_STATES[a.state] ?? String(a.state);
  const output = a.last_check_result?.output;
  return alertOf(
    {
      ref: { type: 'Host', host: dto.name },
      severity: hostSeverity(a.state),
      summary: `${a.display_name ?? dto.name} is ${state}${firstLine(output) ? `: ${firstLine(output)}` : ''}`,
      output,
      startsAt: a.last_state_change,
      checkedAt: a.last_check_result?.execution_end,
      acknowledgement: a.acknowledgement,
      acknowledgementExpiry: a.acknowledgement_expiry,
      inMaintenance: a.downtime_depth > 0,
      labels: { host: dto.name, state, state_type: a.state_type === 1 ? 'HARD' : 'SOFT' },
      ci: ciHint(dto.name, a.address || a.address6, a.vars, ctx),
      url: hostUrl(dto.name, ctx),
    },
    acks,
    ctx,
  );
}

/**
 * A service in a problem state. A service whose host is in downtime is in maintenance too: Icinga
 * Web lists it as handled.
 */
export function serviceAlert(
  dto: ServiceDto,
  hosts: ReadonlyMap<string, HostDto>,
  acks: ReadonlyMap<string, CommentDto['attrs']>,
  ctx: MappingContext,
): Alert {
  const a = dto.attrs;
  const hostName = a.host_name;
  const host = dto.joins.host ?? hosts.get(hostName)?.attrs;
  const state = SERVICE_STATES[a.state] ?? String(a.state);
  const output = a.last_check_result?.output;
  const display = a.display_name ?? a.name;
  return alertOf(
    {
      ref: { type: 'Service', host: hostName, service: a.name },
      severity: serviceSeverity(a.state),
      summary: `${display} on ${hostName} is ${state}${firstLine(output) ? `: ${firstLine(output)}` : ''}`,
      output,
      startsAt: a.last_state_change,
      checkedAt: a.last_check_result?.execution_end,
      acknowledgement: a.acknowledgement,
      acknowledgementExpiry: a.acknowledgement_expiry,
      inMaintenance: a.downtime_depth > 0 || (host?.downtime_depth ?? 0) > 0,
      labels: { host: hostName, service: a.name, state, state_type: a.state_type === 1 ? 'HARD' : 'SOFT' },
      ci: ciHint(hostName, host?.address ?? '', host?.vars ?? {}, ctx),
      url: serviceUrl(hostName, a.name, ctx),
    },
    acks,
    ctx,
  );
}

export interface IcingaObjects {
  hosts: HostDto[];
  services: ServiceDto[];
  comments: CommentDto[];
}

/** Host problems first, then service problems; every host is watched. */
export function toAlerts(objects: IcingaObjects, ctx: MappingContext, hardStatesOnly = false): Alert[] {
  const acks = ackComments(objects.comments);
  const hosts = new Map(objects.hosts.map((h) => [h.name, h]));
  const counts = (stateType: number) => !hardStatesOnly || stateType === 1;
  return [
    ...objects.hosts.filter((h) => h.attrs.state !== 0 && counts(h.attrs.state_type)).map((h) => hostAlert(h, acks, ctx)),
    ...objects.services.filter((s) => s.attrs.state !== 0 && counts(s.attrs.state_type)).map((s) => serviceAlert(s, hosts, acks, ctx)),
  ];
}

/**
 * Every host is watched; each links to its page in Icinga Web. A host Icinga has never checked reads
 * state 0 (UP) though nothing is known of it (Icinga Web shows it PENDING): it cannot vouch for it.
 */
export function watchedHosts(hosts: HostDto[], ctx: Pick<MappingContext, 'ciIdVar' | 'uiUrl'>): WatchedCi[] {
  return hosts.map((h) => ({
    ...ciHint(h.name, h.attrs.address || h.attrs.address6, h.attrs.vars, ctx),
    link: { tool: 'icinga', url: hostUrl(h.name, ctx) },
    ...(h.attrs.last_check_result ? {} : { doubt: `icinga has not checked host ${h.name} yet` }),
  }));
}

const isOf = (ref: ObjectRef) => (c: CommentDto) => c.attrs.host_name === ref.host && (c.attrs.service_name || undefined) === ref.service;

/** The cached objects with one object (and its acknowledgement comments) replaced by a newer reading of it. */
export function withObject(all: IcingaObjects, ref: ObjectRef, one: IcingaObjects): IcingaObjects {
  const replace = <T extends { name: string }>(list: T[], fresh: T[]) => [
    ...list.filter((o) => !fresh.some((f) => f.name === o.name)),
    ...fresh,
  ];
  return {
    hosts: replace(all.hosts, one.hosts),
    services: replace(all.services, one.services),
    comments: [...all.comments.filter((c) => !isOf(ref)(c)), ...one.comments.filter(isOf(ref))],
  };
}

/** One object as an acknowledgement (or its removal, `ack` null) leaves it, when it cannot be read back. */
export function afterAcknowledgement(
  one: IcingaObjects,
  ref: ObjectRef,
  ack: { author: string; comment: string; sticky: boolean; expiry?: number } | null,
): IcingaObjects {
  const set = <T extends HostDto | ServiceDto>(o: T): T =>
    o.name !== nativeIdOf(ref)
      ? o
      : { ...o, attrs: { ...o.attrs, acknowledgement: ack ? (ack.sticky ? 2 : 1) : 0, acknowledgement_expiry: ack?.expiry ?? 0 } };
  const comment: CommentDto = {
    attrs: {
      author: ack?.author ?? '',
      text: ack?.comment ?? '',
      entry_type: 4,
      entry_time: Date.now() / 1000,
      expire_time: ack?.expiry ?? 0,
      host_name: ref.host,
      service_name: ref.service ?? '',
    },
  };
  return {
    hosts: one.hosts.map(set),
    services: one.services.map(set),
    comments: [...one.comments.filter((c) => !isOf(ref)(c)), ...(ack ? [comment] : [])],
  };
}
