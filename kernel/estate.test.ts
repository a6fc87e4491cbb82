import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { formatPath, listEstateFiles, loadEstateFile, loadEstateYaml, resolvePlaceholder } from './estate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-estate-'));
  dirs.push(dir);
  return dir;
}
function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const NOW = new Date('2026-03-31T23:30:00.000Z');

describe('placeholders', () => {
  it('resolves today and relative instants in UTC', () => {
    expect(resolvePlaceholder('today', NOW)).toBe('2026-03-31');
    expect(resolvePlaceholder('today+1d', NOW)).toBe('2026-04-01');
    expect(resolvePlaceholder('today-1w', NOW)).toBe('2026-03-24');
    expect(resolvePlaceholder('now', NOW)).toBe('2026-03-31T23:30:00.000Z');
    expect(resolvePlaceholder('now-90m', NOW)).toBe('2026-03-31T22:00:00.000Z');
    expect(resolvePlaceholder('now+2h', NOW)).toBe('2026-04-01T01:30:00.000Z');
    expect(resolvePlaceholder('now-3d', NOW)).toBe('2026-03-28T23:30:00.000Z');
    expect(resolvePlaceholder('now-30s', NOW)).toBe('2026-03-31T23:29:30.000Z');
  });

  it('rejects what it does not know', () => {
    expect(resolvePlaceholder('yesterday', NOW)).toBeNull();
    expect(resolvePlaceholder('now-5y', NOW)).toBeNull();
    expect(resolvePlaceholder('today+3h', NOW)).toBeNull();
  });

  it('replaces placeholders in every string of a file, nested and inline', () => {
    const file = write(
      tempDir(),
      'a.yaml',
      [
        'calendar: [{ reason: payday, dates: ["{{today}}"] }]',
        'alerts:',
        '  - startsAt: "{{ now-15m }}"',
        '    summary: "since {{now-1h}}, count 3"',
        '    count: 3',
        '    ok: true',
      ].join('\n'),
    );
    expect(loadEstateYaml(file, NOW)).toEqual({
      calendar: [{ reason: 'payday', dates: ['2026-03-31'] }],
      alerts: [{ startsAt: '2026-03-31T23:15:00.000Z', summary: 'since 2026-03-31T22:30:00.000Z, count 3', count: 3, ok: true }],
    });
  });

  it('names the file and the path of an unknown placeholder', () => {
    const file = write(tempDir(), 'monitor.yaml', 'alerts:\n  - startsAt: "{{yesterday}}"\n');
    const error = configError(() => loadEstateYaml(file, NOW));
    expect(error.source).toBe(file);
    expect(error.problems).toEqual([expect.stringContaining('alerts[0].startsAt: unknown placeholder {{yesterday}}')]);
    expect(error.message).toContain(file);
  });
});

describe('loading', () => {
  it('reports YAML syntax errors with the file', () => {
    const file = write(tempDir(), 'bad.yaml', 'cis:\n  - { id: a, name: [unclosed\n');
    const error = configError(() => loadEstateYaml(file, NOW));
    expect(error.source).toBe(file);
    expect(error.problems[0]).toMatch(/^YAML syntax: .*line/);
  });

  it('explains an unquoted placeholder', () => {
    const file = write(tempDir(), 'a.yaml', 'x: 1\nstartsAt: {{now-15m}}\n');
    const error = configError(() => loadEstateYaml(file, NOW));
    expect(error.problems).toEqual([expect.stringMatching(/^line 2: .*quote placeholders/)]);
  });

  it('reports a missing file', () => {
    const dir = tempDir();
    const error = configError(() => loadEstateYaml(join(dir, 'missing.yaml')));
    expect(error.problems).toEqual(['cannot read the file (ENOENT)']);
  });

  it('validates with zod and lists every problem by path', () => {
    const file = write(tempDir(), 'x.yaml', 'items:\n  - { id: a, n: 1 }\n  - { id: 7, n: "x" }\n');
    const schema = z.object({ items: z.array(z.object({ id: z.string(), n: z.number() })) });
    const error = configError(() => loadEstateFile(file, schema, NOW));
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^items\[1\]\.id: /);
    expect(error.problems[1]).toMatch(/^items\[1\]\.n: /);
    expect(formatPath([])).toBe('(root)');
  });

  it('lists the YAML files of a folder in name order', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'services'));
    for (const name of ['webshop.yaml', 'email.yml', 'notes.txt', 'payroll.yaml']) write(join(dir, 'services'), name, 'id: x\n');
    mkdirSync(join(dir, 'services', 'nested.yaml'));
    expect(listEstateFiles(dir, 'services').map((f) => f.slice(dir.length + 1))).toEqual([
      join('services', 'email.yml'),
      join('services', 'payroll.yaml'),
      join('services', 'webshop.yaml'),
    ]);
    expect(listEstateFiles(dir, 'absent')).toEqual([]);
  });
});
