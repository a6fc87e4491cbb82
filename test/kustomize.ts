import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Renders the part of kustomize (v5) that deploy/kubernetes uses, so `npm test` checks the manifests
 * as `kubectl apply -k` would build them, without the kustomize binary (it cannot be installed
 * here). It refuses every kustomization field, generator option and resource kind it does not
 * implement: a manifest cannot start using something this renderer would silently skip.
 *
 * Implemented as kustomize does it: `resources` (files and directories, recursively), `namespace`,
 * `nameSuffix` (with the references inside its kustomization), `labels` with `includeSelectors`
 * (kustomize's field specs for the kinds below), `images`, and `configMapGenerator` /
 * `secretGenerator` (`files`, `envs`, `options.disableNameSuffixHash`; files only from inside the
 * kustomization's directory). A generated name carries a hash of its content, as kustomize's does
 * (not the same digits), and every reference to the generator's name is pointed at it.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: any;
}

/** A rendered object and the name other objects refer to it by (a generator's name, before its hash). */
interface Entry {
  object: K8sObject;
  referredAs: string;
}

const FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'nameSuffix',
  'labels',
  'images',
  'configMapGenerator',
  'secretGenerator',
]);
const GENERATOR_FIELDS = new Set(['name', 'files', 'envs', 'options']);
const KINDS = new Set(['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ConfigMap', 'Secret']);

export function renderKustomization(dir: string): K8sObject[] {
  const entries = renderLevel(resolve(dir));
  for (const { object } of entries) {
    for (const ref of podReferences(object)) {
      const target = entries.filter((e) => e.object.kind === ref.kind && e.referredAs === ref.name);
      if (target.length > 1) throw new Error(`${object.metadata.name}: ${ref.kind} ${ref.name} is ambiguous`);
      if (target[0]) ref.set(target[0].object.metadata.name);
    }
  }
  return entries.map((e) => e.object);
}

function renderLevel(dir: string): Entry[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  for (const field of Object.keys(k))
    if (!FIELDS.has(field)) throw new Error(`${file}: field ${field} is not implemented by test/kustomize.ts`);

  const entries: Entry[] = [];
  for (const resource of (k['resources'] ?? []) as string[]) {
    const path = resolve(dir, resource);
    if (statSync(path).isDirectory()) entries.push(...renderLevel(path));
    else {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const object = doc.toJS() as K8sObject | null;
        if (!object) continue;
        if (!KINDS.has(object.kind)) throw new Error(`${path}: kind ${object.kind} is not implemented by test/kustomize.ts`);
        entries.push({ object, referredAs: object.metadata.name });
      }
    }
  }
  const generated: Entry[] = [];
  for (const g of (k['configMapGenerator'] ?? []) as Record<string, any>[]) generated.push(generate('ConfigMap', g, dir, file));
  for (const g of (k['secretGenerator'] ?? []) as Record<string, any>[]) generated.push(generate('Secret', g, dir, file));
  entries.push(...generated);

  if (k['nameSuffix']) {
    if (generated.length > 0) throw new Error(`${file}: nameSuffix beside generators is not implemented by test/kustomize.ts`);
    const renamed = new Map<string, string>(); // `${kind}/${old}` → new
    for (const e of entries) {
      const next = `${e.object.metadata.name}${k['nameSuffix']}`;
      renamed.set(`${e.object.kind}/${e.object.metadata.name}`, next);
      e.object.metadata.name = next;
      e.referredAs = next;
    }
    for (const { object } of entries) {
      for (const ref of podReferences(object)) ref.set(renamed.get(`${ref.kind}/${ref.name}`) ?? ref.name);
      const target = object['spec']?.scaleTargetRef;
      if (object.kind === 'HorizontalPodAutoscaler' && target) target.name = renamed.get(`${target.kind}/${target.name}`) ?? target.name;
    }
  }
  for (const label of (k['labels'] ?? []) as { pairs: Record<string, string>; includeSelectors?: boolean }[]) {
    if (label.includeSelectors !== true)
      throw new Error(`${file}: labels without includeSelectors are not implemented by test/kustomize.ts`);
    for (const { object } of entries) addLabels(object, label.pairs);
  }
  for (const image of (k['images'] ?? []) as { name: string; newName?: string; newTag?: string }[]) {
    for (const { object } of entries) {
      for (const c of containers(object)) {
        const [name, tag] = splitImage(c.image);
        if (name === image.name) c.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
      }
    }
  }
  if (k['namespace']) for (const { object } of entries) object.metadata.namespace = k['namespace'];
  return entries;
}

