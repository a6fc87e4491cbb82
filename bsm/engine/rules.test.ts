import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Status } from '../../kernel/model.js';
import type { EdgeMap, ReduceRule } from './types.js';
import { evaluate } from './evaluate.js';
import { edgeMap, reduceRule } from './arbitraries.js';
import { RULE_KINDS } from './kinds/index.js';
import { MAP_KINDS } from './maps/index.js';
import {
  EdgeMapSchema,
  RULE_KIND_NAMES,
  RuleSchema,
  describeMap,
  describeRule,
  mapCode,
  mapProblems,
  mapStatus,
  ruleKinds,
  ruleProblems,
} from './rules.js';
import { code, rank, statusName } from './status.js';
import { leavesOf, serviceOverKids } from './test-graph.js';

/** Status of a service with the given rules over leaf CIs with the given statuses and weights. */
function rollup(main: ReduceRule, kids: [Status, number?][], extra: ReduceRule[] = [], maps: EdgeMap[] = []): Status {
  const { graph: g, ids } = serviceOverKids(
    main,
    kids.map(([, weight], k) => ({ weight: weight ?? 1, ...(maps[k] ? { map: maps[k] } : {}) })),
    { extra },
  );
  const ev = evaluate(g, leavesOf(Object.fromEntries(ids.map((id, k) => [id, kids[k]?.[0] ?? 'OK']))));
  return ev.result('svc')?.status ?? 'UNKNOWN';
}

describe('status arithmetic', () => {
  it('orders, combines and clamps severities', () => {
    expect(rank('OK')).toBe(0);
    expect(rank('CRITICAL')).toBe(4);
    expect(mapCode({ kind: 'increase', n: 3 }, code('MAJOR'))).toBe(code('CRITICAL'));
    expect(mapCode({ kind: 'decrease', n: 4 }, code('MINOR'))).toBe(code('OK'));
    expect(statusName(code('UNKNOWN'))).toBe('UNKNOWN');
  });
});

describe('edge maps', () => {
  it('apply to problems only and clamp to OK..CRITICAL', () => {
    expect(mapCode({ kind: 'identity' }, 3)).toBe(3);
    expect(mapCode({ kind: 'increase', n: 2 }, 3)).toBe(4);
    expect(mapCode({ kind: 'increase', n: 2 }, 0)).toBe(0);
    expect(mapCode({ kind: 'decrease', n: 1 }, 1)).toBe(0);
    expect(mapCode({ kind: 'set', status: 'WARNING' }, 4)).toBe(1);
    expect(mapCode({ kind: 'set', status: 'CRITICAL' }, 0)).toBe(0);
    expect(mapStatus({ kind: 'decrease', n: 1 }, 'CRITICAL')).toBe('MAJOR');
    expect(mapStatus({ kind: 'set', status: 'MINOR' }, 'UNKNOWN')).toBe('UNKNOWN');
  });

  it('ignore drops the child from the rollup, totals included', () => {
    // 1 of 2 counted children at CRITICAL is 50%; with the third ignored it stays 50%, not 33%.
    const rule: ReduceRule = { kind: 'threshold', atLeast: 'CRITICAL', percent: 50, then: 'MAJOR' };
    expect(rollup(rule, [['CRITICAL'], ['OK'], ['OK']], [], [{ kind: 'identity' }, { kind: 'identity' }, { kind: 'ignore' }])).toBe(
      'MAJOR',
    );
    expect(rollup(rule, [['CRITICAL'], ['OK'], ['OK']])).toBe('OK');
    expect(rollup({ kind: 'worst' }, [['CRITICAL']], [], [{ kind: 'ignore' }])).toBe('UNKNOWN');
  });

  it('decrease and set change what the parent sees', () => {
    expect(rollup({ kind: 'worst' }, [['CRITICAL'], ['MINOR']], [], [{ kind: 'decrease', n: 2 }])).toBe('MINOR');
    expect(rollup({ kind: 'worst' }, [['CRITICAL']], [], [{ kind: 'set', status: 'WARNING' }])).toBe('WARNING');
    expect(rollup({ kind: 'worst' }, [['WARNING']], [], [{ kind: 'increase', n: 1 }])).toBe('MINOR');
  });
});

