// The web admin page (SPEC §7) in headless Chromium against the real smppgwd, with
// smppgw-sim as the carrier delivering two MO texts. Drives the page through the Chrome
// DevTools Protocol (no npm packages): token prompt, Inbox, row Menu, Start chat with the
// remaining count and ENTER to send, Close, Opt out profile with OK, Manual Opt-Out.
// Run: node --experimental-websocket --test admin_page.test.mjs
// Env: SMPPGWD, SMPPGW_SIM (binaries), CHROMIUM (default "chromium"), SCREENSHOT_DIR (optional).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const SMPPGWD = process.env.SMPPGWD;
const SIM = process.env.SMPPGW_SIM;
const CHROMIUM = process.env.CHROMIUM || 'chromium';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

class Cdp {
  constructor(ws) { this.ws = ws; this.id = 0; this.pending = new Map(); this.events = [];
    ws.addEventListener('message', (m) => {
      const msg = JSON.parse(m.data);
      if (msg.id && this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result);
      } else if (msg.method) this.events.push(msg);
    });
  }
  static async connect(url) {
    const ws = new WebSocket(url);
    await new Promise((res, rej) => { ws.addEventListener('open', res); ws.addEventListener('error', rej); });
    return new Cdp(ws);
  }
  send(method, params = {}) {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  async eval(expr) {
    const r = await this.send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
    return r.result.value;
  }
  async click(selector) {
    const box = await this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
      if (!e) return null; e.scrollIntoView(); const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
    assert.ok(box, `no element ${selector}`);
    for (const type of ['mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }
  async type(text) { await this.send('Input.insertText', { text }); }
  async key(key, code, keyCode) {
    for (const type of ['keyDown', 'keyUp']) {
      await this.send('Input.dispatchKeyEvent', { type, key, code, windowsVirtualKeyCode: keyCode, text: type === 'keyDown' && key === 'Enter' ? '\r' : undefined });
    }
  }
}

test('the admin page follows the seed flows', { timeout: 120000, skip: !SMPPGWD || !SIM }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smppgw-browser-'));
  const procs = [];
  t.after(async () => {
    // Stop Chromium, the daemon and the simulator, and wait for them before removing files.
    // Chromium runs in its own process group (detached): its helper processes write to the
    // profile too, so the whole group is signalled, not only the browser process.
    const signal = (p, sig) => {
      try {
        if (p.spawnargs[0] === CHROMIUM) process.kill(-p.pid, sig); else p.kill(sig);
      } catch { /* already gone */ }
    };
    await Promise.all(procs.map((p) => new Promise((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      const timer = setTimeout(() => { signal(p, 'SIGKILL'); }, 5000);
      p.once('exit', () => { clearTimeout(timer); resolve(); });
      signal(p, 'SIGTERM');
    })));
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  const smscPort = await freePort();
  const adminPort = await freePort();
  const sim = spawn(SIM, ['smsc', '--listen', `127.0.0.1:${smscPort}`,
    '--mo', '+14155552671>12345:Hello, is the clinic open on Saturday?',
    '--mo', '+14155552672>12345:SPRING'], { stdio: 'ignore' });
  procs.push(sim);
  writeFileSync(join(dir, 'smppgw.yaml'), `company: Acme Health
default_region: US
state_dir: ${dir}/state
store: { map_size: 256MiB, durability: fsync }
admin: { listen: 127.0.0.1:${adminPort}, token_file: ${dir}/admin.token, max_upload: 16MiB }
smpp:
  links:
    - { name: carrier-a, host: 127.0.0.1, port: ${smscPort}, system_id: acme, password: secret, short_codes: ["12345"], reconnect: { min: 100ms, max: 1s } }
campaigns:
  - id: spring-promo
    name: Spring Promo
    short_code: "12345"
    keywords: [SPRING]
    default: true
    replies: { join: "Joined", help: "Help", stop: "Stopped", resubscribe: "Back" }
`);
  const daemon = spawn(SMPPGWD, ['--config', join(dir, 'smppgw.yaml')], { stdio: 'ignore' });
  procs.push(daemon);
  const base = `http://127.0.0.1:${adminPort}`;
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'smppgwd');
  const token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
  // Both MO texts are in the Inbox before the page opens.
  await waitFor(async () => {
    const r = await fetch(`${base}/v1/inbox`, { headers: { Authorization: `Bearer ${token}` } });
    return (await r.json()).messages.length === 2;
  }, 'two Inbox rows');

  const cdpPort = await freePort();
  const chrome = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', '--disable-gpu', `--remote-debugging-port=${cdpPort}`,
    `--user-data-dir=${dir}/chrome`, '--window-size=1400,900', `${base}/`], { stdio: 'ignore', detached: true });
  procs.push(chrome);
  const target = await waitFor(async () => {
    const list = await (await fetch(`http://127.0.0.1:${cdpPort}/json/list`)).json();
    return list.find((x) => x.type === 'page' && x.url.startsWith(base));
  }, 'the page in Chromium');
  const page = await Cdp.connect(target.webSocketDebuggerUrl);
  await page.send('Runtime.enable');
  await page.send('Page.enable');

  // Token prompt.
  await waitFor(() => page.eval(`document.getElementById('token-dialog').open`), 'token prompt');
  await page.click('#token-input');
  await page.type(token);
  await page.click('#token-form button[type=submit]');

  // Inbox table: newest first, with campaign names and kinds.
  await waitFor(() => page.eval(`document.querySelectorAll('#inbox-rows tr').length === 2`), 'Inbox rows');
  const rows = await page.eval(`[...document.querySelectorAll('#inbox-rows tr')].map(r => [...r.cells].slice(0, 5).map(c => c.textContent))`);
  assert.equal(rows[0][1], '+14155552672');
  assert.equal(rows[0][4], 'keyword');
  assert.equal(rows[1][2], 'Spring Promo');
  assert.equal(rows[1][3], 'Hello, is the clinic open on Saturday?');
  assert.equal(rows[1][4], 'message');
  assert.equal(await page.eval(`document.getElementById('optout-scope').options[0].textContent`), 'Acme Health');

  // Menu → Start chat; the remaining count comes from the server; ENTER sends.
  await page.click('#inbox-rows tr:nth-child(2) .menu-toggle');
  const items = await page.eval(`[...document.querySelectorAll('.row-menu button')].map(b => b.textContent)`);
  assert.deepEqual(items, ['Start chat', 'Message this profile', 'Opt out profile']);
  await page.click('.row-menu li:nth-child(1) button');
  await waitFor(() => page.eval(`!document.getElementById('chat').hidden`), 'chat panel');
  assert.equal(await page.eval(`document.getElementById('chat-phone').textContent`), '+14155552671');
  await waitFor(() => page.eval(`document.querySelectorAll('#chat-thread li.in').length === 1`), 'thread');
  await page.click('#chat-text');
  await page.type('Yes, 9 to 1 :smile:');
  await waitFor(() => page.eval(`document.getElementById('chat-remaining').textContent.startsWith('56 characters remaining')`),
    'remaining count (70 - 14 UCS-2 units)');
  await page.key('Enter', 'Enter', 13);
  await waitFor(() => page.eval(`[...document.querySelectorAll('#chat-thread li.out')].some(li => li.textContent.startsWith('Yes, 9 to 1 \u{1F604}'))`),
    'sent message in the thread');
  assert.equal(await page.eval(`document.getElementById('chat-text').value`), '');
  // The emoji picker inserts into the text box.
  await page.click('#emoji-toggle');
  await waitFor(() => page.eval(`document.querySelectorAll('#emoji-grid button').length > 10`), 'emoji grid');
  await page.click('#emoji-grid button');
  assert.ok((await page.eval(`document.getElementById('chat-text').value`)).length > 0);
  if (process.env.SCREENSHOT_DIR) {
    const shot = await page.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(process.env.SCREENSHOT_DIR, 'admin-chat.png'), Buffer.from(shot.data, 'base64'));
  }
  await page.click('#chat-close');
  assert.equal(await page.eval(`document.getElementById('chat').hidden`), true);

  // Menu → Opt out profile → OK.
  await page.click('#inbox-rows tr:nth-child(2) .menu-toggle');
  await page.click('.row-menu li:nth-child(3) button');
  await waitFor(() => page.eval(`document.getElementById('confirm-dialog').open`), 'confirmation');
  await page.click('#confirm-ok');
  await waitFor(() => page.eval(`document.getElementById('notice').textContent.includes('is opted out of Spring Promo')`), 'opt-out notice');
  const sub = await (await fetch(`${base}/v1/subscribers/+14155552671`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.equal(sub.subscriptions.find((s) => s.campaign === 'spring-promo').state, 'opted_out');

  // Manual Opt-Out with pasted numbers under the pre-filled header.
  await page.click('#manual-optout-open');
  assert.equal(await page.eval(`document.getElementById('optout-phones').value`), 'phone\n');
  await page.eval(`document.getElementById('optout-phones').value += '4155550100\\nnot a number\\n(415) 555-0100\\n'`);
  await page.click('#optout-submit');
  await waitFor(() => page.eval(`!document.getElementById('optout-result').hidden`), 'opt-out result');
  const counts = await page.eval(`Object.fromEntries([...document.querySelectorAll('#optout-counts dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent]))`);
  assert.equal(counts['Opted out of'], 'Acme Health');
  assert.equal(counts['Rows'], '3');
  assert.equal(counts['Opted out'], '1');
  assert.equal(counts['Duplicates'], '1');
  assert.equal(counts['Rejected'], '1');
  const rejected = await page.eval(`[...document.querySelectorAll('#optout-errors tbody td')].map(td => td.textContent)`);
  assert.equal(rejected[0], '3');
  assert.equal(rejected[1], 'not a number');
  if (process.env.SCREENSHOT_DIR) {
    const shot = await page.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(process.env.SCREENSHOT_DIR, 'admin-optout.png'), Buffer.from(shot.data, 'base64'));
  }
  page.ws.close();
});
