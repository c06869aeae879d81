#!/usr/bin/env python3
"""Integration tests of smppgwd (issue 5 "Show"): the real daemon on real ports, the carrier
played by smppgw-sim, checks made only through the SMPP side (what the sim saw), the admin
HTTP API and the process's exit status.

Usage: daemon_test.py --daemon PATH --sim PATH TEST_NAME   (or --list)"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import LONG_REPLY, Daemon, Sim, postgresql, wait_until  # noqa: E402

JOIN = "Acme: you joined Spring Promo. Reply HELP for help, STOP to cancel."
STOP = "Acme: you are unsubscribed and will get no more messages. Reply OOPS to resubscribe."
PHONE = "+14155550123"


def submits_to(phone):
    digits = phone.lstrip("+")
    return lambda e: e["event"] == "submit_sm" and e["to"].lstrip("+") == digits


class Case:
    def __init__(self, daemon_bin, sim_bin, backend="lmdb"):
        self.daemon_bin = daemon_bin
        self.sim_bin = sim_bin
        self.backend = backend  # the store of every daemon the test starts: lmdb | postgresql
        self.dir = tempfile.mkdtemp(prefix="smppgwd-it-")
        self.sims = []
        self.daemons = []
        self.mounts = []  # file systems mounted for the test, unmounted after the daemons stop
        self.cleanups = []  # run last (e.g. a PostgreSQL cluster the test started)

    def sim(self, *args, port=0):
        s = Sim(self.sim_bin, *args, port=port, log_dir=self.dir)
        self.sims.append(s)
        return s

    def daemon(self, links, **kw):
        if self.backend == "postgresql" and "postgresql" not in kw:
            kw["postgresql"] = postgresql()
            if kw["postgresql"] is None:
                raise Skip("no PostgreSQL server: SMPPGW_TEST_PG_URL and "
                           "SMPPGW_TEST_PG_PASSWORD_FILE are set by tools/dev test")
        d = Daemon(self.daemon_bin, links, workdir=kw.pop("workdir", None) or
                   tempfile.mkdtemp(dir=self.dir), **kw)
        self.daemons.append(d)
        return d

    def cleanup(self, failed):
        for d in self.daemons:
            d.stop()
            if failed:
                print(f"--- smppgwd log ({d.log_path}) ---\n{d.log()[-6000:]}", file=sys.stderr)
        for s in self.sims:
            s.close()
        for m in self.mounts:
            subprocess.run(["umount", m], check=False)
        for fn in self.cleanups:
            fn()
        if not failed:
            shutil.rmtree(self.dir, ignore_errors=True)


def inbox_senders(d):
    """The senders of every Inbox row, read page by page."""
    senders = set()
    before = None
    while True:
        q = "/v1/inbox?limit=1000" + (f"&before={before}" if before else "")
        status, page = d.http("GET", q)
        assert status == 200, page
        senders.update(m["from"] for m in page["messages"])
        before = page["next_before"]
        if not before:
            return senders


class Skip(Exception):
    """The machine cannot run the test (ctest reports it skipped: SKIP_RETURN_CODE 77)."""


# ---- tests --------------------------------------------------------------------------------

def test_bind_parameters(c):
    """A transceiver bind with the configured credentials; a transmitter + receiver pair;
    wrong credentials are refused and retried with backoff."""
    trx = c.sim("--system-id", "acme", "--password", "secret")
    pair = c.sim("--system-id", "acme2", "--password", "pw2")
    wrong = c.sim("--system-id", "acme3", "--password", "right")
    d = c.daemon([
        {"name": "trx", "port": trx.port},
        {"name": "pair", "port": pair.port, "system_id": "acme2", "password": "pw2",
         "bind": "transmitter+receiver", "short_code": "12345"},
        {"name": "wrong", "port": wrong.port, "system_id": "acme3", "password": "wrong",
         "reconnect_min": "100ms", "reconnect_max": "800ms"},
    ]).start()
    ev = trx.wait_for(lambda e: e["event"] == "bound")
    assert ev["system_id"] == "acme" and ev["bind"] == "transceiver", ev
    pair.wait_for(lambda e: e["event"] == "bound" and e["bind"] == "transmitter")
    pair.wait_for(lambda e: e["event"] == "bound" and e["bind"] == "receiver")
    wait_until(lambda: len(wrong.find(lambda e: e["event"] == "bind_rejected")) >= 4, 10,
               what="four refused binds")
    times = []
    for e in wrong.find(lambda e: e["event"] == "connected"):
        times.append(e.get("_t", 0))
    rejected = wrong.find(lambda e: e["event"] == "bind_rejected")
    assert all(r["status"] == 14 for r in rejected), rejected  # ESME_RINVPASWD
    status, health = d.http("GET", "/healthz", auth=False)
    states = {l["name"]: l["state"] for l in health["links"]}
    assert states["trx"] == "bound" and states["pair"] == "bound", health
    assert states["wrong"] != "bound", health
    assert health["status"] == "degraded", health
    assert "secret" not in d.log() and "pw2" not in d.log(), "a password reached the log"


def test_mo_keyword_join_reply(c):
    """MO keyword → the MO is acknowledged OK after commit and the join reply arrives as
    submit_sm from the short code; the MO is in the Inbox as kind keyword."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 SPRING")
    resp = sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") == 1)
    assert resp["status"] == 0, resp
    sub = sim.wait_for(submits_to(PHONE))
    assert sub["text"] == JOIN and sub["from"] == "12345" and sub["data_coding"] == 0, sub
    assert sub["registered_delivery"] == 1, sub
    status, inbox = d.http("GET", f"/v1/inbox?phone=%2B{PHONE[1:]}")
    assert status == 200, inbox
    rows = inbox["messages"]
    assert len(rows) == 1 and rows[0]["kind"] == "keyword" and rows[0]["text"] == "SPRING", rows
    assert rows[0]["campaign"] == "spring-promo", rows