describe('reduce rules', () => {
  it('worst and best', () => {
    expect(rollup({ kind: 'worst' }, [['OK'], ['MAJOR'], ['WARNING']])).toBe('MAJOR');
    expect(rollup({ kind: 'best' }, [['CRITICAL'], ['MAJOR'], ['WARNING']])).toBe('WARNING');
    expect(rollup({ kind: 'best' }, [['CRITICAL'], ['OK']])).toBe('OK');
  });

  it('worstIfAll: one OK child means OK (Zabbix "most critical if all children have problems")', () => {
    expect(rollup({ kind: 'worstIfAll' }, [['OK'], ['CRITICAL'], ['CRITICAL']])).toBe('OK');
    expect(rollup({ kind: 'worstIfAll' }, [['WARNING'], ['CRITICAL']])).toBe('CRITICAL');
  });

  it('threshold by count, percent, weight and weight percent (Zabbix N_GE, NP_GE, W_GE, WP_GE)', () => {
    const kids: [Status, number][] = [
      ['CRITICAL', 5],
      ['MAJOR', 1],
      ['OK', 4],
    ];
    const t = (x: Partial<ReduceRule & { kind: 'threshold' }>) =>
      ({ kind: 'threshold', atLeast: 'MAJOR', then: 'CRITICAL', ...x }) as ReduceRule;
    expect(rollup(t({ count: 2 }), kids)).toBe('CRITICAL');
    expect(rollup(t({ count: 3 }), kids)).toBe('OK');
    expect(rollup(t({ percent: 66 }), kids)).toBe('CRITICAL'); // 2 of 3 = 66.7%
    expect(rollup(t({ percent: 67 }), kids)).toBe('OK');
    expect(rollup(t({ weight: 6 }), kids)).toBe('CRITICAL'); // 5 + 1
    expect(rollup(t({ weight: 6.5 }), kids)).toBe('OK');
    expect(rollup(t({ weightPercent: 60 }), kids)).toBe('CRITICAL'); // 6 of 10
    expect(rollup(t({ weightPercent: 61 }), kids)).toBe('OK');
    expect(rollup(t({ atLeast: 'CRITICAL', weightPercent: 50 }), kids)).toBe('CRITICAL'); // 5 of 10
  });

  it('threshold "less than" forms count children at atLeast or better (Zabbix N_L, NP_L, W_L, WP_L)', () => {
    // "If less than 2 children are OK → CRITICAL"
    const lt = (x: object) => ({ kind: 'threshold', atLeast: 'OK', lessThan: true, then: 'CRITICAL', ...x }) as ReduceRule;
    expect(rollup(lt({ count: 2 }), [['OK'], ['OK'], ['CRITICAL']])).toBe('OK');
    expect(rollup(lt({ count: 2 }), [['OK'], ['MAJOR'], ['CRITICAL']])).toBe('CRITICAL');
    expect(rollup(lt({ percent: 50 }), [['OK'], ['MAJOR'], ['CRITICAL']])).toBe('CRITICAL'); // 33% < 50%
    expect(
      rollup(lt({ weight: 3 }), [
        ['OK', 3],
        ['MAJOR', 1],
      ]),
    ).toBe('OK');
    expect(
      rollup(lt({ weightPercent: 80 }), [
        ['OK', 3],
        ['MAJOR', 1],
      ]),
    ).toBe('CRITICAL'); // 75% < 80%
    // atLeast WARNING: WARNING children count as healthy enough.
    expect(rollup(lt({ count: 2, atLeast: 'WARNING' }), [['WARNING'], ['OK'], ['CRITICAL']])).toBe('OK');
  });

  it('threshold over zero total weight never fires', () => {
    expect(
      rollup({ kind: 'threshold', atLeast: 'OK', weightPercent: 50, lessThan: true, then: 'CRITICAL' }, [
        ['OK', 0],
        ['CRITICAL', 0],
      ]),
    ).toBe('OK');
  });

  it('reproduces the OpenNMS threshold example: weights 1/1/3, threshold 33% → WARNING', () => {
    // OpenNMS docs (reduce-functions.adoc): Web-ICMP-1 weight 1 Critical, Web-ICMP-2 weight 1 Normal,
    // Web-ICMP-3 weight 3 Warning, threshold 0.33. Cumulative weight: Critical 20%, Major 20%, Minor 20%,
    // Warning 80% → the first severity at ≥ 33% is Warning. OpenNMS Threshold = one threshold rule per
    // severity (then = that severity), combined by worst (main + extra rules).
    const at = (s: 'CRITICAL' | 'MAJOR' | 'MINOR' | 'WARNING'): ReduceRule => ({
      kind: 'threshold',
      atLeast: s,
      weightPercent: 33,
      then: s,
    });
    const kids: [Status, number][] = [
      ['CRITICAL', 1],
      ['OK', 1],
      ['WARNING', 3],
    ];
    expect(rollup(at('CRITICAL'), kids, [at('MAJOR'), at('MINOR'), at('WARNING')])).toBe('WARNING');
    // Highest Severity would say CRITICAL; with Web-ICMP-2 also CRITICAL (40% ≥ 33%) the threshold says CRITICAL.
    expect(rollup({ kind: 'worst' }, kids)).toBe('CRITICAL');
    expect(
      rollup(
        at('CRITICAL'),
        [
          ['CRITICAL', 1],
          ['CRITICAL', 1],
          ['WARNING', 3],
        ],
        [at('MAJOR'), at('MINOR'), at('WARNING')],
      ),
    ).toBe('CRITICAL');
  });

  it('quorum: the cluster case (3 nodes, min 2)', () => {
    const q: ReduceRule = { kind: 'quorum', min: 2 };
    expect(rollup(q, [['OK'], ['OK'], ['CRITICAL']])).toBe('OK');
    expect(rollup(q, [['OK'], ['CRITICAL'], ['CRITICAL']])).toBe('CRITICAL');
    const degraded: ReduceRule = { kind: 'quorum', min: 2, degraded: 'MAJOR' };
    expect(rollup(degraded, [['OK'], ['CRITICAL'], ['CRITICAL']])).toBe('MAJOR');
    expect(rollup(degraded, [['CRITICAL'], ['CRITICAL'], ['CRITICAL']])).toBe('CRITICAL');
    expect(rollup({ kind: 'quorum', min: 2, then: 'MINOR' }, [['WARNING'], ['WARNING'], ['OK']])).toBe('MINOR');
  });

  it('exclusive: exactly one OK (active/passive)', () => {
    expect(rollup({ kind: 'exclusive' }, [['OK'], ['CRITICAL']])).toBe('OK');
    expect(rollup({ kind: 'exclusive' }, [['MAJOR'], ['CRITICAL']])).toBe('CRITICAL');
    expect(rollup({ kind: 'exclusive', then: 'MAJOR' }, [['MAJOR'], ['CRITICAL']])).toBe('MAJOR');
    expect(rollup({ kind: 'exclusive' }, [['OK'], ['OK']])).toBe('WARNING');
  });

  it('final status = worst of the main rule and every extra rule (Zabbix)', () => {
    const kids: [Status, number?][] = [['OK'], ['OK'], ['MINOR'], ['WARNING']];
    expect(rollup({ kind: 'quorum', min: 2 }, kids)).toBe('OK');
    expect(rollup({ kind: 'quorum', min: 2 }, kids, [{ kind: 'threshold', atLeast: 'WARNING', count: 2, then: 'MAJOR' }])).toBe('MAJOR');
    expect(rollup({ kind: 'worst' }, kids, [{ kind: 'threshold', atLeast: 'WARNING', count: 3, then: 'MAJOR' }])).toBe('MINOR');
  });
});

