import type { ConfigurationItem, Relation } from '../../kernel/model.js';
import { parseCost } from '../core/cost.js';
import type { ClusterDto, DeviceDto, IpAddressDto, ServiceDto, VirtualMachineDto } from './client.js';

/**
 * NetBox objects → CIs and relations (pure).
 *
 * Relations, read parent → child the way health flows (the parent needs the child):
 * - a cluster has its VMs and its host devices as members: `cluster MEMBER_OF-parent-of vm`
 *   (parentId = cluster, childId = member), like ServiceNow's `Members::Member of`;
 * - a VM pinned to a host device runs on it (parentId = vm, childId = device, RUNS_ON);
 * - a service runs on its device or VM (parentId = service CI, childId = device/VM, RUNS_ON).
 *
 * CI ids are names, so they line up with monitors and other CMDBs; an object without a name, or
 * whose name an earlier object already took, gets `netbox-<kind>-<id>`.
 */

export interface NetBoxData {
  devices: DeviceDto[];
  virtualMachines: VirtualMachineDto[];
  clusters: ClusterDto[];
  ipAddresses: IpAddressDto[];
  services: ServiceDto[];
}

export interface MappingContext {
  connector: string;
  uiUrl: string;
  roleClassMap: Record<string, string>;
  /** The custom field holding the monthly cost (config `costField`). */
  costField: string;
}

/** `10.0.1.23/24` → `10.0.1.23`. */
export function hostAddress(cidr: string): string {
  return cidr.replace(/\/\d+$/, '');
}

interface IpInfo {
  address: string;
  dns: string;
}

function indexIps(ips: IpAddressDto[]) {
  const byId = new Map<number, IpInfo>();
  const byDevice = new Map<number, IpInfo>();
  const byVm = new Map<number, IpInfo>();
  for (const ip of ips) {
    const info = { address: hostAddress(ip.address), dns: ip.dns_name };
    byId.set(ip.id, info);
    const device = ip.assigned_object?.device?.id;
    const vm = ip.assigned_object?.virtual_machine?.id;
    if (device !== undefined && !byDevice.has(device)) byDevice.set(device, info);
    if (vm !== undefined && !byVm.has(vm)) byVm.set(vm, info);
  }
  return { byId, byDevice, byVm };
}

