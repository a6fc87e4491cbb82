import { z } from 'zod';
import type { CiHint, ConfigurationItem } from './model.js';

/**
 * Identification rules: how a tool's hint about an object (an alert's host, a ticket's CI field)
 * becomes a CI id. Tools name things differently, so each rule tries one kind of evidence, in the
 * configured order, and the first rule that finds exactly one CI wins:
 *
 *   ciId       the hint's explicit CI id (a `ci_id` label, host variable or tag) is a known CI id
 *   name       the hint's name, with or without a `:port`, equals a CI name (case-insensitive: host
 *              names are)
 *   fqdn       the hint's FQDN (or a name that is an FQDN) equals a CI's FQDN (case-insensitive)
 *   ip         the hint's IP (or a name that is an IP), without a `:port` suffix, equals a CI's IP
 *   shortName  the first label of the hint's FQDN or dotted name equals a CI name (case-insensitive),
 *              for tools that report `server123.corp.example` where the CMDB says `server123`
 *
 * A key shared by several CIs (two CIs named `db1` in different sites) is ambiguous: that rule does
 * not match and the next rule is tried, rather than guessing. A hint no rule matches yields null and
 * the caller keeps the object as unmapped (nothing is dropped silently).
 */
export const IDENTIFICATION_RULE_KINDS = ['ciId', 'name', 'fqdn', 'ip', 'shortName'] as const;
export type IdentificationRuleKind = (typeof IDENTIFICATION_RULE_KINDS)[number];

export const IdentificationRules = z.object({
  /** Rules tried in this order. @default ['ciId', 'name', 'fqdn', 'ip', 'shortName'] */
  order: z
    .array(z.enum(IDENTIFICATION_RULE_KINDS))
    .min(1)
    .refine((order) => new Set(order).size === order.length, 'each rule may appear once')
    .default([...IDENTIFICATION_RULE_KINDS]),
});
export type IdentificationRules = z.infer<typeof IdentificationRules>;

export const DEFAULT_IDENTIFICATION_RULES: IdentificationRules = { order: [...IDENTIFICATION_RULE_KINDS] };

export type Correlator = (hint: CiHint | null | undefined) => string | null;

const AMBIGUOUS = Symbol('ambiguous');
type Index = Map<string, string | typeof AMBIGUOUS>;

function add(index: Index, key: string | null | undefined, id: string): void {
  if (!key) return;
  const existing = index.get(key);
  if (existing === undefined) index.set(key, id);
  else if (existing !== id) index.set(key, AMBIGUOUS);
}

function lookup(index: Index, key: string | null | undefined): string | null {
  if (!key) return null;
  const found = index.get(key);
  return found === undefined || found === AMBIGUOUS ? null : found;
}

const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/;
const BRACKETED_IPV6 = /^\[([0-9a-f:.]+)\](?::\d+)?$/i;

/** `10.0.0.1:9100` → `10.0.0.1`; `[fe80::1]:9100` → `fe80::1`; an IPv6 literal stays as it is. */
export function normaliseIp(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim().toLowerCase();
  const v4 = IPV4_WITH_PORT.exec(trimmed);
  if (v4) return v4[1] ?? null;
  const v6 = BRACKETED_IPV6.exec(trimmed);
  if (v6) return v6[1] ?? null;
  return trimmed.includes(':') && /^[0-9a-f:.]+$/.test(trimmed) ? trimmed : null;
}

/** Lower case, no trailing root dot, no `:port` (Prometheus `instance` labels carry one). */
function normaliseHost(value: string | null | undefined): string | null {
  if (!value) return null;
  const host = value.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return host === '' ? null : host;
}

export function createCorrelator(cis: readonly ConfigurationItem[], rules: IdentificationRules = DEFAULT_IDENTIFICATION_RULES): Correlator {
  // Indexes are built once so each lookup is O(1), whatever the size of the CMDB.
  const byId = new Set(cis.map((ci) => ci.id));
  const byName: Index = new Map();
  const byFqdn: Index = new Map();
  const byIp: Index = new Map();
  for (const ci of cis) {
    add(byName, ci.name.trim().toLowerCase(), ci.id);
    add(byFqdn, normaliseHost(ci.fqdn), ci.id);
    add(byIp, normaliseIp(ci.ip), ci.id);
  }

  const matchers: Record<IdentificationRuleKind, (hint: CiHint) => string | null> = {
    ciId: (hint) => (hint.ciId !== undefined && byId.has(hint.ciId) ? hint.ciId : null),
    // Also without a `:port`, as Prometheus `instance` labels give `server123:9100`.
    name: (hint) => lookup(byName, hint.name?.trim().toLowerCase()) ?? lookup(byName, normaliseHost(hint.name)),
    fqdn: (hint) => {
      const fqdn = normaliseHost(hint.fqdn);
      const dottedName = normaliseHost(hint.name);
      return lookup(byFqdn, fqdn) ?? (dottedName?.includes('.') ? lookup(byFqdn, dottedName) : null);
    },
    ip: (hint) => lookup(byIp, normaliseIp(hint.ip)) ?? lookup(byIp, normaliseIp(hint.name)),
    shortName: (hint) => {
      for (const candidate of [hint.fqdn, hint.name]) {
        const host = normaliseHost(candidate);
        // An IP's first label is a number, not a host name.
        if (!host?.includes('.') || normaliseIp(host)) continue;
        const found = lookup(byName, host.split('.')[0]);
        if (found) return found;
      }
      return null;
    },
  };
  const ordered = rules.order.map((kind) => matchers[kind]);

  return (hint) => {
    if (!hint) return null;
    for (const match of ordered) {
      const id = match(hint);
      if (id !== null) return id;
    }
    return null;
  };
}