describe('rule descriptions and catalogue', () => {
  it('describes every map and rule in words', () => {
    expect(describeMap({ kind: 'decrease', n: 1 })).toBe('decrease 1');
    expect(describeMap({ kind: 'set', status: 'WARNING' })).toBe('set WARNING');
    expect(describeRule({ kind: 'quorum', min: 2, degraded: 'MAJOR' })).toBe(
      'OK when at least 2 children are OK, else CRITICAL, MAJOR while at least one is OK',
    );
    expect(describeRule({ kind: 'threshold', atLeast: 'MAJOR', weightPercent: 33, then: 'CRITICAL' })).toBe(
      "CRITICAL when at least 33% of the children's weight are at MAJOR or worse, else OK",
    );
  });

  it('lists every edge map and reduce rule kind with parameters and an example', () => {
    const names = (target: string) =>
      ruleKinds
        .filter((k) => k.target === target)
        .map((k) => k.name)
        .sort();
    expect(names('EDGE')).toEqual(['decrease', 'identity', 'ignore', 'increase', 'set']);
    expect(names('NODE')).toEqual(['best', 'exclusive', 'quorum', 'threshold', 'worst', 'worstIfAll']);
    for (const k of ruleKinds) {
      expect(k.description.length).toBeGreaterThan(10);
      expect(k.example).toContain(k.target === 'NODE' ? 'kind' : '');
      for (const p of k.parameters) expect(p.description.length).toBeGreaterThan(3);
    }
    const threshold = ruleKinds.find((k) => k.name === 'threshold');
    expect(threshold?.parameters.filter((p) => p.required).map((p) => p.name)).toEqual(['atLeast', 'then']);
  });

  it('rejects bad rules and maps with a reason', () => {
    expect(ruleProblems({ kind: 'threshold', atLeast: 'MAJOR', then: 'CRITICAL' })).toEqual([
      'threshold: give exactly one of count, percent, weight, weightPercent',
    ]);
    expect(ruleProblems({ kind: 'threshold', atLeast: 'MAJOR', percent: 120, then: 'CRITICAL' })).toEqual([
      'threshold.percent: a percentage in (0, 100]',
    ]);
    expect(ruleProblems({ kind: 'quorum', min: 0 })).toEqual(['quorum.min: an integer ≥ 1']);
    expect(ruleProblems({ kind: 'quorum', min: 2, then: 'MAJOR', degraded: 'CRITICAL' })).toEqual([
      'quorum.degraded: CRITICAL is worse than then (MAJOR)',
    ]);
    expect(ruleProblems({ kind: 'exclusive', then: 'BAD' as 'OK' })).toEqual(['exclusive.then: unknown status BAD']);
    expect(ruleProblems({ kind: 'nope' } as unknown as ReduceRule)).toEqual(['unknown rule kind "nope"']);
    expect(mapProblems({ kind: 'increase', n: 7 })).toEqual(['increase.n: an integer from 1 to 4']);
    expect(mapProblems({ kind: 'identity' })).toEqual([]);
    // Checked by value, not by object: a valid map seen before does not let a misspelt one through.
    expect(mapProblems({ kind: 'increase', n: 2 })).toEqual([]);
    expect(mapProblems({ kind: 'increase', typo: 2 } as unknown as EdgeMap)).toEqual([
      'increase.n: an integer from 1 to 4',
      'increase: Unrecognized key: "typo"',
    ]);
  });

  it('rejects the forms that cannot be right: atLeast OK counting every child, worstOfBest with then', () => {
    expect(ruleProblems({ kind: 'threshold', atLeast: 'OK', count: 2, then: 'MAJOR' })).toEqual([
      'threshold.atLeast: OK counts every child, healthy or not (for "fewer than n OK" use lessThan: true)',
    ]);
    expect(ruleProblems({ kind: 'quorum', min: 2, worstOfBest: true, then: 'MAJOR' })).toEqual([
      'quorum.worstOfBest: takes the status from the members: leave out then and degraded',
    ]);
    expect(ruleProblems({ kind: 'quorum', min: 2, typo: 1 } as unknown as ReduceRule)).toEqual(['quorum: Unrecognized key: "typo"']);
  });

  it('describes the new forms', () => {
    expect(describeRule({ kind: 'quorum', min: 2, worstOfBest: true })).toBe(
      'the worst status among the best 2 children (OK while at least 2 are OK)',
    );
    expect(describeRule({ kind: 'exclusive' })).toBe('OK when exactly one child is OK, CRITICAL when none is, WARNING when several are');
    expect(describeRule({ kind: 'exclusive', several: 'CRITICAL' })).toBe(
      'OK when exactly one child is OK, CRITICAL when none is, CRITICAL when several are',
    );
    expect(rollup({ kind: 'quorum', min: 2, worstOfBest: true }, [['WARNING'], ['WARNING'], ['OK']])).toBe('WARNING');
    expect(rollup({ kind: 'quorum', min: 2 }, [['WARNING'], ['WARNING'], ['OK']])).toBe('CRITICAL');
    expect(rollup({ kind: 'exclusive', several: 'CRITICAL' }, [['OK'], ['OK']])).toBe('CRITICAL');
  });
});

