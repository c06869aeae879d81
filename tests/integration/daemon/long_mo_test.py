#!/usr/bin/env python3
"""Integration tests of long MO from a carrier that waits for each response (issue 12, item 1):
the real daemon on real ports, smppgw-sim as the carrier SMSC sending one part at a time and
sending the next only after the deliver_sm_resp of the last (window 1), parts marked by an
8-bit UDH, a 16-bit UDH or the SAR TLVs; checks made through the SMPP side and the admin API.

Usage: long_mo_test.py --daemon PATH --sim PATH TEST_NAME   (or --list)"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402
from daemon_test import JOIN, STOP, submits_to  # noqa: E402
from harness import wait_until  # noqa: E402

SHORT_CODE = "12345"
UDH = 0x40  # esm_class UDHI


def gsm(text):
    """The octets of `text` in the GSM 03.38 default alphabet, unpacked (data_coding 0):
    letters, digits, space and basic punctuation have their ASCII codes there."""
    assert all(c.isalnum() or c in " .,'" for c in text), text
    return text.encode("ascii")


def udh8(reference, total, seq):
    return bytes([0x05, 0x00, 0x03, reference, total, seq])


def udh16(reference, total, seq):
    return bytes([0x06, 0x08, 0x04, reference >> 8, reference & 0xFF, total, seq])


def part_command(style, phone, reference, total, seq, text):
    """The sim command that sends part `seq` of `total` in `style` (udh8, udh16 or sar)."""
    octets = gsm(text)
    if style == "udh8":
        return f"mo-raw {(udh8(reference, total, seq) + octets).hex()} 0 {UDH} {phone} {SHORT_CODE}"
    if style == "udh16":
        return f"mo-raw {(udh16(reference, total, seq) + octets).hex()} 0 {UDH} {phone} {SHORT_CODE}"
    assert style == "sar", style
    return (f"mo-raw {octets.hex() or '-'} 0 0 {phone} {SHORT_CODE} "
            f"sar {reference} {total} {seq}")


def send_and_wait(sim, command, timeout=5.0):
    """Sends one deliver_sm and waits for its response, as a window-1 carrier does: the next
    part goes only after this returns. The response's command_status."""
    mark = sim.mark()
    sim.send(command)
    mo = sim.wait_for(lambda e: e["event"] in ("mo", "mo_queued", "error"), start=mark)
    assert mo["event"] == "mo", f"the sim did not send the part: {mo}"
    resp = sim.wait_for(lambda e: e["event"] == "deliver_sm_resp" and
                        e.get("mo_id") == mo["mo_id"], timeout, start=mark)
    return resp["status"]


def send_parts(sim, style, phone, reference, texts, seqs=None):
    """Sends the given parts one at a time (window 1), each answered ESME_ROK before the next."""
    total = len(texts)
    for seq in seqs or range(1, total + 1):
        status = send_and_wait(sim, part_command(style, phone, reference, total, seq,
                                                 texts[seq - 1]))
        assert status == 0, f"{style} part {seq}/{total} from {phone} answered 0x{status:02X}"


def inbox_of(d, phone):
    status, body = d.http("GET", f"/v1/inbox?phone=%2B{phone[1:]}")
    assert status == 200, body
    return body["messages"]


def subscription_of(d, phone, campaign="spring-promo"):
    status, body = d.http("GET", f"/v1/subscribers/%2B{phone[1:]}")
    assert status == 200, body
    return {s["campaign"]: s["state"] for s in body["subscriptions"]}.get(campaign)


# The words of a long free-text message, three parts of at most 153 septets each.
LONG_PARTS = [
    "Hello Acme, this is a question about my appointment next week. " * 2,
    "I would like to move it to Thursday afternoon if there is a slot, " * 2,
    "and please send me the address of the new clinic again. Thanks, Ana",
]


# ---- tests --------------------------------------------------------------------------------

