#!/usr/bin/env python3
"""End-to-end benchmarks of smppgwd against smppgw-sim (issue 5, `tools/dev bench`).

Each run starts the real daemon on a fresh temporary state_dir (fsync durability, a free
admin port, one link with window 1000) and a `smppgw-sim smsc` as its carrier, and prints
{"bench":NAME,"value":N,"unit":U} lines with the median of --runs runs:

  mo_e2e         MO per second acknowledged end to end: the sim sends deliver_sm (window
                 1000) as fast as they are answered; the daemon answers each one ESME_ROK
                 only after its inbox row is durably committed. Measured by the sim, from
                 the first deliver_sm to the last deliver_sm_resp.
  mo_ack_p99_ms  p99 of deliver_sm -> deliver_sm_resp at half the mo_e2e rate.
  mo_e2e_long_w1, mo_e2e_long_w1000
                 3-part MO (8-bit UDH) per second, each part answered after its own
                 commit, from a carrier that waits for each response (window 1) and from
                 one with window 1000; the daemon's Inbox must then hold every message whole.
  mt_e2e         submit_sm per second from queued outbox records to a sim that acks at once:
                 subscribers join by MO, the carrier goes away, a broadcast is queued through
                 the admin API (suppression checked at enqueue and again at dispatch), the
                 carrier comes back and the sim measures the rate of the submit_sm it gets.
  mt_daemon_cpu_per_submit_us
                 the daemon's CPU time (user + system) over that phase per submit_sm: less
                 dependent on what else runs on the machine than the rate.

With --pg-cluster PATH (tools/pg-cluster; <build>/bench/pg_e2e_bench passes it) the daemon
runs on the PostgreSQL backend instead, on a throwaway cluster the script starts (fsync=on,
synchronous_commit=on) and stops, a schema per run, and the MO figures are printed as
pg_mo_e2e and pg_mo_ack_p99_ms. Without PostgreSQL installed it says so and prints nothing.

Only the standard library is used. Progress goes to stderr.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SHORT_CODE = "12345"
LINK_WINDOW = 1000
SIM_MO_WINDOW = 1000
BROADCAST_TEXT = "Bench: spring sale today."
LONG_MO_TEXT = "Bench: a long question about my order, sent in three parts. " * 6  # 3 parts
LONG_MO_PARTS = 3


def log(msg):
    print(f"[e2e_bench] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
company: Bench Co
default_region: US
state_dir: {state_dir}
store: {store}
log: {{ level: warn }}
admin:
  listen: 127.0.0.1:{admin_port}
  token_file: {state_dir}/admin.token
  max_upload: 256MiB
smpp:
  links:
    - name: bench
      host: 127.0.0.1
      port: {smsc_port}
      system_id: bench
      password: bench
      system_type: ""
      bind: transceiver
      short_codes: ["{short_code}"]
      window: {window}
      max_tps: 0
      enquire_link: 30s
      response_timeout: 10s
      reconnect: {{ min: 100ms, max: 500ms }}
campaigns:
  - id: promo
    name: Promo
    short_code: "{short_code}"
    keywords: [JOIN]
    default: true
    replies:
      join: "Bench: you joined Promo. Reply STOP to cancel."
      help: "Bench: help at 800-555-0100. Reply STOP to cancel."
      stop: "Bench: you are unsubscribed. Reply OOPS to resubscribe."
      resubscribe: "Bench: you are subscribed again. Reply STOP to cancel."
"""


LMDB_STORE = "{ map_size: 4GiB, durability: fsync }"


def store_config(args):
    """The store: section of a run: LMDB, or a fresh schema on the bench's PostgreSQL cluster."""
    if not args.pg:
        return LMDB_STORE
    args.pg["runs"] += 1
    return ('{ backend: postgresql, postgresql: { url: "%s", password_file: %s, schema: run_%d } }'
            % (args.pg["url"], args.pg["password_file"], args.pg["runs"]))