function attrs(entries: [string, string | number | null | undefined][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (v !== null && v !== undefined && v !== '') out[k] = String(v);
  return out;
}

export function toTopology(data: NetBoxData, ctx: MappingContext): { cis: ConfigurationItem[]; relations: Relation[] } {
  const ui = ctx.uiUrl.replace(/\/$/, '');
  const ips = indexIps(data.ipAddresses);
  const cis: ConfigurationItem[] = [];
  const taken = new Set<string>();
  const claim = (name: string | null | undefined, kind: string, id: number): string => {
    const wanted = name?.trim() || `netbox-${kind}-${id}`;
    const ciId = taken.has(wanted) ? `netbox-${kind}-${id}` : wanted;
    taken.add(ciId);
    return ciId;
  };
  const link = (path: string, id: number) => [{ tool: 'netbox', connector: ctx.connector, id: String(id), url: `${ui}/${path}/${id}/` }];
  const tagsOf = (tags: { slug: string }[]) => tags.map((t) => t.slug);
  const costOf = (o: { custom_fields: Record<string, unknown> }) => parseCost(o.custom_fields[ctx.costField]);
  const network = (primary: { id: number; address: string } | null | undefined, fallback: IpInfo | undefined) => {
    const info = primary ? (ips.byId.get(primary.id) ?? { address: hostAddress(primary.address), dns: '' }) : fallback;
    return { ip: info?.address ?? null, fqdn: info?.dns || null };
  };

  const deviceIds = new Map<number, string>();
  for (const d of data.devices) {
    const id = claim(d.name, 'device', d.id);
    deviceIds.set(d.id, id);
    const role = d.role ?? d.device_role ?? null;
    cis.push({
      id,
      name: d.name ?? id,
      class: (role && ctx.roleClassMap[role.slug]) ?? 'device',
      ...network(d.primary_ip, ips.byDevice.get(d.id)),
      serial: d.serial || null,
      tags: tagsOf(d.tags),
      attributes: attrs([
        ['status', d.status?.label],
        ['role', role?.name],
        ['site', d.site?.name],
        ['rack', d.rack?.name],
        ['device_type', d.device_type?.model],
        ['manufacturer', d.device_type?.manufacturer?.name],
        ['platform', d.platform?.name],
        ['tenant', d.tenant?.name],
      ]),
      monthlyCost: costOf(d),
      sourceLinks: link('dcim/devices', d.id),
    });
  }

  const vmIds = new Map<number, string>();
  for (const vm of data.virtualMachines) {
    const id = claim(vm.name, 'vm', vm.id);
    vmIds.set(vm.id, id);
    cis.push({
      id,
      name: vm.name ?? id,
      class: 'vm',
      ...network(vm.primary_ip, ips.byVm.get(vm.id)),
      serial: null,
      tags: tagsOf(vm.tags),
      attributes: attrs([
        ['status', vm.status?.label],
        ['cluster', vm.cluster?.name],
        ['site', vm.site?.name],
        ['platform', vm.platform?.name],
        ['tenant', vm.tenant?.name],
        ['vcpus', vm.vcpus],
        ['memory_mb', vm.memory],
        ['disk', vm.disk],
      ]),
      monthlyCost: costOf(vm),
      sourceLinks: link('virtualization/virtual-machines', vm.id),
    });
  }

  const clusterIds = new Map<number, string>();
  for (const c of data.clusters) {
    const id = claim(c.name, 'cluster', c.id);
    clusterIds.set(c.id, id);
    cis.push({
      id,
      name: c.name ?? id,
      class: 'cluster',
      fqdn: null,
      ip: null,
      serial: null,
      tags: tagsOf(c.tags),
      attributes: attrs([
        ['status', c.status?.label],
        ['type', c.type?.name],
        ['site', (c.scope ?? c.site)?.name],
      ]),
      monthlyCost: costOf(c),
      sourceLinks: link('virtualization/clusters', c.id),
    });
  }

  const relations: Relation[] = [];
  const seen = new Set<string>();
  const relate = (parentId: string | undefined, childId: string | undefined, type: Relation['type']) => {
    if (!parentId || !childId || parentId === childId) return;
    const key = `${parentId}\u0000${childId}\u0000${type}`;
    if (seen.has(key)) return;
    seen.add(key);
    relations.push({ parentId, childId, type });
  };
  for (const d of data.devices) if (d.cluster) relate(clusterIds.get(d.cluster.id), deviceIds.get(d.id), 'MEMBER_OF');
  for (const vm of data.virtualMachines) {
    if (vm.cluster) relate(clusterIds.get(vm.cluster.id), vmIds.get(vm.id), 'MEMBER_OF');
    if (vm.device) relate(vmIds.get(vm.id), deviceIds.get(vm.device.id), 'RUNS_ON');
  }

  for (const s of data.services) {
    const host = serviceHost(s, deviceIds, vmIds);
    // A service on an FHRP group (or on an object we did not read) has no host CI to run on.
    if (!host) continue;
    // Named `<host>/<service>` like its id: a service name alone (nginx, payroll-app) names every
    // instance of it, and reconciling by name would merge one instance with the whole application.
    const id = claim(`${host}/${s.name}`, 'service', s.id);
    cis.push({
      id,
      name: id,
      class: 'application',
      fqdn: null,
      ip: null,
      serial: null,
      tags: tagsOf(s.tags),
      attributes: attrs([
        ['service', s.name],
        ['protocol', s.protocol?.label],
        ['ports', s.ports.join(',')],
        ['host', host],
      ]),
      monthlyCost: costOf(s),
      sourceLinks: link('ipam/services', s.id),
    });
    relate(id, host, 'RUNS_ON');
  }
  return { cis, relations };
}

function serviceHost(s: ServiceDto, deviceIds: Map<number, string>, vmIds: Map<number, string>): string | undefined {
  if (s.parent && s.parent_object_type === 'dcim.device') return deviceIds.get(s.parent.id);
  if (s.parent && s.parent_object_type === 'virtualization.virtualmachine') return vmIds.get(s.parent.id);
  if (s.device) return deviceIds.get(s.device.id);
  if (s.virtual_machine) return vmIds.get(s.virtual_machine.id);
  return undefined;
}
