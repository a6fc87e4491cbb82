import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, startStack, type Stack } from '../harness.js';
import { PROM_URL, selected, until, WORK } from './support.js';

/**
 * The real Prometheus scrapes the gateway's /metrics (job `servicegraph` in scripts/real-tools.sh,
 * its target and bearer token written here) and answers the business-service series back through
 * its query API, including the README's example alert expression.
 */
const SD = join(WORK, 'prometheus/servicegraph');
const TOKEN = 'real-prometheus-scrape-token-0123';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
const query = async (expr: string) =>
  (await got.get(`${PROM_URL}/api/v1/query`, { searchParams: { query: expr } }).json<{ data: { result: Sample[] } }>()).data.result;

describe.skipIf(!selected('prometheus'))('the real Prometheus scrapes servicegraph', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      extra: `metrics: { enabled: true, host: 127.0.0.1, port: 0, token: "\${SG_METRICS_TOKEN}" }`,
      env: { SG_METRICS_TOKEN: TOKEN },
    });
    const target = new URL(stack.metricsUrl as string).host;
    writeFileSync(join(SD, 'token'), TOKEN);
    writeFileSync(join(SD, 'targets.json'), JSON.stringify([{ targets: [target], labels: { instance: 'servicegraph-real-test' } }]));
  });
  afterAll(async () => {
    writeFileSync(join(SD, 'targets.json'), '[]');
    await stack?.close();
  });

  it('scrapes /metrics with its bearer token, and the business-service status series is there', async () => {
    const payroll = await until('servicegraph_service_status{service="payroll"} in Prometheus', async () => {
      const [found] = await query('servicegraph_service_status{job="servicegraph",service="payroll"}');
      return found;
    });
    expect(payroll.metric).toMatchObject({ service: 'payroll', criticality: 'CRITICAL', instance: 'servicegraph-real-test' });
    expect(Number(payroll.value[1])).toBe(4);
    const [up] = await query('up{job="servicegraph"}');
    expect(up?.value[1]).toBe('1');
    const email = await query('servicegraph_service_status{job="servicegraph",service="email"}');
    expect(email.map((s) => s.value[1])).toEqual(['0']);

    // The README's example alert rules: each expression runs, and the first fires for payroll.
    const block = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((b) => b.includes('name: business-services'));
    const rules = (parseYaml(block ?? '') as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(['CriticalBusinessServiceDown', 'SlaBreachSoon']);
    const answers = await Promise.all(rules.map((r) => query(r.expr)));
    expect(answers[0]?.map((s) => s.metric['service'])).toContain('payroll');
    const budget = await query('servicegraph_service_sla_error_budget_left_seconds{service="payroll"}');
    expect(budget).toHaveLength(1);
    const atRisk = await query('sum(servicegraph_service_revenue_at_risk_per_hour{job="servicegraph"})');
    expect(Number(atRisk[0]?.value[1])).toBeGreaterThanOrEqual(20_000);
    // The model's own work is there too.
    expect(await query('servicegraph_health_evaluation_duration_seconds_count{job="servicegraph"}')).toHaveLength(1);
  });
});