class PgCluster:
    """A throwaway cluster started with tools/pg-cluster, stopped (and removed) at the end."""

    def __init__(self, script):
        self.script = script
        self.dir = tempfile.mkdtemp(prefix="smppgw-pg-e2e-")
        os.rmdir(self.dir)  # pg-cluster creates it
        r = subprocess.run([script, "start", self.dir], capture_output=True, text=True)
        lines = r.stdout.strip().splitlines()
        if r.returncode != 0 or not lines or not lines[-1].startswith("postgresql://"):
            self.url = None
            self.why = (r.stderr or r.stdout).strip() or "no output"
            return
        self.url = lines[-1]
        self.password_file = os.path.join(self.dir, "password")

    def stop(self):
        if self.url:
            subprocess.run([self.script, "stop", self.dir], capture_output=True)


class Run:
    """One daemon with its own state_dir and ports; the sim is started per phase."""

    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="smppgw-e2e-")
        self.state_dir = os.path.join(self.dir, "state")
        os.makedirs(self.state_dir)
        self.smsc_port = free_port()
        self.admin_port = free_port()
        self.config = os.path.join(self.dir, "smppgw.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(state_dir=self.state_dir, store=store_config(args),
                                  admin_port=self.admin_port,
                                  smsc_port=self.smsc_port, short_code=SHORT_CODE,
                                  window=LINK_WINDOW))
        self.daemon = None
        self.daemon_log = open(os.path.join(self.dir, "smppgwd.log"), "w")

    def start_daemon(self):
        self.daemon = subprocess.Popen([self.args.daemon, "--config", self.config],
                                       stdout=self.daemon_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError("smppgwd exited with %s; log: %s" %
                                   (self.daemon.returncode, self.tail_log()))
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/healthz",
                                            timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError("smppgwd did not answer /healthz; log: " + self.tail_log())

    def daemon_cpu_seconds(self):
        """User + system CPU the daemon used so far (from /proc: it is not our child's
        rusage until it exits)."""
        with open(f"/proc/{self.daemon.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tail_log(self):
        self.daemon_log.flush()
        with open(self.daemon_log.name) as f:
            return f.read()[-2000:]

    def token(self):
        with open(os.path.join(self.state_dir, "admin.token")) as f:
            return f.read().strip()

    def get(self, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.admin_port}{path}",
                                     headers={"Authorization": "Bearer " + self.token()})
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read().decode()

    def mt_submitted(self):
        """The daemon's count of MT parts answered ESME_ROK (smppgw_mt_total, /metrics)."""
        for line in self.get("/metrics").splitlines():
            if line.startswith("smppgw_mt_total{") and 'status="submitted"' in line:
                return int(float(line.rsplit(" ", 1)[1]))
        return 0

    def post(self, path, body):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.admin_port}{path}", data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + self.token(),
                     "Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read())

    def sim(self, extra, timeout):
        """Runs `smppgw-sim smsc` on the link's port until it exits; returns its report."""
        cmd = [self.args.sim, "smsc", "--listen", f"127.0.0.1:{self.smsc_port}",
               "--system-id", "bench", "--password", "bench", "--json"] + extra
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=10)
            raise RuntimeError("smppgw-sim did not finish in %ss: %s" % (timeout, err.strip()))
        reports = [json.loads(l) for l in out.splitlines()
                   if l.startswith("{") and '"event":"report"' in l]
        if p.returncode != 0 or not reports:
            raise RuntimeError("smppgw-sim failed (%s): %s" % (p.returncode, err.strip()))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        wall = time.monotonic() - started
        # The sim must never be the bottleneck: its CPU share of the run shows it.
        log("%s | sim CPU %.2f s in %.2f s (%.0f%% of one core)" %
            (err.strip().replace("\n", " | "), cpu, wall, 100 * cpu / max(wall, 1e-9)))
        return reports[-1]

    def close(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        self.daemon_log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def mo_phase(run, rate, count, text, phones_from, window=SIM_MO_WINDOW):
    extra = ["--mo-rate", str(rate), "--mo-count", str(count), "--mo-window", str(window),
             "--mo-to", SHORT_CODE, "--mo-text", text, "--mo-from", phones_from,
             "--exit-when-done"]
    return run.sim(extra, timeout=max(120, 10 * count / max(rate, 10000)))


def bench_mo(args):
    run = Run(args)
    try:
        run.start_daemon()
        report = mo_phase(run, 0, args.mo_count, "HELLO", "+14155000000")
        if report["mo_ok"] != args.mo_count:
            raise RuntimeError("only %s of %s MO acknowledged ESME_ROK" %
                               (report["mo_ok"], args.mo_count))
        return report["mo_per_s"]
    finally:
        run.close()


def bench_mo_long(args, window, count):
    """3-part MO per second through a carrier with `window`; checks every one was stored
    whole (the newest Inbox id is the count: one id per message, reserved at its first part)."""
    run = Run(args)
    try:
        run.start_daemon()
        report = mo_phase(run, 0, count, LONG_MO_TEXT, "+14158000000", window)
        if report["mo_ok"] != count * LONG_MO_PARTS:
            raise RuntimeError("only %s of %s parts acknowledged ESME_ROK" %
                               (report["mo_ok"], count * LONG_MO_PARTS))
        newest = json.loads(run.get("/v1/inbox?limit=1"))["messages"][0]
        if newest["id"] != count or newest["text"] != LONG_MO_TEXT:
            raise RuntimeError("after %s long MO the newest Inbox row is %s" % (count, newest))
        return report["mo_per_s"] / LONG_MO_PARTS
    finally:
        run.close()


def bench_mo_p99(args, rate):
    run = Run(args)
    try:
        run.start_daemon()
        count = int(rate * args.p99_seconds)
        report = mo_phase(run, rate, count, "HELLO", "+14156000000")
        return report["mo_latency_ms"]["p99"], report["mo_per_s"]
    finally:
        run.close()


def bench_mt(args):
    run = Run(args)
    n = args.mt_count
    try:
        run.start_daemon()
        # Subscribers: n phones text JOIN. The sim stays until their n join replies arrived too.
        mo_phase_extra = ["--exit-after-submits", str(n)]
        report = run.sim(["--mo-rate", "0", "--mo-count", str(n), "--mo-window",
                          str(SIM_MO_WINDOW), "--mo-to", SHORT_CODE, "--mo-text", "JOIN",
                          "--mo-from", "+14157000000", "--exit-when-done"] + mo_phase_extra,
                         timeout=600)
        if report["mo_ok"] != n or report["submits"] < n:
            raise RuntimeError("setup: %s MO ok, %s join replies" % (report["mo_ok"],
                                                                     report["submits"]))
        # The carrier is gone now: the broadcast queues n outbox records.
        t0 = time.monotonic()
        queued = run.post("/v1/campaigns/promo/broadcast", {"text": BROADCAST_TEXT})
        log("broadcast %s in %.2f s" % (queued, time.monotonic() - t0))
        recipients = queued.get("recipients", 0)
        if recipients != n:
            raise RuntimeError("broadcast queued %s records, expected %s" % (recipients, n))
        # The carrier comes back; the daemon rebinds and dispatches the queue. The daemon's
        # CPU over the phase (per submit_sm) depends less on what else the machine runs
        # than the rate does.
        cpu0 = run.daemon_cpu_seconds()
        report = run.sim(["--exit-after-submits", str(n)], timeout=600)
        time.sleep(0.5)  # the records of the last responses are written after the sim left
        cpu = run.daemon_cpu_seconds() - cpu0
        log("mt phase: daemon CPU %.2f s for %d submit_sm (%.1f us each)" %
            (cpu, report["submits"], 1e6 * cpu / max(report["submits"], 1)))
        # A rate is only worth something if every record went out once: n join replies and
        # n broadcast records answered OK, no more (a record sent twice counts twice), and
        # the broadcast records (the ids after the n replies) are submitted.
        submitted = run.mt_submitted()
        if submitted != 2 * n or report["submits"] != n:
            raise RuntimeError("the sim got %s submit_sm and the daemon counted %s answered OK "
                               "(expected %s and %s): an MT was sent twice or not at all" %
                               (report["submits"], submitted, n, 2 * n))
        for record_id in sorted({n + 1, 2 * n, *range(n + 1, 2 * n + 1, max(1, n // 20))}):
            m = json.loads(run.get(f"/v1/messages/{record_id}"))
            if m.get("status") != "submitted" or m.get("text") != BROADCAST_TEXT:
                raise RuntimeError("outbox %s after the run: %s" % (record_id, m))
        return report["submits_per_s"], 1e6 * cpu / max(report["submits"], 1)
    finally:
        run.close()


def emit(name, value, unit):
    print(json.dumps({"bench": name, "value": value, "unit": unit}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mo-count", type=int, default=300000)
    ap.add_argument("--mt-count", type=int, default=200000)
    ap.add_argument("--p99-seconds", type=float, default=5.0)
    ap.add_argument("--long-mo-count", type=int, default=30000,
                    help="3-part MO per run at window 1000 (a tenth of it at window 1)")
    ap.add_argument("--only", choices=["mo", "mt"], help="run one family only")
    ap.add_argument("--pg-cluster", help="tools/pg-cluster: run the MO figures on PostgreSQL")
    args = ap.parse_args()
    args.pg = None
    for exe in (args.daemon, args.sim):
        if not os.access(exe, os.X_OK):
            log(f"{exe} is not built")
            return 1
    if args.pg_cluster:
        return main_postgresql(args)

    if args.only in (None, "mo"):
        rates = []
        for i in range(args.runs):
            rates.append(bench_mo(args))
            log(f"mo_e2e run {i + 1}: {rates[-1]:.0f} MO/s")
        mo_e2e = statistics.median(rates)
        emit("mo_e2e", round(mo_e2e), "MO/s")
        half = max(1000, int(mo_e2e / 2))
        p99s = []
        for i in range(args.runs):
            p99, achieved = bench_mo_p99(args, half)
            p99s.append(p99)
            log(f"mo_ack_p99_ms run {i + 1}: {p99} ms at {achieved:.0f} MO/s (asked {half})")
        emit("mo_ack_p99_ms", round(statistics.median(p99s), 3), "ms")
        for window, count in ((1, max(1, args.long_mo_count // 10)), (1000, args.long_mo_count)):
            rates = []
            for i in range(args.runs):
                rates.append(bench_mo_long(args, window, count))
                log(f"mo_e2e_long_w{window} run {i + 1}: {rates[-1]:.0f} 3-part MO/s")
            emit(f"mo_e2e_long_w{window}", round(statistics.median(rates)), "MO/s")

    if args.only in (None, "mt"):
        rates = []
        cpus = []
        for i in range(args.runs):
            rate, cpu_us = bench_mt(args)
            rates.append(rate)
            cpus.append(cpu_us)
            log(f"mt_e2e run {i + 1}: {rate:.0f} submit_sm/s, daemon {cpu_us:.1f} us CPU each")
        emit("mt_e2e", round(statistics.median(rates)), "submit_sm/s")
        emit("mt_daemon_cpu_per_submit_us", round(statistics.median(cpus), 2), "us")
    return 0


def main_postgresql(args):
    """pg_mo_e2e and pg_mo_ack_p99_ms: the MO figures with the daemon on PostgreSQL."""
    cluster = PgCluster(args.pg_cluster)
    if not cluster.url:
        log(f"skipped: PostgreSQL cannot be started here ({cluster.why})")
        return 0
    try:
        args.pg = {"url": cluster.url, "password_file": cluster.password_file, "runs": 0}
        rates = []
        for i in range(args.runs):
            rates.append(bench_mo(args))
            log(f"pg_mo_e2e run {i + 1}: {rates[-1]:.0f} MO/s")
        mo_e2e = statistics.median(rates)
        emit("pg_mo_e2e", round(mo_e2e), "MO/s")
        half = max(1000, int(mo_e2e / 2))
        p99s = []
        for i in range(args.runs):
            p99, achieved = bench_mo_p99(args, half)
            p99s.append(p99)
            log(f"pg_mo_ack_p99_ms run {i + 1}: {p99} ms at {achieved:.0f} MO/s (asked {half})")
        emit("pg_mo_ack_p99_ms", round(statistics.median(p99s), 3), "ms")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
