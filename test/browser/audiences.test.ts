import { readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  type Board,
  type BoardPage,
  demoCiNames,
  openBoard,
  openView,
  screenshot,
  settle,
  signInAs,
  startBoard,
} from './board-harness.js';

/**
 * Each audience on the demo, in Chromium: what its page must show and what it must not, the actions
 * it takes acting in the tool, every view free of axe-core violations, and a screenshot of each
 * (test/browser/screenshots/). The page asks only for what the viewer may read: no answer it gets
 * carries a FORBIDDEN, and the audit log records no denial.
 */
let board: Board;
const pages: BoardPage[] = [];

beforeAll(async () => {
  board = await startBoard();
});
afterAll(async () => {
  await board?.close();
});

async function session(role: string, viewport?: { width: number; height: number }): Promise<BoardPage> {
  const opened = await openBoard(board, viewport);
  pages.push(opened);
  await signInAs(opened.page, role);
  await settle(opened.page);
  return opened;
}

const mainText = (p: BoardPage) => p.page.locator('main').innerText();
/** The row of a table that the given name heads. */
const row = (table: Locator, name: string) =>
  table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });

async function expectAccessible(p: BoardPage, view: string) {
  expect(await accessibilityViolations(p.page), `axe-core on ${view}`).toEqual([]);
}

