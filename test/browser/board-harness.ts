import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { startServicegraph, type Running } from '../../app/start-gateway.js';
import { BOARD_DIR } from '../../gateway/static.js';
import { silentLogger } from '../../kernel/log.js';
import { writeDemoConfig } from '../demo-config.js';
import { ROOT } from '../harness.js';

/**
 * The service board against a real gateway: the demo config (demo mode, the demo estate and policy)
 * on 127.0.0.1 port 0 with a throwaway data directory, and Debian's Chromium driven by
 * playwright-core. Every GraphQL answer the page receives is kept, so a test can say the page was
 * never denied anything.
 */
export const SCREENSHOTS = join(ROOT, 'test/browser/screenshots');

/** Flags for a machine with no network but loopback (see the env notes on Chromium). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Board {
  running: Running;
  base: string;
  browser: Browser;
  auditFile: string;
  /** A demo token as the page gets it (POST /board/demo-token). */
  demoToken(role: string): Promise<string>;
  gql(token: string, query: string): Promise<{ data?: any; errors?: any[] }>;
  close(): Promise<void>;
}

export interface BoardPage {
  page: Page;
  /** The errors of every GraphQL answer the page received so far. */
  graphqlErrors: { message: string; extensions?: { code?: string } }[];
}

export async function startBoard(options: { connectors?: string; extra?: string } = {}): Promise<Board> {
  if (!existsSync(join(BOARD_DIR, 'index.html')))
    throw new Error(`the board is not built in ${BOARD_DIR}: npm run build (scripts/test-browser.sh does)`);
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-board-'));
  const configFile = writeDemoConfig(dir, {
    extra: `evaluatorIntervalMs: 5000\n${options.extra ?? 'demo: true'}`,
    ...(options.connectors ? { connectors: options.connectors } : {}),
  });
  const running = await startServicegraph({ configFile, log: silentLogger });
  const base = running.url.replace(/graphql$/, '');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    running,
    base,
    browser,
    auditFile: join(dir, 'audit.log'),
    async demoToken(role) {
      const res = await fetch(`${base}board/demo-token`, { method: 'POST', body: JSON.stringify({ role }) });
      return ((await res.json()) as { token: string }).token;
    },
    async gql(token, query) {
      const res = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: any; errors?: any[] };
    },
    async close() {
      await browser.close();
      await running.close(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser context (its own sessionStorage) at the board, of the given size. */
export async function openBoard(board: Board, viewport = { width: 1280, height: 900 }): Promise<BoardPage> {
  const context = await board.browser.newContext({ viewport, bypassCSP: false });
  const page = await context.newPage();
  const graphqlErrors: BoardPage['graphqlErrors'] = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
    const body = (await response.json().catch(() => null)) as { errors?: BoardPage['graphqlErrors'] } | null;
    graphqlErrors.push(...(body?.errors ?? []));
  });
  page.on('pageerror', (error) => graphqlErrors.push({ message: `page error: ${error.message}` }));
  await page.goto(board.base);
  return { page, graphqlErrors };
}

/** Signs in with the demo's role picker and waits for the role's home view. */
export async function signInAs(page: Page, role: string): Promise<void> {
  await page.getByRole('button', { name: `Sign in as ${role}` }).click();
  await page.locator('header.top').waitFor();
}

/** Opens a view by its address and waits until its data has arrived. */
export async function openView(page: Page, path: string): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/${path}`);
  await settle(page);
}

/** Waits until no view is loading any more. */
export async function settle(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A and AA rules over the page as it is now (labels, contrast, landmarks, names
 * of buttons and links). The page's CSP refuses inline scripts, so axe goes in through the devtools
 * protocol's evaluate, which a CSP does not govern.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
  });
  return violations;
}

/** Every CI name and id the demo's CMDB knows: what an executive's page must never show. */
export function demoCiNames(): string[] {
  const cmdb = parseYaml(readFileSync(join(ROOT, 'estate/demo/cmdb.yaml'), 'utf8')) as { cis: { id: string; name?: string }[] };
  return [...new Set(cmdb.cis.flatMap((ci) => [ci.id, ci.name ?? ci.id]))];
}
