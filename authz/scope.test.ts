import { describe, expect, it } from 'vitest';
import { canAct, mayRead, servicesInScope } from './scope.js';
import type { Viewer } from './viewer.js';
import type { ServiceInfo } from '../kernel/model.js';

const svc = (id: string, owner: string, consumers: string[], tags: string[], childServiceIds: string[] = []): ServiceInfo => ({
  id,
  name: id,
  owner,
  consumers,
  tags,
  childServiceIds,
});

// payroll → identity → network; email → identity; trading has a (wrong) cycle with market-data.
const SERVICES: ServiceInfo[] = [
  svc('payroll', 'hr-it', ['all-staff', 'hr'], ['finance', 'hr'], ['identity']),
  svc('email', 'messaging', ['all-staff'], ['collaboration'], ['identity']),
  svc('identity', 'identity-team', ['it'], ['shared', 'security'], ['network']),
  svc('network', 'network-team', ['it'], ['shared', 'infrastructure']),
  svc('trading', 'trading-it', ['traders'], ['finance', 'revenue'], ['market-data']),
  svc('market-data', 'trading-it', ['traders'], ['revenue'], ['trading']),
  svc('webshop', 'ecommerce', ['customers'], ['revenue', 'public']),
];

const sorted = (set: Set<string>) => [...set].sort();

describe('servicesInScope', () => {
  it('all: every service', () => {
    expect(servicesInScope([{ kind: 'all' }], [], SERVICES).size).toBe(SERVICES.length);
  });

  it('owned: services owned by one of the groups, with their children transitively', () => {
    expect(sorted(servicesInScope([{ kind: 'owned' }], ['hr-it'], SERVICES))).toEqual(['identity', 'network', 'payroll']);
    expect(sorted(servicesInScope([{ kind: 'owned' }], ['nobody'], SERVICES))).toEqual([]);
  });

  it('consumed: services one of the groups uses, with their children', () => {
    expect(sorted(servicesInScope([{ kind: 'consumed' }], ['all-staff'], SERVICES))).toEqual(['email', 'identity', 'network', 'payroll']);
  });

  it('list and tag, with children; a cycle in the service graph does not loop', () => {
    expect(sorted(servicesInScope([{ kind: 'list', services: ['identity'] }], [], SERVICES))).toEqual(['identity', 'network']);
    expect(sorted(servicesInScope([{ kind: 'tag', tag: 'revenue' }], [], SERVICES))).toEqual(['market-data', 'trading', 'webshop']);
    expect(sorted(servicesInScope([{ kind: 'list', services: ['trading'] }], [], SERVICES))).toEqual(['market-data', 'trading']);
  });

  it('the union of several rules', () => {
    expect(sorted(servicesInScope([{ kind: 'owned' }, { kind: 'tag', tag: 'public' }], ['messaging'], SERVICES))).toEqual([
      'email',
      'identity',
      'network',
      'webshop',
    ]);
  });
});

const viewer = (grants: Viewer['grants'], groups: string[] = []): Viewer => ({
  id: 'u',
  anonymous: false,
  roles: grants.map((g) => g.role),
  groups,
  drillLevel: 'COMPONENT',
  actions: [...new Set(grants.flatMap((g) => g.actions))],
  scope: grants.flatMap((g) => g.scope),
  grants,
});

describe('canAct', () => {
  // An operator of payroll who is also a help desk agent for email.
  const mixed = viewer([
    {
      role: 'payroll-operator',
      drillLevel: 'TELEMETRY',
      actions: ['alert:acknowledge'],
      scope: [{ kind: 'list', services: ['payroll'] }],
      actOnChildren: false,
    },
    {
      role: 'email-desk',
      drillLevel: 'COMPONENT',
      actions: ['incident:create'],
      scope: [{ kind: 'list', services: ['email'] }],
      actOnChildren: false,
    },
  ]);

  it('needs one grant with both the action and the service in its scope', () => {
    expect(canAct(mixed, 'alert:acknowledge', ['payroll'], SERVICES)).toBe(true);
    expect(canAct(mixed, 'alert:acknowledge', ['email'], SERVICES)).toBe(false);
    expect(canAct(mixed, 'incident:create', ['email'], SERVICES)).toBe(true);
    expect(canAct(mixed, 'incident:create', ['payroll'], SERVICES)).toBe(false);
  });

  it('an object serving several services needs only one of them matched', () => {
    expect(canAct(mixed, 'alert:acknowledge', ['webshop', 'payroll'], SERVICES)).toBe(true);
    expect(canAct(mixed, 'alert:acknowledge', ['webshop'], SERVICES)).toBe(false);
  });

  it('sees the children of a matched service but acts on them only with actOnChildren', () => {
    // network is below payroll (payroll → identity → network): the payroll operator sees it ...
    expect(servicesInScope([{ kind: 'list', services: ['payroll'] }], [], SERVICES).has('network')).toBe(true);
    // ... and may not acknowledge there, unless the role says its actions reach the children.
    expect(canAct(mixed, 'alert:acknowledge', ['network'], SERVICES)).toBe(false);
    const reaching = viewer([
      {
        role: 'payroll-operator',
        drillLevel: 'TELEMETRY',
        actions: ['alert:acknowledge'],
        scope: [{ kind: 'list', services: ['payroll'] }],
        actOnChildren: true,
      },
    ]);
    expect(canAct(reaching, 'alert:acknowledge', ['network'], SERVICES)).toBe(true);
    expect(canAct(reaching, 'alert:acknowledge', ['webshop'], SERVICES)).toBe(false);
  });

  it('general objects (about nothing in particular) need only the action', () => {
    expect(canAct(mixed, 'incident:create', [], SERVICES, { general: true })).toBe(true);
    expect(canAct(mixed, 'article:link', [], SERVICES, { general: true })).toBe(false);
  });

  it('owned scope uses the viewer groups', () => {
    const owner = viewer(
      [{ role: 'service-owner', drillLevel: 'COMPONENT', actions: ['incident:create'], scope: [{ kind: 'owned' }], actOnChildren: false }],
      ['trading-it'],
    );
    expect(canAct(owner, 'incident:create', ['market-data'], SERVICES)).toBe(true);
    expect(canAct(owner, 'incident:create', ['payroll'], SERVICES)).toBe(false);
  });

  it('scope all covers objects that serve no known service; others do not', () => {
    const op = viewer([
      { role: 'operator', drillLevel: 'TELEMETRY', actions: ['alert:acknowledge'], scope: [{ kind: 'all' }], actOnChildren: false },
    ]);
    expect(canAct(op, 'alert:acknowledge', [], SERVICES)).toBe(true);
    expect(canAct(mixed, 'alert:acknowledge', [], SERVICES)).toBe(false);
    expect(canAct(op, 'incident:create', ['payroll'], SERVICES)).toBe(false);
  });
});

describe('mayRead', () => {
  it('compares drill levels, and a viewer without roles reads nothing', () => {
    const v = viewer([{ role: 'r', drillLevel: 'COMPONENT', actions: [], scope: [{ kind: 'all' }], actOnChildren: false }]);
    expect(mayRead(v, 'BUSINESS')).toBe(true);
    expect(mayRead(v, 'COMPONENT')).toBe(true);
    expect(mayRead(v, 'TELEMETRY')).toBe(false);
    expect(mayRead({ ...v, drillLevel: 'BUSINESS', grants: [] }, 'BUSINESS')).toBe(false);
  });
});
