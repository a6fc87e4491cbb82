import { createCorrelator, type Correlator, type IdentificationRules } from './correlate.js';
import type { ConfigurationItem, Relation } from './model.js';

/**
 * Reconciles the CIs of several CMDBs (ServiceNow, NetBox, the builtin estate…) into one topology.
 *
 * Matching: two CIs from different sources are the same thing when, for the FIRST rule in
 * `rules.order` for which BOTH have a value, the values are equal (serial numbers and names compared
 * case-insensitively, FQDNs also without a trailing dot). So with the default order
 * serial → fqdn → name → ip, two servers with different serial numbers stay apart even if they
 * share a name, and a database that listens on its host's IP never merges with the host (names are
 * compared before IPs). A merged CI holds at most one CI per source: a source's own CIs are distinct.
 *
 * Merging: sources are given in priority order and the first source wins every conflict: the merged
 * CI keeps the id, name, class, FQDN, IP, serial and monthly cost of its first member (later members only fill
 * what is null) and, per attribute name, the first member's value. Tags are the union; every
 * member's sourceLinks are kept, so the merged CI links into every tool that knows it.
 *
 * Relations are re-pointed to merged ids and deduplicated; relations between CIs that merged into
 * one, and relations naming a CI their source did not list, are dropped. Should two unmatched CIs
 * carry the same id, the later one becomes `<connector>/<id>` (see `ids` for the mapping).
 */

export type MatchRule = 'serial' | 'fqdn' | 'name' | 'ip';

export interface ReconcileSource {
  /** Connector instance name, e.g. `snow`. */
  connector: string;
  cis: ConfigurationItem[];
  relations: Relation[];
}

export interface ReconcileRules {
  order: MatchRule[];
}

export const DEFAULT_RULES: ReconcileRules = { order: ['serial', 'fqdn', 'name', 'ip'] };

export interface Reconciled {
  cis: ConfigurationItem[];
  relations: Relation[];
  /** connector → that source's CI id → merged CI id. */
  ids: Record<string, Record<string, string>>;
}

function key(ci: ConfigurationItem, rule: MatchRule): string | null {
  const raw = ci[rule]?.trim();
  if (!raw) return null;
  switch (rule) {
    case 'fqdn':
      return raw.toLowerCase().replace(/\.$/, '');
    case 'ip':
      return raw.replace(/\/\d+$/, '');
    default:
      return raw.toLowerCase();
  }
}

/** The first rule both CIs have decides. */
export function sameCi(a: ConfigurationItem, b: ConfigurationItem, order: MatchRule[]): boolean {
  for (const rule of order) {
    const x = key(a, rule);
    const y = key(b, rule);
    if (x !== null && y !== null) return x === y;
  }
  return false;
}

interface Group {
  /** Creation order: the earliest matching group wins. */
  order: number;
  /** In source priority order. */
  members: { connector: string; ci: ConfigurationItem }[];
  connectors: Set<string>;
}

function merge(first: ConfigurationItem, rest: ConfigurationItem[]): ConfigurationItem {
  const merged: ConfigurationItem = {
    ...first,
    tags: [...first.tags],
    attributes: { ...first.attributes },
    sourceLinks: [...first.sourceLinks],
  };
  for (const ci of rest) {
    merged.fqdn ??= ci.fqdn;
    merged.ip ??= ci.ip;
    merged.serial ??= ci.serial;
    merged.monthlyCost ??= ci.monthlyCost;
    for (const tag of ci.tags) if (!merged.tags.includes(tag)) merged.tags.push(tag);
    for (const [name, value] of Object.entries(ci.attributes)) if (!(name in merged.attributes)) merged.attributes[name] = value;
    for (const link of ci.sourceLinks) {
      if (!merged.sourceLinks.some((l) => l.connector === link.connector && l.id === link.id)) merged.sourceLinks.push(link);
    }
  }
  return merged;
}

export function reconcile(sources: ReconcileSource[], rules: ReconcileRules = DEFAULT_RULES): Reconciled {
  const groups: Group[] = [];
  /** Per rule: normalised value → groups having a member with it (candidates only; sameCi decides). */
  const indexes = rules.order.map((rule) => ({ rule, byValue: new Map<string, Group[]>() }));

  for (const source of sources) {
    for (const ci of source.cis) {
      const keyed = indexes.flatMap(({ rule, byValue }) => {
        const k = key(ci, rule);
        return k === null ? [] : [{ k, byValue }];
      });
      let target: Group | undefined;
      for (const { k, byValue } of keyed) {
        for (const g of byValue.get(k) ?? []) {
          // The earliest-created matching group wins, so the outcome does not depend on index order.
          if (target && target.order <= g.order) continue;
          if (!g.connectors.has(source.connector) && g.members.some((m) => sameCi(m.ci, ci, rules.order))) target = g;
        }
      }
      const group = target ?? { order: groups.length, members: [], connectors: new Set<string>() };
      if (!target) groups.push(group);
      group.members.push({ connector: source.connector, ci });
      group.connectors.add(source.connector);
      for (const { k, byValue } of keyed) {
        const list = byValue.get(k);
        if (!list) byValue.set(k, [group]);
        else if (!list.includes(group)) list.push(group);
      }
    }
  }

  /** connector → that source's CI id → merged CI id. */
  const localIds = new Map<string, Map<string, string>>();
  const usedIds = new Set<string>();
  const cis: ConfigurationItem[] = [];
  for (const { members, connectors } of groups) {
    const [first, ...rest] = members.map((m) => m.ci);
    if (!first) continue;
    const ci = merge(first, rest);
    if (usedIds.has(ci.id)) ci.id = `${[...connectors][0]}/${ci.id}`;
    usedIds.add(ci.id);
    cis.push(ci);
    for (const member of members) localIds.set(member.connector, (localIds.get(member.connector) ?? new Map()).set(member.ci.id, ci.id));
  }

  const ids: Record<string, Record<string, string>> = {};
  const relations: Relation[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const local = localIds.get(source.connector) ?? new Map<string, string>();
    ids[source.connector] = Object.fromEntries(local);
    for (const r of source.relations) {
      const parentId = local.get(r.parentId);
      const childId = local.get(r.childId);
      if (!parentId || !childId || parentId === childId) continue;
      const k = `${parentId}\u0000${childId}\u0000${r.type}`;
      if (seen.has(k)) continue;
      seen.add(k);
      relations.push({ parentId, childId, type: r.type });
    }
  }
  return { cis, relations, ids };
}

/**
 * Every CMDB as one, the way every part of servicegraph must see it (health, alerts, tickets): one
 * source as it is, several reconciled; and a correlator that also knows each source's own ids, so a
 * ticket naming a CI by a ServiceNow sys_id finds the merged CI.
 */
export function mergeCmdbs(
  sources: ReconcileSource[],
  rules: IdentificationRules,
): { cis: ConfigurationItem[]; relations: Relation[]; correlate: Correlator } {
  const merged: Reconciled =
    sources.length > 1 ? reconcile(sources) : { cis: sources[0]?.cis ?? [], relations: sources[0]?.relations ?? [], ids: {} };
  const aliases = new Map(Object.values(merged.ids).flatMap((local) => Object.entries(local).filter(([from, to]) => from !== to)));
  const correlate = createCorrelator(merged.cis, rules);
  return {
    cis: merged.cis,
    relations: merged.relations,
    correlate: (hint) => {
      const alias = hint?.ciId !== undefined ? aliases.get(hint.ciId) : undefined;
      return correlate(alias ? { ...hint, ciId: alias } : hint);
    },
  };
}
