#!/usr/bin/env node
// The core flows of smppgwd against a third-party SMPP implementation: node-smpp (npm
// `smpp` 0.5.1, installed in tests/interop/node_modules) plays the carrier SMSC.
//   node daemon_interop.js <smppgwd binary>
// Flows: bind parameters; MO keyword → join reply as submit_sm; a delivery receipt (hex id
// in submit_sm_resp, decimal id in the receipt TLV and text) makes the MT delivered; a long
// MT arrives as numbered UDH parts; STOP → one confirmation then nothing; SIGTERM → unbind,
// exit 0. Exit status 1 on the first failed check.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const modules = path.resolve(__dirname, '../../interop/node_modules');
let smpp;
try {
  smpp = require(path.join(modules, 'smpp'));
} catch (e) {
  console.error(`node-smpp is not installed in ${modules}: run tools/dev setup. ${e.message}`);
  process.exit(1);
}

const daemonBin = process.argv[2];
if (!daemonBin) {
  console.error('usage: node daemon_interop.js <smppgwd>');
  process.exit(2);
}

const PHONE = '+14155550123';
const JOIN = 'Acme: you joined Spring Promo. Reply HELP for help, STOP to cancel.';
const STOP = 'Acme: you are unsubscribed and will get no more messages. Reply OOPS to resubscribe.';
const LONG = 'Acme Long Reads: thank you for joining. '.repeat(9).trim();

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, pred, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// ---- the carrier: node-smpp server ---------------------------------------------------------

const carrier = {
  binds: [], submits: [], unbinds: 0, session: null, nextId: 0xA0000000,
};

