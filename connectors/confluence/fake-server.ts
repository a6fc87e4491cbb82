import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';
import { createQueryLexer, inList, joinedByAndOr } from '../core/fake-query-lexer.js';

/**
 * A protocol-faithful Confluence Cloud fake, built from Atlassian's REST references: CQL search at
 * `/wiki/rest/api/search` with the `results/start/limit/size/totalSize/cqlQuery/_links{base,context,next}`
 * envelope, `@@@hl@@@…@@@endhl@@@` highlight markup in titles and excerpts (`excerpt=highlight`),
 * labels under `content.metadata.labels` when expanded, and v2 `/wiki/api/v2/pages/{id}` with
 * `body-format=storage` and `include-labels`. CQL is parsed for the subset the connector writes
 * (`type`, `space`, `label`, `text ~`, `title ~`, `AND`, `OR`, parentheses); anything else is a 400.
 */

export interface FakePage {
  id: string;
  type: 'page' | 'blogpost';
  space: string;
  title: string;
  /** Storage format (XHTML). */
  body: string;
  labels: string[];
}

export interface FakeConfluenceOptions {
  email?: string;
  apiToken?: string;
  token?: string;
  pages?: FakePage[];
}

export function seedPages(): FakePage[] {
  return [
    {
      id: '65601',
      type: 'page',
      space: 'OPS',
      title: 'Disk full on database servers',
      body: '<h2>Symptoms</h2><p>If <strong>db01</strong> reports DiskFull, rotate logs with <code>logrotate -f</code> and extend the volume.</p>',
      labels: ['runbook', 'database'],
    },
    {
      id: '65602',
      type: 'page',
      space: 'OPS',
      title: 'Restart the payroll batch',
      body: '<p>When server123 is down the payroll batch stops. Reboot server123, then restart the batch from the scheduler.</p>',
      labels: ['runbook', 'payroll'],
    },
    {
      id: '65603',
      type: 'page',
      space: 'KB',
      title: 'Email troubleshooting',
      body: '<p>Check the mail queue on mx01 when email is delayed.</p>',
      labels: ['email'],
    },
    {
      id: '65604',
      type: 'blogpost',
      space: 'OPS',
      title: 'Payroll release notes',
      body: '<p>The payroll batch moved to server123.</p>',
      labels: [],
    },
  ];
}

