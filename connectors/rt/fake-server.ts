import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultScript } from '../core/fake-faults.js';
import { serveFake } from '../core/fake-http.js';

/**
 * A protocol-faithful RT 5 REST2 fake, modelled on responses recorded from RT 5.0.3 (fixtures/rt-*.json):
 * string-typed values, `"1970-01-01T00:00:00Z"` for unset dates, `CustomFields: ""` when a ticket has
 * none, page/pages/per_page envelopes, 401 `{"message":"Unauthorized"}`, and a 302 to the login page
 * for any path outside `/REST/2.0/` (what a wrong WebPath looks like). TicketSQL is parsed for the
 * subset the connector writes: `=`, `!=`, `LIKE`, `AND`, `OR`, parentheses, `CF.{Name}`.
 */

export interface FakeTicket {
  id: number;
  Queue: string;
  Subject: string;
  Status: string;
  Priority: number;
  Owner: string;
  Created: string;
  Due: string;
  CustomFields: Record<string, string>;
  messages: { kind: 'comment' | 'correspond'; content: string }[];
}

export interface FakeRtOptions {
  username?: string;
  password?: string;
  token?: string;
  /** Custom fields that exist (applied to every queue). */
  customFields?: string[];
  /** Queues that exist, the first with id 1. @default ['General', 'Requests'] */
  queues?: string[];
  tickets?: Partial<FakeTicket>[];
  /** Answer the login redirect as malformed as RT 5.0.3 does (see route). @default true */
  malformedRedirect?: boolean;
}

const EPOCH = '1970-01-01T00:00:00Z';

export function seedTickets(): Partial<FakeTicket>[] {
  return [
    { Subject: 'web01 HTTP CRITICAL - Connection refused', Priority: 50, Created: '2026-11-27T20:38:54Z' },
    {
      Subject: 'db01 DiskFull on /var',
      Status: 'open',
      Priority: 100,
      Owner: 'alice',
      Due: '2026-11-28T08:00:00Z',
      CustomFields: { CI: 'db01' },
    },
    { Subject: 'Payroll export slow', Status: 'stalled', Priority: 75, CustomFields: { Service: 'payroll' } },
    { Subject: 'Old printer jam', Status: 'resolved', Priority: 0 },
  ];
}

