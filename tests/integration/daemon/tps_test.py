#!/usr/bin/env python3
"""Integration tests of `max_tps` (issue 12, "Carrier interop"): the real daemon paces its
submit_sm so that every sliding second of their arrival times, as the carrier (smppgw-sim)
records them, holds at most max_tps — after an idle period, after a SIGHUP that changes
max_tps, and across the links of one carrier account. Messages come through the admin API.

Usage: tps_test.py --daemon PATH --sim PATH TEST_NAME   (or --list)"""

import concurrent.futures
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402
from harness import wait_until  # noqa: E402

SECOND_US = 1_000_000
# Posting threads: the queue must fill faster than any limit tested, so that a limiter that
# let a burst through would show it on the wire.
POSTERS = 8


def is_submit(e):
    return e["event"] == "submit_sm"


def arrivals(sim, start=0):
    """The submit_sm arrival times (µs, the sim's monotonic clock), sorted."""
    return sorted(e["received_us"] for e in sim.find(is_submit, start=start))


def fullest_second(times, ending_after=None):
    """The most arrivals in one closed window [t - 1 s, t]. The fullest window ends at an
    arrival, so trying each one as the end is exhaustive. With `ending_after`, only windows
    ending at an arrival after that time (those the limit in force since then governs)."""
    most, begin = 0, 0
    for end, t in enumerate(times):
        while times[begin] < t - SECOND_US:
            begin += 1
        if ending_after is None or t > ending_after:
            most = max(most, end - begin + 1)
    return most


def closest_span(times, n):
    """The shortest time between an arrival and the n-th after it (µs; None if too few)."""
    spans = [times[i + n] - times[i] for i in range(len(times) - n)]
    return min(spans) if spans else None


def post_messages(d, count, campaign="spring-promo", first_phone=14155560000):
    """POSTs `count` messages at once from POSTERS threads; returns their ids."""
    def post(i):
        status, body = d.http("POST", "/v1/messages", {
            "to": f"+{first_phone + i}", "campaign": campaign, "text": f"Deal {i}"})
        assert status == 202, (status, body)
        return body["id"]
    with concurrent.futures.ThreadPoolExecutor(POSTERS) as pool:
        return list(pool.map(post, range(count)))


def wait_submits(sim, count, start=0, timeout=60):
    wait_until(lambda: len(sim.find(is_submit, start=start)) >= count, timeout,
               interval=0.1, what=f"{count} submit_sm")


def now_us():
    # CLOCK_MONOTONIC, the clock of the sim's std::chrono::steady_clock.
    return time.monotonic_ns() // 1000


def reload_max_tps(d, max_tps):
    """Rewrites the links' max_tps, SIGHUPs and waits for the reload; returns two times in
    the sim's clock: before the old limit ended, and after the new one was in force."""
    for link in d.links:
        link["max_tps"] = max_tps
    d.write_config()
    done = d.log().count("reload done")
    signalled_at = now_us()
    d.signal(signal.SIGHUP)
    wait_until(lambda: d.log().count("reload done") > done, 10, what="reload")
    return signalled_at, now_us()


def report(name, times, max_tps):
    span = closest_span(times, max_tps)
    print(f"{name}: {len(times)} submit_sm, fullest sliding second {fullest_second(times)} "
          f"(max_tps {max_tps}), shortest span of {max_tps + 1} arrivals "
          f"{span / 1000 if span is not None else '-'} ms")


def check_paced_after_idle(c, max_tps):
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port, "max_tps": max_tps}],
                 durability="nosync").start()
    sim.wait_for(lambda e: e["event"] == "bound")
    post_messages(d, 1, first_phone=14155550000)
    wait_submits(sim, 1)
    time.sleep(1.5)  # idle: a token bucket would be full again now
    post_messages(d, 3 * max_tps)
    wait_submits(sim, 3 * max_tps + 1)
    times = arrivals(sim)
    report(f"max_tps {max_tps}", times, max_tps)
    assert fullest_second(times) <= max_tps, (fullest_second(times), max_tps)
    # Records wait for their turn well past the dispatcher's 100 ms check age; the check
    # repeated before sending must work (it once read an empty phone, failed, and put every
    # such record back until the next poll: about one submit per second).
    assert "suppression check" not in d.log(), d.log()[-3000:]


# ---- tests --------------------------------------------------------------------------------