def test_stop_one_confirmation_then_nothing(c):
    """STOP → exactly one confirmation; afterwards nothing reaches the subscriber: free text
    is not answered and a reply through the API is refused with 409."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 SPRING")
    sim.wait_for(lambda e: submits_to(PHONE)(e) and e["text"] == JOIN)
    mark = sim.mark()
    sim.send(f"mo {PHONE} 12345 Stop please")
    sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") == 2 and
                 e["status"] == 0)
    stop = sim.wait_for(submits_to(PHONE), start=mark)
    assert stop["text"] == STOP, stop
    sim.send(f"mo {PHONE} 12345 hello again")
    sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") == 3)
    status, body = d.http("POST", "/v1/messages",
                          {"to": PHONE, "campaign": "spring-promo", "text": "Deal of the day"})
    assert status == 409, (status, body)
    time.sleep(1.5)
    after = sim.find(submits_to(PHONE), start=mark)
    assert len(after) == 1, after


def test_receipt_updates_status(c):
    """A delivery receipt (hex id in submit_sm_resp, decimal id in the receipt) makes the
    MT delivered; a failure receipt makes it failed with the error."""
    sim = c.sim("--receipt-delay", "100ms", "--receipt-id-format", "dec")
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    status, created = d.http("POST", "/v1/messages",
                             {"to": PHONE, "from": "12345", "text": "Your code is 1234"})
    assert status == 202, (status, created)
    sub = sim.wait_for(submits_to(PHONE))
    sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and
                 e.get("receipt_for") == sub["message_id"] and e["status"] == 0)
    msg = wait_until(lambda: (lambda r: r[1] if r[1].get("status") == "delivered" else None)(
        d.http("GET", f"/v1/messages/{created['id']}")), 5, what="delivered status")
    assert msg["carrier_message_id"], msg
    status, inbox = d.http("GET", "/v1/inbox")
    assert inbox["messages"] == [], "a receipt became an Inbox row"

    sim.send("set receipt-stat UNDELIV")
    status, created2 = d.http("POST", "/v1/messages",
                              {"to": PHONE, "from": "12345", "text": "Second"})
    assert status == 202
    wait_until(lambda: d.http("GET", f"/v1/messages/{created2['id']}")[1].get("status") == "failed",
               5, what="failed status")


def test_carrier_id_as_written(c):
    """GET /v1/messages/{id} shows the carrier message id exactly as submit_sm_resp wrote it
    (case and zero padding kept), and a receipt writing that id in the other base (decimal
    for a hex id, hex for a decimal one) still marks the MT delivered."""
    sim = c.sim("--receipt-delay", "100ms")
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    for resp_id, receipt_id, phone in (("0A1b2C", "662316", "+14155550131"),
                                       ("00012345", "3039", "+14155550132")):
        mark = sim.mark()
        sim.send(f"set next-id {resp_id} {receipt_id}")
        sim.send("stats")  # answered after the set: the next submit gets resp_id
        sim.wait_for(lambda e: e["event"] == "stats", start=mark)
        status, created = d.http("POST", "/v1/messages",
                                 {"to": phone, "from": "12345", "text": "Your code is 1234"})
        assert status == 202, (status, created)
        sub = sim.wait_for(submits_to(phone))
        assert sub["message_id"] == resp_id, sub
        # The sim's receipt event names the id as submit_sm_resp wrote it; the receipt
        # itself (id: text and receipted_message_id) carries receipt_id.
        sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and
                     e.get("receipt_for") == resp_id and e["status"] == 0)
        msg = wait_until(lambda: (lambda r: r[1] if r[1].get("status") == "delivered" else None)(
            d.http("GET", f"/v1/messages/{created['id']}")), 5,
            what=f"delivered status for {resp_id}")
        assert msg["carrier_message_id"] == resp_id, msg


def test_disk_full_mo_refused_then_recovers(c):
    """state_dir on a small tmpfs that a filler file nearly fills; a carrier injects MO as
    fast as the window allows until the store is full. The MO the store cannot take are
    answered ESME_RX_T_APPN (0x64); once the filler is deleted the daemon stores MO again
    by itself (no restart); every MO answered ESME_ROK is in the Inbox; and the refusals
    gave fewer than 100 log lines a minute (aggregated, counted in /metrics)."""
    workdir = tempfile.mkdtemp(dir=c.dir)
    state = os.path.join(workdir, "state")
    os.makedirs(state)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", state],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        raise Skip(f"cannot mount a tmpfs as state_dir: {mounted.stderr.strip() or mounted.returncode}")
    c.mounts.append(state)
    filler = os.path.join(state, "filler")
    fs = os.statvfs(state)
    with open(filler, "wb") as f:  # leave ~3 MiB for the store
        f.write(b"\0" * (fs.f_bavail * fs.f_frsize - (3 << 20)))
    sim = c.sim("--mo-rate", "5000", "--mo-window", "100", "--mo-from", "+14155600000",
                "--mo-text", "hello")
    d = c.daemon([{"name": "carrier", "port": sim.port}], workdir=workdir).start()
    sim.wait_for(lambda e: e["event"] == "bound", 10)
    t0 = time.monotonic()
    refused = lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") and e["status"] == 0x64
    sim.wait_for(refused, 120)
    time.sleep(3)  # refusals at line rate meanwhile
    refusals = len(sim.find(refused))
    mark = sim.mark()
    os.remove(filler)  # space returns; the daemon is not restarted
    ok_after = lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") and e["status"] == 0
    sim.wait_for(ok_after, 30, start=mark)
    time.sleep(0.5)
    sim.send("quit")
    sim.proc.wait(10)

    acked = {e["from"] for e in sim.find(ok_after)}
    assert len(acked) > 100, f"too little load: {len(acked)} MO acknowledged"
    stored = inbox_senders(d)
    missing = acked - stored
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged MO lost, e.g. {sorted(missing)[:5]}"

    # The refusals ended: their count follows as one summary line within the interval.
    summary = wait_until(lambda: [l for l in d.log().splitlines() if "[mo_not_stored]" in l],
                         15, what="the summary line of the refusals")
    assert " more in the last " in summary[0], summary
    lines = [l for l in d.log().splitlines() if "MO not stored" in l or "[mo_not_stored]" in l]
    # A full disk is named as such (LMDB's EIO for a short write included), not as an I/O error.
    assert "free disk space under state_dir" in lines[0], lines[0]
    elapsed_min = (time.monotonic() - t0) / 60
    assert len(lines) < 100 * max(elapsed_min, 1), (len(lines), lines[:5])
    all_lines = len(d.log().splitlines())
    assert all_lines < 100 * max(elapsed_min, 1), f"{all_lines} daemon log lines"
    status, metrics = d.http("GET", "/metrics")
    assert status == 200, metrics
    events = [l for l in metrics.splitlines()
              if l.startswith('smppgw_log_events_total{condition="mo_not_stored"}')]
    assert events and int(float(events[0].split()[-1])) >= refusals, (events, refusals)
    print(f"disk full: {refusals} MO refused (0x64), {len(acked)} acknowledged, all stored; "
          f"{len(lines)} log lines about it, {all_lines} in all, in {elapsed_min * 60:.0f} s; "
          f"{summary[0]}")


def test_long_mt_udh_parts(c):
    """A reply longer than one SMS arrives as correctly numbered UDH parts with one
    reference, and the parts reassemble to the text."""
    sim = c.sim()
    c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 LONG")
    wait_until(lambda: len(sim.find(submits_to(PHONE))) >= 3, 10, what="three parts")
    time.sleep(0.3)
    parts = sim.find(submits_to(PHONE))
    assert len(parts) == 3, parts
    refs = {p["udh"]["ref"] for p in parts}
    assert len(refs) == 1, parts
    assert [p["udh"]["seq"] for p in parts] == [1, 2, 3], parts
    assert all(p["udh"]["total"] == 3 and p["esm_class"] & 0x40 for p in parts), parts
    assert "".join(p["text"] for p in parts) == LONG_REPLY


def test_link_drop_rebind_and_queued_mt(c):
    """The carrier goes away: the link rebinds with backoff once it is back, MT queued while
    it was down is delivered afterwards, and a submit whose response never came is sent
    again rather than dropped."""
    sim = c.sim()
    port = sim.port
    d = c.daemon([{"name": "carrier", "port": port, "reconnect_min": "200ms",
                   "reconnect_max": "1s"}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.close()
    wait_until(lambda: d.http("GET", "/healthz", auth=False)[1]["links"][0]["state"] != "bound",
               5, what="link down")
    status, created = d.http("POST", "/v1/messages",
                             {"to": PHONE, "from": "12345", "text": "Queued while down"})
    assert status == 202, created
    time.sleep(1.5)  # a few reconnect attempts against a closed port
    sim2 = c.sim("--drop-after", "1", port=port)
    sim2.wait_for(lambda e: e["event"] == "bound", 10)
    # First connection: the submit is swallowed and the connection closed; the daemon
    # rebinds and sends it again (the second connection drops after its first submit too,
    # so the message must be re-sent on yet another bind: every attempt counts).
    wait_until(lambda: len(sim2.find(lambda e: e["event"] == "bound")) >= 2, 10, what="rebind")
    status, msg = d.http("GET", f"/v1/messages/{created['id']}")
    seen = sim2.find(submits_to(PHONE))
    assert any(s["text"] == "Queued while down" for s in seen) or msg["status"] == "queued", seen
    # Now a carrier that answers: the message goes out and is submitted.
    sim2.close()
    sim3 = c.sim(port=port)
    sim3.wait_for(lambda e: e["event"] == "bound", 10)
    sub = sim3.wait_for(submits_to(PHONE), 10)
    assert sub["text"] == "Queued while down", sub
    wait_until(lambda: d.http("GET", f"/v1/messages/{created['id']}")[1]["status"] == "submitted",
               5, what="submitted")


def test_sighup_adds_keyword_without_rebind(c):
    """SIGHUP with a new campaign: its keyword works at once and the link is not rebound;
    an invalid file is refused and the old configuration stays."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    d.write_config(extra_campaigns="""  - id: autumn
    name: Autumn
    short_code: "12345"
    keywords: [AUTUMN]
    replies:
      join: "Acme: you joined Autumn."
      help: "Autumn help."
      stop: "Autumn stopped."
      resubscribe: "Autumn back."
