import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript, readBody } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';
import { createQueryLexer, inList, joinedByAndOr } from '../core/fake-query-lexer.js';

/**
 * A protocol-faithful Jira Cloud + JSM fake, built from Atlassian's REST v3 and servicedeskapi
 * references: `/rest/api/3/search/jql` with `nextPageToken`/`isLast` and only the requested `fields`
 * (ids only without `fields`), the removed `/rest/api/3/search` answering 410, ADF required for
 * descriptions and comments in v3, JSM requests taking plain text, SLAs under
 * `/rest/servicedeskapi/request/{key}/sla`, remote links with `globalId` upsert, and Jira's error
 * envelope `{"errorMessages":[…],"errors":{…}}`. JQL is parsed for the subset the connector writes.
 */

export interface FakeIssue {
  id: string;
  key: string;
  summary: string;
  description: unknown;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  resolution: string | null;
  priority: string;
  labels: string[];
  components: string[];
  assignee: string | null;
  created: string;
  duedate: string | null;
  custom: Record<string, unknown>;
  comments: { body: unknown; internal: boolean }[];
  remoteLinks: { id: number; globalId?: string; object: { url: string; title: string } }[];
  /** JSM SLAs (only issues raised through the service desk have them). */
  sla: { name: string; breachTime: string | null }[] | null;
  viaServiceDesk: boolean;
  /** The JSM request type it was raised with (servicedeskapi only). */
  requestTypeId: string | null;
}

export interface FakeJiraOptions {
  email?: string;
  apiToken?: string;
  /** Bearer PAT accepted instead of Basic. */
  token?: string;
  issues?: Partial<FakeIssue>[];
  serviceDeskId?: string;
  /** Request types of the service desk. @default ['10', '11'] (10 report a problem, 11 request a service) */
  requestTypeIds?: string[];
}

const doc = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

export function seedIssues(): Partial<FakeIssue>[] {
  return [
    {
      summary: 'server123 down: payroll batch failing',
      description: doc('The payroll batch cannot reach server123.'),
      status: 'In Progress',
      statusCategory: 'indeterminate',
      priority: 'Highest',
      labels: ['ci:server123', 'service:payroll'],
      assignee: 'Olivia Operator',
      created: '2026-11-27T08:00:00.000+0000',
      sla: [
        { name: 'Time to first response', breachTime: null },
        { name: 'Time to resolution', breachTime: '2026-11-27T12:00:00.000+0000' },
      ],
      viaServiceDesk: true,
    },
    {
      summary: 'Email delivery delayed',
      status: 'Waiting for customer',
      statusCategory: 'indeterminate',
      priority: 'Medium',
      components: ['email'],
      custom: { customfield_10050: 'mx01', customfield_10051: { value: 'email' } },
      duedate: '2026-11-30',
    },
    { summary: 'Printer out of toner', status: 'Done', statusCategory: 'done', resolution: 'Done', priority: 'Low' },
    { summary: 'Duplicate alert mail', status: 'Done', statusCategory: 'done', resolution: "Won't Do", priority: 'Lowest' },
    { summary: 'New laptop for Bob', status: 'To Do', statusCategory: 'new', priority: 'Low' },
  ];
}

