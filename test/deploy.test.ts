import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { inspectConfig } from '../app/config.js';
import { createPolicyStore, loadPolicy } from '../authz/policy.js';
import { loadServiceDefinitions } from '../bsm/definitions.js';
import { silentLogger } from '../kernel/log.js';
import { SUBGRAPH_NAMES } from '../schema/subgraphs.js';
import { ROOT } from './harness.js';
import { containers, type K8sObject, podReferences, renderKustomization } from './kustomize.js';

/**
 * deploy/kubernetes rendered as `kubectl apply -k` builds it (test/kustomize.ts), every Deployment
 * held to what a production cluster needs, and the files its pods mount run through the real
 * loaders of config, policy and estate, laid out the way the kubelet mounts a ConfigMap.
 */

const DEPLOY = join(ROOT, 'deploy/kubernetes');
const OVERLAYS = ['local', 'remote'] as const;
const IMAGE = 'registry.example.com/servicegraph:0.1.0';

/** What a platform team writes into the *.env files: a value for every name the examples list. */
function secretValue(name: string): string {
  const random = randomBytes(24).toString('base64url');
  if (name === 'REDIS_URL') return `redis://:${random}@redis.example.internal:6379/0`;
  if (name === 'DATABASE_URL') return `postgres://servicegraph:${random}@postgres.example.internal:5432/servicegraph`;
  return random;
}

const exampleNames = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')));

const rendered: Record<(typeof OVERLAYS)[number], K8sObject[]> = { local: [], remote: [] };
const secretValues: string[] = [];

beforeAll(() => {
  const copy = mkdtempSync(join(tmpdir(), 'servicegraph-deploy-'));
  cpSync(DEPLOY, copy, { recursive: true });
  const secrets = join(copy, 'secrets');
  for (const example of readdirSync(secrets).filter((f) => f.endsWith('.env.example'))) {
    const lines = exampleNames(join(secrets, example)).map((name) => `${name}=${secretValue(name)}`);
    for (const line of lines) secretValues.push(line.slice(line.indexOf('=') + 1));
    writeFileSync(join(secrets, example.replace(/\.example$/, '')), `${lines.join('\n')}\n`);
  }
  for (const overlay of OVERLAYS) rendered[overlay] = renderKustomization(join(copy, 'overlays', overlay));
  return () => rmSync(copy, { recursive: true, force: true });
});

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const podLabels = (d: K8sObject): Record<string, string> => d['spec'].template.metadata.labels;

/** A ConfigMap's keys as the kubelet mounts them: `..<time>/key`, a `..data` link to it, `key` → `..data/key`. */
function mountConfigMap(dir: string, data: Record<string, string>, generation: number): void {
  mkdirSync(dir, { recursive: true });
  const stamp = `..2026_01_01_00_00_${String(generation).padStart(2, '0')}.000000001`;
  mkdirSync(join(dir, stamp));
  for (const [key, value] of Object.entries(data)) writeFileSync(join(dir, stamp, key), value);
  const old = readdirSync(dir).filter((f) => f.startsWith('..20') && f !== stamp);
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // the atomic swap
  for (const key of Object.keys(data)) {
    try {
      symlinkSync(join('..data', key), join(dir, key));
    } catch {
      // the key's link exists from an earlier generation and now points into the new one
    }
  }
  for (const f of old) rmSync(join(dir, f), { recursive: true });
}

interface Pod {
  /** Where the container's filesystem is laid out. */
  root: string;
  env: Record<string, string>;
  /** The container's command line with $(VAR) expanded, as the kubelet runs it. */
  argv: string[];
}