def test_window_one_three_part_mo_each_style(c):
    """A window-1 carrier sends 3-part MO with each kind of concatenation: every part is
    answered ESME_ROK on its own (so the next is sent), and the keyword engine acts on the
    whole text: "ST"+"O"+"P" opts out, "SPR"+"IN"+"G" joins, a long question is one Inbox
    message with its whole text. No part alone would have done any of that."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    joiner, stopper, writer = "+14155550141", "+14155550142", "+14155550143"

    send_parts(sim, "udh16", joiner, 0x1234, ["SPR", "IN", "G"])
    sub = sim.wait_for(submits_to(joiner))
    assert sub["text"] == JOIN, sub
    rows = inbox_of(d, joiner)
    assert [(r["kind"], r["text"]) for r in rows] == [("keyword", "SPRING")], rows
    assert subscription_of(d, joiner) == "subscribed"

    send_parts(sim, "udh8", stopper, 7, ["SPRING"])  # a single part: subscribes first
    sim.wait_for(lambda e: submits_to(stopper)(e) and e["text"] == JOIN)
    mark = sim.mark()
    send_parts(sim, "udh8", stopper, 8, ["ST", "O", "P"])
    stop = sim.wait_for(submits_to(stopper), start=mark)
    assert stop["text"] == STOP, stop
    rows = inbox_of(d, stopper)
    assert [(r["kind"], r["text"]) for r in rows][0] == ("stop", "STOP"), rows
    assert subscription_of(d, stopper) == "opted_out"

    send_parts(sim, "sar", writer, 0xBEEF, LONG_PARTS)
    rows = inbox_of(d, writer)
    assert [(r["kind"], r["text"]) for r in rows] == [("message", "".join(LONG_PARTS))], \
        rows


def test_sigkill_between_parts_then_last_part_completes(c):
    """Parts 1 and 2 answered, then smppgwd is killed with SIGKILL and started again on the
    same state_dir: the carrier rebinds and sends part 3, which completes the message (the
    acknowledged parts were durable), and the keyword engine acts on the whole text."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    styles = (("udh8", 21, "+14155550151"), ("udh16", 0x0321, "+14155550152"),
              ("sar", 0x4321, "+14155550153"))
    for style, reference, phone in styles:
        send_parts(sim, style, phone, reference, ["SPR", "IN", "G"], seqs=[1, 2])
    d.kill()
    restart(d, sim)
    for style, reference, phone in styles:
        assert inbox_of(d, phone) == [], f"{style}: two of three parts became an Inbox row"
        send_parts(sim, style, phone, reference, ["SPR", "IN", "G"], seqs=[3])
        sim.wait_for(lambda e: submits_to(phone)(e) and e["text"] == JOIN)
        rows = inbox_of(d, phone)
        assert [(r["kind"], r["text"]) for r in rows] == [("keyword", "SPRING")], (style, rows)
        assert subscription_of(d, phone) == "subscribed", style


def restart(d, sim):
    """Starts `d` again after a kill and waits for the carrier's rebind."""
    mark = sim.mark()
    d.start()
    sim.wait_for(lambda e: e["event"] == "bound", 10, start=mark)


def test_repeated_part_is_answered_and_stored_once(c):
    """A carrier that lost a response sends the part again: before the set is complete and
    after it was stored. Each copy is answered ESME_ROK; the message is one Inbox row and
    the keyword's reply is sent once."""
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}]).start()
    sim.wait_for(lambda e: e["event"] == "bound")
    phone = "+14155550161"
    send_parts(sim, "udh8", phone, 99, ["SPR", "IN", "G"], seqs=[1, 1, 2, 3, 3, 2])
    sim.wait_for(lambda e: submits_to(phone)(e) and e["text"] == JOIN)
    rows = inbox_of(d, phone)
    assert [(r["kind"], r["text"]) for r in rows] == [("keyword", "SPRING")], rows
    # One more exchange through the same link: had a repeat run the engine again, its reply
    # would have been queued before this MO's and sent first.
    send_parts(sim, "udh8", phone, 100, ["HELP"])
    sim.wait_for(lambda e: submits_to(phone)(e) and "help" in e["text"].lower())
    joins = sim.find(lambda e: submits_to(phone)(e) and e["text"] == JOIN)
    assert len(joins) == 1, joins
    assert len(inbox_of(d, phone)) == 2


def test_reassembly_timeout_counts_from_first_part_also_across_restart(c):
    """Two of three parts answered, then smppgwd is killed and stays down past
    reassembly_timeout: started again, it stores what arrived as one Inbox row at once (the
    time counts from the first part's stored time, not from the restart). A part 3 that comes
    after that is answered and, being acknowledged, is kept too: its own row once its own
    timeout passes."""
    timeout = 3.0
    sim = c.sim()
    d = c.daemon([{"name": "carrier", "port": sim.port}], reassembly_timeout=f"{timeout:g}s")
    d.start()
    sim.wait_for(lambda e: e["event"] == "bound")
    phone = "+14155550171"
    send_parts(sim, "sar", phone, 555, LONG_PARTS, seqs=[1, 2])
    d.kill()
    time.sleep(timeout + 0.5)
    started = time.monotonic()
    restart(d, sim)
    rows = wait_until(lambda: inbox_of(d, phone), timeout, what="the incomplete set stored")
    waited = time.monotonic() - started
    assert [(r["kind"], r["text"]) for r in rows] == \
        [("message", LONG_PARTS[0] + LONG_PARTS[1])], rows
    # Timed from the restart, the row could not appear before `timeout` had passed again.
    assert waited < timeout - 0.5, f"stored {waited:.1f}s after the restart"
    assert "missing 1 of 3 parts" in d.log(), d.log()[-2000:]

    send_parts(sim, "sar", phone, 555, LONG_PARTS, seqs=[3])
    rows = wait_until(lambda: len(inbox_of(d, phone)) == 2 and inbox_of(d, phone), timeout * 3,
                      what="the late part stored")
    assert rows[0]["text"] == LONG_PARTS[2], rows


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}

if __name__ == "__main__":
    sys.exit(daemon_test.main(TESTS))
