import type { Alert, AlertRule, CiHint, MetricSample, Severity, WatchedCi } from '../../kernel/model.js';
import type { AmAlertDto, MatcherDto, PromAlertDto, QueryResultDto, RuleDto, SilenceDto, TargetDto } from './client.js';

/** Pure Alertmanager/Prometheus DTO → model functions. */

export interface MappingContext {
  connector: string;
  /** Alertmanager web UI root, no trailing slash. */
  amUiUrl: string;
  /** Prometheus web UI root, no trailing slash. */
  promUiUrl: string;
  ciIdLabels: string[];
  hostLabels: string[];
  severityLabel: string;
  defaultSeverity: Severity;
}

export const TOOL = 'alertmanager';

/**
 * The `severity` label is free text; these are the spellings seen in common rule sets. An active alert
 * is never OK, so `info`/`none` read as WARNING, the mildest problem; anything else gets the
 * configured default.
 */
const SEVERITY_BY_LABEL: Record<string, Severity> = {
  critical: 'CRITICAL',
  crit: 'CRITICAL',
  fatal: 'CRITICAL',
  emergency: 'CRITICAL',
  disaster: 'CRITICAL',
  major: 'MAJOR',
  error: 'MAJOR',
  high: 'MAJOR',
  minor: 'MINOR',
  average: 'MINOR',
  medium: 'MINOR',
  warning: 'WARNING',
  warn: 'WARNING',
  low: 'WARNING',
  info: 'WARNING',
  informational: 'WARNING',
  notice: 'WARNING',
  none: 'WARNING',
};

export function severityOf(labels: Record<string, string>, ctx: Pick<MappingContext, 'severityLabel' | 'defaultSeverity'>): Severity {
  const raw = labels[ctx.severityLabel]?.trim().toLowerCase();
  return (raw && SEVERITY_BY_LABEL[raw]) || ctx.defaultSeverity;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** `host:port`, `[v6]:port`, `10.0.0.1:9100`, `db01` → a hint: IPs as `ip`, dotted names as `fqdn` too. */
export function hostHint(value: string): CiHint {
  let host = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed?.[1]) return { ip: bracketed[1].toLowerCase() };
  // One colon is a port; several without brackets are a bare IPv6 address.
  if ((host.match(/:/g) ?? []).length === 1) host = host.replace(/:\d*$/, '');
  else if (host.includes(':')) return { ip: host.toLowerCase() };
  host = host.replace(/\.$/, '');
  if (host === '') return {};
  if (IPV4.test(host)) return { ip: host };
  return host.includes('.') ? { name: host, fqdn: host.toLowerCase() } : { name: host };
}

/**
 * The explicit CI id comes from the first present `ciIdLabels`; the host from the first present
 * `hostLabels`. Without a host label the CI label's value doubles as the name, because rule authors
 * often write `ci: web01` meaning the host name rather than a CMDB id.
 */
export function ciHintFromLabels(labels: Record<string, string>, ctx: Pick<MappingContext, 'ciIdLabels' | 'hostLabels'>): CiHint {
  const ciId = firstLabel(labels, ctx.ciIdLabels);
  const host = firstLabel(labels, ctx.hostLabels);
  const hint: CiHint = host ? hostHint(host) : ciId ? { name: ciId } : {};
  return ciId ? { ciId, ...hint } : hint;
}

function firstLabel(labels: Record<string, string>, names: string[]): string | undefined {
  for (const name of names) {
    const value = labels[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Alertmanager matcher syntax: values are Go-quoted strings. */
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** `name="value"` filters selecting exactly this label set (for `GET /api/v2/alerts?filter=`). */
export function labelFilters(labels: Record<string, string>): string[] {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${quote(labels[name] ?? '')}`);
}

export function alertUrl(labels: Record<string, string>, ctx: Pick<MappingContext, 'amUiUrl'>): string {
  return `${ctx.amUiUrl}/#/alerts?filter=${encodeURIComponent(`{${labelFilters(labels).join(',')}}`)}`;
}

export function graphUrl(expr: string, ctx: Pick<MappingContext, 'promUiUrl'>): string {
  return `${ctx.promUiUrl}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=0`;
}

/** Silence matchers that select exactly this alert: one equality matcher per label. */
export function silenceMatchers(labels: Record<string, string>): MatcherDto[] {
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name] ?? '', isRegex: false, isEqual: true }));
}

/** Whether a silence's matchers select this label set (Alertmanager: all matchers must hold; regexes are anchored). */
export function silenceMatches(silence: Pick<SilenceDto, 'matchers'>, labels: Record<string, string>): boolean {
  return silence.matchers.every((m) => {
    const value = labels[m.name] ?? '';
    let hit: boolean;
    if (m.isRegex) {
      try {
        hit = new RegExp(`^(?:${m.value})$`).test(value);
      } catch {
        return false;
      }
    } else hit = value === m.value;
    return m.isEqual ? hit : !hit;
  });
}