""")
    d.signal(signal.SIGHUP)
    wait_until(lambda: "reload done" in d.log(), 5, what="reload")
    sim.send(f"mo {PHONE} 12345 AUTUMN")
    sub = sim.wait_for(submits_to(PHONE))
    assert sub["text"] == "Acme: you joined Autumn.", sub
    # A broken file: refused, the daemon keeps running with the old one.
    with open(d.config_path, "a") as f:
        f.write("bogus_key: [\n")
    d.signal(signal.SIGHUP)
    wait_until(lambda: "reload refused" in d.log(), 5, what="refused reload")
    sim.send(f"mo +14155550199 12345 AUTUMN")
    sim.wait_for(submits_to("+14155550199"))
    assert len(sim.find(lambda e: e["event"] == "bound")) == 1, "the link was rebound"
    assert not sim.find(lambda e: e["event"] == "disconnected"), "the link was dropped"


def test_sigterm_unbinds_and_exits_zero(c):
    """SIGTERM: the session is unbound and the process exits 0."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 SPRING")
    sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") == 1)
    t0 = time.monotonic()
    d.signal(signal.SIGTERM)
    rc = d.wait(15)
    assert rc == 0, (rc, d.log())
    assert time.monotonic() - t0 < 8, "shutdown took too long"
    sim.wait_for(lambda e: e["event"] == "unbind", 2)


