import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import got from 'got';

/** What the real-tool tests share: the endpoints (from `scripts/real-tools.sh env`), polling, Zabbix seeding. */
const env = process.env;
export const WORK = env['REAL_TOOLS_WORK'] ?? '/tmp/servicegraph-real';
export const PROM_URL = env['REAL_PROMETHEUS_URL'] ?? 'http://127.0.0.1:19090';
export const AM_URL = env['REAL_ALERTMANAGER_URL'] ?? 'http://127.0.0.1:19093';
export const ICINGA_URL = env['REAL_ICINGA_URL'] ?? 'https://127.0.0.1:15665';
export const ICINGA_CA = env['REAL_ICINGA_CA'] ?? `${WORK}/icinga/data/certs/ca.crt`;
export const ZABBIX_URL = env['REAL_ZABBIX_URL'] ?? 'http://127.0.0.1:18082';
export const ZABBIX_TRAPPER = env['REAL_ZABBIX_TRAPPER'] ?? '127.0.0.1:20051';
export const RT_URL = env['SG_REAL_RT_URL'] ?? env['REAL_RT_URL'] ?? 'http://127.0.0.1:18080';
export const MEDIAWIKI_URL = env['SG_REAL_MW_URL'] ?? env['REAL_MEDIAWIKI_URL'] ?? 'http://127.0.0.1:18081';
export const selected = (...tools: string[]) => !env['REAL_TOOLS'] || tools.every((t) => env['REAL_TOOLS']!.split(/\s+/).includes(t));

/** Polls `probe` until it returns a value (not undefined/null/false) or the deadline passes. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Pushes one value to a trapper item with the Zabbix sender protocol (bookworm has no zabbix_sender). */
export function zabbixSend(host: string, key: string, value: string): Promise<string> {
  const [address, port] = ZABBIX_TRAPPER.split(':');
  const payload = Buffer.from(JSON.stringify({ request: 'sender data', data: [{ host, key, value }] }));
  const header = Buffer.alloc(13);
  header.write('ZBXD\x01', 0, 'latin1');
  header.writeBigUInt64LE(BigInt(payload.length), 5);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: address, port: Number(port) }, () => socket.end(Buffer.concat([header, payload])));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('sender timeout')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).subarray(13).toString('utf8')));
    socket.on('error', reject);
  });
}

/** A JSON-RPC session on the real Zabbix (Admin/zabbix, the frontend's default). */
export async function zabbixSession() {
  const rpcUrl = `${ZABBIX_URL}/api_jsonrpc.php`;
  let session = '';
  const rpc = async <T>(method: string, params: unknown, withAuth = true): Promise<T> => {
    const answer = await got
      .post(rpcUrl, {
        json: { jsonrpc: '2.0', method, params, id: 1, ...(withAuth ? { auth: session } : {}) },
        headers: { 'content-type': 'application/json-rpc' },
      })
      .json<{ result?: T; error?: { data: string } }>();
    if (answer.error) throw new Error(`${method}: ${answer.error.data}`);
    return answer.result as T;
  };
  session = await rpc<string>('user.login', { username: 'Admin', password: 'zabbix' }, false);
  const problemsOfTrigger = async (triggerId: string) =>
    rpc<{ eventid: string; acknowledged: string }[]>('problem.get', { objectids: [triggerId], output: ['eventid', 'acknowledged'] });

  /**
   * A fresh "HTTP down on web01" problem: host web01 (tag ci_id=CI0001, agent interface with DNS), a
   * trapper item and a trigger on it, seeded once; then recover (1) and fail (0) through the trapper.
   */
  async function freshProblem(): Promise<{ eventId: string; triggerId: string }> {
    let [host] = await rpc<{ hostid: string }[]>('host.get', { filter: { host: ['web01'] }, output: ['hostid'] });
    if (!host) {
      const hostid = (
        await rpc<{ hostids: string[] }>('host.create', {
          host: 'web01',
          groups: [{ groupid: '2' }],
          interfaces: [{ type: 1, main: 1, useip: 1, ip: '127.0.0.1', dns: 'web01.example.test', port: '10050' }],
          tags: [{ tag: 'ci_id', value: 'CI0001' }],
        })
      ).hostids[0]!;
      await rpc('item.create', { name: 'HTTP status', key_: 'http.status', hostid, type: 2, value_type: 3 });
      await rpc('trigger.create', {
        description: 'HTTP down on {HOST.NAME}',
        expression: 'last(/web01/http.status)=0',
        priority: 4,
        manual_close: 1,
      });
      execFileSync('zabbix_server', ['-c', `${WORK}/zabbix/zabbix_server.conf`, '-R', 'config_cache_reload']);
      host = { hostid };
    }
    const [trigger] = await rpc<{ triggerid: string }[]>('trigger.get', { hostids: [host.hostid], output: ['triggerid'] });
    const triggerId = trigger!.triggerid;
    // The server takes the item once its configuration cache has it: poll until it accepts.
    await until('the trapper to accept a recovery', async () => (await zabbixSend('web01', 'http.status', '1')).includes('processed: 1'));
    await until('the problem to resolve', async () => (await problemsOfTrigger(triggerId)).length === 0);
    await until('the trapper to accept a failure', async () => (await zabbixSend('web01', 'http.status', '0')).includes('processed: 1'));
    const eventId = (await until('a problem', async () => (await problemsOfTrigger(triggerId))[0]))!.eventid;
    return { eventId, triggerId };
  }

  return { rpc, problemsOfTrigger, freshProblem };
}