/**
 * A silence that names the alert (`alertname=…`) with equality matchers only is someone acknowledging
 * it (what `acknowledge` creates); any other silence (a regex, a whole job, no alertname) is a
 * maintenance window that happens to mute it.
 */
export function isAckSilence(silence: Pick<SilenceDto, 'matchers'>): boolean {
  return silence.matchers.some((m) => m.name === 'alertname') && silence.matchers.every((m) => m.isEqual && !m.isRegex);
}

/**
 * acknowledged = muted by an acknowledging silence (Alertmanager's `silencedBy`; a silence we cannot
 * see counts too); who and until come from the longest-lasting one. Muted only by maintenance
 * silences → inMaintenance. Inhibited alerts stay unacknowledged: an inhibition is a rule, not a person.
 */
export function toAlert(dto: AmAlertDto, silences: ReadonlyMap<string, SilenceDto>, ctx: MappingContext): Alert {
  const muting = dto.status.silencedBy.map((id) => silences.get(id));
  const acks = muting.filter((s) => s === undefined || isAckSilence(s));
  const silence = acks.filter((s): s is SilenceDto => s !== undefined).sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
  const acknowledged = acks.length > 0;
  // Several maintenance windows may mute it: it is back once the last one ends.
  const maintenance = muting.filter((s): s is SilenceDto => s !== undefined && !isAckSilence(s));
  const maintenanceUntil =
    maintenance
      .map((s) => s.endsAt)
      .sort()
      .at(-1) ?? null;
  const alertname = dto.labels['alertname'] ?? 'alert';
  return {
    id: `${ctx.connector}:${dto.fingerprint}`,
    connector: ctx.connector,
    tool: TOOL,
    severity: severityOf(dto.labels, ctx),
    summary: dto.annotations['summary'] ?? dto.annotations['message'] ?? dto.annotations['description'] ?? alertname,
    description: dto.annotations['description'] ?? null,
    startsAt: dto.startsAt,
    acknowledged,
    acknowledgedBy: silence?.createdBy ?? null,
    acknowledgedAt: silence?.startsAt ?? null,
    acknowledgedUntil: silence?.endsAt ?? null,
    inMaintenance: maintenance.length > 0,
    maintenanceUntil,
    labels: { ...dto.labels },
    ci: ciHintFromLabels(dto.labels, ctx),
    url: alertUrl(dto.labels, ctx),
  };
}

/** Only active silences acknowledge anything; expired ones stay listed by Alertmanager. */
export function activeSilences(silences: SilenceDto[]): Map<string, SilenceDto> {
  return new Map(silences.filter((s) => s.status.state === 'active').map((s) => [s.id, s]));
}

/** The active silences that mute this label set, as Alertmanager computes `silencedBy`. */
export function silencedByOf(labels: Record<string, string>, silences: SilenceDto[]): string[] {
  return silences.filter((s) => s.status.state === 'active' && silenceMatches(s, labels)).map((s) => s.id);
}

/** The active silences that acknowledge this label set (see isAckSilence). */
export function ackSilencesOf(labels: Record<string, string>, silences: SilenceDto[]): SilenceDto[] {
  return silences.filter((s) => s.status.state === 'active' && isAckSilence(s) && silenceMatches(s, labels));
}

/** The alert with `silencedBy` recomputed from a complete silence list (after a write, or for an alert Alertmanager lacks). */
export function withSilences(dto: AmAlertDto, silences: SilenceDto[]): AmAlertDto {
  const silencedBy = silencedByOf(dto.labels, silences);
  const state = silencedBy.length || dto.status.inhibitedBy.length ? 'suppressed' : 'active';
  return { ...dto, status: { ...dto.status, silencedBy, state } };
}

/**
 * Alertmanager's fingerprint of a label set (prometheus/common `LabelSet.Fingerprint`: FNV-1a 64 over
 * the sorted names and values, each followed by the byte 255), so an alert has the same id whether
 * Alertmanager or only Prometheus knows it.
 */
export function alertFingerprint(labels: Record<string, string>): string {
  const PRIME = 1099511628211n;
  const MASK = (1n << 64n) - 1n;
  let hash = 14695981039346656037n;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, 'utf8')) add(byte);
    add(255);
    for (const byte of Buffer.from(labels[name] ?? '', 'utf8')) add(byte);
    add(255);
  }
  return hash.toString(16).padStart(16, '0');
}