/** Lays out one Deployment's container (its ConfigMap mounts, emptyDirs) under a temporary root. */
function materialize(objects: K8sObject[], deployment: K8sObject): Pod {
  const root = mkdtempSync(join(tmpdir(), 'servicegraph-pod-'));
  const pod = deployment['spec'].template.spec;
  const [container] = pod.containers;
  const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
  for (const mount of container.volumeMounts) {
    const volume = volumes.get(mount.name);
    const at = join(root, mount.mountPath);
    if (volume.configMap) mountConfigMap(at, named(objects, 'ConfigMap', volume.configMap.name)['data'], 1);
    else mkdirSync(at, { recursive: true });
  }
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const secret = named(objects, 'Secret', from.secretRef.name);
    for (const [k, v] of Object.entries(secret['data'] as Record<string, string>)) env[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  for (const e of container.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath as string | undefined;
    const label = field && /^metadata\.labels\['(.+)'\]$/.exec(field)?.[1];
    env[e.name] = e.value ?? (label ? podLabels(deployment)[label] : undefined);
  }
  const expand = (s: string) => s.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
  const argv = [...(container.command ?? ['node']), ...(container.args ?? ['dist/app/main.js'])].map(expand);
  return { root, env, argv };
}

/** The pod's config file with its absolute paths moved under the pod's root, then read by the real loader. */
function loadPodConfig(pod: Pod) {
  const file = join(pod.root, pod.env['SERVICEGRAPH_CONFIG'] as string);
  const config = parse(readFileSync(file, 'utf8'));
  for (const key of ['estate', 'policy', 'dataDir']) config[key] = join(pod.root, config[key]);
  const moved = join(pod.root, 'config.yaml');
  writeFileSync(moved, stringify(config));
  return inspectConfig(moved, pod.env);
}

describe.each(OVERLAYS)('deploy/kubernetes/overlays/%s', (overlay) => {
  const objects = () => rendered[overlay];
  const deployments = () => ofKind(objects(), 'Deployment');

  it('runs the image the overlay names, in every container', () => {
    expect(deployments().length).toBeGreaterThan(0);
    for (const d of deployments()) for (const c of containers(d)) expect(c.image, d.metadata.name).toBe(IMAGE);
  });

  it('gives every Deployment an autoscaler of at least two replicas, no replica count of its own, and a disruption budget', () => {
    for (const d of deployments()) {
      const name = d.metadata.name;
      // The autoscaler owns the count: a replicas field would reset it on every apply.
      expect(d['spec'].replicas, name).toBeUndefined();
      const hpa = ofKind(objects(), 'HorizontalPodAutoscaler').filter(
        (h) => h['spec'].scaleTargetRef.kind === 'Deployment' && h['spec'].scaleTargetRef.name === name,
      );
      expect(hpa, name).toHaveLength(1);
      expect(hpa[0]?.['spec'].minReplicas, name).toBeGreaterThanOrEqual(2);
      expect(hpa[0]?.['spec'].maxReplicas, name).toBeGreaterThanOrEqual(hpa[0]?.['spec'].minReplicas);
      const pdbs = ofKind(objects(), 'PodDisruptionBudget').filter((p) => selects(p['spec'].selector.matchLabels, podLabels(d)));
      expect(pdbs, name).toHaveLength(1);
      expect(pdbs[0]?.['spec'].maxUnavailable, name).toBe(1);
      expect(d['spec'].strategy.rollingUpdate.maxUnavailable, name).toBe(0);
    }
  });

  it('probes every container on /healthz of its own port, and gives it resources', () => {
    for (const d of deployments()) {
      for (const c of containers(d)) {
        const where = `${d.metadata.name}/${c.name}`;
        const ports = (c.ports ?? []).map((p: any) => p.name);
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          // Readiness too: one tool down must null its fields, not take every replica out of the Service.
          expect(c[probe]?.httpGet?.path, `${where} ${probe}`).toBe('/healthz');
          expect(ports, `${where} ${probe}`).toContain(c[probe].httpGet.port);
        }
        expect(c.resources?.requests?.cpu, where).toBeDefined();
        expect(c.resources?.requests?.memory, where).toBeDefined();
        expect(c.resources?.limits?.memory, where).toBeDefined();
      }
    }
  });

  it('runs every pod restricted: non-root, read-only root, no privilege escalation, no capability, RuntimeDefault seccomp', () => {
    for (const d of deployments()) {
      const pod = d['spec'].template.spec;
      const name = d.metadata.name;
      expect(pod.securityContext, name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser, name).toBeGreaterThan(0);
      expect(pod.hostNetwork ?? false, name).toBe(false);
      expect(pod.automountServiceAccountToken, name).toBe(false);
      // Service links would set SERVICEGRAPH_* variables, the prefix servicegraph reads its own from.
      expect(pod.enableServiceLinks, name).toBe(false);
      for (const c of containers(d)) {
        expect(c.securityContext, `${name}/${c.name}`).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        // Writable only where the pod has an emptyDir: /tmp and the data directory.
        const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
        const writable = c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath);
        for (const m of c.volumeMounts) {
          expect(m.subPath, `${name} ${m.mountPath}: a subPath mount never sees a ConfigMap update`).toBeUndefined();
          if (!m.readOnly) expect(volumes.get(m.name).emptyDir, `${name} ${m.mountPath}`).toBeDefined();
        }
        expect(writable.sort(), name).toEqual(['/tmp', '/var/lib/servicegraph']);
      }
    }
  });

  it('defines every ConfigMap and Secret a pod reads, and every key it reads from one', () => {
    for (const d of deployments()) {
      for (const ref of podReferences(d)) {
        const found = objects().find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
        expect(found, `${d.metadata.name} reads ${ref.kind} ${ref.name}`).toBeDefined();
        if (ref.key) expect(Object.keys(found?.['data'] ?? {}), `${d.metadata.name} reads ${ref.name}.${ref.key}`).toContain(ref.key);
      }
    }
  });

  it('keeps every secret out of the ConfigMaps: the config refers to the Secrets by name', () => {
    const secretKey = /(password|secret|token|apikey|credential|url)$/i;
    for (const cm of ofKind(objects(), 'ConfigMap')) {
      const text = JSON.stringify(cm['data']);
      for (const value of secretValues) expect(text.includes(value), cm.metadata.name).toBe(false);
      const walk = (value: unknown, path: string): void => {
        if (Array.isArray(value)) {
          for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`);
        } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
        else if (typeof value === 'string' && secretKey.test(path) && !/^(https?:\/\/[^@]*|\$\{[^}]+\})$/.test(value)) {
          throw new Error(`${cm.metadata.name}: ${path} holds a literal secret`);
        }
      };
      for (const [key, body] of Object.entries(cm['data'] as Record<string, string>)) walk(parse(body), key);
    }
  });

  it('gives its pods a config, policy and estate that pass the real loaders, with what N replicas share configured', () => {
    for (const d of deployments()) {
      const pod = materialize(objects(), d);
      try {
        const inspection = loadPodConfig(pod);
        expect(inspection.problems, d.metadata.name).toEqual([]);
        const config = inspection.loaded?.config;
        if (!config) throw new Error('no config');
        expect(() => loadPolicy(config.policy)).not.toThrow();
        expect(loadServiceDefinitions(config.estate).services.length, d.metadata.name).toBeGreaterThan(0);
        // More than one replica: the cache, the stores and the evaluator's lease must be shared.
        expect(config.cache.redis, d.metadata.name).toBeDefined();
        expect(config.storage.postgres, d.metadata.name).toBeDefined();
        expect(config.audit.sink, d.metadata.name).toBe('postgres');
        expect(relative(join(pod.root, '/var/lib/servicegraph'), config.dataDir).startsWith('..')).toBe(false);
        // preStop pause, then the drain, then closing, within the grace Kubernetes gives.
        const spec = d['spec'].template.spec;
        const pause = Number(spec.containers[0].lifecycle.preStop.exec.command[1]) * 1000;
        expect(pause + config.server.shutdownGraceMs + 5000, d.metadata.name).toBeLessThanOrEqual(
          spec.terminationGracePeriodSeconds * 1000,
        );
        expect(config.server.host).toBe('0.0.0.0');
        expect(pod.env['PORT']).toBe('4000');
        // /metrics where Prometheus can reach it: on the pod's address, at the port the pod declares.
        const metricsPort = spec.containers[0].ports.find((port: any) => port.name === 'metrics')?.containerPort;
        if (config.metrics.enabled) expect([config.metrics.host, metricsPort], d.metadata.name).toEqual(['0.0.0.0', config.metrics.port]);
        else expect(metricsPort, d.metadata.name).toBeUndefined();
      } finally {
        rmSync(pod.root, { recursive: true, force: true });
      }
    }
  });

  it('routes every Service to the pods of exactly one Deployment, on a port they open', () => {
    for (const service of ofKind(objects(), 'Service')) {
      const targets = deployments().filter((d) => selects(service['spec'].selector, podLabels(d)));
      expect(targets, service.metadata.name).toHaveLength(1);
      const ports = containers(targets[0] as K8sObject).flatMap((c) => (c.ports ?? []).map((p: any) => p.name));
      for (const port of service['spec'].ports) expect(ports, service.metadata.name).toContain(port.targetPort);
    }
  });
});

describe('the two overlays', () => {
  it('run the gateway alone (local) or the gateway and one Deployment per subgraph, each reached at its config URL (remote)', () => {
    const commands = (objects: K8sObject[]) =>
      ofKind(objects, 'Deployment').map((d) => {
        const pod = materialize(objects, d);
        rmSync(pod.root, { recursive: true, force: true });
        return pod.argv.join(' ');
      });
    expect(commands(rendered.local)).toEqual(['node dist/app/main.js']);
    expect(commands(rendered.remote).sort()).toEqual(
      ['node dist/app/main.js', ...SUBGRAPH_NAMES.map((n) => `node dist/app/subgraph-main.js ${n}`)].sort(),
    );
    const config = parse(named(rendered.remote, 'ConfigMap', configMapName(rendered.remote))['data']['config.yaml']);
    for (const name of SUBGRAPH_NAMES) {
      const url = new URL(config.subgraphs.urls[name]);
      const service = named(rendered.remote, 'Service', url.hostname);
      expect(service['spec'].ports.map((p: any) => String(p.port))).toContain(url.port);
      const [target] = ofKind(rendered.remote, 'Deployment').filter((d) => selects(service['spec'].selector, podLabels(d)));
      expect(target?.['spec'].template.spec.containers[0].args.at(-1) === '$(SUBGRAPH)' && podLabels(target as K8sObject)).toMatchObject({
        'app.kubernetes.io/component': name,
      });
    }
  });

  it('differ in their config only in `subgraphs`', () => {
    const [local, remote] = [rendered.local, rendered.remote].map((objects) => {
      const { subgraphs: _, ...rest } = parse(named(objects, 'ConfigMap', configMapName(objects))['data']['config.yaml']);
      return rest;
    });
    expect(remote).toEqual(local);
  });

  it('list every variable their configs refer to in the .example files, with no value, and never commit the real ones', () => {
    const examples = readdirSync(join(DEPLOY, 'secrets')).filter((f) => f.endsWith('.env.example'));
    const listed = examples.flatMap((f) => exampleNames(join(DEPLOY, 'secrets', f)));
    for (const f of examples) {
      for (const line of readFileSync(join(DEPLOY, 'secrets', f), 'utf8').split('\n')) {
        if (/^[A-Z_][A-Z0-9_]*=/.test(line)) expect(line, f).toMatch(/^[A-Z_][A-Z0-9_]*=$/);
      }
    }
    for (const overlay of OVERLAYS) {
      const text = JSON.stringify(parse(readFileSync(join(DEPLOY, 'overlays', overlay, 'config.yaml'), 'utf8')));
      for (const [, name] of text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) expect(listed, overlay).toContain(name);
    }
    expect(readFileSync(join(DEPLOY, '.gitignore'), 'utf8').split('\n')).toContain('*.env');
  });
});

const configMapName = (objects: K8sObject[]) =>
  (ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('servicegraph-config-')) as K8sObject).metadata.name;

describe('the files as the kubelet mounts them', () => {
  it('reloads the policy when its ConfigMap is updated (the ..data link swapped, the file itself untouched)', async ({
    onTestFinished,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-policy-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const policy = readFileSync(join(DEPLOY, 'base/policy.yaml'), 'utf8');
    mountConfigMap(dir, { 'policy.yaml': policy }, 1);
    const store = createPolicyStore(join(dir, 'policy.yaml'), silentLogger, { watch: true, debounceMs: 20 });
    onTestFinished(() => store.close());
    expect(store.current().roles['executive']?.drillLevel).toBe('BUSINESS');

    mountConfigMap(dir, { 'policy.yaml': policy.replace('executive: { drillLevel: BUSINESS', 'executive: { drillLevel: SERVICE') }, 2);
    await vi.waitFor(() => expect(store.current().roles['executive']?.drillLevel).toBe('SERVICE'), { timeout: 5000, interval: 20 });
  });

  it('reads service definitions mounted as links into ..data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'servicegraph-estate-'));
    try {
      mountConfigMap(join(dir, 'services'), { 'payroll.yaml': readFileSync(join(DEPLOY, 'base/estate/payroll.yaml'), 'utf8') }, 1);
      expect(loadServiceDefinitions(dir).services.map((s) => s.id)).toEqual(['payroll']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the image', () => {
  it('runs the demo config with only what a read-only container needs changed (deploy/container/demo.yaml)', () => {
    const read = (file: string) => {
      const loaded = inspectConfig(join(ROOT, file), {}).loaded;
      if (!loaded) throw new Error(`${file} does not load`);
      return loaded.config;
    };
    const demo = read('config/demo.yaml');
    const image = read('deploy/container/demo.yaml');
    expect(image.server.host).toBe('0.0.0.0');
    expect(image.dataDir).toBe('/var/lib/servicegraph');
    expect(dirname(image.auth.demoKeyFile as string)).toBe('/var/lib/servicegraph');
    expect(image.metrics.host).toBe('0.0.0.0');
    const same = (c: typeof demo) => ({
      ...c,
      server: { ...c.server, host: '' },
      dataDir: '',
      auth: { ...c.auth, demoKeyFile: '' },
      metrics: { ...c.metrics, host: '' },
    });
    expect(same(image)).toEqual(same(demo));
  });
});