describe('one definition per kind', () => {
  const here = import.meta.dirname;
  /** Every object a folder's files export that looks like a definition (has `test` members). */
  async function definitionsIn(folder: string, has: string): Promise<unknown[]> {
    const found: unknown[] = [];
    for (const file of readdirSync(join(here, folder)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const module = (await import(join(here, folder, file))) as Record<string, unknown>;
      for (const value of Object.values(module))
        if (value && typeof value === 'object' && has in value && 'kind' in value) found.push(value);
    }
    return found;
  }

  it('registers every kind and map defined in kinds/ and maps/ (a new file cannot be forgotten)', async () => {
    expect(new Set(await definitionsIn('kinds', 'compile'))).toEqual(new Set(RULE_KINDS));
    expect(new Set(await definitionsIn('maps', 'apply'))).toEqual(new Set(MAP_KINDS));
  });

  it('generates every kind and map in the property tests', () => {
    expect(new Set(fc.sample(reduceRule, 3000).map((r) => r.kind))).toEqual(new Set(RULE_KIND_NAMES));
    expect(new Set(fc.sample(edgeMap, 500).map((m) => m.kind))).toEqual(new Set(MAP_KINDS.map((m) => m.kind)));
  });

  it("every kind's example is valid as written in an estate file", () => {
    for (const k of ruleKinds) {
      const example = parseYaml(k.example) as { rule?: unknown; extraRules?: unknown[]; children?: { map?: unknown }[] };
      if (k.target === 'NODE') {
        const rules = [example.rule, ...(example.extraRules ?? [])].filter((r) => r !== undefined);
        expect(
          rules.map((r) => (r as { kind: string }).kind),
          k.name,
        ).toContain(k.name);
        for (const r of rules) expect(RuleSchema.safeParse(r).success, `${k.name}: ${JSON.stringify(r)}`).toBe(true);
      } else {
        const map = example.children?.[0]?.map;
        expect(EdgeMapSchema.safeParse(map).data, k.name).toMatchObject({ kind: k.name });
      }
    }
  });

  it('reads every map form of an estate file, and names what is wrong with a bad one', () => {
    expect(EdgeMapSchema.parse('ignore')).toEqual({ kind: 'ignore' });
    expect(EdgeMapSchema.parse({ decrease: 2 })).toEqual({ kind: 'decrease', n: 2 });
    expect(EdgeMapSchema.parse({ set: 'MINOR' })).toEqual({ kind: 'set', status: 'MINOR' });
    expect(EdgeMapSchema.safeParse({ increase: 9 }).error?.issues[0]?.message).toBe(
      'bad map {"increase":9}: increase.n: an integer from 1 to 4',
    );
    expect(EdgeMapSchema.safeParse('sideways').error?.issues[0]?.message).toBe(
      'bad map "sideways": expected identity, {increase: n}, {decrease: n}, {set: status}, ignore',
    );
    expect(EdgeMapSchema.safeParse({ ignore: 1 }).success).toBe(false);
  });
});
