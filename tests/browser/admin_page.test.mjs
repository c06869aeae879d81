// The web admin page (SPEC §7) in Debian's headless Chromium, driven by playwright-core (the
// driver only: no browser download), against the real smppgwd with smppgw-sim as the carrier
// delivering two MO texts. Goes through every view of the page — token prompt, Inbox, row
// Menu, Chat with the emoji picker and the remaining count, Message this profile, Opt out
// profile with its confirmation, Manual Opt-Out with a file and with pasted numbers — and
// checks each action in the API afterwards. One screenshot per view in SCREENSHOT_DIR.
// Run: node --test admin_page.test.mjs
// Env: SMPPGWD, SMPPGW_SIM (binaries), CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR
// (default: browser-screenshots in the working directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startDaemon, waitFor } from '../integration/admin/daemon_process.mjs';

const SMPPGWD = process.env.SMPPGWD;
const SIM = process.env.SMPPGW_SIM;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = resolve(process.env.SCREENSHOT_DIR || 'browser-screenshots');

const VIEWER_TOKEN = 'carol-viewer-token-for-the-browser-test';

test('the admin page: every view against the real daemon', { timeout: 150000, skip: !SMPPGWD || !SIM }, async (t) => {
  const daemon = await startDaemon({
    smppgwd: SMPPGWD, sim: SIM, prefix: 'smppgw-browser-', maxUpload: '16MiB',
    mo: ['+14155552671>12345:Hello, is the clinic open on Saturday?', '+14155552672>12345:SPRING'],
    campaigns: [{ id: 'spring-promo', name: 'Spring Promo', short_code: '12345', keywords: ['SPRING'], default: true }],
    users: [{ name: 'carol', role: 'viewer', token: VIEWER_TOKEN }],
  });
  t.after(daemon.stop);
  const { base, token } = daemon;
  const api = async (path) => {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${path}`);
    return (res.headers.get('Content-Type') || '').includes('json') ? res.json() : res.text();
  };
  // Both MO texts are in the Inbox before the page opens.
  await waitFor(async () => (await api('/v1/inbox')).messages.length === 2, 'two Inbox rows');

  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const text = (selector) => page.locator(selector).textContent();
  // Waits until what `read` gets from the element (its text by default) satisfies `ok`; the
  // error names the last thing it got.
  const until = async (selector, ok, what, read = (l) => l.textContent()) => {
    let seen;
    try {
      await waitFor(async () => ok(seen = await read(page.locator(selector))), what);
    } catch (e) {
      throw new Error(`${e.message}; ${selector} had ${JSON.stringify(seen)}`);
    }
    return seen;
  };
  const menu = async (row, item) => {
    await page.locator('#inbox-rows tr').nth(row).getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };

  // Token prompt.
  await page.goto(`${base}/`);
  await page.locator('#token-dialog[open]').waitFor();
  await shot('01-token');
  await page.locator('#token-input').fill(token);
  await page.locator('#token-form button[type=submit]').click();

  // Inbox: newest first, with campaign names and kinds.
  await until('#inbox-rows', async () => (await page.locator('#inbox-rows tr').count()) === 2, 'two Inbox rows', () => null);
  const rows = await page.locator('#inbox-rows tr').evaluateAll((trs) =>
    trs.map((r) => [...r.cells].slice(1, 5).map((c) => c.textContent)));
  assert.deepEqual(rows, [
    ['+14155552672', 'Spring Promo', 'SPRING', 'keyword'],
    ['+14155552671', 'Spring Promo', 'Hello, is the clinic open on Saturday?', 'message'],
  ]);
  assert.deepEqual(await page.locator('#filter-campaign option').allTextContents(), ['All campaigns', 'Spring Promo (12345)']);
  await shot('02-inbox');

  // Row Menu.
  await page.locator('#inbox-rows tr').nth(1).getByRole('button', { name: 'Menu' }).click();
  assert.deepEqual(await page.getByRole('menuitem').allTextContents(), ['Start chat', 'Message this profile', 'Opt out profile']);
  await shot('03-row-menu');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.row-menu').count(), 0);

  // Chat: the thread, the server's remaining count, ENTER sends to the carrier.
  await menu(1, 'Start chat');
  await page.locator('#chat:not([hidden])').waitFor();
  assert.equal(await text('#chat-phone'), '+14155552671');
  assert.equal(await text('#chat-campaign'), 'Spring Promo');
  await until('#chat-thread li.in', (s) => s?.startsWith('Hello, is the clinic open on Saturday?'), 'the MO in the thread');
  await page.locator('#chat-text').fill('Yes, 9 to 1 :smile:');
  // ":smile:" is one emoji: 14 UCS-2 units of 70.
  await until('#chat-remaining', (s) => s === '56 characters remaining · Unicode', 'remaining count');
  await shot('04-chat');
  await page.locator('#chat-text').press('Enter');
  await until('#chat-thread li.out', (s) => s?.startsWith('Yes, 9 to 1 \u{1F604}'), 'the sent text in the thread');
  assert.equal(await page.locator('#chat-text').inputValue(), '');
  // The API has it as a chat message to that phone, and the carrier took it.
  await waitFor(async () => {
    const c = await api('/v1/conversations/%2B14155552671?campaign=spring-promo');
    const out = c.messages.find((m) => m.direction === 'out' && m.text === 'Yes, 9 to 1 \u{1F604}');
    return out && ['submitted', 'delivered'].includes(out.status);
  }, 'the chat message submitted to the carrier');

  // Emoji picker: search narrows the grid, a click inserts and the count follows.
  await page.locator('#emoji-toggle').click();
  const all = await until('#emoji-grid', (n) => n > 10, 'emoji grid', (l) => l.locator('button').count());
  await page.locator('#emoji-search').fill('smile');
  await until('#emoji-grid', (n) => n > 0 && n < all, 'a narrower grid', (l) => l.locator('button').count());
  const emoji = await page.locator('#emoji-grid button').first().textContent();
  await shot('05-emoji-picker');
  await page.locator('#emoji-grid button').first().click();
  assert.equal(await page.locator('#chat-text').inputValue(), emoji);
  await until('#chat-remaining', (s) => s === `${70 - emoji.length} characters remaining · Unicode`, 'remaining after the emoji');
  await page.locator('#chat-close').click();
  assert.equal(await page.locator('#chat').isHidden(), true);

  // Message this profile: a reply to the SPRING row.
  await menu(0, 'Message this profile');
  await page.locator('#reply-dialog[open]').waitFor();
  assert.equal(await text('#reply-to'), 'To +14155552672 · Spring Promo');
  await page.locator('#reply-text').fill('See you Saturday');
  await until('#reply-remaining', (s) => s === '144 characters remaining', 'reply remaining count');
  await shot('06-message-profile');
  await page.locator('#reply-send').click();
  const queued = await until('#notice', (s) => /^Reply queued to \+14155552672 \(message \d+, 1 part\)\.$/.test(s), 'reply notice');
  assert.equal(await page.locator('#reply-dialog').evaluate((d) => d.open), false);
  const reply = await api(`/v1/messages/${queued.match(/message (\d+)/)[1]}`);
  assert.equal(reply.to, '+14155552672');
  assert.equal(reply.from, '12345');
  assert.equal(reply.campaign, 'spring-promo');
  assert.equal(reply.kind, 'reply');
  assert.equal(reply.text, 'See you Saturday');

  // Opt out profile: Cancel changes nothing; OK opts out, as the API and the audit show.
  const optedOut = async (phone) => (await api(`/v1/subscribers/${encodeURIComponent(phone)}`)).subscriptions
    .find((s) => s.campaign === 'spring-promo')?.state === 'opted_out';
  await menu(1, 'Opt out profile');
  await page.locator('#confirm-dialog[open]').waitFor();
  assert.equal(await text('#confirm-text'),
    'Opt +14155552671 out of Spring Promo? They will get no more texts from this campaign.');
  await shot('07-optout-confirm');
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('#confirm-dialog').evaluate((d) => d.open), false);
  assert.equal(await optedOut('+14155552671'), false);
  await menu(1, 'Opt out profile');
  await page.locator('#confirm-ok').click();
  await until('#notice', (s) => s === '+14155552671 is opted out of Spring Promo.', 'opt-out notice');
  assert.equal(await optedOut('+14155552671'), true);
  const audit = (await api('/v1/audit?phone=%2B14155552671')).events;
  assert.ok(audit.some((e) => e.campaign === 'spring-promo' && e.to === 'opted_out' && e.source === 'admin'),
    JSON.stringify(audit));
  await shot('08-optout-done');
  // The chat now says so, and a text to the opted-out number is refused on the page.
  await menu(1, 'Start chat');
  await until('#chat-campaign', (s) => s === 'Spring Promo · opted out', 'opted out in the chat');
  await page.locator('#chat-text').fill('Are you there?');
  await page.locator('#chat-send').click();
  await until('#chat-error:not([hidden])', (s) => s?.length > 0, 'the refusal in the chat');
  await page.locator('#chat-close').click();

  // Manual Opt-Out with a CSV file, for one campaign.
  await page.locator('#manual-optout-open').click();
  await page.locator('#optout-dialog[open]').waitFor();
  assert.deepEqual(await page.locator('#optout-scope option').allTextContents(), ['Acme Health', 'Spring Promo']);
  assert.equal(await page.locator('#optout-phones').inputValue(), 'phone\n');
  await page.locator('#optout-scope').selectOption('spring-promo');
  await page.locator('#optout-file').setInputFiles({ name: 'list.csv', mimeType: 'text/csv',
    buffer: Buffer.from('phone\r\n+14155550111\r\n4155550112\r\n+14155550111\r\nbad\r\n') });
  const counts = () => page.locator('#optout-counts dt').evaluateAll((dts) =>
    Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  await page.locator('#optout-submit').click();
  await page.locator('#optout-result:not([hidden])').waitFor();
  assert.deepEqual(await counts(), { 'Opted out of': 'Spring Promo', Rows: '4', 'Opted out': '2',
    'Already opted out': '0', Duplicates: '1', Rejected: '1' });
  assert.deepEqual(await page.locator('#optout-errors tbody td').allTextContents().then((c) => c.slice(0, 2)), ['5', 'bad']);
  await shot('09-manual-optout-file');
  const byCampaign = await api('/v1/opt-outs.csv?campaign=spring-promo');
  assert.match(byCampaign, /\r\n\+14155550111,spring-promo,/);
  assert.match(byCampaign, /\r\n\+14155550112,spring-promo,/);
  assert.equal((await api('/v1/subscribers/%2B14155550112')).opted_out_all, false);

  // Manual Opt-Out with pasted numbers, for the whole company; the same list again is
  // all already opted out.
  await page.locator('#optout-file').setInputFiles([]);
  await page.locator('#optout-scope').selectOption('all');
  await page.locator('#optout-phones').fill('phone\n4155550100\nnot a number\n(415) 555-0100\n');
  await page.locator('#optout-submit').click();
  await until('#optout-counts', async () => (await counts()).Rows === '3', 'pasted result', () => null);
  assert.deepEqual(await counts(), { 'Opted out of': 'Acme Health', Rows: '3', 'Opted out': '1',
    'Already opted out': '0', Duplicates: '1', Rejected: '1' });
  assert.deepEqual(await page.locator('#optout-errors tbody td').allTextContents().then((c) => c.slice(0, 2)), ['3', 'not a number']);
  await shot('10-manual-optout-pasted');
  assert.equal((await api('/v1/subscribers/%2B14155550100')).opted_out_all, true);
  assert.match(await api('/v1/opt-outs.csv'), /\r\n\+14155550100,all,/);
  await page.locator('#optout-submit').click();
  await until('#optout-counts', async () => (await counts())['Already opted out'] === '1', 'the repeated list', () => null);
  assert.equal((await counts())['Opted out'], '0');
  await page.locator('#optout-close').click();
  assert.equal(await page.locator('#optout-dialog').evaluate((d) => d.open), false);

  // Signed in as the token file's admin: everything shown.
  assert.equal(await text('#signed-in'), 'Signed in as admin (admin)');

  // A viewer: signed in by name, no Manual Opt-Out, a row Menu that only views the chat,
  // and the chat without its composer.
  await page.locator('#token-change').click();
  await page.locator('#token-input').fill(VIEWER_TOKEN);
  await page.locator('#token-form button[type=submit]').click();
  await until('#signed-in', (s) => s === 'Signed in as carol (viewer)', 'the viewer signed in');
  assert.equal(await page.locator('#manual-optout-open').isVisible(), false);
  await page.locator('#inbox-rows tr').nth(0).getByRole('button', { name: 'Menu' }).click();
  assert.deepEqual(await page.getByRole('menuitem').allTextContents(), ['View chat']);
  await page.getByRole('menuitem', { name: 'View chat' }).click();
  await page.locator('#chat').waitFor();
  assert.equal(await page.locator('.chat-compose').isVisible(), false);
  await shot('11-viewer');

  assert.deepEqual(pageErrors, [], 'errors in the page');
});
