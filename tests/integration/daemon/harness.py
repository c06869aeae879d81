"""Test harness for smppgwd integration tests: the real daemon binary with a generated
configuration in a temporary state_dir, smppgw-sim as the carrier SMSC driven over its
stdin/stdout control protocol, and the admin HTTP API. The daemon is reached only over its
ports (SMPP through the sim, HTTP directly) and signals."""

import json
import os
import queue
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sim:
    """smppgw-sim smsc with --control stdin; events are JSON lines on its stdout."""

    def __init__(self, binary, *args, port=0, log_dir=None):
        self.binary = binary
        cmd = [binary, "smsc", "--listen", f"127.0.0.1:{port}", "--control", "stdin", *args]
        self.stderr = open(os.path.join(log_dir or tempfile.gettempdir(), f"sim-{time.time_ns()}.log"), "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, bufsize=1)
        self.events = []  # every event so far, in order
        self._cv = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        ev = self.wait_for(lambda e: e["event"] == "listening", 10)
        self.port = ev["port"]

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            with self._cv:
                self.events.append(ev)
                self._cv.notify_all()
        with self._cv:
            self.events.append({"event": "_exit"})
            self._cv.notify_all()

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait_for(self, pred, timeout=10.0, start=0):
        """The first event at index >= start matching pred; raises on timeout."""
        deadline = time.monotonic() + timeout
        with self._cv:
            i = start
            while True:
                while i < len(self.events):
                    if pred(self.events[i]):
                        return self.events[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"sim: no matching event within {timeout}s; last events: "
                                         f"{self.events[-8:]}")
                self._cv.wait(left)

    def find(self, pred, start=0):
        with self._cv:
            return [e for e in self.events[start:] if pred(e)]

    def mark(self):
        with self._cv:
            return len(self.events)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


BASE_CAMPAIGNS = """
campaigns:
  - id: spring-promo
    name: Spring Promo
    short_code: "12345"
    keywords: [SPRING]
    default: true
    replies:
      join: "Acme: you joined Spring Promo. Reply HELP for help, STOP to cancel."
      help: "Acme: help at 800-555-0100. Reply STOP to cancel."
      stop: "Acme: you are unsubscribed and will get no more messages. Reply OOPS to resubscribe."
      resubscribe: "Acme: you are subscribed again. Reply STOP to cancel."
  - id: long-reads
    name: Long Reads
    short_code: "12345"
    keywords: [LONG]
    replies:
      join: "{long}"
      help: "Long Reads: help at 800-555-0100."
      stop: "Long Reads: stopped."
      resubscribe: "Long Reads: back."
"""

LONG_REPLY = ("Acme Long Reads: thank you for joining. " * 9).strip()  # > 320 chars: 3 parts


class Daemon:
    """smppgwd with a generated configuration in its own temporary directory."""

    def __init__(self, binary, links, extra_campaigns="", workdir=None, admin_port=None,
                 durability="fsync", log_level="info", reassembly_timeout=None, postgresql=None):
        self.binary = binary
        # None: LMDB under state_dir; else {"url", "password_file", "schema"} (see postgresql())
        self.postgresql = postgresql
        self.dir = workdir or tempfile.mkdtemp(prefix="smppgwd-it-")
        self.admin_port = admin_port or free_port()
        self.config_path = os.path.join(self.dir, "smppgw.yaml")
        self.token_file = os.path.join(self.dir, "admin.token")
        self.links = links
        self.extra_campaigns = extra_campaigns
        self.durability = durability
        self.log_level = log_level
        self.reassembly_timeout = reassembly_timeout
        self.proc = None
        self.log_path = None
        self.write_config()

    def write_config(self, extra_campaigns=None):
        if extra_campaigns is not None:
            self.extra_campaigns = extra_campaigns
        lines = [
            "company: Acme Health",
            "default_region: US",
            f"state_dir: {self.dir}/state",
            self.store_line(),
            f"log: {{ level: {self.log_level} }}",
            "admin:",
            f"  listen: 127.0.0.1:{self.admin_port}",
            f"  token_file: {self.token_file}",
        ]
        if self.reassembly_timeout:
            lines.append(f"messages: {{ reassembly_timeout: {self.reassembly_timeout} }}")
        lines += [
            "smpp:",
            "  links:",
        ]
        for link in self.links:
            lines.append(f"    - name: {link['name']}")
            lines.append("      host: 127.0.0.1")
            lines.append(f"      port: {link['port']}")
            lines.append(f"      system_id: {link.get('system_id', 'acme')}")
            lines.append(f"      password: {link.get('password', 'secret')}")
            lines.append(f"      bind: {link.get('bind', 'transceiver')}")
            lines.append(f"      short_codes: [\"{link.get('short_code', '12345')}\"]")
            lines.append(f"      window: {link.get('window', 64)}")
            lines.append(f"      max_tps: {link.get('max_tps', 0)}")
            lines.append(f"      enquire_link: {link.get('enquire_link', '30s')}")
            lines.append(f"      response_timeout: {link.get('response_timeout', '3s')}")
            lines.append(f"      reconnect: {{ min: {link.get('reconnect_min', '200ms')}, "
                         f"max: {link.get('reconnect_max', '2s')} }}")
        text = "\n".join(lines) + "\n" + BASE_CAMPAIGNS.replace("{long}", LONG_REPLY) + \
            self.extra_campaigns
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    def store_line(self):
        if not self.postgresql:
            return f"store: {{ map_size: 64MiB, durability: {self.durability} }}"
        pg = self.postgresql
        return (f"store: {{ backend: postgresql, postgresql: {{ url: \"{pg['url']}\", "
                f"password_file: {pg['password_file']}, schema: {pg['schema']}, connections: 4 }} }}")

    def start(self, wait_admin=True):
        self.log_path = os.path.join(self.dir, f"smppgwd-{time.time_ns()}.log")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.binary, "--config", self.config_path],
                                     stdout=self._log, stderr=subprocess.STDOUT)
        if wait_admin:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"smppgwd exited with {self.proc.returncode}:\n{self.log()}")
                try:
                    self.http("GET", "/healthz", auth=False)
                    return self
                except (urllib.error.URLError, ConnectionError, OSError):
                    time.sleep(0.05)
            raise AssertionError("smppgwd admin port did not come up:\n" + self.log())
        return self

    def log(self):
        if not self.log_path:
            return ""
        with open(self.log_path) as f:
            return f.read()

    def token(self):
        with open(self.token_file) as f:
            return f.read().strip()

    def http(self, method, path, body=None, auth=True, content_type="application/json"):
        """(status, parsed JSON or text)."""
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, (bytes, str)) else \
                (body.encode() if isinstance(body, str) else body)
            headers["Content-Type"] = content_type
        if auth:
            headers["Authorization"] = "Bearer " + self.token()
        req = urllib.request.Request(f"http://127.0.0.1:{self.admin_port}{path}", data=data,
                                     method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout):
        return self.proc.wait(timeout)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            self._log.close()


def postgresql(url=None, password_file=None):
    """Store settings for a daemon on PostgreSQL: the throwaway server tools/dev test started
    (SMPPGW_TEST_PG_URL, SMPPGW_TEST_PG_PASSWORD_FILE) or the one given, and a schema of the
    daemon's own (smppgwd creates it), so tests running at once never share tables. None when
    no server was given."""
    url = url or os.environ.get("SMPPGW_TEST_PG_URL")
    password_file = password_file or os.environ.get("SMPPGW_TEST_PG_PASSWORD_FILE")
    if not url or not password_file:
        return None
    return {"url": url, "password_file": password_file,
            "schema": f"it_{os.getpid()}_{time.time_ns() % 10**9}"}


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
