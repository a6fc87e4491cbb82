import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createFaultScript, readBody, type Fault } from '../core/fake-faults.js';
import { listenOnLoopback } from '../core/fake-http.js';
import { matches, parseEncodedQuery, QueryError, type EncodedQuery } from './fake-query.js';

/**
 * A protocol-faithful fake of the ServiceNow Table API (`/api/now/table/{table}`), serving every
 * table the three ServiceNow connectors read from fixtures/*.json (documented in fixtures/README.md).
 *
 * What it checks and answers like the real API (docs.servicenow.com "Table API", see README.md):
 * - Basic or Bearer auth, else 401 with ServiceNow's error body;
 * - `sysparm_query` (the subset in fake-query.ts), `sysparm_fields` (dot-walk allowed),
 *   `sysparm_limit` / `sysparm_offset` with `X-Total-Count` and `Link` (first/prev/next/last) headers,
 *   `sysparm_display_value=true|false|all`, `sysparm_exclude_reference_link`;
 * - every value a string; references `{link, value}` / `{display_value, link, value}`; choice
 *   fields' display values are their labels;
 * - table inheritance: `cmdb_ci` holds every CI, `cmdb_ci_server` its server subclasses, `task` the incidents;
 * - POST → 201 `{result}` with sys_id and a number for incident (INC…), sc_request (REQ…) and
 *   sc_req_item (RITM…), an incident's priority from impact × urgency like the instance's priority
 *   lookup; PATCH → 200; GET by sys_id → 404 "No Record found";
 * - the Service Catalog tables: sc_cat_item (items), sc_request and sc_req_item (its RITMs).
 * Scripted faults (connectors/core/fake-faults.ts) answer with ServiceNow's error body.
 */

export interface FakeServiceNowOptions {
  username?: string;
  password?: string;
  token?: string;
}

export interface FakeServiceNow {
  url: string;
  requests: string[];
  setFailures(faults: Fault[]): void;
  /** The live rows of a store (fixtures plus whatever was created), for assertions. */
  records(store: string): Row[];
  close(): Promise<void>;
}

type Row = Record<string, string>;

interface StoreSchema {
  /** The field shown as a reference's display value. */
  display: string;
  /** Reference fields → the store they point at. */
  refs: Record<string, string>;
  /** Choice fields → value → label. */
  choices: Record<string, Record<string, string>>;
}

