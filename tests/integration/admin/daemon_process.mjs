// Runs the real smppgwd for the Node tests (the OpenAPI contract test, the browser test):
// smppgw-sim as the carrier on a free port, a configuration in a temporary directory (state,
// token file, a free admin port on 127.0.0.1), then waits for /healthz. The JavaScript
// counterpart of daemon_process.hpp.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Polls `fn` until it returns something truthy; the last value or error is in the message.
export async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// SIGTERM, then SIGKILL after 5 s; resolves once the process has exited.
function stopProcess(p) {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    p.once('exit', () => { clearTimeout(timer); resolve(); });
    p.kill('SIGTERM');
  });
}

function campaignYaml(c) {
  return `  - id: ${c.id}
    name: ${c.name}
    short_code: "${c.short_code}"
    keywords: [${c.keywords.join(', ')}]
${c.default ? '    default: true\n' : ''}    replies: { join: "Joined", help: "Help", stop: "Stopped", resubscribe: "Back" }
`;
}

// options: smppgwd, sim (binaries); mo: the sim's MO texts ("FROM>TO:TEXT"), delivered once
// the daemon binds; campaigns: [{id, name, short_code, keywords, default}]; mapSize,
// maxUpload; users: [{name, role, token}] written (as SHA-256) to a users file, mode 0600;
// prefix of the temporary directory. Resolves to {base, port, token, dir, stop};
// stop() ends the daemon and the sim and removes the directory (call it in t.after).
export async function startDaemon({ smppgwd, sim, mo = [], campaigns, mapSize = '64MiB',
                                    maxUpload = '1MiB', users = [], prefix = 'smppgw-node-' }) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const procs = [];
  const stop = async () => {
    await Promise.all(procs.map(stopProcess));
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  try {
    const smscPort = await freePort();
    const port = await freePort();
    procs.push(spawn(sim, ['smsc', '--listen', `127.0.0.1:${smscPort}`, ...mo.flatMap((m) => ['--mo', m])],
      { stdio: 'ignore' }));
    const usersFile = join(dir, 'admin.users');
    if (users.length > 0) {
      const sha256 = (t) => createHash('sha256').update(t).digest('hex');
      writeFileSync(usersFile, users.map((u) => `${u.name} ${u.role} ${sha256(u.token)}\n`).join(''),
        { mode: 0o600 });
    }
    const usersKey = users.length > 0 ? `, users_file: ${usersFile}` : '';
    const shortCodes = [...new Set(campaigns.map((c) => `"${c.short_code}"`))].join(', ');
    writeFileSync(join(dir, 'smppgw.yaml'), `company: Acme Health
default_region: US
state_dir: ${dir}/state
store: { map_size: ${mapSize}, durability: fsync }
admin: { listen: 127.0.0.1:${port}, token_file: ${dir}/admin.token${usersKey}, max_upload: ${maxUpload} }
smpp:
  links:
    - { name: carrier-a, host: 127.0.0.1, port: ${smscPort}, system_id: acme, password: secret, short_codes: [${shortCodes}], reconnect: { min: 100ms, max: 1s } }
campaigns:
${campaigns.map(campaignYaml).join('')}`);
    // The daemon's messages go to a file, shown when it does not come up.
    const log = openSync(join(dir, 'smppgwd.log'), 'w');
    const daemon = spawn(smppgwd, ['--config', join(dir, 'smppgw.yaml')], { stdio: ['ignore', log, log] });
    closeSync(log);
    procs.push(daemon);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => {
        if (daemon.exitCode !== null) throw new Error(`smppgwd exited with ${daemon.exitCode}`);
        return (await fetch(`${base}/healthz`)).ok;
      }, 'smppgwd /healthz');
    } catch (e) {
      throw new Error(`${e.message}\n${readFileSync(join(dir, 'smppgwd.log'), 'utf8')}`);
    }
    const token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
    return { base, port, token, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