const text = (storage: string) =>
  storage
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function startFakeConfluence(options: FakeConfluenceOptions = {}) {
  const email = options.email ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'confluence-api-token';
  const pages = options.pages ?? seedPages();
  const requests: string[] = [];
  const faults = createFaultScript();
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
  const authorized = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    if (options.token && header === `Bearer ${options.token}`) return true;
    return header === `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  };
  const webui = (p: FakePage) =>
    `/spaces/${p.space}/${p.type === 'page' ? 'pages' : 'blog'}/${p.id}/${encodeURIComponent(p.title.replace(/ /g, '+'))}`;
  const highlight = (s: string, words: string[]) =>
    words.length ? s.replace(new RegExp(`(${words.map(esc).join('|')})`, 'gi'), '@@@hl@@@$1@@@endhl@@@') : s;

  function search(res: ServerResponse, url: URL) {
    const cql = url.searchParams.get('cql') ?? '';
    let parsed: ReturnType<typeof parseCql>;
    try {
      parsed = parseCql(cql);
    } catch (error) {
      return send(res, 400, {
        statusCode: 400,
        data: { authorized: false, valid: false, errors: [], successful: false },
        message: `com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : ${cql} (${(error as Error).message})`,
      });
    }
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 25), 1), 100);
    const start = Math.max(Number(url.searchParams.get('start') ?? 0), 0);
    const expandLabels = (url.searchParams.get('expand') ?? '').split(',').includes('content.metadata.labels');
    const wantHighlight = url.searchParams.get('excerpt') === 'highlight';
    // Relevance: title hits count double.
    const relevance = (p: FakePage) =>
      parsed.words.reduce((n, w) => n + (p.title.toLowerCase().includes(w) ? 2 : 0) + (text(p.body).toLowerCase().includes(w) ? 1 : 0), 0);
    const matched = pages.filter(parsed.predicate).sort((a, b) => relevance(b) - relevance(a) || a.id.localeCompare(b.id));
    const slice = matched.slice(start, start + limit);
    const next =
      start + limit < matched.length ? `/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${limit}&start=${start + limit}` : undefined;
    return send(res, 200, {
      results: slice.map((p) => ({
        content: {
          id: p.id,
          type: p.type,
          status: 'current',
          title: p.title,
          ...(expandLabels
            ? {
                metadata: {
                  labels: {
                    results: p.labels.map((name, i) => ({ prefix: 'global', name, id: String(900 + i), label: name })),
                    start: 0,
                    limit: 200,
                    size: p.labels.length,
                  },
                },
              }
            : {}),
          _links: { webui: webui(p), self: `${base}/wiki/rest/api/content/${p.id}`, tinyui: `/x/${p.id}` },
          _expandable: { space: `/rest/api/space/${p.space}` },
        },
        title: wantHighlight ? highlight(p.title, parsed.words) : p.title,
        excerpt: wantHighlight ? highlight(text(p.body).slice(0, 200), parsed.words) : text(p.body).slice(0, 200),
        url: webui(p),
        resultGlobalContainer: { title: p.space, displayUrl: `/spaces/${p.space}` },
        entityType: 'content',
        iconCssClass: 'aui-icon content-type-page',
        lastModified: '2026-11-20T10:00:00.000Z',
        friendlyLastModified: 'Nov 20, 2026',
        score: relevance(p),
      })),
      start,
      limit,
      size: slice.length,
      totalSize: matched.length,
      cqlQuery: cql,
      searchDuration: 12,
      _links: { base: `${base}/wiki`, context: '/wiki', self: `${base}/wiki/rest/api/search`, ...(next ? { next } : {}) },
    });
  }

  function page(res: ServerResponse, id: string, url: URL) {
    const p = pages.find((x) => x.id === id && x.type === 'page');
    if (!p) return send(res, 404, { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
    const storage = url.searchParams.get('body-format') === 'storage';
    return send(res, 200, {
      id: p.id,
      status: 'current',
      title: p.title,
      spaceId: p.space === 'OPS' ? '98305' : '98306',
      authorId: 'acc-1',
      createdAt: '2026-11-01T09:00:00.000Z',
      version: { number: 3, createdAt: '2026-11-20T10:00:00.000Z' },
      body: storage ? { storage: { representation: 'storage', value: p.body } } : {},
      ...(url.searchParams.get('include-labels') === 'true'
        ? { labels: { results: p.labels.map((name, i) => ({ id: String(900 + i), name, prefix: 'global' })), meta: { hasMore: false } } }
        : {}),
      _links: { webui: webui(p), editui: `/pages/resumedraft.action?draftId=${p.id}`, tinyui: `/x/${p.id}`, base: `${base}/wiki` },
    });
  }

  function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (!authorized(req)) return send(res, 401, { statusCode: 401, message: 'Current user not permitted to use Confluence' });
    if (req.method !== 'GET') return send(res, 405, { statusCode: 405, message: 'Method Not Allowed' });
    if (url.pathname === '/wiki/rest/api/search') return search(res, url);
    if (url.pathname === '/wiki/rest/api/user/current')
      return send(res, 200, { type: 'known', accountId: 'acc-bot', displayName: 'servicegraph bot' });
    const m = /^\/wiki\/api\/v2\/pages\/([^/]+)$/.exec(url.pathname);
    if (m) return page(res, decodeURIComponent(m[1]!), url);
    return send(res, 404, { statusCode: 404, message: 'No resource found' });
  }

  const served = await serveFake({
    requests,
    faults,
    answer: route,
    internalError: (res) => send(res, 500, { statusCode: 500, message: 'Internal Server Error' }),
    dropAbandoned: true,
  });
  base = served.url;
  return {
    ...served,
    pages,
  };
}

// ---- CQL subset ---------------------------------------------------------------------------------

const lex = createQueryLexer({ operators: ['!=', '~', '='], word: /^[A-Za-z0-9_.-]+/, unexpected: (char) => `unexpected '${char}'` });

const FIELDS = ['type', 'space', 'label', 'text', 'title'];

/** Confluence's error for a missing bracket of an IN list. */
const expecting = (bracket: string) => `expecting '${bracket}'`;

export function parseCql(cql: string): { predicate: (p: FakePage) => boolean; words: string[] } {
  const toks = lex(cql);
  const words: string[] = [];
  let p = 0;
  const kw = (w: string) => toks[p]?.t === 'word' && toks[p]!.v.toUpperCase() === w;
  type Pred = (page: FakePage) => boolean;
  const value = (): string => {
    const tok = toks[p++];
    if (!tok || (tok.t !== 'str' && tok.t !== 'word')) throw new Error('expecting a value');
    return tok.v;
  };
  const expr = (): Pred => joinedByAndOr(kw, () => p++, factor);
  const get = (page: FakePage, field: string): string[] => {
    switch (field) {
      case 'type':
        return [page.type];
      case 'space':
        return [page.space];
      case 'label':
        return page.labels;
      case 'title':
        return [page.title];
      default:
        return [`${page.title} ${text(page.body)}`];
    }
  };
  const factor = (): Pred => {
    if (toks[p]?.v === '(') {
      p++;
      const inner = expr();
      if (toks[p++]?.v !== ')') throw new Error("expecting ')'");
      return inner;
    }
    const field = toks[p++];
    const name = field?.v.toLowerCase() ?? '';
    if (field?.t !== 'word' || !FIELDS.includes(name)) throw new Error(`unknown field ${field?.v ?? ''}`);
    if (kw('IN')) {
      p++;
      const list = inList(() => toks[p++], value, expecting);
      return (x) => get(x, name).some((v) => list.includes(v));
    }
    const op = toks[p++];
    if (op?.t !== 'op') throw new Error('expecting an operator');
    const v = value();
    if (op.v === '~') {
      if (name !== 'text' && name !== 'title') throw new Error(`~ is not supported for ${name}`);
      const needles = v.toLowerCase().split(/\s+/).filter(Boolean);
      words.push(...needles);
      return (x) => get(x, name).some((h) => needles.every((n) => h.toLowerCase().includes(n)));
    }
    if (name === 'text' || name === 'title') throw new Error(`${op.v} is not supported for ${name}`);
    return op.v === '=' ? (x) => get(x, name).includes(v) : (x) => !get(x, name).includes(v);
  };
  const predicate = expr();
  if (p !== toks.length) throw new Error(`unexpected '${toks[p]!.v}'`);
  return { predicate, words: [...new Set(words)] };
}