export async function startFakeRt(options: FakeRtOptions = {}) {
  const username = options.username ?? 'root';
  const password = options.password ?? 'password';
  const cfNames = options.customFields ?? ['CI', 'Service', 'Correlation'];
  const queues = options.queues ?? ['General', 'Requests'];
  options = { malformedRedirect: true, ...options };
  const tickets: FakeTicket[] = [];
  const add = (t: Partial<FakeTicket>) => {
    const ticket: FakeTicket = {
      id: tickets.length + 1,
      Queue: 'General',
      Subject: '',
      Status: 'new',
      Priority: 0,
      Owner: 'Nobody',
      Created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      Due: EPOCH,
      CustomFields: {},
      messages: [],
      ...t,
    };
    tickets.push(ticket);
    return ticket;
  };
  (options.tickets ?? seedTickets()).forEach(add);

  const requests: string[] = [];
  const faults = createFaultScript();
  /** Milliseconds a create waits AFTER storing the ticket before answering (a create whose answer is lost). */
  let slowCreateMs = 0;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (options.token) return header === `token ${options.token}`;
    return header === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  };

  const uid = (type: string, id: string | number) => ({ type, id: String(id), _url: `${base}/REST/2.0/${type}/${id}` });

  const cfList = (t: FakeTicket) => {
    const present = cfNames.filter((n) => t.CustomFields[n] !== undefined);
    return present.length ? present.map((name, i) => ({ ...uid('customfield', i + 1), name, values: [t.CustomFields[name]] })) : '';
  };

  const full = (t: FakeTicket) => ({
    id: t.id,
    Type: 'ticket',
    Subject: t.Subject,
    Status: t.Status,
    Priority: String(t.Priority),
    InitialPriority: '0',
    FinalPriority: '0',
    Owner: uid('user', t.Owner),
    Queue: uid('queue', queues.indexOf(t.Queue) + 1),
    Creator: uid('user', 'root'),
    Created: t.Created,
    LastUpdated: t.Created,
    Starts: EPOCH,
    Started: EPOCH,
    Resolved: EPOCH,
    Due: t.Due,
    TimeLeft: '0',
    Requestor: [],
    Cc: [],
    AdminCc: [],
    CustomFields: cfList(t),
    _hyperlinks: [{ ref: 'self', type: 'ticket', id: t.id, _url: `${base}/REST/2.0/ticket/${t.id}` }],
  });

  const searchItem = (t: FakeTicket, fields: string[]) => {
    const record = full(t) as Record<string, unknown>;
    const item: Record<string, unknown> = { type: 'ticket', id: String(t.id), _url: `${base}/REST/2.0/ticket/${t.id}` };
    for (const f of fields) if (f in record) item[f] = record[f];
    return item;
  };

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    try {
      const value: unknown = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (!url.pathname.startsWith('/REST/2.0/')) {
      const location = `${base}/NoAuth/Login.html?next=0123456789abcdef`;
      if (!options.malformedRedirect) {
        res.writeHead(302, { location }).end();
        return;
      }
      // Byte for byte what RT 5.0.3 under Starlet sends: the chunked terminator twice after Connection: close.
      res.socket?.end(
        `HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n0\r\n\r\n`,
      );
      return;
    }
    if (!authorized(req)) return send(res, 401, { message: 'Unauthorized' });
    const path = url.pathname.slice('/REST/2.0/'.length).replace(/\/+$/, '');
    const ticketMatch = /^ticket\/(\d+)(?:\/(comment|correspond))?$/.exec(path);

    if (req.method === 'GET' && path === 'rt') return send(res, 200, { Version: '5.0.3-fake', Plugins: [] });
    if (req.method === 'GET' && path === 'tickets') {
      let predicate: (t: FakeTicket) => boolean;
      try {
        predicate = parseTicketSql(url.searchParams.get('query') ?? '');
      } catch (error) {
        return send(res, 400, { message: `Wrong query, ${(error as Error).message}` });
      }
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 20)));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
      const desc = url.searchParams.get('order') === 'DESC';
      const matched = tickets
        .filter((t) => t.Status !== 'deleted' || /deleted/.test(url.searchParams.get('query') ?? ''))
        .filter(predicate)
        .sort((a, b) => (desc ? b.id - a.id : a.id - b.id));
      const items = matched.slice((page - 1) * perPage, page * perPage).map((t) => searchItem(t, fields));
      return send(res, 200, {
        page,
        pages: Math.max(1, Math.ceil(matched.length / perPage)),
        per_page: perPage,
        count: items.length,
        total: matched.length,
        items,
      });
    }
    if (ticketMatch) {
      const ticket = tickets.find((t) => t.id === Number(ticketMatch[1]));
      if (!ticket) return send(res, 404, { message: 'Not Found' });
      const kind = ticketMatch[2] as 'comment' | 'correspond' | undefined;
      if (req.method === 'GET' && !kind) return send(res, 200, full(ticket));
      const body = await readJson(req);
      if (!body) return send(res, 400, { message: 'JSON object expected' });
      if (req.method === 'POST' && kind) {
        if (typeof body['Content'] !== 'string') return send(res, 400, { message: 'Content is required' });
        ticket.messages.push({ kind, content: body['Content'] });
        // RT's default lifecycle opens a new ticket on a reply.
        if (kind === 'correspond' && ticket.Status === 'new') ticket.Status = 'open';
        return send(res, 201, [kind === 'comment' ? 'Comments added' : 'Correspondence added']);
      }
      if (req.method === 'PUT' && !kind) {
        const changes: string[] = [];
        if (typeof body['Status'] === 'string' && body['Status'] !== ticket.Status) {
          const allowed = ['new', 'open', 'stalled', 'resolved', 'rejected', 'deleted'];
          if (!allowed.includes(body['Status']))
            return send(res, 400, { message: `Status '${body['Status']}' isn't a valid status for this ticket.` });
          changes.push(`Ticket ${ticket.id}: Status changed from '${ticket.Status}' to '${body['Status']}'`);
          ticket.Status = body['Status'];
        }
        return send(res, 200, changes);
      }
    }
    if (req.method === 'POST' && path === 'ticket') {
      const body = await readJson(req);
      if (!body) return send(res, 400, { message: 'JSON object expected' });
      if (!queues.includes(String(body['Queue'])))
        return send(res, 403, { message: `No permission to create tickets in the queue '${String(body['Queue'])}'` });
      const cfs = (body['CustomFields'] ?? {}) as Record<string, unknown>;
      for (const name of Object.keys(cfs)) {
        if (!cfNames.includes(name)) return send(res, 400, { message: `Unknown custom field ${name}` });
      }
      const ticket = add({
        Queue: String(body['Queue']),
        Subject: String(body['Subject'] ?? ''),
        Priority: Number(body['Priority'] ?? 0),
        CustomFields: Object.fromEntries(Object.entries(cfs).map(([k, v]) => [k, String(v)])),
        messages: typeof body['Content'] === 'string' ? [{ kind: 'correspond', content: body['Content'] }] : [],
      });
      if (slowCreateMs) await new Promise((resolve) => setTimeout(resolve, slowCreateMs));
      if (res.destroyed) return;
      return send(res, 201, { _url: `${base}/REST/2.0/ticket/${ticket.id}`, type: 'ticket', id: String(ticket.id) });
    }
    return send(res, 404, { message: 'Not Found' });
  }

  const served = await serveFake({
    requests,
    faults,
    answer: route,
    internalError: (res) => send(res, 500, { message: 'Internal Server Error' }),
    dropAbandoned: true,
  });
  base = served.url;
  return {
    ...served,
    tickets,
    /** Store creates, but answer them only after `ms` (the client may have timed out by then). */
    setSlowCreate: (ms: number) => {
      slowCreateMs = ms;
    },
  };
}