const STATE = { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' };
const PRIORITY = { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' };
const LEVEL = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };

const SCHEMA: Record<string, StoreSchema> = {
  cmdb_ci: {
    display: 'name',
    refs: {},
    choices: {
      operational_status: { '1': 'Operational', '2': 'Non-Operational', '3': 'Repair in Progress', '6': 'Retired' },
      install_status: { '1': 'Installed', '7': 'Retired' },
    },
  },
  cmdb_rel_type: { display: 'name', refs: {}, choices: {} },
  cmdb_rel_ci: { display: 'sys_id', refs: { parent: 'cmdb_ci', child: 'cmdb_ci', type: 'cmdb_rel_type' }, choices: {} },
  sys_user: { display: 'name', refs: {}, choices: {} },
  incident: {
    display: 'number',
    refs: { cmdb_ci: 'cmdb_ci', business_service: 'cmdb_ci', assigned_to: 'sys_user', caller_id: 'sys_user' },
    choices: { state: STATE, priority: PRIORITY, impact: LEVEL, urgency: LEVEL },
  },
  contract_sla: { display: 'name', refs: {}, choices: {} },
  task_sla: {
    display: 'sys_id',
    refs: { task: 'incident', sla: 'contract_sla' },
    choices: {
      stage: { in_progress: 'In progress', completed: 'Completed', cancelled: 'Cancelled', paused: 'Paused', breached: 'Breached' },
    },
  },
  kb_knowledge: {
    display: 'number',
    refs: { author: 'sys_user' },
    choices: { workflow_state: { draft: 'Draft', review: 'Review', published: 'Published', retired: 'Retired' } },
  },
  m2m_kb_task: { display: 'sys_id', refs: { task: 'incident', kb_knowledge: 'kb_knowledge' }, choices: {} },
  sc_cat_item: { display: 'name', refs: {}, choices: {} },
  sc_request: {
    display: 'number',
    refs: { requested_for: 'sys_user', opened_by: 'sys_user' },
    choices: {
      request_state: {
        requested: 'Pending Approval',
        in_process: 'Approved',
        closed_complete: 'Closed Complete',
        closed_cancelled: 'Closed Cancelled',
      },
    },
  },
  sc_req_item: { display: 'number', refs: { request: 'sc_request', cat_item: 'sc_cat_item' }, choices: {} },
};

/** Tables whose inserts are numbered like an instance's: prefix, 7 digits. */
const NUMBERED: Record<string, string> = { incident: 'INC', sc_request: 'REQ', sc_req_item: 'RITM' };

/** Subclass → parent class, for table inheritance below cmdb_ci. */
const CI_PARENT: Record<string, string> = {
  cmdb_ci_linux_server: 'cmdb_ci_server',
  cmdb_ci_win_server: 'cmdb_ci_server',
  cmdb_ci_server: 'cmdb_ci_computer',
  cmdb_ci_computer: 'cmdb_ci_hardware',
  cmdb_ci_db_ora_instance: 'cmdb_ci_db_instance',
  cmdb_ci_db_postgresql_instance: 'cmdb_ci_db_instance',
  cmdb_ci_db_mysql_instance: 'cmdb_ci_db_instance',
  cmdb_ci_db_instance: 'cmdb_ci_appl',
  cmdb_ci_ip_switch: 'cmdb_ci_netgear',
  cmdb_ci_ip_firewall: 'cmdb_ci_netgear',
  cmdb_ci_netgear: 'cmdb_ci_hardware',
};

/** The instance's default priority lookup: impact × urgency. */
const PRIORITY_MATRIX: Record<string, string> = {
  '11': '1',
  '12': '2',
  '21': '2',
  '13': '3',
  '22': '3',
  '31': '3',
  '23': '4',
  '32': '4',
  '33': '5',
};

/** Table name in the URL → store and row filter (inheritance). */
function resolveTable(table: string): { store: string; filter: (row: Row) => boolean } | null {
  if (table === 'task') return { store: 'incident', filter: () => true };
  if (table.startsWith('cmdb_ci') && table !== 'cmdb_rel_ci') {
    if (table === 'cmdb_ci') return { store: 'cmdb_ci', filter: () => true };
    return { store: 'cmdb_ci', filter: (row) => isA(row['sys_class_name'] ?? '', table) };
  }
  return SCHEMA[table] ? { store: table, filter: () => true } : null;
}

function isA(cls: string, table: string): boolean {
  for (let c: string | undefined = cls; c; c = CI_PARENT[c]) if (c === table) return true;
  return false;
}

function loadFixture(store: string): Row[] {
  return JSON.parse(readFileSync(new URL(`./fixtures/${store}.json`, import.meta.url), 'utf8')) as Row[];
}

function snError(message: string, detail: string | null) {
  return { error: { message, detail }, status: 'failure' };
}

function errorFor(status: number) {
  if (status === 401) return snError('User Not Authenticated', 'Required to provide Auth information');
  if (status === 403) return snError('Operation Failed', 'ACL Exception Insert Failed due to security constraints');
  if (status === 404) return snError('No Record found', "Record doesn't exist or ACL restricts the record retrieval");
  if (status === 429) return snError('Rate limit exceeded', 'Too many requests');
  return snError('Internal server error', null);
}

export async function startFakeServiceNow(options: FakeServiceNowOptions = {}): Promise<FakeServiceNow> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'admin-password';
  const token = options.token;
  const stores = new Map<string, Row[]>(Object.keys(SCHEMA).map((store) => [store, loadFixture(store)]));
  const requests: string[] = [];
  const faults = createFaultScript();
  let origin = '';

  const rows = (store: string) => stores.get(store) ?? [];
  const byId = (store: string, sysId: string) => rows(store).find((r) => r['sys_id'] === sysId);

  /** Raw value, display value and reference target of a (dot-walked) field. */
  function resolve(store: string, row: Row, path: string): { value: string; display: string; ref: string | null } {
    const [head, ...rest] = path.split('.');
    const schema = SCHEMA[store]!;
    const value = row[head!] ?? '';
    const target = schema.refs[head!];
    if (rest.length > 0) {
      const next = target ? byId(target, value) : undefined;
      return next ? resolve(target!, next, rest.join('.')) : { value: '', display: '', ref: null };
    }
    if (target) {
      const referenced = byId(target, value);
      return { value, display: referenced ? (referenced[SCHEMA[target]!.display] ?? '') : '', ref: target };
    }
    return { value, display: schema.choices[head!]?.[value] ?? value, ref: null };
  }

  function knows(store: string, path: string): boolean {
    const [head, ...rest] = path.split('.');
    const sample = rows(store)[0] ?? {};
    if (!(head! in sample)) return false;
    const target = SCHEMA[store]!.refs[head!];
    return rest.length === 0 || (target !== undefined && knows(target, rest.join('.')));
  }

  function render(store: string, row: Row, params: URLSearchParams): Record<string, unknown> {
    const mode = params.get('sysparm_display_value') ?? 'false';
    const noLink = params.get('sysparm_exclude_reference_link') === 'true';
    const fields = params.get('sysparm_fields')?.split(',').filter(Boolean) ?? Object.keys(row);
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (!knows(store, field)) continue; // unknown fields are simply absent, as on an instance
      const { value, display, ref } = resolve(store, row, field);
      const link = ref && value ? `${origin}/api/now/table/${ref === 'incident' ? 'task' : ref}/${value}` : undefined;
      if (mode === 'true') out[field] = display;
      else if (mode === 'all')
        out[field] = ref && link && !noLink ? { display_value: display, link, value } : { display_value: display, value };
      else out[field] = ref && value && !noLink ? { link, value } : value;
    }
    return out;
  }

  function select(store: string, filter: (row: Row) => boolean, query: EncodedQuery): Row[] {
    for (const group of query.groups) for (const c of group) if (!knows(store, c.field)) throw new QueryError(`unknown field ${c.field}`);
    const found = rows(store).filter(
      (row) => filter(row) && query.groups.every((group) => group.some((c) => matches(c, resolve(store, row, c.field).value))),
    );
    for (const { field, desc } of [...query.order].reverse()) {
      found.sort((a, b) => {
        const x = resolve(store, a, field).value;
        const y = resolve(store, b, field).value;
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      });
    }
    return found;
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (token && header === `Bearer ${token}`) return true;
    return header === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
  }

  function list(res: ServerResponse, store: string, filter: (row: Row) => boolean, url: URL) {
    const params = url.searchParams;
    const found = select(store, filter, parseEncodedQuery(params.get('sysparm_query') ?? ''));
    const limit = Math.max(1, Number(params.get('sysparm_limit') ?? 10000) || 10000);
    const offset = Math.max(0, Number(params.get('sysparm_offset') ?? 0) || 0);
    const page = found.slice(offset, offset + limit);
    const at = (o: number) => {
      const next = new URL(url.toString());
      next.searchParams.set('sysparm_offset', String(o));
      next.searchParams.set('sysparm_limit', String(limit));
      return `${origin}${next.pathname}${next.search}`;
    };
    // The Link header is omitted when everything fits on one page (as on an instance).
    const links: string[] = [];
    if (found.length > limit) {
      links.push(`<${at(0)}>;rel="first"`);
      if (offset > 0) links.push(`<${at(Math.max(0, offset - limit))}>;rel="prev"`);
      if (offset + limit < found.length) links.push(`<${at(offset + limit)}>;rel="next"`);
      links.push(`<${at(Math.floor((found.length - 1) / limit) * limit)}>;rel="last"`);
    }
    send(
      res,
      200,
      { result: page.map((row) => render(store, row, params)) },
      { 'x-total-count': String(found.length), ...(links.length ? { link: links.join(',') } : {}) },
    );
  }

  function create(store: string, body: Record<string, unknown>): Row {
    const sample = rows(store)[0] ?? {};
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const row: Row = Object.fromEntries(Object.keys(sample).map((k) => [k, '']));
    for (const [k, v] of Object.entries(body)) if (k in row) row[k] = String(v);
    row['sys_id'] = randomBytes(16).toString('hex');
    const prefix = NUMBERED[store];
    if (prefix) {
      const max = Math.max(0, ...rows(store).map((r) => Number((r['number'] ?? '').replace(/\D/g, ''))));
      row['number'] = `${prefix}${String(max + 1).padStart(7, '0')}`;
      row['active'] = 'true';
      row['opened_at'] = now;
      row['sys_class_name'] = store;
    }
    if (store === 'sc_request') {
      row['request_state'] ||= 'requested';
      row['stage'] ||= 'requested';
      row['approval'] ||= 'requested';
    }
    if (store === 'sc_req_item') {
      row['quantity'] ||= '1';
      row['stage'] ||= 'request_approved';
      row['state'] ||= '1';
    }
    if (store === 'incident') {
      row['state'] ||= '1';
      row['impact'] ||= '3';
      row['urgency'] ||= '3';
      row['priority'] = PRIORITY_MATRIX[`${row['impact']}${row['urgency']}`] ?? '5';
    }
    if ('sys_created_on' in row) row['sys_created_on'] = now;
    rows(store).push(row);
    return row;
  }

  async function route(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', origin);
    const match = /^\/api\/now\/(?:v[12]\/)?table\/([a-z0-9_]+)(?:\/([0-9a-f]{32}))?\/?$/.exec(url.pathname);
    if (!match) return send(res, 400, snError('Requested URI does not represent any resource', null));
    const [, table, sysId] = match;
    const target = resolveTable(table!);
    if (!target) return send(res, 400, snError(`Invalid table ${table}`, null));
    const { store, filter } = target;
    const method = req.method ?? 'GET';

    if (method === 'GET' && !sysId) return list(res, store, filter, url);
    if (method === 'GET') {
      const row = byId(store, sysId!);
      return row && filter(row) ? send(res, 200, { result: render(store, row, url.searchParams) }) : send(res, 404, errorFor(404));
    }
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, 400, snError('Exception while reading request', 'The payload is not valid JSON.'));
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return send(res, 400, snError('Exception while reading request', 'The payload must be a JSON object.'));
      }
      if (method === 'POST') {
        if (sysId) return send(res, 405, snError('Method not Supported', 'POST method not supported for API'));
        return send(res, 201, { result: render(store, create(store, body as Record<string, unknown>), url.searchParams) });
      }
      const row = sysId ? byId(store, sysId) : undefined;
      if (!row) return send(res, 404, errorFor(404));
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (!(k in row)) continue;
        // Journal fields append an entry instead of replacing the field.
        row[k] = k === 'work_notes' || k === 'comments' ? [row[k], String(v)].filter(Boolean).join('\n') : String(v);
      }
      return send(res, 200, { result: render(store, row, url.searchParams) });
    }
    return send(res, 405, snError('Method not Supported', `${method} method not supported for API`));
  }

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    void (async () => {
      // The body is read first so that a request whose client gave up during a scripted delay is
      // still carried out, as a real instance would: that is the "created, but the answer was lost" case.
      const text = await readBody(req);
      if (await faults.apply(req, res)) return;
      if (!authorized(req)) return send(res, 401, errorFor(401));
      try {
        await route(req, res, text);
      } catch (error) {
        if (error instanceof QueryError) return send(res, 400, snError('Invalid query', error.message));
        send(res, 500, errorFor(500));
      }
    })();
  });
  const listener = await listenOnLoopback(server);
  origin = listener.url;
  return {
    url: origin,
    requests,
    setFailures(list) {
      for (const fault of list)
        faults.fail(fault.status && !fault.body ? { ...fault, body: JSON.stringify(errorFor(fault.status)) } : fault);
    },
    records: (store) => rows(store),
    close: listener.close,
  };
}
