import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { viewerWith } from '../authz/test-support.js';
import { createRequestMerger, visibilityKey } from './request-merging.js';

/** Merging runs identical concurrent queries once, and only for viewers who may see the same data. */
const QUERY = JSON.stringify({ query: '{ services { nodes { id name status } } }' });

/** An execution that answers when told to, counting how often it ran. */
function controlled() {
  let runs = 0;
  const releases: (() => void)[] = [];
  const execute = () => {
    runs++;
    const n = runs;
    return new Promise<HTTPGraphQLResponse>((resolve) =>
      releases.push(() => resolve({ status: 200, headers: new HeaderMap(), body: { kind: 'complete', string: `answer ${n}` } })),
    );
  };
  return {
    execute,
    runs: () => runs,
    releaseAll: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

const text = async (p: Promise<HTTPGraphQLResponse>) => {
  const r = await p;
  return r.body.kind === 'complete' ? r.body.string : null;
};

describe('request merging', () => {
  it('runs identical concurrent queries of viewers with the same permissions and scope once', async () => {
    const merger = createRequestMerger();
    const c = controlled();
    // Two different people, same roles and groups: the same data.
    const a = merger.run(viewerWith(['operator'], ['noc']), 'application/json', QUERY, c.execute);
    const b = merger.run(viewerWith(['operator'], ['noc']), 'application/json', QUERY, c.execute);
    c.releaseAll();
    expect([await text(a), await text(b)]).toEqual(['answer 1', 'answer 1']);
    expect(c.runs()).toBe(1);
    // Once answered, nothing is kept: the next one runs anew.
    const later = merger.run(viewerWith(['operator'], ['noc']), 'application/json', QUERY, c.execute);
    c.releaseAll();
    expect(await text(later)).toBe('answer 2');
  });

  it('never merges viewers with different scopes, levels or actions, nor different bodies or Accept', async () => {
    const merger = createRequestMerger();
    const c = controlled();
    const viewers = [
      viewerWith(['service-owner'], ['hr-it']), // owns the HR services
      viewerWith(['service-owner'], ['messaging']), // same role, another group: another scope
      viewerWith(['end-user'], ['all-staff']),
      viewerWith(['executive']),
      viewerWith(['helpdesk']),
      viewerWith(['operator']),
    ];
    expect(new Set(viewers.map(visibilityKey)).size).toBe(viewers.length);
    const answers = viewers.map((v) => merger.run(v, 'application/json', QUERY, c.execute));
    answers.push(merger.run(viewers[0]!, 'application/graphql-response+json', QUERY, c.execute));
    answers.push(merger.run(viewers[0]!, 'application/json', JSON.stringify({ query: '{ services { nodes { id } } }' }), c.execute));
    c.releaseAll();
    const texts = await Promise.all(answers.map(text));
    expect(new Set(texts).size).toBe(texts.length);
    expect(c.runs()).toBe(texts.length);
  });

  it('never merges a mutation', async () => {
    const merger = createRequestMerger();
    const c = controlled();
    const body = JSON.stringify({ query: 'mutation { acknowledgeAlert(id: "a1") { id } }' });
    const viewer = viewerWith(['operator']);
    const both = [merger.run(viewer, '', body, c.execute), merger.run(viewer, '', body, c.execute)];
    c.releaseAll();
    await Promise.all(both);
    expect(c.runs()).toBe(2);
  });
});
