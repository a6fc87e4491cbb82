import { describe, expect, it } from 'vitest';
import { createCorrelator, IdentificationRules, normaliseIp } from './correlate.js';
import { testCi } from '../connectors/core/test-support.js';

const ci = testCi;

const cis = [
  ci('server123', { fqdn: 'server123.corp.example', ip: '10.10.1.23' }),
  ci('mail-node2', { fqdn: 'mail-node2.corp.example', ip: '10.20.2.12' }),
  ci('sn-0001', { name: 'Payroll-DB', fqdn: 'payroll-db.corp.example' }),
  // Two CIs share a name and an IP (two sites): those keys are ambiguous.
  ci('db1-dc1', { name: 'db1', ip: '10.0.0.9' }),
  ci('db1-dc2', { name: 'db1', ip: '10.0.0.9', fqdn: 'db1.dc2.corp.example' }),
  ci('v6host', { ip: 'fe80::1' }),
];

describe('createCorrelator', () => {
  const correlate = createCorrelator(cis);

  it('maps each kind of hint with the default order', () => {
    expect(correlate({ ciId: 'server123' })).toBe('server123');
    expect(correlate({ name: 'payroll-db' })).toBe('sn-0001');
    expect(correlate({ fqdn: 'SERVER123.corp.example.' })).toBe('server123');
    expect(correlate({ ip: '10.20.2.12' })).toBe('mail-node2');
    expect(correlate({ fqdn: 'mail-node2.other.example' })).toBe('mail-node2');
  });

  it('reads Prometheus-style instances with ports', () => {
    expect(correlate({ name: 'server123:9100' })).toBe('server123');
    expect(correlate({ name: 'server123.corp.example:9100' })).toBe('server123');
    expect(correlate({ ip: '10.10.1.23:9100' })).toBe('server123');
    expect(correlate({ name: '10.10.1.23:9100' })).toBe('server123');
    expect(correlate({ ip: '[fe80::1]:9100' })).toBe('v6host');
  });

  it('tries the rules in order and falls through when one finds nothing', () => {
    // ciId unknown, name matches.
    expect(correlate({ ciId: 'nope', name: 'mail-node2' })).toBe('mail-node2');
    // ciId wins over a name that points elsewhere.
    expect(correlate({ ciId: 'server123', name: 'mail-node2' })).toBe('server123');
    const ipFirst = createCorrelator(cis, IdentificationRules.parse({ order: ['ip', 'name'] }));
    expect(ipFirst({ name: 'mail-node2', ip: '10.10.1.23' })).toBe('server123');
    // Rules left out of the order are not used.
    expect(ipFirst({ ciId: 'server123' })).toBeNull();
  });

  it('refuses to guess on ambiguous keys but uses the next rule', () => {
    expect(correlate({ name: 'db1' })).toBeNull();
    expect(correlate({ ip: '10.0.0.9' })).toBeNull();
    expect(correlate({ name: 'db1', fqdn: 'db1.dc2.corp.example' })).toBe('db1-dc2');
  });

  it('returns null for hints that match nothing', () => {
    expect(correlate({ name: 'printer-3f-east' })).toBeNull();
    expect(correlate({})).toBeNull();
    expect(correlate(null)).toBeNull();
    // The first label of an IP is not a short name.
    expect(createCorrelator([ci('10')])({ name: '10.1.2.3' })).toBeNull();
  });

  it('parses rules with defaults and rejects bad ones', () => {
    expect(IdentificationRules.parse({}).order).toEqual(['ciId', 'name', 'fqdn', 'ip', 'shortName']);
    expect(IdentificationRules.safeParse({ order: ['name', 'name'] }).success).toBe(false);
    expect(IdentificationRules.safeParse({ order: ['serial'] }).success).toBe(false);
    expect(IdentificationRules.safeParse({ order: [] }).success).toBe(false);
  });

  it('normalises IPs', () => {
    expect(normaliseIp(' 10.0.0.1:80 ')).toBe('10.0.0.1');
    expect(normaliseIp('FE80::1')).toBe('fe80::1');
    expect(normaliseIp('server123')).toBeNull();
  });

  it('looks up in constant time on a large CMDB', () => {
    const many = Array.from({ length: 50_000 }, (_, i) =>
      ci(`host${i}`, { fqdn: `host${i}.corp.example`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }),
    );
    const big = createCorrelator(many);
    const started = performance.now();
    for (let i = 0; i < 50_000; i++) big({ fqdn: `host${i}.corp.example` });
    expect(big({ ip: '10.0.1.44' })).toBe('host300');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