function generate(kind: 'ConfigMap' | 'Secret', g: Record<string, any>, dir: string, file: string): Entry {
  for (const field of Object.keys(g))
    if (!GENERATOR_FIELDS.has(field)) throw new Error(`${file}: ${g['name']}.${field} is not implemented`);
  const options = (g['options'] ?? {}) as Record<string, unknown>;
  for (const o of Object.keys(options))
    if (o !== 'disableNameSuffixHash') throw new Error(`${file}: ${g['name']}.options.${o} is not implemented`);
  const inside = (path: string) => {
    const full = resolve(dir, path);
    // kustomize's default load restriction: nothing from outside the kustomization's directory.
    if (relative(dir, full).startsWith('..')) throw new Error(`${file}: ${path} is outside ${dir}`);
    return readFileSync(full, 'utf8');
  };
  const data: Record<string, string> = {};
  for (const spec of (g['files'] ?? []) as string[]) {
    const [key, path] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : [basename(spec), spec];
    data[key] = inside(path);
  }
  for (const env of (g['envs'] ?? []) as string[]) {
    for (const line of inside(env).split('\n')) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const at = text.indexOf('=');
      if (at <= 0) throw new Error(`${env}: "${text}" is not NAME=value`);
      data[text.slice(0, at)] = text.slice(at + 1);
    }
  }
  const name = g['name'] as string;
  const hash = createHash('sha256').update(JSON.stringify({ kind, name, data })).digest('hex').slice(0, 10);
  const object: K8sObject = {
    apiVersion: 'v1',
    kind,
    metadata: { name: options['disableNameSuffixHash'] ? name : `${name}-${hash}` },
    ...(kind === 'Secret'
      ? { type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) }
      : { data }),
  };
  return { object, referredAs: name };
}

/** kustomize's label field specs (builtinpluginconsts/commonlabels.go) for the kinds implemented here. */
function addLabels(object: K8sObject, pairs: Record<string, string>): void {
  const merge = (holder: Record<string, any>, key: string, create: boolean) => {
    if (!holder[key] && !create) return;
    holder[key] = { ...holder[key], ...pairs };
  };
  merge(object.metadata, 'labels', true);
  const spec = object['spec'];
  if (object.kind === 'Service') merge(spec, 'selector', true);
  if (object.kind === 'PodDisruptionBudget' && spec.selector) merge(spec.selector, 'matchLabels', false);
  if (object.kind === 'Deployment') {
    merge((spec.selector ??= {}), 'matchLabels', true);
    merge((spec.template.metadata ??= {}), 'labels', true);
    if (spec.template.spec.affinity) throw new Error(`${object.metadata.name}: affinity is not implemented by test/kustomize.ts`);
    for (const t of spec.template.spec.topologySpreadConstraints ?? []) if (t.labelSelector) merge(t.labelSelector, 'matchLabels', false);
  }
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

export function containers(object: K8sObject): any[] {
  const pod = object.kind === 'Deployment' ? object['spec'].template.spec : null;
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

export interface PodReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** The key read, for a single-key reference. */
  key?: string;
  set(name: string): void;
}

/** Every ConfigMap and Secret a Deployment's pods read: volumes, env and envFrom. */
export function podReferences(object: K8sObject): PodReference[] {
  if (object.kind !== 'Deployment') return [];
  const refs: PodReference[] = [];
  const add = (kind: PodReference['kind'], holder: Record<string, any> | undefined, field: string) => {
    if (holder) refs.push({ kind, name: holder[field], key: holder['key'], set: (name) => (holder[field] = name) });
  };
  for (const v of object['spec'].template.spec.volumes ?? []) {
    if (v.projected) throw new Error(`${object.metadata.name}: projected volumes are not implemented by test/kustomize.ts`);
    add('ConfigMap', v.configMap, 'name');
    add('Secret', v.secret, 'secretName');
  }
  for (const c of containers(object)) {
    for (const e of c.env ?? []) {
      add('ConfigMap', e.valueFrom?.configMapKeyRef, 'name');
      add('Secret', e.valueFrom?.secretKeyRef, 'name');
    }
    for (const e of c.envFrom ?? []) {
      add('ConfigMap', e.configMapRef, 'name');
      add('Secret', e.secretRef, 'name');
    }
  }
  return refs;
}
