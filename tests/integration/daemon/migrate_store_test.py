#!/usr/bin/env python3
"""Integration test of smppgwd --migrate-store (issue 13): the real daemon makes traffic on
LMDB (joins, STOP, a long MO complete and one still waiting for parts, MTs with receipts),
stops; the store is migrated to PostgreSQL, the daemon started there shows the same Inbox,
counts, audit and messages through the admin API; migrated back into a fresh LMDB store the
same again. A second migration into the filled store is refused and writes nothing.

Usage: migrate_store_test.py --daemon PATH --sim PATH TEST_NAME   (or --list)"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402
from daemon_test import JOIN, PHONE, STOP, Skip, submits_to  # noqa: E402
from harness import postgresql, wait_until  # noqa: E402
from long_mo_test import inbox_of, send_parts  # noqa: E402

OTHER = "+14155550124"


def snapshot(d):
    """What an operator sees of the store: every Inbox row, the campaign counts, the audit
    trail, the MT records and the subscribers' states."""
    inbox, before = [], None
    while True:
        status, page = d.http("GET", "/v1/inbox?limit=1000" + (f"&before={before}" if before else ""))
        assert status == 200, page
        inbox += page["messages"]
        before = page["next_before"]
        if not before:
            break
    status, campaigns = d.http("GET", "/v1/campaigns")
    assert status == 200, campaigns
    status, audit = d.http("GET", "/v1/audit?limit=1000")
    assert status == 200, audit
    messages = {}
    for mid in (1, 2, 3, 4, 5):
        status, m = d.http("GET", f"/v1/messages/{mid}")
        messages[mid] = m if status == 200 else status
    subscribers = {p: d.http("GET", f"/v1/subscribers/{p}")[1] for p in (PHONE, OTHER)}
    return {"inbox": inbox, "campaigns": campaigns, "audit": audit["events"],
            "messages": messages, "subscribers": subscribers}


def migrate(c, from_daemon, to_daemon):
    return subprocess.run([c.daemon_bin, "--migrate-store", from_daemon.config_path,
                           to_daemon.config_path], capture_output=True, text=True, timeout=120)


def test_lmdb_to_postgresql_and_back(c):
    pg = postgresql()
    if pg is None:
        raise Skip("no PostgreSQL server: SMPPGW_TEST_PG_URL and SMPPGW_TEST_PG_PASSWORD_FILE "
                   "are set by tools/dev test")
    sim = c.sim("--receipt-delay", "100ms")
    links = [{"name": "carrier", "port": sim.port}]
    d1 = c.daemon(links).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    sim.send(f"mo {PHONE} 12345 SPRING")
    sim.wait_for(lambda e: submits_to(PHONE)(e) and e["text"] == JOIN)
    sim.send(f"mo {OTHER} 12345 SPRING")
    sim.wait_for(lambda e: submits_to(OTHER)(e) and e["text"] == JOIN)
    sim.send(f"mo {OTHER} 12345 STOP")
    sim.wait_for(lambda e: submits_to(OTHER)(e) and e["text"] == STOP)
    send_parts(sim, "udh8", PHONE, 9, ["Hello there ", "from a long MO"])
    send_parts(sim, "sar", PHONE, 300, ["Waiting ", "for ", "more"], seqs=[1])  # stays pending
    status, created = d1.http("POST", "/v1/messages",
                              {"to": PHONE, "from": "12345", "text": "Your code is 1234"})
    assert status == 202, created
    wait_until(lambda: d1.http("GET", f"/v1/messages/{created['id']}")[1].get("status") ==
               "delivered", 10, what="the MT delivered")
    wait_until(lambda: all(d1.http("GET", f"/v1/messages/{i}")[1].get("status") == "delivered"
                           for i in range(1, created["id"] + 1)), 10, what="every MT delivered")
    assert [m["text"] for m in inbox_of(d1, PHONE)][0] == "Hello there from a long MO"
    before = snapshot(d1)
    d1.stop()

    d2 = c.daemon(links, postgresql=pg)
    r = migrate(c, d1, d2)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verified" in r.stdout and "inbox: 4 rows, verified" in r.stdout, r.stdout
    print(r.stdout)
    again = migrate(c, d1, d2)
    assert again.returncode == 1 and "not empty" in again.stderr, again.stdout + again.stderr

    d2.start()
    on_pg = snapshot(d2)
    for key in before:
        assert on_pg[key] == before[key], (key, before[key], on_pg[key])
    d2.stop()

    d3 = c.daemon(links)
    back = migrate(c, d2, d3)
    assert back.returncode == 0, back.stdout + back.stderr
    d3.start()
    on_lmdb = snapshot(d3)
    for key in before:
        assert on_lmdb[key] == before[key], (key, before[key], on_lmdb[key])
    # The store goes on where it stopped: the next MO gets the next Inbox id after the one
    # the pending long MO reserved.
    sim.send(f"mo {OTHER} 12345 hello")
    rows = wait_until(lambda: (lambda r: r if len(r) == 3 else None)(inbox_of(d3, OTHER)), 10,
                      what="the new MO stored")
    assert rows[0]["id"] > max(m["id"] for m in before["inbox"]) + 1, rows
    print("migrate-store: LMDB -> PostgreSQL -> LMDB, Inbox, counts, audit and messages equal")


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}

if __name__ == "__main__":
    sys.exit(daemon_test.main(TESTS))
