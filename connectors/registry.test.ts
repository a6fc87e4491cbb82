import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test/harness.js';
import { connectorType, connectorTypes, findConnector, loadConnectors } from './registry.js';

/** Static value imports (not `import type`, not `import()`): what loading the module loads with it. */
const STATIC_IMPORT = /^import\s(?!type\s)[^'";]*?from\s+'([^']+)'/gm;

/** Every module loaded with `file`, and the packages they import. */
function staticGraph(file: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (files.includes(path)) return;
    files.push(path);
    for (const [, spec] of readFileSync(path, 'utf8').matchAll(STATIC_IMPORT)) {
      if (!spec) continue;
      if (spec.startsWith('.')) visit(join(dirname(path), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(join(ROOT, file));
  return { files: files.map((f) => relative(ROOT, f)), packages };
}

describe('the connector registry', () => {
  it('loads no connector implementation to validate configs: only the config schemas, zod and node:path', () => {
    const { files, packages } = staticGraph('connectors/registry.ts');
    expect([...packages].sort()).toEqual(['node:path', 'zod']);
    expect(files.filter((f) => !/^connectors\/(registry|core\/http-settings|[a-z]+\/config)\.ts$/.test(f))).toEqual([]);
  });

  it("knows each type's kind and schema as its implementation declares them, and loads it on demand", async () => {
    expect(() => findConnector('prometheus')).toThrow(/not loaded/);
    await loadConnectors(connectorTypes());
    for (const type of connectorTypes()) {
      const connector = findConnector(type);
      const known = connectorType(type);
      expect([connector.type, connector.kind]).toEqual([known?.type, known?.kind]);
      expect(connector.config).toBe(known?.config);
    }
  });
});
