// The admin API against its OpenAPI document (docs/openapi.json): the real smppgwd, with
// smppgw-sim as the carrier delivering three MO texts (one to a short code with two
// campaigns and no default: an Inbox row of no campaign), is called on every route and every
// error the document lists; each answer's status must be documented for its operation and
// its body must validate (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). At the end every
// operation and every documented status must have been seen, except the few no client can
// provoke (500, 503: listed below), so neither the document nor this test can skip one.
// Run: node --test openapi_contract.test.mjs
// Env: SMPPGWD, SMPPGW_SIM (binaries), SMPPGW_OPENAPI (default: docs/openapi.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startDaemon, waitFor } from './daemon_process.mjs';

const SMPPGWD = process.env.SMPPGWD;
const VIEWER_TOKEN = 'carol-viewer-token-for-the-contract-test';
const SIM = process.env.SMPPGW_SIM;
const here = dirname(fileURLToPath(import.meta.url));
const DOC_PATH = process.env.SMPPGW_OPENAPI || join(here, '../../../docs/openapi.json');
const doc = JSON.parse(readFileSync(DOC_PATH, 'utf8'));

// Statuses a client cannot cause against a healthy daemon: a fault inside a route, a store
// that fails. Everything else the document lists is exercised.
const UNPROVOKED = new Set(['500', '503']);
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

// The component schemas as one 2020-12 schema resource; response schemas refer into it.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const rewrite = (v) => JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"smppgw#/$defs/'));
ajv.addSchema({ $id: 'smppgw', $defs: rewrite(doc.components.schemas) });

function responseOf(operation, status) {
  let r = operation.responses[status];
  if (r && r.$ref) r = r.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
  return r;
}

const seen = new Map();  // "get /v1/inbox" → Set of statuses
const validators = new Map();

// Checks one answer against the operation `method template`.
function check(method, template, res) {
  const key = `${method.toLowerCase()} ${template}`;
  const operation = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(operation, `the document has no operation ${key}`);
  const status = String(res.status);
  const response = responseOf(operation, status);
  assert.ok(response, `${key} answered ${status}, which the document does not list: ${res.text}`);
  const type = (res.headers['content-type'] || '').split(';')[0].trim();
  const content = response.content || {};
  assert.ok(content[type], `${key} ${status}: content type ${type} is not documented (${Object.keys(content)})`);
  for (const name of Object.keys(response.headers || {})) {
    assert.ok(res.headers[name.toLowerCase()] !== undefined, `${key} ${status}: no ${name} header`);
  }
  const schema = content[type].schema;
  if (schema) {
    const vkey = `${key} ${status} ${type}`;
    if (!validators.has(vkey)) validators.set(vkey, ajv.compile(rewrite(schema)));
    const validate = validators.get(vkey);
    const body = type === 'application/json' ? JSON.parse(res.text) : res.text;
    assert.ok(validate(body), `${key} ${status}: the body does not fit the document: ` +
      `${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 2000)}`);
  }
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key).add(status);
  return res.text && type === 'application/json' ? JSON.parse(res.text) : res.text;
}

