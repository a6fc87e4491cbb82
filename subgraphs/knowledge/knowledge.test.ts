import { describe, expect, it } from 'vitest';
import { article, codes, createRunner, fakeCatalog, fakeKnowledge, testDeps, viewer } from '../common/test-fakes.js';
import { createKnowledgeSubgraph } from './index.js';
import { mergeRanked } from './merge.js';

function setup(options: { confluenceDown?: boolean; maxPageSize?: number } = {}) {
  const wiki = fakeKnowledge('wiki', [
    article('wiki', 'Payroll_restart', { title: 'Payroll batch restart', score: 12, url: 'https://kb.invalid/payroll-restart' }),
    article('wiki', 'Payroll_faq', { title: 'Payroll FAQ', score: 3 }),
    article('wiki', 'Mail', { title: 'Mail queue stuck', score: 8 }),
  ]);
  const confluence = fakeKnowledge(
    'confluence',
    [
      article('confluence', '100', { tool: 'confluence', title: 'Payroll server123 runbook', score: 0.9 }),
      // The same page as wiki's, mirrored: kept once.
      article('confluence', '101', {
        tool: 'confluence',
        title: 'Payroll batch restart (copy)',
        score: 0.8,
        url: 'https://kb.invalid/payroll-restart',
      }),
    ],
    { fail: options.confluenceDown ?? false },
  );
  const module = createKnowledgeSubgraph(testDeps({ knowledge: [wiki.instance, confluence.instance] }, options.maxPageSize ?? 200));
  return { run: createRunner(module, fakeCatalog([])), wiki, confluence };
}

const agent = viewer('hank', [{ role: 'helpdesk' }]);

describe('mergeRanked', () => {
  it('normalises each source, interleaves by normalised score and dedupes by URL and title', () => {
    const a = [article('a', '1', { score: 10 }), article('a', '2', { score: 5 })];
    const b = [article('b', '1', { score: 0.5, title: 'article 1' }), article('b', '9', { score: 0.45 })];
    const c = [article('c', 'x'), article('c', 'y')];
    expect(mergeRanked([a, b, c], 10).map((x) => [x.id, x.score])).toEqual([
      ['a:1', 1],
      ['c:x', 1],
      ['b:9', 0.9],
      ['a:2', 0.5],
      ['c:y', 0.5],
    ]);
    expect(mergeRanked([a, b, c], 2)).toHaveLength(2);
  });
});

describe('knowledge subgraph', () => {
  it('searches every knowledge base, merged and ranked, with tool and connector', async () => {
    const { run } = setup();
    const result = await run(agent, '{ searchArticles(text: "payroll") { id title url source connector score } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.searchArticles.map((a: { id: string }) => a.id)).toEqual([
      'wiki:Payroll_restart',
      'confluence:100',
      'wiki:Payroll_faq',
    ]);
    expect(result.data.searchArticles[1]).toMatchObject({ source: 'confluence', connector: 'confluence', score: 1 });
    expect((await run(agent, '{ searchArticles(text: "  ") { id } }')).data.searchArticles).toEqual([]);
  });

  it("returns the other knowledge bases' articles and a coded error when one is down", async () => {
    const { run } = setup({ confluenceDown: true });
    const result = await run(agent, '{ searchArticles(text: "payroll") { id } }');
    expect(result.data.searchArticles.map((a: { id: string }) => a.id)).toEqual(['wiki:Payroll_restart', 'wiki:Payroll_faq']);
    expect(result.errors?.map((e) => [e.path, e.extensions['code'], e.extensions['connector']])).toEqual([
      [['searchArticles'], 'UPSTREAM_UNAVAILABLE', 'confluence'],
    ]);
  });

  it('finds an article by id, routed by its prefix', async () => {
    const { run, wiki, confluence } = setup();
    const result = await run(
      agent,
      '{ a: article(id: "wiki:Mail") { title } b: article(id: "wiki:Nope") { title } c: article(id: "other:1") { title } }',
    );
    expect(result).toEqual({ data: { a: { title: 'Mail queue stuck' }, b: null, c: null } });
    expect(wiki.calls.byId).toEqual(['wiki:Mail', 'wiki:Nope']);
    expect(confluence.calls.byId).toEqual([]);
  });

  it("suggests articles from the incident's searchText and resolves its linked articles", async () => {
    const { run, wiki } = setup({ confluenceDown: true });
    const result = await run(
      agent,
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Incident { id suggestedArticles(first: 1) { id } linkedArticles { id title } }
        ... on Article { id title }
        ... on Service { id articles { id } }
      } }`,
      {
        reps: [
          {
            __typename: 'Incident',
            id: 'rt:1',
            searchText: 'Payroll run fails server123 Payroll',
            linkedArticleIds: ['wiki:Mail', 'wiki:Gone', 'confluence:100'],
          },
          { __typename: 'Article', id: 'wiki:Payroll_faq' },
          { __typename: 'Service', id: 'email', name: 'Mail' },
        ],
      },
    );
    expect(result.data._entities).toEqual([
      { id: 'rt:1', suggestedArticles: [{ id: 'wiki:Payroll_restart' }], linkedArticles: [{ id: 'wiki:Mail', title: 'Mail queue stuck' }] },
      { id: 'wiki:Payroll_faq', title: 'Payroll FAQ' },
      { id: 'email', articles: [{ id: 'wiki:Mail' }] },
    ]);
    expect(wiki.calls.search).toContain('Payroll run fails server123 Payroll');
    // The confluence article could not be read: its error is reported, the rest of the answer stands.
    const paths = result.errors?.map((e) => e.path);
    expect(paths).toContainEqual(['_entities', 0, 'linkedArticles']);
    expect(result.errors?.every((e) => e.extensions['connector'] === 'confluence')).toBe(true);
  });

  it('rejects a first above the cap', async () => {
    const { run } = setup({ maxPageSize: 2 });
    expect(codes(await run(agent, '{ searchArticles(text: "payroll", first: 3) { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect((await run(agent, '{ searchArticles(text: "payroll") { id } }')).data.searchArticles).toHaveLength(2);
  });
});