export async function startFakeJira(options: FakeJiraOptions = {}) {
  const email = options.email ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'jira-api-token';
  const serviceDeskId = options.serviceDeskId ?? '1';
  const requestTypeIds = options.requestTypeIds ?? ['10', '11'];
  const issues: FakeIssue[] = [];
  let sequence = 0;
  const add = (partial: Partial<FakeIssue>) => {
    sequence++;
    const issue: FakeIssue = {
      id: String(10000 + sequence),
      key: `OPS-${sequence}`,
      summary: '',
      description: null,
      status: 'To Do',
      statusCategory: 'new',
      resolution: null,
      priority: 'Medium',
      labels: [],
      components: [],
      assignee: null,
      created: new Date().toISOString().replace('Z', '+0000'),
      duedate: null,
      custom: {},
      comments: [],
      remoteLinks: [],
      sla: null,
      viaServiceDesk: false,
      requestTypeId: null,
      ...partial,
    };
    issues.push(issue);
    return issue;
  };
  (options.issues ?? seedIssues()).forEach(add);

  const requests: string[] = [];
  const faults = createFaultScript();
  let slowCreateMs = 0;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
  const fail = (res: ServerResponse, status: number, errorMessages: string[], errors: Record<string, string> = {}) =>
    send(res, status, { errorMessages, errors });

  const authorized = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    if (options.token && header === `Bearer ${options.token}`) return true;
    return header === `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  };

  const isAdf = (value: unknown) => !!value && typeof value === 'object' && (value as { type?: unknown }).type === 'doc';

  const render = (issue: FakeIssue, fields: string[]) => {
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      status: {
        name: issue.status,
        statusCategory: {
          key: issue.statusCategory,
          name: { new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[issue.statusCategory],
        },
      },
      priority: { name: issue.priority, id: '3' },
      labels: issue.labels,
      components: issue.components.map((name, i) => ({ id: String(100 + i), name })),
      assignee: issue.assignee ? { accountId: `acc-${issue.assignee.length}`, displayName: issue.assignee } : null,
      created: issue.created,
      duedate: issue.duedate,
      resolution: issue.resolution ? { name: issue.resolution } : null,
      ...issue.custom,
    };
    const wanted = fields.includes('*all') ? Object.keys(all) : fields;
    const out: Record<string, unknown> = {};
    for (const f of wanted)
      if (f in all) out[f] = all[f];
      else if (/^customfield_\d+$/.test(f)) out[f] = null;
    return {
      expand: '',
      id: issue.id,
      self: `${base}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      ...(fields.length ? { fields: out } : {}),
    };
  };

  const find = (keyOrId: string) => issues.find((i) => i.key === keyOrId || i.id === keyOrId);

  async function json(req: IncomingMessage): Promise<Record<string, unknown> | null> {
    try {
      const value: unknown = JSON.parse(await readBody(req));
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  function search(res: ServerResponse, params: { jql: string; fields: string[]; maxResults: number; nextPageToken: string | undefined }) {
    let predicate: (i: FakeIssue) => boolean;
    let order: 'asc' | 'desc';
    try {
      ({ predicate, order } = parseJql(params.jql));
    } catch (error) {
      return fail(res, 400, [`Error in the JQL Query: ${(error as Error).message}`]);
    }
    const matched = issues.filter(predicate).sort((a, b) => (order === 'desc' ? Number(b.id) - Number(a.id) : Number(a.id) - Number(b.id)));
    const offset = params.nextPageToken ? Number(Buffer.from(params.nextPageToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) return fail(res, 400, ['The nextPageToken is invalid.']);
    const max = Math.min(Math.max(params.maxResults, 1), 100);
    const page = matched.slice(offset, offset + max);
    const isLast = offset + max >= matched.length;
    return send(res, 200, {
      issues: page.map((i) => render(i, params.fields)),
      ...(isLast ? {} : { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') }),
      isLast,
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    if (!authorized(req)) return fail(res, 401, ['Client must be authenticated to access this resource.']);
    if (path === '/rest/api/3/search' || path === '/rest/api/2/search') {
      return fail(res, 410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']);
    }
    if (path === '/rest/api/3/search/jql') {
      if (req.method === 'GET') {
        return search(res, {
          jql: url.searchParams.get('jql') ?? '',
          fields: (url.searchParams.get('fields') ?? '').split(',').filter(Boolean),
          maxResults: Number(url.searchParams.get('maxResults') ?? 50),
          nextPageToken: url.searchParams.get('nextPageToken') ?? undefined,
        });
      }
      const body = await json(req);
      if (!body) return fail(res, 400, ['Invalid request payload.']);
      return search(res, {
        jql: String(body['jql'] ?? ''),
        fields: Array.isArray(body['fields']) ? body['fields'].map(String) : [],
        maxResults: Number(body['maxResults'] ?? 50),
        nextPageToken: typeof body['nextPageToken'] === 'string' ? body['nextPageToken'] : undefined,
      });
    }
    if (req.method === 'GET' && path === '/rest/api/3/myself')
      return send(res, 200, { accountId: 'bot', displayName: 'servicegraph bot', active: true });

    let m: RegExpExecArray | null;
    if ((m = /^\/rest\/api\/3\/issue\/([^/]+)(?:\/(comment|remotelink))?$/.exec(path))) {
      const issue = find(decodeURIComponent(m[1]!));
      if (!issue) return fail(res, 404, ['Issue does not exist or you do not have permission to see it.']);
      const sub = m[2];
      if (req.method === 'GET' && !sub)
        return send(res, 200, render(issue, (url.searchParams.get('fields') ?? '*all').split(',').filter(Boolean)));
      if (req.method === 'GET' && sub === 'remotelink') {
        return send(
          res,
          200,
          issue.remoteLinks.map((l) => ({
            id: l.id,
            self: `${base}/rest/api/3/issue/${issue.key}/remotelink/${l.id}`,
            ...(l.globalId ? { globalId: l.globalId } : {}),
            object: l.object,
          })),
        );
      }
      const body = await json(req);
      if (!body) return fail(res, 400, ['Invalid request payload.']);
      if (req.method === 'POST' && sub === 'comment') {
        if (!isAdf(body['body'])) return fail(res, 400, [], { comment: 'Comment body is not valid!' });
        const props = Array.isArray(body['properties']) ? (body['properties'] as { key?: string; value?: { internal?: boolean } }[]) : [];
        const internal = props.some((p) => p.key === 'sd.public.comment' && p.value?.internal === true);
        issue.comments.push({ body: body['body'], internal });
        return send(res, 201, {
          id: String(issue.comments.length),
          body: body['body'],
          jsdPublic: !internal,
          created: new Date().toISOString(),
        });
      }
      if (req.method === 'POST' && sub === 'remotelink') {
        const object = body['object'] as { url?: unknown; title?: unknown } | undefined;
        if (typeof object?.url !== 'string' || typeof object.title !== 'string')
          return fail(res, 400, [], { url: 'A URL and a title are required.' });
        const globalId = typeof body['globalId'] === 'string' ? body['globalId'] : undefined;
        const existing = globalId ? issue.remoteLinks.find((l) => l.globalId === globalId) : undefined;
        if (existing) {
          existing.object = { url: object.url, title: object.title };
          return send(res, 200, { id: existing.id, self: `${base}/rest/api/3/issue/${issue.key}/remotelink/${existing.id}` });
        }
        const link = {
          id: issue.remoteLinks.length + 1,
          ...(globalId ? { globalId } : {}),
          object: { url: object.url, title: object.title },
        };
        issue.remoteLinks.push(link);
        return send(res, 201, { id: link.id, self: `${base}/rest/api/3/issue/${issue.key}/remotelink/${link.id}` });
      }
    }
    if (req.method === 'POST' && path === '/rest/api/3/issue') {
      const body = await json(req);
      const fields = (body?.['fields'] ?? null) as Record<string, unknown> | null;
      if (!fields) return fail(res, 400, ['Invalid request payload.']);
      const errors: Record<string, string> = {};
      if ((fields['project'] as { key?: unknown } | undefined)?.key !== 'OPS') errors['project'] = 'valid project is required';
      if (typeof (fields['issuetype'] as { name?: unknown } | undefined)?.name !== 'string')
        errors['issuetype'] = 'valid issue type is required';
      if (typeof fields['summary'] !== 'string' || !fields['summary']) errors['summary'] = 'You must specify a summary of the issue.';
      if (fields['description'] !== undefined && !isAdf(fields['description']))
        errors['description'] = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      if (Object.keys(errors).length) return fail(res, 400, [], errors);
      const issue = add(issueFrom(fields, false));
      return created(res, { id: issue.id, key: issue.key, self: `${base}/rest/api/3/issue/${issue.id}` });
    }
    if (req.method === 'POST' && path === '/rest/servicedeskapi/request') {
      const body = await json(req);
      if (!body) return fail(res, 400, ['Invalid request payload.']);
      if (body['serviceDeskId'] !== serviceDeskId) return fail(res, 404, ['The service desk does not exist.']);
      const requestTypeId = String(body['requestTypeId']);
      if (!requestTypeIds.includes(requestTypeId)) return fail(res, 400, ['The request type does not exist in this service desk.']);
      const values = (body['requestFieldValues'] ?? {}) as Record<string, unknown>;
      if (typeof values['summary'] !== 'string' || !values['summary']) return fail(res, 400, [], { summary: 'Summary is required.' });
      // JSM takes wiki-markup text here, not ADF.
      if (values['description'] !== undefined && typeof values['description'] !== 'string')
        return fail(res, 400, [], { description: 'Description must be text.' });
      const issue = add({
        ...issueFrom(
          { ...values, description: values['description'] === undefined ? undefined : doc(String(values['description'])) },
          true,
        ),
        requestTypeId,
        sla: [
          { name: 'Time to first response', breachTime: new Date(Date.now() + 3600_000).toISOString().replace('Z', '+0000') },
          { name: 'Time to resolution', breachTime: new Date(Date.now() + 4 * 3600_000).toISOString().replace('Z', '+0000') },
        ],
      });
      return created(res, {
        issueId: issue.id,
        issueKey: issue.key,
        requestTypeId,
        serviceDeskId,
        createdDate: { iso8601: issue.created, epochMillis: Date.parse(issue.created.replace('+0000', 'Z')) },
        currentStatus: { status: issue.status },
        _links: { web: `${base}/servicedesk/customer/portal/1/${issue.key}` },
      });
    }
    if (req.method === 'GET' && (m = /^\/rest\/servicedeskapi\/request\/([^/]+)\/sla$/.exec(path))) {
      const issue = find(decodeURIComponent(m[1]!));
      if (!issue?.viaServiceDesk || !issue.sla)
        return fail(res, 404, ['The request does not exist or you do not have permission to see it.']);
      const values = issue.sla.map((s, i) => ({
        id: String(i + 1),
        name: s.name,
        completedCycles: s.breachTime ? [] : [{ breached: false }],
        ...(s.breachTime
          ? {
              ongoingCycle: {
                breachTime: { iso8601: s.breachTime, epochMillis: Date.parse(s.breachTime.replace('+0000', 'Z')) },
                breached: Date.parse(s.breachTime.replace('+0000', 'Z')) < Date.now(),
                paused: false,
                withinCalendarHours: true,
                remainingTime: { millis: Date.parse(s.breachTime.replace('+0000', 'Z')) - Date.now() },
              },
            }
          : {}),
      }));
      return send(res, 200, { size: values.length, start: 0, limit: 50, isLastPage: true, values });
    }
    return fail(res, 404, ['Not found']);
  }

  async function created(res: ServerResponse, body: unknown) {
    if (slowCreateMs) await new Promise((resolve) => setTimeout(resolve, slowCreateMs));
    if (!res.destroyed) send(res, 201, body);
  }

  function issueFrom(fields: Record<string, unknown>, viaServiceDesk: boolean): Partial<FakeIssue> {
    const custom = Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith('customfield_')));
    return {
      summary: String(fields['summary']),
      description: fields['description'] ?? null,
      priority: (fields['priority'] as { name?: string } | undefined)?.name ?? 'Medium',
      labels: Array.isArray(fields['labels']) ? fields['labels'].map(String) : [],
      components: Array.isArray(fields['components']) ? (fields['components'] as { name: string }[]).map((c) => c.name) : [],
      custom,
      viaServiceDesk,
      ...(viaServiceDesk ? { status: 'Waiting for support', statusCategory: 'new' } : {}),
    };
  }

  const served = await serveFake({
    requests,
    faults,
    answer: route,
    internalError: (res) => fail(res, 500, ['Internal server error']),
    dropAbandoned: true,
  });
  base = served.url;
  return {
    ...served,
    issues,
    /** Store creates, but answer them only after `ms` (the client may have timed out by then). */
    setSlowCreate: (ms: number) => {
      slowCreateMs = ms;
    },
  };
}

// ---- JQL subset ---------------------------------------------------------------------------------

const lex = createQueryLexer({
  operators: ['!=', '!~', '~', '='],
  word: /^[A-Za-z0-9_.:-]+/,
  special: { pattern: /^cf\[\d+\]/i, spell: (cf) => cf.toLowerCase() },
  unexpected: (char) => `The character '${char}' is a reserved JQL character.`,
});

const textOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value && typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .map(textOf)
      .join(' ');
  return value === null || value === undefined ? '' : String(value);
};

function values(issue: FakeIssue, field: string): string[] {
  const f = field.toLowerCase();
  const cf = /^cf\[(\d+)\]$/.exec(f);
  if (cf) return [textOf(issue.custom[`customfield_${cf[1]}`])];
  switch (f) {
    case 'project':
      return [issue.key.split('-')[0]!];
    case 'key':
    case 'issue':
      return [issue.key];
    case 'labels':
      return issue.labels;
    case 'component':
      return issue.components;
    case 'status':
      return [issue.status];
    case 'statuscategory':
      return [{ new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[issue.statusCategory]];
    case 'priority':
      return [issue.priority];
    case 'text':
      return [`${issue.summary} ${textOf(issue.description)} ${issue.comments.map((c) => textOf(c.body)).join(' ')}`];
    case 'summary':
      return [issue.summary];
    default:
      throw new Error(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
}

/** Jira's error for a missing bracket of an IN list. */
const expecting = (bracket: string) => `Expecting '${bracket}'.`;

export function parseJql(jql: string): { predicate: (i: FakeIssue) => boolean; order: 'asc' | 'desc' } {
  let order: 'asc' | 'desc' = 'asc';
  const orderAt = /\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(jql);
  const where = orderAt ? jql.slice(0, orderAt.index) : jql;
  if (orderAt?.[2]?.toUpperCase() === 'DESC') order = 'desc';
  const toks = lex(where);
  let p = 0;
  const kw = (word: string) => toks[p]?.t === 'word' && toks[p]!.v.toUpperCase() === word;
  type Pred = (i: FakeIssue) => boolean;
  const expr = (): Pred => joinedByAndOr(kw, () => p++, factor);
  const value = (): string => {
    const tok = toks[p++];
    if (!tok || (tok.t !== 'str' && tok.t !== 'word')) throw new Error('Expecting a value.');
    return tok.v;
  };
  const factor = (): Pred => {
    if (toks[p]?.t === 'punct' && toks[p]!.v === '(') {
      p++;
      const inner = expr();
      if (toks[p++]?.v !== ')') throw new Error("Expecting ')'.");
      return inner;
    }
    const field = toks[p++];
    if (field?.t !== 'word') throw new Error('Expecting a field name.');
    values({ key: 'X-1', labels: [], components: [], custom: {}, comments: [], statusCategory: 'new' } as unknown as FakeIssue, field.v);
    let negate = false;
    if (kw('NOT')) {
      p++;
      negate = true;
    }
    if (kw('IN')) {
      p++;
      const list = inList(() => toks[p++], value, expecting);
      const wanted = list.map((v) => v.toLowerCase());
      return (i) => values(i, field.v).some((v) => wanted.includes(v.toLowerCase())) !== negate;
    }
    const op = toks[p++];
    if (op?.t !== 'op') throw new Error('Expecting an operator.');
    const v = value().toLowerCase();
    return (i) => {
      const have = values(i, field.v).map((x) => x.toLowerCase());
      switch (op.v) {
        case '=':
          return have.includes(v);
        case '!=':
          return !have.includes(v);
        case '~':
          return have.some((x) => v.split(/\s+/).every((w) => x.includes(w)));
        default:
          return !have.some((x) => x.includes(v));
      }
    };
  };
  if (toks.length === 0) return { predicate: () => true, order };
  const predicate = expr();
  if (p !== toks.length) throw new Error(`Expecting either 'OR' or 'AND' but got '${toks[p]!.v}'.`);
  return { predicate, order };
}