test('every /v1 route answers as docs/openapi.json says', { timeout: 120000, skip: !SMPPGWD || !SIM }, async (t) => {
  const daemon = await startDaemon({
    smppgwd: SMPPGWD, sim: SIM, prefix: 'smppgw-openapi-',
    mo: ['+14155552671>12345:Hello, is the clinic open on Saturday?', '+14155552672>12345:SPRING',
      '+14155552673>67890:hi there'],
    users: [{ name: 'carol', role: 'viewer', token: VIEWER_TOKEN }],
    campaigns: [
      { id: 'spring-promo', name: 'Spring Promo', short_code: '12345', keywords: ['SPRING'], default: true },
      { id: 'autumn', name: 'Autumn', short_code: '67890', keywords: ['AUTUMN'] },
      { id: 'winter', name: 'Winter', short_code: '67890', keywords: ['WINTER'] },
    ],
  });
  t.after(daemon.stop);
  const { port: adminPort, token } = daemon;

  // One request on its own connection: any method with any body, nothing added by a client.
  const raw = (method, path, { body, type, auth = true, as = token, headers = {} } = {}) => new Promise((resolve, reject) => {
    const h = { ...headers };
    if (auth) h.Authorization = `Bearer ${as}`;
    if (type) h['Content-Type'] = type;
    if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port: adminPort, method, path, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
  // Calls `method template` with its parameter filled in and checks the answer.
  const call = async (method, template, { param, query = '', json, ...opts } = {}) => {
    const path = template.replace(/\{[^}]+\}/, () => encodeURIComponent(param)) + query;
    if (json !== undefined) { opts.body = JSON.stringify(json); opts.type ??= 'application/json'; }
    return check(method, template, await raw(method, path, opts));
  };
  const big = 'x'.repeat(1024 * 1024 + 1);

  // Every operation without the token: 401.
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
      await call(method.toUpperCase(), template, { param: '1', auth: false });
    }
  }

  await waitFor(async () => (await call('GET', '/v1/inbox')).messages.length === 3, 'three Inbox rows');

  // Every operation that documents a 403, called by a viewer: refused before anything is read.
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
      if (!item[method].responses['403']) continue;
      const r = await call(method.toUpperCase(), template, { param: '1', as: VIEWER_TOKEN, json: {} });
      assert.match(r.message, /^carol \(role viewer\) may not /);
    }
  }
  // Who is signed in.
  assert.equal((await call('GET', '/v1/me')).name, 'admin');
  assert.equal((await call('GET', '/v1/me', { as: VIEWER_TOKEN })).role, 'viewer');

  // The document served is the file.
  assert.deepEqual(await call('GET', '/v1/openapi.json'), doc);

  // Campaigns.
  await call('GET', '/v1/campaigns');
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'spring-promo', json: { text: 'Spring sale today' } });
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'spring-promo', body: '[1]', type: 'application/json' });
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'nope', json: { text: 'x' } });
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'spring-promo', body: big, type: 'application/json' });
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'spring-promo', body: 'text', type: 'text/plain' });
  await call('POST', '/v1/campaigns/{id}/broadcast', { param: 'spring-promo', json: {} });

  // Inbox.
  const inbox = await call('GET', '/v1/inbox', { query: '?limit=2' });
  assert.equal(inbox.messages.length, 2);
  await call('GET', '/v1/inbox', { query: `?campaign=spring-promo&phone=%2B14155552671&before=${inbox.next_before}` });
  await call('GET', '/v1/inbox', { query: '?campaign=nope' });
  await call('GET', '/v1/inbox', { query: '?limit=0' });
  await call('GET', '/v1/inbox', { query: '?flag=possible_opt_out' });
  await call('GET', '/v1/inbox', { query: '?flag=stop' });
  const rows = (await call('GET', '/v1/inbox')).messages;
  const hello = rows.find((m) => m.from === '+14155552671');
  const orphan = rows.find((m) => m.from === '+14155552673');
  assert.equal(orphan.campaign, null);
  await call('POST', '/v1/inbox/{id}/opt-out', { param: String(hello.id) });
  await call('POST', '/v1/inbox/{id}/opt-out', { param: '999999' });
  await call('POST', '/v1/inbox/{id}/opt-out', { param: String(orphan.id) });
  await call('POST', '/v1/inbox/{id}/opt-out', { param: String(hello.id), body: big, type: 'application/json' });

  // Messages.
  const queued = await call('POST', '/v1/messages', { json: { to: '+14155552672', campaign: 'spring-promo', text: 'Hi :smile:' } });
  await call('POST', '/v1/messages', { json: { to: '+14155552672', from: '12345', text: 'Reply', reply_to: 1 } });
  await call('POST', '/v1/messages', { json: { to: '+14155552671', campaign: 'spring-promo', text: 'Hi' } });  // opted out: 409
  await call('POST', '/v1/messages', { body: 'not json', type: 'application/json' });
  await call('POST', '/v1/messages', { body: big, type: 'application/json' });
  await call('POST', '/v1/messages', { json: { to: '+14155552672', text: 'x' }, type: 'text/plain' });
  await call('POST', '/v1/messages', { json: { text: 'no recipient' } });
  await call('GET', '/v1/messages/{id}', { param: String(queued.id) });
  await call('GET', '/v1/messages/{id}', { param: '999999' });
  await call('POST', '/v1/messages/preview', { json: { text: 'Yes, 9 to 1 :smile:' } });
  await call('POST', '/v1/messages/preview', { body: '"text"', type: 'application/json' });
  await call('POST', '/v1/messages/preview', { body: big, type: 'application/json' });
  await call('POST', '/v1/messages/preview', { body: '{}', type: 'text/plain' });
  await call('POST', '/v1/messages/preview', { json: { text: 5 } });

  // Subscribers.
  await call('GET', '/v1/conversations/{phone}', { param: '+14155552672', query: '?campaign=spring-promo' });
  await call('GET', '/v1/conversations/{phone}', { param: 'not a phone' });
  await call('GET', '/v1/subscribers/{phone}', { param: '+14155552671' });
  await call('GET', '/v1/subscribers/{phone}', { param: 'not a phone' });
  // The consent record: the agent's opt-out above, from the Inbox row it was taken on.
  const evidence = await call('GET', '/v1/subscribers/{phone}/evidence', { param: '+14155552671' });
  const last = evidence.changes.at(-1);
  assert.equal(last.event.to, 'opted_out');
  assert.equal(last.message.id, hello.id);
  const evidenceCsv = await call('GET', '/v1/subscribers/{phone}/evidence', { param: '+14155552671', query: '?format=csv' });
  assert.equal(evidenceCsv.trimEnd().split('\r\n').length, evidence.changes.length + 1);
  await call('GET', '/v1/subscribers/{phone}/evidence', { param: 'not a phone' });
  await call('GET', '/v1/subscribers/{phone}/evidence', { param: '+14155552671', query: '?format=xml' });
  await call('GET', '/v1/audit', { query: '?phone=%2B14155552671' });
  await call('GET', '/v1/audit', { query: '?limit=many' });
  await call('GET', '/v1/audit/verify');

  // Manual Opt-Out in each media type, then each refusal.
  await call('POST', '/v1/opt-outs', { body: 'phone\r\n+14155550101\r\nnot a number\r\n+14155550101\r\n', type: 'text/csv' });
  const boundary = 'smppgwContractBoundary';
  const form = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="list.csv"\r\nContent-Type: text/csv\r\n\r\n` +
    `phone\r\n+14155550102\r\n--${boundary}\r\nContent-Disposition: form-data; name="phones"\r\n\r\nphone\n+14155550103\n--${boundary}--\r\n`;
  await call('POST', '/v1/opt-outs', { query: '?campaign=spring-promo', body: form, type: `multipart/form-data; boundary=${boundary}` });
  await call('POST', '/v1/opt-outs', { json: { phones: ['+14155550104', 14155550105, true] } });
  await call('POST', '/v1/opt-outs', { body: 'phone\r\n', type: 'multipart/form-data' });
  await call('POST', '/v1/opt-outs', { body: big, type: 'text/csv' });
  await call('POST', '/v1/opt-outs', { body: '\x89PNG', type: 'image/png' });
  await call('POST', '/v1/opt-outs', { body: 'name,email\r\nA,a@example.com\r\n', type: 'text/csv' });
  const csv = await call('GET', '/v1/opt-outs.csv');
  assert.match(csv, /\r\n\+14155550101,all,/);
  await call('GET', '/v1/opt-outs.csv', { query: '?campaign=spring-promo' });
  await call('GET', '/v1/opt-outs.csv', { body: 'x', type: 'text/plain' });
  await call('GET', '/v1/opt-outs.csv', { query: '?campaign=nope' });

  // A method a documented path does not take: 405 with the error body.
  const error = ajv.compile({ $ref: 'smppgw#/$defs/Error' });
  // (GET /v1/messages/preview is GET /v1/messages/{id} with the id "preview": not probed.)
  const pattern = (tpl) => new RegExp(`^${tpl.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
  const served = (method, path) => Object.entries(doc.paths).some(([tpl, item]) => item[method] && pattern(tpl).test(path));
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS.filter((m) => !item[m])) {
      const path = template.replace(/\{[^}]+\}/, '1');
      if (served(method, path)) continue;
      const res = await raw(method.toUpperCase(), path, { body: '{}', type: 'application/json' });
      assert.equal(res.status, 405, `${method} ${template}: ${res.status} ${res.text}`);
      assert.ok(error(JSON.parse(res.text)), `${method} ${template} 405: ${ajv.errorsText(error.errors)}`);
    }
  }
  // A /v1 path that is no route: 404 with the error body.
  const missing = await raw('GET', '/v1/no-such-route');
  assert.equal(missing.status, 404);
  assert.ok(error(JSON.parse(missing.text)));

  // Coverage: every operation, every status it documents.
  const gaps = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
      const got = seen.get(`${method} ${template}`) || new Set();
      for (const status of Object.keys(item[method].responses)) {
        if (!UNPROVOKED.has(status) && !got.has(status)) gaps.push(`${method} ${template} ${status}`);
      }
    }
  }
  assert.deepEqual(gaps, [], 'documented answers this test never saw');
});
