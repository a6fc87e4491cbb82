import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createHttpClient, garbage, type HttpAuth } from '../core/http.js';
import type { Logger } from '../../kernel/log.js';
import type { NetBoxConfig } from './config.js';

/**
 * NetBox REST client: one got instance, one function per list endpoint. Every path ends with a
 * slash (NetBox redirects without one). Lists page by `{count, next, previous, results}`: we take
 * only the query of `next` and ask the same path again, because `next` is built from the Host
 * header NetBox saw, which behind a proxy is often not the address we reach it by.
 */

const Nested = z.object({ id: z.number(), name: z.string().nullable().optional(), display: z.string().optional() }).loose();
const Choice = z.object({ value: z.union([z.string(), z.number()]), label: z.string() }).loose();
const Tag = z.object({ name: z.string(), slug: z.string() }).loose();
const PrimaryIp = z.object({ id: z.number(), address: z.string() }).loose();

const common = {
  id: z.number(),
  name: z.string().nullable(),
  status: Choice.nullable().optional(),
  tags: z.array(Tag).default([]),
  description: z.string().optional(),
  custom_fields: z.record(z.string(), z.unknown()).default({}),
};

export const DeviceDto = z
  .object({
    ...common,
    serial: z.string().nullable().optional(),
    role: Nested.extend({ slug: z.string() }).nullable().optional(),
    // NetBox before 3.6 called the role `device_role`.
    device_role: Nested.extend({ slug: z.string() }).nullable().optional(),
    device_type: z.object({ model: z.string(), manufacturer: Nested.optional() }).loose().nullable().optional(),
    site: Nested.nullable().optional(),
    rack: Nested.nullable().optional(),
    platform: Nested.nullable().optional(),
    tenant: Nested.nullable().optional(),
    primary_ip: PrimaryIp.nullable().optional(),
    cluster: Nested.nullable().optional(),
  })
  .loose();
export type DeviceDto = z.infer<typeof DeviceDto>;

export const VirtualMachineDto = z
  .object({
    ...common,
    site: Nested.nullable().optional(),
    cluster: Nested.nullable().optional(),
    device: Nested.nullable().optional(),
    platform: Nested.nullable().optional(),
    tenant: Nested.nullable().optional(),
    primary_ip: PrimaryIp.nullable().optional(),
    vcpus: z.number().nullable().optional(),
    memory: z.number().nullable().optional(),
    disk: z.number().nullable().optional(),
  })
  .loose();
export type VirtualMachineDto = z.infer<typeof VirtualMachineDto>;

export const ClusterDto = z
  .object({
    ...common,
    type: Nested.nullable().optional(),
    scope: Nested.nullable().optional(),
    site: Nested.nullable().optional(),
  })
  .loose();
export type ClusterDto = z.infer<typeof ClusterDto>;

export const IpAddressDto = z
  .object({
    id: z.number(),
    address: z.string(),
    dns_name: z.string().default(''),
    assigned_object_type: z.string().nullable().optional(),
    assigned_object: z.object({ device: Nested.optional(), virtual_machine: Nested.optional() }).loose().nullable().optional(),
  })
  .loose();
export type IpAddressDto = z.infer<typeof IpAddressDto>;

export const ServiceDto = z
  .object({
    id: z.number(),
    name: z.string(),
    protocol: Choice.nullable().optional(),
    ports: z.array(z.number()).default([]),
    // NetBox 4.3+: a generic parent (device, VM or FHRP group)…
    parent_object_type: z.string().nullable().optional(),
    parent: Nested.nullable().optional(),
    // …before: one of these two.
    device: Nested.nullable().optional(),
    virtual_machine: Nested.nullable().optional(),
    tags: z.array(Tag).default([]),
    custom_fields: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();
export type ServiceDto = z.infer<typeof ServiceDto>;

const Page = z.object({
  count: z.number(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(z.unknown()),
});

/** v2 tokens (NetBox 4.5+) look like `nbt_<key>.<secret>` and go in a Bearer header. */
export function tokenAuth(config: Pick<NetBoxConfig, 'token' | 'tokenVersion'>): HttpAuth {
  const version = config.tokenVersion ?? (config.token.startsWith('nbt_') ? 'v2' : 'v1');
  return version === 'v2' ? { kind: 'bearer', token: config.token } : { kind: 'scheme', scheme: 'Token', token: config.token };
}

export function createNetBoxClient(name: string, config: NetBoxConfig, log: Logger) {
  const client = createHttpClient({
    connector: name,
    settings: config,
    auth: tokenAuth(config),
    log,
    headers: { accept: 'application/json' },
    ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}),
  });

  async function list<T>(path: string, schema: z.ZodType<T>, extra: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    let params: Record<string, string> = { ...extra, limit: String(config.pageSize), offset: '0' };
    while (out.length < config.maxRecords) {
      const searchParams = params;
      const response = await client.call((http) => http.get(`api/${path}`, { searchParams, responseType: 'json' }));
      const page = Page.safeParse(response.body);
      if (!page.success) throw garbage(name, 'page');
      for (const item of page.data.results) {
        const parsed = schema.safeParse(item);
        if (!parsed.success) throw garbage(name, `${path} object`);
        out.push(parsed.data);
      }
      if (!page.data.next || page.data.results.length === 0) return out;
      params = Object.fromEntries(new URL(page.data.next).searchParams);
    }
    log.warn('netbox list truncated at maxRecords', { connector: name, path, maxRecords: config.maxRecords });
    return out.slice(0, config.maxRecords);
  }

  return {
    // config_context can be large and is not needed.
    devices: () => list('dcim/devices/', DeviceDto, { exclude: 'config_context' }),
    virtualMachines: () => list('virtualization/virtual-machines/', VirtualMachineDto, { exclude: 'config_context' }),
    clusters: () => list('virtualization/clusters/', ClusterDto),
    ipAddresses: () => list('ipam/ip-addresses/', IpAddressDto),
    services: () => list('ipam/services/', ServiceDto),
    async ping(): Promise<void> {
      await client.call((http) => http.get('api/dcim/devices/', { searchParams: { limit: '1', brief: '1' }, responseType: 'json' }));
    },
  };
}
