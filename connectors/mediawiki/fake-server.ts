import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript, readBody } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';

/**
 * A protocol-faithful MediaWiki Action API fake (`/api.php`, formatversion=2), modelled on answers
 * recorded from MediaWiki 1.39 (fixtures/mw-*.json): `list=search` ANDs the words (the database
 * backend) and matches text only with `srwhat=text`, snippets are HTML-escaped wikitext with
 * `<span class='searchmatch'>`, errors are HTTP 200 with `{"error":{"code","info"}}`, `prop=info|categories`
 * answers many pages at once, and `clientlogin` keeps the session in a cookie.
 */

export interface FakePage {
  pageid: number;
  title: string;
  wikitext: string;
  categories: string[];
}

export interface FakeMediaWikiOptions {
  pages?: FakePage[];
  /** Anonymous reads are denied (readapidenied) until clientlogin. */
  privateWiki?: boolean;
  username?: string;
  password?: string;
}

export function seedPages(): FakePage[] {
  return [
    { pageid: 1, title: 'Main Page', wikitext: 'MediaWiki has been installed.', categories: [] },
    {
      pageid: 2,
      title: 'Runbook:DiskFull',
      wikitext: "If '''db01''' reports ''DiskFull'', rotate logs with <code>logrotate -f</code> and extend the volume.\n",
      categories: ['Runbooks'],
    },
    {
      pageid: 3,
      title: 'HTTP connection refused',
      wikitext: 'HTTP connection refused on web servers: restart nginx and check port 80.\n',
      categories: ['Runbooks', 'Web'],
    },
  ];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#039;').replace(/"/g, '&quot;');
const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export async function startFakeMediaWiki(options: FakeMediaWikiOptions = {}) {
  const pages = options.pages ?? seedPages();
  const recordedParse = readFileSync(new URL('./fixtures/mw-parse.json', import.meta.url), 'utf8');
  const requests: string[] = [];
  const faults = createFaultScript();
  const sessions = new Set<string>();
  let nextSession = 1;
  let base = '';

  const send = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  const error = (res: ServerResponse, code: string, info: string) =>
    send(res, { error: { code, info, docref: `See ${base}/api.php for API usage.` } }, { 'mediawiki-api-error': code });

  const session = (req: IncomingMessage) => /(?:^|;\s*)fakewiki_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const loggedIn = (req: IncomingMessage) => {
    const id = session(req);
    return id !== undefined && sessions.has(`user:${id}`);
  };

  const search = (params: URLSearchParams) => {
    const wanted = words(params.get('srsearch') ?? '');
    const inText = params.get('srwhat') === 'text';
    const limit = Math.min(500, Number(params.get('srlimit') ?? 10));
    const offset = Number(params.get('sroffset') ?? 0);
    const hits = pages.filter((p) => {
      const have = new Set(words(inText ? `${p.title} ${p.wikitext}` : p.title));
      return wanted.length > 0 && wanted.every((w) => have.has(w));
    });
    const slice = hits.slice(offset, offset + limit).map((p) => ({
      ns: 0,
      title: p.title,
      pageid: p.pageid,
      size: p.wikitext.length,
      wordcount: words(p.wikitext).length,
      snippet: escapeHtml(p.wikitext).replace(
        new RegExp(`\\b(${wanted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'gi'),
        "<span class='searchmatch'>$1</span>",
      ),
      timestamp: '2026-11-27T20:38:14Z',
    }));
    return {
      batchcomplete: true,
      ...(offset + limit < hits.length ? { continue: { sroffset: offset + limit, continue: '-||' } } : {}),
      query: { searchinfo: { totalhits: hits.length }, search: slice },
    };
  };

  const info = (params: URLSearchParams) => ({
    batchcomplete: true,
    query: {
      pages: (params.get('pageids') ?? '')
        .split('|')
        .filter(Boolean)
        .map((id) => {
          const page = pages.find((p) => p.pageid === Number(id));
          if (!page) return { pageid: Number(id), missing: true };
          const path = encodeURIComponent(page.title.replace(/ /g, '_')).replace(/%3A/g, ':');
          return {
            pageid: page.pageid,
            ns: 0,
            title: page.title,
            contentmodel: 'wikitext',
            fullurl: `${base}/index.php/${path}`,
            canonicalurl: `${base}/index.php/${path}`,
            ...(page.categories.length ? { categories: page.categories.map((c) => ({ ns: 14, title: `Category:${c}` })) } : {}),
          };
        }),
    },
  });

  const parse = (res: ServerResponse, params: URLSearchParams) => {
    const page = pages.find((p) => p.pageid === Number(params.get('pageid')));
    if (!page) return error(res, 'nosuchpageid', `There is no page with ID ${params.get('pageid')}.`);
    if (page.pageid === 2) return send(res, JSON.parse(recordedParse));
    return send(res, {
      parse: {
        title: page.title,
        pageid: page.pageid,
        revid: page.pageid,
        text: `<div class="mw-parser-output"><p>${escapeHtml(page.wikitext)}</p>\n<!-- \nNewPP limit report\n-->\n</div>`,
        categories: page.categories.map((c) => ({ sortkey: '', category: c })),
      },
    });
  };

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.pathname !== '/api.php') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      return;
    }
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
    if (params.get('format') !== 'json') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>API help</html>');
    const action = params.get('action');

    if (action === 'query' && params.get('meta') === 'tokens') {
      const id = session(req) ?? String(nextSession++);
      sessions.add(`anon:${id}`);
      return send(
        res,
        { batchcomplete: true, query: { tokens: { logintoken: `tok${id}+\\` } } },
        { 'set-cookie': `fakewiki_session=${id}; path=/; HttpOnly` },
      );
    }
    if (action === 'clientlogin') {
      if (req.method !== 'POST') return error(res, 'mustbeposted', 'The "clientlogin" module requires a POST request.');
      const id = session(req);
      if (!id || params.get('logintoken') !== `tok${id}+\\`) return error(res, 'badtoken', 'Invalid CSRF token.');
      if (
        params.get('username') !== (options.username ?? 'Admin') ||
        params.get('password') !== (options.password ?? 'Admin-Secret-123!')
      ) {
        return send(res, {
          clientlogin: { status: 'FAIL', message: 'Incorrect username or password entered.', messagecode: 'wrongpassword' },
        });
      }
      sessions.add(`user:${id}`);
      return send(res, { clientlogin: { status: 'PASS', username: params.get('username') } });
    }
    if (options.privateWiki && !loggedIn(req)) return error(res, 'readapidenied', 'You need read permission to use this module.');
    if (action === 'query' && params.get('list') === 'search') {
      if (!params.get('srsearch')) return error(res, 'missingparam', 'The "srsearch" parameter must be set.');
      return send(res, search(params));
    }
    if (action === 'query' && params.get('prop')?.includes('info')) return send(res, info(params));
    if (action === 'query' && params.get('meta') === 'siteinfo')
      return send(res, { batchcomplete: true, query: { general: { sitename: 'CIWiki', generator: 'MediaWiki 1.39.17' } } });
    if (action === 'parse') return parse(res, params);
    return error(res, 'badvalue', `Unrecognized value for parameter "action": ${action ?? ''}.`);
  }

  const served = await serveFake({
    requests,
    faults,
    answer: route,
    internalError: (res) => res.writeHead(500).end(),
    dropAbandoned: true,
  });
  base = served.url;
  return {
    ...served,
    pages,
  };
}