/** Whether Alertmanager's alert is this Prometheus alert (Prometheus adds its external labels when sending). */
const sameAlert = (am: AmAlertDto, prom: PromAlertDto) => Object.entries(prom.labels).every(([name, value]) => am.labels[name] === value);

/**
 * Alertmanager's alerts plus every alert Prometheus fires that Alertmanager does not have (yet): a
 * restarted Alertmanager knows nothing until Prometheus resends, and a notification may have failed.
 * Prometheus's alerts are muted by the same silences Alertmanager would apply; pending ones (their
 * `for` has not passed) are not alerts yet.
 */
export function mergeAlerts(fromAm: AmAlertDto[], fromProm: PromAlertDto[], silences: SilenceDto[]): AmAlertDto[] {
  const byName = new Map<string, AmAlertDto[]>();
  for (const a of fromAm) byName.set(a.labels['alertname'] ?? '', [...(byName.get(a.labels['alertname'] ?? '') ?? []), a]);
  const missing = fromProm
    .filter((p) => p.state === 'firing' && !(byName.get(p.labels['alertname'] ?? '') ?? []).some((a) => sameAlert(a, p)))
    .map((p) =>
      withSilences(
        {
          fingerprint: alertFingerprint(p.labels),
          labels: p.labels,
          annotations: p.annotations,
          startsAt: p.activeAt ?? new Date(0).toISOString(),
          status: { state: 'active', silencedBy: [], inhibitedBy: [] },
        },
        silences,
      ),
    );
  return [...fromAm, ...missing];
}

/**
 * Scrape targets are what Prometheus watches: one hint per distinct instance, linked to its `up`
 * graph. `doubtOf` says why a target cannot vouch for its CI; a CI is doubted when any of its targets is.
 */
export function watchedFromTargets(
  targets: TargetDto[],
  ctx: Pick<MappingContext, 'ciIdLabels' | 'hostLabels' | 'promUiUrl'>,
  doubtOf: (target: TargetDto) => string | undefined = () => undefined,
): WatchedCi[] {
  const seen = new Map<string, { ci: WatchedCi; doubts: string[] }>();
  for (const target of targets) {
    const hint = ciHintFromLabels(target.labels, ctx);
    if (Object.keys(hint).length === 0) continue;
    const key = JSON.stringify(hint);
    let entry = seen.get(key);
    if (!entry) {
      const instance = target.labels['instance'];
      const expr = instance ? `up{instance="${instance.replace(/["\\]/g, '\\$&')}"}` : 'up';
      entry = { ci: { ...hint, link: { tool: 'prometheus', url: graphUrl(expr, ctx) } }, doubts: [] };
      seen.set(key, entry);
    }
    const doubt = doubtOf(target);
    if (doubt && !entry.doubts.includes(doubt)) entry.doubts.push(doubt);
  }
  return [...seen.values()].map(({ ci, doubts }) => (doubts.length ? { ...ci, doubt: doubts.join('; ') } : ci));
}

/** Prometheus encodes sample values as strings; Go spells infinities `+Inf`/`-Inf`. */
export function sampleValue(raw: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}

const sample = (labels: Record<string, string>, [timestamp, value]: [number, string]): MetricSample => ({
  labels: { ...labels },
  timestamp,
  value: sampleValue(value),
});

/** Instant query → one sample per series (a range selector's matrix gives each series' last sample). */
export function toSamples(result: QueryResultDto): MetricSample[] {
  switch (result.resultType) {
    case 'vector':
      return result.result.map((r) => sample(r.metric, r.value));
    case 'scalar':
      return [sample({}, result.result)];
    case 'matrix':
      return result.result.flatMap((r) => {
        const last = r.values[r.values.length - 1];
        return last ? [sample(r.metric, last)] : [];
      });
    case 'string':
      return [];
  }
}

/** Range query → one array of samples per series. */
export function toSeries(result: QueryResultDto): MetricSample[][] {
  switch (result.resultType) {
    case 'matrix':
      return result.result.map((r) => r.values.map((v) => sample(r.metric, v)));
    case 'vector':
      return result.result.map((r) => [sample(r.metric, r.value)]);
    case 'scalar':
      return [[sample({}, result.result)]];
    case 'string':
      return [];
  }
}

/** An alerting rule, linked to its expression in the Prometheus graph page. */
export function toRule(group: string, dto: RuleDto, ctx: MappingContext): AlertRule {
  return {
    id: `${ctx.connector}:${group}/${dto.name}`,
    connector: ctx.connector,
    tool: 'prometheus',
    group,
    name: dto.name,
    expression: dto.query,
    severity: severityOf(dto.labels, ctx),
    state: dto.state ?? 'unknown',
    activeAlerts: dto.alerts.length,
    url: graphUrl(dto.query, ctx),
  };
}