def test_crash_acknowledged_mo_survive_sigkill(c):
    """Under continuous MO load the daemon is SIGKILLed 10 times (20 on PostgreSQL, where the
    commit crosses a socket to the server); every MO the carrier saw acknowledged with ESME_ROK
    is in the Inbox afterwards."""
    sim = c.sim("--mo-rate", "1500", "--mo-window", "200", "--mo-from", "+14155500000")
    d = c.daemon([{"name": "carrier", "port": sim.port, "reconnect_min": "100ms",
                   "reconnect_max": "300ms"}], log_level="warn")
    cycles = 20 if c.backend == "postgresql" else 10
    for i in range(cycles):
        mark = sim.mark()
        d.start()
        sim.wait_for(lambda e: e["event"] == "bound", 10, start=mark)
        time.sleep(0.6)
        d.kill()
    mark = sim.mark()
    d.start()
    sim.wait_for(lambda e: e["event"] == "bound", 10, start=mark)
    time.sleep(0.5)
    sim.send("quit")
    sim.proc.wait(10)
    phones = {}
    for e in sim.find(lambda e: e["event"] == "mo" and "from" in e):
        phones[e["mo_id"]] = e["from"]
    acked = {phones[e["mo_id"]] for e in sim.find(
        lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") and e["status"] == 0)
        if e["mo_id"] in phones}
    assert len(acked) > 1000, f"too little load: {len(acked)} MO acknowledged"
    stored = inbox_senders(d)
    missing = acked - stored
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged MO lost, e.g. {sorted(missing)[:5]}"
    print(f"crash test ({c.backend}): {cycles} SIGKILL cycles, {len(acked)} MO acknowledged, all stored "
          f"({len(stored)} Inbox rows)")


def test_oops_and_manual_opt_out(c):
    """The store's rules through the daemon, on either backend: a join, STOP and OOPS restore
    the campaign; a Manual Opt-Out CSV of three numbers (one a duplicate, one invalid) opts
    out exactly the valid ones, is counted per campaign and audited, and the opted-out export
    lists them; a broadcast then skips them."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 SPRING")
    sim.wait_for(lambda e: submits_to(PHONE)(e) and e["text"] == JOIN)
    sim.send(f"mo {PHONE} 12345 STOP")
    sim.wait_for(lambda e: submits_to(PHONE)(e) and e["text"] == STOP)
    sim.send(f"mo {PHONE} 12345 OOPS")
    back = sim.wait_for(lambda e: submits_to(PHONE)(e) and "subscribed again" in e["text"])
    assert back, back
    status, sub = d.http("GET", f"/v1/subscribers/{PHONE}")
    # STOP ended spring-promo (the one subscribed) and opted out of long-reads too (every
    # campaign on the short code); OOPS restores only what STOP ended.
    states = {x["campaign"]: x["state"] for x in sub["subscriptions"]}
    assert status == 200 and states == {"spring-promo": "subscribed", "long-reads": "opted_out"}, sub
    others = ["+14155550124", "+14155550125"]
    for p in others:
        sim.send(f"mo {p} 12345 SPRING")
        sim.wait_for(lambda e, p=p: submits_to(p)(e) and e["text"] == JOIN)
    csv = "phone\n" + "\n".join([others[0], others[1], others[0], "not-a-number"]) + "\n"
    status, result = d.http("POST", "/v1/opt-outs?campaign=spring-promo", csv,
                            content_type="text/csv")
    assert status == 200, (status, result)
    assert (result["rows"], result["opted_out"], result["already_opted_out"], result["duplicates"],
            result["invalid"]) == (4, 2, 0, 1, 1), result
    status, campaigns = d.http("GET", "/v1/campaigns")
    spring = [x for x in campaigns if x["id"] == "spring-promo"][0]
    assert (spring["subscribed"], spring["opted_out"]) == (1, 2), spring
    status, export = d.http("GET", "/v1/opt-outs.csv?campaign=spring-promo")
    assert status == 200, export
    assert sorted(l.split(",")[0] for l in export.splitlines()[1:]) == sorted(others), export
    status, audit = d.http("GET", f"/v1/audit?phone={others[0]}")
    assert status == 200 and [e["to"] for e in audit["events"]] == ["opted_out", "subscribed"], audit
    mark = sim.mark()
    status, b = d.http("POST", "/v1/campaigns/spring-promo/broadcast", {"text": "Spring sale"})
    assert status == 202 and (b["recipients"], b["suppressed"]) == (1, 2), (status, b)
    sim.wait_for(lambda e: submits_to(PHONE)(e) and e["text"] == "Spring sale", start=mark)
    time.sleep(1)
    assert not [e for e in sim.find(lambda e: e["event"] == "submit_sm", start=mark)
                if e["to"].lstrip("+") in {p.lstrip("+") for p in others}]
    print(f"oops and manual opt-out ({c.backend}): restored, 2 opted out, export and broadcast agree")


def test_plain_language_revocation(c):
    """Plain-language revocation (docs/revocation.md): "please stop" and "remove me from this
    list" opt out as STOP with one confirmation each and a broadcast skips both; an ambiguous
    text ("cancel my order") changes nothing and is listed by ?flag=possible_opt_out."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    stoppers = {"+14155550131": "please stop", "+14155550132": "remove me from this list"}
    ambiguous = "+14155550133"
    for p in [*stoppers, ambiguous]:
        sim.send(f"mo {p} 12345 SPRING")
        sim.wait_for(lambda e, p=p: submits_to(p)(e) and e["text"] == JOIN)
    mark = sim.mark()
    for p, text in stoppers.items():
        sim.send(f"mo {p} 12345 {text}")
        sim.wait_for(lambda e, p=p: submits_to(p)(e) and e["text"] == STOP, start=mark)
    sim.send(f"mo {ambiguous} 12345 Cancel my order")
    flagged = wait_until(lambda: d.http("GET", "/v1/inbox?flag=possible_opt_out")[1]["messages"])
    assert [(m["from"], m["kind"], m["text"]) for m in flagged] == \
        [(ambiguous, "possible_opt_out", "Cancel my order")], flagged
    status, bad = d.http("GET", "/v1/inbox?flag=stop")
    assert status == 422 and bad["error"] == "invalid_value", (status, bad)
    for p in stoppers:
        status, sub = d.http("GET", f"/v1/subscribers/{p}")
        states = {x["campaign"]: x["state"] for x in sub["subscriptions"]}
        assert status == 200 and states.get("spring-promo") == "opted_out", sub
    status, b = d.http("POST", "/v1/campaigns/spring-promo/broadcast", {"text": "Spring sale"})
    assert status == 202 and (b["recipients"], b["suppressed"]) == (1, 2), (status, b)
    sim.wait_for(lambda e: submits_to(ambiguous)(e) and e["text"] == "Spring sale", start=mark)
    time.sleep(1)
    for p in stoppers:
        sent = sim.find(submits_to(p), start=mark)
        assert [e["text"] for e in sent] == [STOP], sent  # one confirmation, no broadcast
    status, metrics = d.http("GET", "/metrics")
    assert "smppgw_inbox_possible_opt_out_unreviewed 1" in metrics, metrics
    print("plain-language revocation: 2 opted out with one confirmation each, 1 flagged")


def test_postgresql_outage_mo_refused_then_recovers(c):
    """The daemon's PostgreSQL server (its own throwaway cluster) is stopped under MO load and
    started again: meanwhile MO are answered ESME_RX_T_APPN (0x64), /healthz says 503 with the
    reason and admin writes get 503; afterwards the daemon stores MO again by itself, and every
    MO answered ESME_ROK is in the Inbox."""
    if c.backend != "postgresql":
        raise Skip("a PostgreSQL outage needs backend postgresql")
    # Its own directory under /tmp: as root the cluster runs as nobody, who cannot enter c.dir.
    cluster = tempfile.mkdtemp(prefix="smppgw-it-pg-")
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools",
                        "pg-cluster")
    started = subprocess.run([tool, "start", cluster], capture_output=True, text=True)
    if started.returncode != 0:
        raise Skip(f"cannot start a PostgreSQL cluster: {started.stderr.strip()}")
    c.cleanups.append(lambda: subprocess.run([tool, "stop", cluster], check=False))
    pg = postgresql(started.stdout.strip(), os.path.join(cluster, "password"))
    sim = c.sim("--mo-rate", "2000", "--mo-window", "50", "--mo-from", "+14155700000",
                "--mo-text", "hello")
    d = c.daemon([{"name": "carrier", "port": sim.port}], postgresql=pg).start()
    sim.wait_for(lambda e: e["event"] == "bound", 10)
    ok = lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") and e["status"] == 0
    refused = lambda e: e["event"] == "deliver_sm_resp" and e.get("mo_id") and e["status"] == 0x64
    sim.wait_for(ok, 10)
    time.sleep(1)
    subprocess.run([tool, "halt", cluster], check=True)
    sim.wait_for(refused, 30)
    health = wait_until(lambda: (lambda r: r if r[0] == 503 else None)(
        d.http("GET", "/healthz", auth=False)), 15, what="/healthz 503")
    assert health[1]["error"] == "store_unavailable", health
    # The reason names the server (its socket directory) and never the password.
    assert cluster in health[1]["message"], health
    assert open(os.path.join(cluster, "password")).read().strip() not in health[1]["message"]
    status, body = d.http("POST", "/v1/messages", {"to": PHONE, "from": "12345", "text": "hi"})
    assert status == 503, (status, body)
    time.sleep(2)
    refusals = len(sim.find(refused))
    mark = sim.mark()
    subprocess.run([tool, "resume", cluster], check=True)
    sim.wait_for(ok, 60, start=mark)
    wait_until(lambda: d.http("GET", "/healthz", auth=False)[0] == 200, 30, what="/healthz 200")
    time.sleep(1)
    sim.send("quit")
    sim.proc.wait(10)
    acked = {e["from"] for e in sim.find(ok)}
    stored = inbox_senders(d)
    missing = acked - stored
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged MO lost, e.g. {sorted(missing)[:5]}"
    print(f"postgresql outage: {refusals} MO refused (0x64) while the server was down, "
          f"{len(acked)} acknowledged, all stored; healthz said: {health[1].get('message')}")


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main(tests=None):
    """Runs one test of `tests` (this file's by default) named on the command line."""
    tests = tests or TESTS
    p = argparse.ArgumentParser()
    p.add_argument("--daemon")
    p.add_argument("--sim")
    p.add_argument("--backend", choices=["lmdb", "postgresql"], default="lmdb")
    p.add_argument("--list", action="store_true")
    p.add_argument("test", nargs="?")
    a = p.parse_args()
    if a.list:
        print("\n".join(tests))
        return 0
    c = Case(a.daemon, a.sim, a.backend)
    failed = True
    try:
        tests[a.test](c)
        failed = False
        print(f"PASS {a.test}")
        return 0
    except Skip as e:
        failed = False
        print(f"SKIP {a.test}: {e}")
        return 77
    except Exception:
        traceback.print_exc()
        print(f"FAIL {a.test}")
        return 1
    finally:
        c.cleanup(failed)


if __name__ == "__main__":
    sys.exit(main())
