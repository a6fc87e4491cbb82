import type { RuleGroupDto, TargetDto } from './client.js';

/**
 * When Prometheus + Alertmanager cannot vouch that a watched CI is OK although no alert names it:
 * a tool is never trusted for "OK" on an empty answer. Pure functions over what the two servers
 * report about themselves, each timestamp compared with others from the same server (no clock skew).
 *
 * - Alertmanager keeps no alerts across a restart and learns them again only when Prometheus resends
 *   (every `--rules.alert.resend-delay`, at a rule evaluation): until then it is *warming up*.
 * - A target that is down, or not scraped since Prometheus started, is a CI Prometheus cannot see.
 * - After a Prometheus restart, a target's first scrape is only in the alerts once every group of
 *   alerting rules has been evaluated after it.
 */

/** Prometheus durations: "1m", "1m30s", "500ms", "1h0m0s", "2d". */
export function durationMs(text: string | undefined, fallbackMs: number): number {
  const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  if (!text || !/^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/.test(text)) return fallbackMs;
  let total = 0;
  for (const [, value, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d|w|y)/g)) total += Number(value) * (UNIT[unit ?? ''] ?? 0);
  return total;
}

/** Prometheus's defaults for the flags below (`prometheus --help`). */
const RESEND_DELAY_MS = 60_000;
const DISCOVERY_RELOAD_MS = 5_000;
const EVALUATION_INTERVAL_MS = 60_000;

/** What Prometheus says about itself that decides what it can vouch for. */
export interface PrometheusState {
  /** When this process started. */
  startedAt: number;
  /** The oldest "last evaluation" among the groups of alerting rules: every such group ran after it. Infinity without alerting rules. */
  rulesEvaluatedAt: number;
  /** The longest evaluation interval among those groups. */
  evaluationMs: number;
  /** `--scrape.discovery-reload-interval`: scrape loops start no sooner than this after the start. */
  discoveryMs: number;
  /** `--rules.alert.resend-delay`: how often firing alerts are sent to Alertmanager again. */
  resendDelayMs: number;
}

const alerting = (groups: RuleGroupDto[]) => groups.filter((g) => g.rules.some((r) => r.type === 'alerting'));

/** Prometheus's state from its start time, rule groups and flags (defaults for what it does not say). */
export function prometheusState(startTime: string, groups: RuleGroupDto[], flags: Record<string, string>): PrometheusState {
  const groupsWithAlerts = alerting(groups);
  return {
    startedAt: Date.parse(startTime),
    rulesEvaluatedAt: groupsWithAlerts.reduce((oldest, g) => Math.min(oldest, Date.parse(g.lastEvaluation)), Infinity),
    evaluationMs: groupsWithAlerts.reduce((longest, g) => Math.max(longest, g.interval * 1000), 0) || EVALUATION_INTERVAL_MS,
    discoveryMs: durationMs(flags['scrape.discovery-reload-interval'], DISCOVERY_RELOAD_MS),
    resendDelayMs: durationMs(flags['rules.alert.resend-delay'], RESEND_DELAY_MS),
  };
}

/** Why this target cannot vouch for its CI, or undefined when it can. */
export function targetDoubt(target: TargetDto, prometheus: PrometheusState): string | undefined {
  const name = target.labels['instance'] ?? 'a scrape target';
  if (target.health === 'down') return `prometheus cannot scrape target ${name}`;
  const last = Date.parse(target.lastScrape);
  if (target.health !== 'up' || !(last >= prometheus.startedAt)) return `prometheus has not scraped target ${name} since it started`;
  // The earliest scrape since the start on this target's schedule (a loop ticks every interval,
  // from no sooner than discovery): the alerting rules must have run after it.
  const interval = durationMs(target.scrapeInterval, 60_000);
  const loopsFrom = prometheus.startedAt + prometheus.discoveryMs;
  const first = last - Math.max(0, Math.floor((last - loopsFrom) / interval)) * interval;
  if (prometheus.rulesEvaluatedAt < first + target.lastScrapeDuration * 1000) {
    return `prometheus started recently and has not evaluated its alerting rules over target ${name} yet`;
  }
  return undefined;
}

/** How long a restarted Alertmanager may lack alerts Prometheus fires: until the next resend at an evaluation. */
export function alertmanagerWarmupMs(prometheus: Pick<PrometheusState, 'resendDelayMs' | 'evaluationMs'> | null): number {
  return (prometheus?.resendDelayMs ?? RESEND_DELAY_MS) + (prometheus?.evaluationMs ?? EVALUATION_INTERVAL_MS);
}

/** Why a young Alertmanager cannot vouch for anything yet, or undefined once it has had time to hear every alert. */
export function alertmanagerDoubt(uptime: string, now: number, warmupMs: number): string | undefined {
  const age = now - Date.parse(uptime);
  if (age >= warmupMs) return undefined;
  return `alertmanager started ${Math.max(0, Math.round(age / 1000))} s ago and may not know every alert yet`;
}
