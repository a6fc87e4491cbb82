import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { captureLogger, createLogger } from './log.js';
import { currentRequest, newRequestContext, runInRequest } from './request-context.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('logger', () => {
  it('writes one JSON line per call with level, time, message and fields', () => {
    const { log, lines } = captureLogger();
    log.child({ connector: 'prom' }).info('tool call', { connector: 'prom', status: 200 });
    expect(lines).toEqual([{ level: 'info', time: expect.any(String), connector: 'prom', status: 200, msg: 'tool call' }]);
    expect(Number.isNaN(Date.parse(lines[0]?.['time'] as string))).toBe(false);
  });

  it('takes its level from LOG_LEVEL and refuses a level it does not know', () => {
    const written: string[] = [];
    const log = createLogger({ level: 'warn', write: (line) => written.push(line) });
    log.debug('no');
    log.info('no');
    log.warn('yes');
    log.error('yes');
    expect(written.map((l) => JSON.parse(l).msg)).toEqual(['yes', 'yes']);
    expect(() => createLogger({ level: 'loud', write: () => {} })).toThrow(ConfigError);
    expect(() => createLogger({ level: 'silent', write: () => {} })).not.toThrow();
  });

  it('never writes a token, password, secret or authorization header, at any depth', () => {
    const { log, lines } = captureLogger();
    const gotLikeError = Object.assign(new Error('Response code 503'), {
      code: 'ERR_NON_2XX_3XX_RESPONSE',
      options: { headers: { authorization: `Bearer ${TOKEN}` } },
    });
    log.error('careless', {
      password: 'hunter2',
      config: { baseUrl: 'https://tool', token: TOKEN, apiToken: TOKEN, clientSecret: 'cs-1', nested: { Password: 'hunter3' } },
      headers: { Authorization: `Bearer ${TOKEN}`, cookie: 'session=s3cr3t', 'x-servicegraph-identity': TOKEN, accept: 'json' },
      list: [{ secret: 'in-a-list' }],
      error: gotLikeError,
    });
    const text = JSON.stringify(lines);
    for (const leak of [TOKEN, 'hunter2', 'hunter3', 'cs-1', 's3cr3t', 'in-a-list']) expect(text).not.toContain(leak);
    expect(lines[0]).toMatchObject({
      config: { baseUrl: 'https://tool', token: '[redacted]' },
      headers: { accept: 'json', Authorization: '[redacted]' },
      error: { name: 'Error', message: 'Response code 503', code: 'ERR_NON_2XX_3XX_RESPONSE' },
    });
  });

  it('stamps every line written inside a request with its ids, and no line outside one', async () => {
    const { log, lines } = captureLogger();
    log.info('at start');
    const a = newRequestContext('client-a');
    const b = newRequestContext();
    // Interleaved on purpose: each awaits while the other logs.
    const step = () => new Promise<void>((resolve) => setImmediate(resolve));
    const work = (name: string) => async () => {
      for (let i = 0; i < 3; i++) {
        log.info('step', { name });
        await step();
      }
    };
    await Promise.all([runInRequest(a, work('a')), runInRequest(b, work('b'))]);
    expect(lines[0]).not.toHaveProperty('requestId');
    const steps = lines.slice(1);
    expect(steps.map((l) => l['name'])).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    for (const line of steps) {
      const ctx = line['name'] === 'a' ? a : b;
      expect(line['requestId']).toBe(ctx.requestId);
      expect(line['clientRequestId']).toBe(ctx.clientRequestId);
    }
    expect(currentRequest()).toBeUndefined();
  });
});