describe('the service board', () => {
  it('in demo mode offers a role picker, and says it is the demo', async () => {
    const { page } = await openBoard(board);
    await page.getByRole('heading', { name: 'Sign in to the service board' }).waitFor();
    for (const role of ['executive', 'end-user', 'service-owner', 'helpdesk', 'operator', 'admin'])
      expect(await page.getByRole('button', { name: `Sign in as ${role}` }).count()).toBe(1);
    expect(await page.getByLabel('Token', { exact: true }).count()).toBe(1);
    await screenshot(page, 'sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    await signInAs(page, 'executive');
    expect(await page.locator('.badge').innerText()).toBe('demo');
  });

  it('shows the executive business impact with a live countdown, and names no CI anywhere', async () => {
    const exec = await session('executive');
    const { page } = exec;
    expect(await page.locator('main h1').innerText()).toBe('Business impact');
    const risk = page.locator('.risks li', { hasText: 'Payroll' });
    const first = await risk.locator('[role="timer"]').innerText();
    expect(first).toMatch(/^SLA breaks in \d+ min \d\d s$/);
    // Live: the countdown moves without a reload.
    await page.waitForFunction((before) => document.querySelector('.risks [role="timer"]')?.textContent !== before, first);
    expect(await mainText(exec)).toContain('today is payday');
    expect(await mainText(exec)).toMatch(/downtime cost this month, \d+\.\d\d % available/);
    // Payroll is down: what it has cost so far (20,000/h for about 12 minutes); the degraded Web Shop has no such line.
    const payroll = page.locator('.cards li', { hasText: 'Payroll' });
    expect(await payroll.locator('.downtime-cost').innerText()).toMatch(/^Downtime cost so far: about 4,\d{3} \(1[2-4] min \d\d s down\)$/);
    expect(await page.locator('.cards li', { hasText: 'Web Shop' }).locator('.downtime-cost').count()).toBe(0);
    await screenshot(page, 'business-impact');
    await expectAccessible(exec, 'business impact');

    const texts = [await page.locator('body').innerText()];
    for (const view of ['service/payroll', 'service/email', 'my', 'costs', 'catalog']) {
      await openView(page, view);
      texts.push(await page.locator('body').innerText());
      if (view === 'service/payroll') await screenshot(page, 'service-executive');
    }
    const names = demoCiNames();
    for (const text of texts) {
      const named = names.filter((name) => new RegExp(`(^|[^\\w-])${name}([^\\w-]|$)`).test(text));
      expect(named, 'CI names on the executive page').toEqual([]);
    }
    // No view of components for a business drill level, and no request without the action.
    expect(await page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'What if' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Request / }).count()).toBe(0);
    // Opened by its address all the same, a view above the drill level says so, and asks nothing.
    await openView(page, 'whatif');
    expect(await page.locator('main h1').innerText()).toBe('What if');
    expect(await mainText(exec)).toContain('This view needs the component drill level; yours is business.');
  });

  it('shows the executive the showback totals and this month’s downtime cost, as the API gives them', async () => {
    const exec = await session('executive');
    const { page } = exec;
    const token = await board.demoToken('executive');
    const ask = async () =>
      (await board.gql(token, '{ showback { total services { service { name } totalCost } } downtimeCost { total { total } } }')).data;
    // Downtime cost grows while payroll is down: what the page shows lies between what the API said
    // before the page asked and after.
    const before = await ask();
    await openView(page, 'costs');
    const shown = Number((await page.locator('.tile', { hasText: 'downtime cost' }).locator('.tile-value').innerText()).replace(/,/g, ''));
    const data = await ask();
    expect(before.downtimeCost.total.total).toBeGreaterThan(0);
    expect(shown).toBeGreaterThanOrEqual(Math.floor(before.downtimeCost.total.total));
    expect(shown).toBeLessThanOrEqual(Math.ceil(data.downtimeCost.total.total));
    const money = (value: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value);
    expect(await page.locator('.showback-total').innerText()).toBe(`All services together: ${money(data.showback.total)} per month.`);
    const byService = page.getByRole('table', { name: 'Running cost by service' });
    for (const s of data.showback.services) expect(await row(byService, s.service.name).innerText()).toContain(money(s.totalCost));
    expect(await page.getByRole('table', { name: 'Running cost by consumer group' }).getByRole('row').count()).toBeGreaterThan(2);
    await screenshot(page, 'costs');
    await expectAccessible(exec, 'costs');
  });

  it('lets the end user request an offering from the catalogue: one request, also after a second click', async () => {
    const user = await session('end-user');
    const { page } = user;
    await openView(page, 'catalog');
    const mailbox = page.locator('.offering', { hasText: 'Shared mailbox' });
    await mailbox.getByLabel('Note for', { exact: false }).fill('team-finance@, for the finance team');
    const request = mailbox.getByRole('button', { name: 'Request Shared mailbox' });
    await request.dblclick();
    // The builtin help desk's request records are numbered REQ… (a request, not an incident).
    const outcome = mailbox.locator('.outcome', { hasText: /REQ\d+/ });
    await outcome.waitFor();
    const number = /REQ\d+/.exec(await outcome.innerText())?.[0];
    expect(number).toBeTruthy();
    await screenshot(page, 'catalogue');
    await expectAccessible(user, 'catalogue');
    // Once more: the same request, so the same number.
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('RequestOffering'),
    );
    await request.click();
    await answered;
    await page.waitForFunction(() => !document.querySelector('.offering button[disabled]'));
    expect(await outcome.innerText()).toBe(`We opened ${number} for Shared mailbox.`);
    const { data } = await board.gql(
      await board.demoToken('helpdesk'),
      '{ incidents(filter: { serviceIds: ["email"] }) { number title } }',
    );
    // A request is not an incident: the help desk's incident list does not show it.
    expect(data.incidents.filter((i: { title: string }) => i.title === 'Request: Shared mailbox')).toEqual([]);
  });

  it('runs the operator’s what-if of san-storage01 beside now: payroll impacted, nothing recorded', async () => {
    const ops = await session('operator');
    const { page } = ops;
    await openView(page, 'whatif');
    await page.getByLabel('Component or service 1').selectOption('san-storage01');
    await page.getByRole('button', { name: 'Show what would happen' }).click();
    const table = page.getByRole('table', { name: 'Impacted services' });
    await table.waitFor();
    const payroll = await row(table, 'Payroll').innerText();
    expect(payroll).toMatch(/CRITICAL/);
    expect(await page.locator('#what-if-result').locator('..').innerText()).toMatch(/revenue at risk/);
    await screenshot(page, 'what-if');
    await expectAccessible(ops, 'what if');
    // Nothing recorded: san-storage01 is as it was.
    const { data } = await board.gql(await board.demoToken('operator'), '{ configurationItem(id: "san-storage01") { status } }');
    expect(data.configurationItem.status).toBe('OK');
  });

  it('shows the end user only the services their groups use, in plain words, and reports a problem', async () => {
    const user = await session('end-user');
    const { page } = user;
    expect(await page.locator('main h1').innerText()).toBe('My services');
    const services = await page.locator('.my-service h2 a').allInnerTexts();
    expect(services.sort()).toEqual(['Email', 'Identity (SSO and directory)', 'Payroll', 'Virtual Desktops']);
    const text = await mainText(user);
    for (const other of ['Trading', 'Web Shop', 'Core Network']) expect(text).not.toContain(other);
    expect(text).toMatch(/Payroll: down since \d\d:\d\d, we are working on it, incident INC0010001\./);
    await screenshot(page, 'my-services');
    await expectAccessible(user, 'my services');

    const email = page.locator('.my-service', { hasText: 'Email' });
    await email.getByRole('button', { name: 'Report a problem with Email' }).click();
    await email.getByLabel('What does not work with Email?').fill('Outlook says disconnected');
    await email.getByRole('button', { name: 'Send the report' }).click();
    await email.locator('.outcome', { hasText: 'ticket INC' }).waitFor();
    const number = /ticket (INC\d+)/.exec(await email.locator('.outcome').innerText())?.[1];
    // The ticket is in the help desk.
    const helpdesk = await board.demoToken('helpdesk');
    const { data } = await board.gql(helpdesk, `{ incidents(filter: { serviceIds: ["email"] }) { number description } }`);
    expect(data.incidents).toContainEqual({ number, description: expect.stringContaining('Outlook says disconnected') });
  });

  it('ranks the operator’s outages with why and time to breach, and acknowledges in the tool', async () => {
    const ops = await session('operator');
    const { page } = ops;
    expect(await page.locator('main h1').innerText()).toBe('Operations');
    const first = page.locator('.outage').first();
    expect(await first.locator('h2').innerText()).toMatch(/^#1 server123 CRITICAL/);
    expect(await first.locator('.why').innerText()).toMatch(
      /^server123 takes down Payroll \(CRITICAL, payday ×3, .*SLA breaks in \d+ minutes\)$/,
    );
    expect(await first.locator('[role="timer"]').innerText()).toMatch(/^SLA breaks in \d+ min \d\d s$/);
    await screenshot(page, 'operations');
    await expectAccessible(ops, 'operations');

    const alert = first.locator('.alert', { hasText: 'Host down' });
    await alert.getByLabel('Comment').fill('rebooting server123');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await first.locator('.acknowledged', { hasText: 'Acknowledged by demo-operator' }).waitFor();
    // The acknowledgement is in the tool that raised the alert, with who and why.
    const { data } = await board.gql(await board.demoToken('operator'), '{ alert(id: "builtin:a1") { acknowledged acknowledgedBy } }');
    expect(data.alert).toEqual({ acknowledged: true, acknowledgedBy: 'demo-operator' });
    expect(readFileSync(board.auditFile, 'utf8')).toContain('acknowledgeAlert');

    await openView(page, 'service/payroll');
    const text = await mainText(ops);
    expect(text).toContain('Payroll → payroll-app → server123');
    expect(text).toContain('worst: payroll-app CRITICAL, payroll-batch CRITICAL');
    expect(await page.locator('.tree li').count()).toBeGreaterThan(10);
    expect(await page.locator('.gauge svg').getAttribute('aria-label')).toMatch(/of error budget left/);
    expect(await page.locator('.transitions li').first().innerText()).toMatch(/first seen → CRITICAL/);
    await screenshot(page, 'service-detail');
    await expectAccessible(ops, 'service detail');
  });

  it('takes the help desk from a ticket to its service, root cause and article, and links the article', async () => {
    const desk = await session('helpdesk');
    const { page } = desk;
    expect(await page.locator('main h1').innerText()).toBe('Tickets');
    await page.getByRole('link', { name: /INC0010001/ }).click();
    await settle(page);
    const text = await mainText(desk);
    expect(text).toContain('Payroll → payroll-app → server123');
    expect(text).toContain('Restarting server123 payroll batch');
    await page.getByRole('button', { name: 'Link “Restarting server123 payroll batch” to this ticket' }).click();
    await page.locator('.acknowledged', { hasText: 'Linked to this ticket' }).first().waitFor();
    const { data } = await board.gql(await board.demoToken('helpdesk'), '{ incident(id: "desk:INC0010001") { linkedArticles { title } } }');
    expect(data.incident.linkedArticles).toContainEqual({ title: 'Restarting server123 payroll batch' });
    await screenshot(page, 'ticket');
    await expectAccessible(desk, 'ticket');
  });

  it('works on a phone: one column, nothing wider than the screen', async () => {
    for (const [role, name, more] of [
      ['operator', 'phone-operations', ['whatif', 'costs']],
      ['end-user', 'phone-my-services', ['catalog']],
    ] as const) {
      const phone = await session(role, { width: 390, height: 844 });
      const { page } = phone;
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow(), `${role} on a 390 px screen`).toBeLessThanOrEqual(0);
      await screenshot(page, name);
      await expectAccessible(phone, name);
      for (const view of more) {
        await openView(page, view);
        expect(await overflow(), `${view} for ${role} on a 390 px screen`).toBeLessThanOrEqual(0);
      }
    }
  });

  it('is used by keyboard: a skip button, and every view opens from the navigation', async () => {
    const { page } = await session('operator');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    for (const view of ['My services', 'Business impact', 'Costs', 'Catalogue', 'Tickets', 'Operations', 'What if']) {
      await page.getByRole('link', { name: view }).focus();
      await page.keyboard.press('Enter');
      await settle(page);
      expect(await page.locator('main h1').innerText()).toBe(view);
      // The new view's heading takes the focus, as a page load would.
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    }
  });

  it('updates without a reload: an outage acknowledged elsewhere leaves the ranking within the refresh interval', async () => {
    const { page } = await session('operator');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const outage = page.locator('.outage', { hasText: 'webshop-db' });
    await outage.waitFor();
    const { data } = await board.gql(
      await board.demoToken('operator'),
      'mutation { acknowledgeAlert(id: "builtin:a3", comment: "cleaning WAL") { acknowledged } }',
    );
    expect(data.acknowledgeAlert).toEqual({ acknowledged: true });
    // The page asks again every evaluatorIntervalMs (5 s here), well within this wait; a fully
    // acknowledged CI is no longer an outage.
    await outage.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.locator('.outage', { hasText: 'server123' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('never asked for anything the viewer may not read', () => {
    const denied = pages.flatMap((p) => p.graphqlErrors);
    expect(denied).toEqual([]);
    const audit = readFileSync(board.auditFile, 'utf8').split('\n').filter(Boolean);
    expect(audit.filter((line) => line.includes('"denied"'))).toEqual([]);
  });
});