// ---- TicketSQL subset -------------------------------------------------------------------------

type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' }
  | { kind: 'field'; name: string }
  | { kind: 'op'; op: string }
  | { kind: 'value'; value: string };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const token = (t: Token, length: number) => {
    tokens.push(t);
    i += length;
  };
  while (i < sql.length) {
    const rest = sql.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) i += m[0].length;
    else if (rest[0] === '(') token({ kind: 'lparen' }, 1);
    else if (rest[0] === ')') token({ kind: 'rparen' }, 1);
    else if ((m = /^(AND|OR)\b/i.exec(rest))) token({ kind: m[1]!.toLowerCase() as 'and' | 'or' }, m[0].length);
    else if ((m = /^(NOT\s+LIKE|LIKE)\b/i.exec(rest))) token({ kind: 'op', op: m[1]!.toUpperCase().replace(/\s+/, ' ') }, m[0].length);
    else if ((m = /^(!=|=)/.exec(rest))) token({ kind: 'op', op: m[1]! }, m[0].length);
    else if ((m = /^'((?:\\.|[^'\\])*)'/.exec(rest))) token({ kind: 'value', value: m[1]!.replace(/\\(.)/g, '$1') }, m[0].length);
    else if ((m = /^CF\.\{([^}]+)\}/i.exec(rest))) token({ kind: 'field', name: `CF.${m[1]}` }, m[0].length);
    else if ((m = /^\d+\b/.exec(rest)) && tokens.at(-1)?.kind === 'op') token({ kind: 'value', value: m[0] }, m[0].length);
    else if ((m = /^[A-Za-z]+/.exec(rest))) token({ kind: 'field', name: m[0] }, m[0].length);
    else throw new Error(`unexpected '${rest.slice(0, 10)}'`);
  }
  return tokens;
}

function fieldValue(t: FakeTicket, field: string): string | undefined {
  if (field.startsWith('CF.')) return t.CustomFields[field.slice(3)];
  const known: Record<string, string> = {
    id: String(t.id),
    queue: t.Queue,
    status: t.Status,
    subject: t.Subject,
    owner: t.Owner,
    priority: String(t.Priority),
  };
  if (!(field.toLowerCase() in known)) throw new Error(`unknown field ${field}`);
  return known[field.toLowerCase()];
}

export function parseTicketSql(sql: string): (t: FakeTicket) => boolean {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = () => tokens[pos];
  const expr = (): ((t: FakeTicket) => boolean) => {
    let left = term();
    while (peek()?.kind === 'or') {
      pos++;
      const l = left;
      const r = term();
      left = (t) => l(t) || r(t);
    }
    return left;
  };
  const term = (): ((t: FakeTicket) => boolean) => {
    let left = factor();
    while (peek()?.kind === 'and') {
      pos++;
      const l = left;
      const r = factor();
      left = (t) => l(t) && r(t);
    }
    return left;
  };
  const factor = (): ((t: FakeTicket) => boolean) => {
    const token = tokens[pos++];
    if (token?.kind === 'lparen') {
      const inner = expr();
      if (tokens[pos++]?.kind !== 'rparen') throw new Error('expecting )');
      return inner;
    }
    const op = tokens[pos++];
    const value = tokens[pos++];
    if (token?.kind !== 'field' || op?.kind !== 'op' || value?.kind !== 'value') throw new Error('expecting a VALUE');
    const name = token.name;
    fieldValue(
      { id: 0, Queue: '', Subject: '', Status: '', Priority: 0, Owner: '', Created: '', Due: '', CustomFields: {}, messages: [] },
      name,
    );
    const v = value.value.toLowerCase();
    return (t) => {
      const actual = (fieldValue(t, name) ?? '').toLowerCase();
      switch (op.op) {
        case '=':
          return actual === v;
        case '!=':
          return actual !== v;
        case 'LIKE':
          return actual.includes(v);
        default:
          return !actual.includes(v);
      }
    };
  };
  if (tokens.length === 0) return () => true;
  const predicate = expr();
  if (pos !== tokens.length) throw new Error('trailing tokens');
  return predicate;
}