def test_tps_5_after_idle(c):
    """max_tps 5: after an idle second and a half, 15 messages posted at once reach the
    carrier at most 5 in any sliding second."""
    check_paced_after_idle(c, 5)


def test_tps_50_after_idle(c):
    """max_tps 50: 150 messages posted at once, at most 50 in any sliding second."""
    check_paced_after_idle(c, 50)


def test_tps_sighup_cut(c):
    """SIGHUP 50 → 5 in the middle of a burst: the bind is kept, and from the reload on no
    sliding second holds more than 5 — the submits sent under 50 just before count too — and
    none ever more than 50."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port, "max_tps": 50}],
                 durability="nosync").start()
    sim.wait_for(lambda e: e["event"] == "bound")
    time.sleep(1.5)
    post_messages(d, 3 * 50)
    wait_submits(sim, 40)
    _, changed_at = reload_max_tps(d, 5)
    mark = sim.mark()
    wait_submits(sim, 3 * 5, start=mark)
    times = arrivals(sim)
    after = [t for t in times if t > changed_at]
    report("max_tps 50 -> 5", times, 5)
    assert len(after) >= 3 * 5, len(after)
    assert fullest_second(times, ending_after=changed_at) <= 5, \
        fullest_second(times, ending_after=changed_at)
    assert fullest_second(times) <= 50, fullest_second(times)
    assert len(sim.find(lambda e: e["event"] == "bound")) == 1, "the link was rebound"
    assert "changed only max_tps" in d.log(), d.log()[-2000:]


def test_tps_sighup_raise(c):
    """SIGHUP 5 → 20 while messages wait: the new limit applies at once but is no burst —
    no sliding second holds more than 20, counting the submits sent at 5 before it."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port, "max_tps": 5}],
                 durability="nosync").start()
    sim.wait_for(lambda e: e["event"] == "bound")
    time.sleep(1.5)
    post_messages(d, 3 * 20)
    wait_submits(sim, 6)
    signalled_at, changed_at = reload_max_tps(d, 20)
    wait_submits(sim, 3 * 20)
    times = arrivals(sim)
    report("max_tps 5 -> 20", times, 20)
    before = [t for t in times if t <= signalled_at]
    assert fullest_second(before) <= 5, fullest_second(before)
    assert fullest_second(times) <= 20, fullest_second(times)
    # The raise took effect: the link sent faster than 5 afterwards.
    assert fullest_second(times, ending_after=changed_at) > 5, times
    assert len(sim.find(lambda e: e["event"] == "bound")) == 1, "the link was rebound"


def test_tps_links_of_one_account_share_the_limit(c):
    """Two links naming one carrier account (same host, port and system_id) — a transceiver
    with max_tps 20 and a transmitter+receiver pair with max_tps 5, on two short codes — are
    held together to the smaller limit: at most 5 submit_sm in any sliding second over all
    their connections, both links sending."""
    sim = c.sim()
    d = c.daemon([
        {"name": "trx", "port": sim.port, "max_tps": 20},
        {"name": "pair", "port": sim.port, "max_tps": 5, "bind": "transmitter+receiver",
         "short_code": "67890"},
    ], durability="nosync", extra_campaigns="""  - id: winter
    name: Winter
    short_code: "67890"
    keywords: [WINTER]
    default: true
    replies:
      join: "Acme: you joined Winter."
      help: "Winter help."
      stop: "Winter stopped."
      resubscribe: "Winter back."
""").start()
    wait_until(lambda: len(sim.find(lambda e: e["event"] == "bound")) >= 3, 10,
               what="three binds")
    time.sleep(1.5)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        a = pool.submit(post_messages, d, 3 * 5, "spring-promo", 14155560000)
        b = pool.submit(post_messages, d, 3 * 5, "winter", 14155570000)
        a.result()
        b.result()
    wait_submits(sim, 2 * 3 * 5)
    submits = sim.find(is_submit)
    times = sorted(e["received_us"] for e in submits)
    report("two links of one account", times, 5)
    by_code = {code: sum(1 for e in submits if e["from"] == code) for code in ("12345", "67890")}
    assert by_code == {"12345": 15, "67890": 15}, by_code
    assert fullest_second(times) <= 5, fullest_second(times)
    assert "the account is held to 5" in d.log(), d.log()[-2000:]


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


if __name__ == "__main__":
    sys.exit(daemon_test.main(TESTS))