function startCarrier(port) {
  const server = smpp.createServer((session) => {
    session.on('bind_transceiver', (pdu) => {
      carrier.binds.push(pdu);
      session.send(pdu.response());
      carrier.session = session;
    });
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      carrier.unbinds += 1;
      session.send(pdu.response());
    });
    session.on('submit_sm', (pdu) => {
      const id = (carrier.nextId++).toString(16).toUpperCase();
      carrier.submits.push({ pdu, id });
      session.send(pdu.response({ message_id: id }));
    });
    session.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function deliver(fields) {
  return new Promise((resolve) => carrier.session.deliver_sm(fields, (resp) => resolve(resp)));
}

function textOf(submit) {
  const m = submit.pdu.short_message;
  return typeof m === 'object' && m.message !== undefined ? m.message : String(m);
}

// ---- the daemon ---------------------------------------------------------------------------

function writeConfig(dir, smppPort, adminPort) {
  const config = `company: Acme Health
default_region: US
state_dir: ${dir}/state
store: { map_size: 64MiB, durability: fsync }
log: { level: info }
admin:
  listen: 127.0.0.1:${adminPort}
  token_file: ${dir}/admin.token
smpp:
  links:
    - name: node-carrier
      host: 127.0.0.1
      port: ${smppPort}
      system_id: acme
      password: secret
      bind: transceiver
      short_codes: ["12345"]
      window: 10
      enquire_link: 30s
      response_timeout: 5s
      reconnect: { min: 200ms, max: 2s }
campaigns:
  - id: spring-promo
    name: Spring Promo
    short_code: "12345"
    keywords: [SPRING]
    default: true
    replies:
      join: "${JOIN}"
      help: "Acme: help at 800-555-0100. Reply STOP to cancel."
      stop: "${STOP}"
      resubscribe: "Acme: you are subscribed again. Reply STOP to cancel."
  - id: long-reads
    name: Long Reads
    short_code: "12345"
    keywords: [LONG]
    replies:
      join: "${LONG}"
      help: "Long Reads help."
      stop: "Long Reads stopped."
      resubscribe: "Long Reads back."
`;
  const file = path.join(dir, 'smppgw.yaml');
  fs.writeFileSync(file, config);
  return file;
}

function api(adminPort, token, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const data = body ? Buffer.from(JSON.stringify(body)) : null;
    const req = http.request({
      host: '127.0.0.1', port: adminPort, method, path: urlPath,
      headers: Object.assign({ Authorization: `Bearer ${token}` },
        data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try { json = JSON.parse(text); } catch (e) { json = text; }
        resolve({ status: res.statusCode, body: json });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smppgwd-interop-'));
  const smppPort = await freePort();
  const adminPort = await freePort();
  const server = await startCarrier(smppPort);
  const configFile = writeConfig(dir, smppPort, adminPort);
  const logFile = path.join(dir, 'smppgwd.log');
  const log = fs.openSync(logFile, 'w');
  const daemon = spawn(daemonBin, ['--config', configFile], { stdio: ['ignore', log, log] });
  let exitCode = null;
  const exited = new Promise((resolve) => daemon.on('exit', (code) => { exitCode = code; resolve(code); }));
  try {
    // Bind parameters.
    await until('bind', () => carrier.binds.length > 0 && carrier.session);
    const bind = carrier.binds[0];
    assert.equal(bind.system_id, 'acme');
    assert.equal(bind.password, 'secret');
    assert.equal(bind.interface_version, 0x34);
    console.log('ok bind_transceiver with system_id, password and interface_version 0x34');

    // MO keyword → ESME_ROK after commit, join reply as submit_sm.
    const resp = await deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: PHONE.slice(1),
      destination_addr: '12345', data_coding: 0, short_message: Buffer.from('SPRING'),
    });
    assert.equal(resp.command_status, 0);
    const join = await until('join reply', () => carrier.submits.find((s) => textOf(s) === JOIN));
    assert.equal(join.pdu.source_addr, '12345');
    assert.equal(join.pdu.destination_addr.replace('+', ''), PHONE.slice(1));
    assert.equal(join.pdu.registered_delivery & 1, 1);
    console.log('ok MO keyword acknowledged ESME_ROK; join reply arrived as submit_sm');

    const token = fs.readFileSync(path.join(dir, 'admin.token'), 'utf8').trim();
    const inbox = await api(adminPort, token, 'GET', `/v1/inbox?phone=%2B${PHONE.slice(1)}`);
    assert.equal(inbox.status, 200);
    assert.equal(inbox.body.messages[0].kind, 'keyword');

    // A receipt with the decimal rendering of the hex id updates the status.
    const created = await api(adminPort, token, 'POST', '/v1/messages',
      { to: PHONE, from: '12345', text: 'Your code is 1234' });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const mt = await until('MT submit', () => carrier.submits.find((s) => textOf(s) === 'Your code is 1234'));
    const decimalId = String(parseInt(mt.id, 16));
    const rr = await deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: PHONE.slice(1),
      destination_addr: '12345', esm_class: 0x04, data_coding: 0,
      short_message: Buffer.from(`id:${decimalId} sub:001 dlvrd:001 submit date:2511241530 ` +
        'done date:2511241531 stat:DELIVRD err:000 text:Your code'),
      receipted_message_id: decimalId, message_state: 2,
    });
    assert.equal(rr.command_status, 0);
    await until('delivered status', async () => {
      const m = await api(adminPort, token, 'GET', `/v1/messages/${created.body.id}`);
      return m.body.status === 'delivered';
    }, 5000);
    const inboxAfter = await api(adminPort, token, 'GET', '/v1/inbox');
    assert.equal(inboxAfter.body.messages.length, 1, 'a receipt became an Inbox row');
    console.log('ok receipt (hex id answered, decimal id reported) made the MT delivered');

    // A long MT arrives as numbered UDH parts.
    const before = carrier.submits.length;
    await deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: '14155550124',
      destination_addr: '12345', data_coding: 0, short_message: Buffer.from('LONG'),
    });
    const parts = await until('three parts', () => {
      const p = carrier.submits.slice(before).filter((s) => s.pdu.destination_addr.endsWith('14155550124'));
      return p.length >= 3 ? p : null;
    });
    const udhs = parts.map((s) => s.pdu.short_message.udh[0]);
    assert.deepEqual(udhs.map((u) => [u[0], u[3], u[4]]), [[0, 3, 1], [0, 3, 2], [0, 3, 3]]);
    assert.equal(new Set(udhs.map((u) => u[2])).size, 1, 'one reference for all parts');
    assert.equal(parts.map(textOf).join(''), LONG);
    console.log('ok long MT arrived as three UDH parts 1/3, 2/3, 3/3 with one reference');

    // STOP → one confirmation, then nothing.
    const mark = carrier.submits.length;
    const stopResp = await deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: PHONE.slice(1),
      destination_addr: '12345', data_coding: 0, short_message: Buffer.from('STOP'),
    });
    assert.equal(stopResp.command_status, 0);
    await until('stop confirmation', () => carrier.submits.slice(mark).find((s) => textOf(s) === STOP));
    await deliver({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: PHONE.slice(1),
      destination_addr: '12345', data_coding: 0, short_message: Buffer.from('anything else'),
    });
    const refused = await api(adminPort, token, 'POST', '/v1/messages',
      { to: PHONE, campaign: 'spring-promo', text: 'Deal' });
    assert.equal(refused.status, 409);
    await sleep(1000);
    const toPhone = carrier.submits.slice(mark).filter((s) => s.pdu.destination_addr.endsWith(PHONE.slice(1)));
    assert.equal(toPhone.length, 1, 'more than one message after STOP');
    console.log('ok STOP: one confirmation, then nothing');

    // SIGTERM → unbind, exit 0.
    daemon.kill('SIGTERM');
    await Promise.race([exited, sleep(15000)]);
    assert.equal(exitCode, 0, `exit status ${exitCode}`);
    assert.ok(carrier.unbinds >= 1, 'no unbind before exit');
    console.log('ok SIGTERM: unbind, exit 0');
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  } catch (e) {
    console.error(`FAIL: ${e.stack || e}`);
    console.error(`--- smppgwd log ---\n${fs.readFileSync(logFile, 'utf8').slice(-6000)}`);
    daemon.kill('SIGKILL');
    process.exit(1);
  }
}

main();
