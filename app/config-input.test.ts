import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conformToSchema } from './config-input.js';

const Schema = z.object({
  server: z.object({ host: z.string().default('x'), port: z.number().int().default(1) }).prefault({}),
  introspection: z.boolean().default(false),
  limits: z.object({ maxDepth: z.number() }).optional(),
  sink: z.union([z.enum(['stderr', 'stdout']), z.object({ file: z.string() })]).default('stderr'),
  auth: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }),
      z.object({ kind: z.literal('basic'), username: z.string(), password: z.string() }),
      z.object({ kind: z.literal('bearer'), token: z.string() }),
    ])
    .optional(),
  labels: z.record(z.string(), z.object({ weight: z.number() })).default({}),
  items: z.array(z.object({ name: z.string(), size: z.number().optional() })).default([]),
  extra: z.looseObject({ known: z.string().optional() }).optional(),
  renamed: z
    .string()
    .transform((s) => s.length)
    .optional(),
});

describe('conformToSchema', () => {
  it('names every unknown key at its path, with the nearest known key', () => {
    const { problems } = conformToSchema(Schema, {
      introspecton: true,
      limts: { maxDepth: 3 },
      server: { prot: 4000 },
      items: [{ name: 'a', szie: 1 }],
      labels: { a: { wieght: 1 } },
      zzz: 1,
    });
    expect(problems.sort()).toEqual(
      [
        'introspecton: unknown key, did you mean introspection?',
        'limts: unknown key, did you mean limits?',
        'server.prot: unknown key, did you mean port?',
        'items[0].szie: unknown key, did you mean size?',
        'labels.a.wieght: unknown key, did you mean weight?',
        'zzz: unknown key (known here: server, introspection, limits, sink, auth, labels, items, extra, renamed)',
      ].sort(),
    );
  });

  it('picks the union option a value was meant for', () => {
    expect(conformToSchema(Schema, { auth: { kind: 'basic', username: 'u', pasword: 'p' } }).problems).toEqual([
      'auth.pasword: unknown key, did you mean password?',
    ]);
    expect(conformToSchema(Schema, { sink: { file: 'a', mode: 1 } }).problems).toEqual(['sink.mode: unknown key (known here: file)']);
    expect(conformToSchema(Schema, { sink: 'stdout', auth: { kind: 'bearer', token: 't' } }).problems).toEqual([]);
  });

  it('leaves loose objects their extra keys', () => {
    expect(conformToSchema(Schema, { extra: { known: 'a', anything: 1 } }).problems).toEqual([]);
  });

  it('reads numbers and booleans from text where the schema wants them, and nothing else', () => {
    const { value, problems } = conformToSchema(Schema, {
      server: { host: '4000', port: ' 4001 ' },
      introspection: 'true',
      items: [{ name: '12', size: '1.5e3' }],
      renamed: '42',
    });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      server: { host: '4000', port: 4001 },
      introspection: true,
      items: [{ name: '12', size: 1500 }],
      renamed: '42',
    });
    expect(Schema.safeParse(value).success).toBe(true);
    // Not a number: left as text, so the schema reports it (never silently 0 or NaN).
    const bad = conformToSchema(Schema, { server: { port: '' }, introspection: 'yes' }).value;
    expect(bad).toEqual({ server: { port: '' }, introspection: 'yes' });
    expect(Schema.safeParse(bad).success).toBe(false);
  });
});
