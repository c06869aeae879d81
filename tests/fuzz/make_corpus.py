#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_pdu (corpus/pdu/): one file per golden vector.

The vectors are those of smpp-notes §12 and the codec unit tests (tests/unit/protocol/
codec_test.cpp), built field by field here. Rerun after changing a vector:
    python3 tests/fuzz/make_corpus.py
"""
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "pdu"


def cstr(s):
    return s.encode() + b"\0"


def u8(*v):
    return bytes(v)


def tlv(tag, value):
    return struct.pack(">HH", tag, len(value)) + value


def pdu(command_id, seq, body=b"", status=0):
    return struct.pack(">IIII", 16 + len(body), command_id, status, seq) + body


def sm_body(src, dst, esm=0, reg=0, dcs=0, sm=b"", tlvs=b"", service=""):
    return (cstr(service) + u8(src[0], src[1]) + cstr(src[2]) + u8(dst[0], dst[1]) + cstr(dst[2])
            + u8(esm, 0, 0) + cstr("") + cstr("") + u8(reg, 0, dcs, 0, len(sm)) + sm + tlvs)


DLR = (b"id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done date:2511241531 stat:DELIVRD "
       b"err:000 text:Hello")
BIND = cstr("acme") + cstr("secret") + cstr("VMA") + u8(0x34, 1, 1) + cstr("^4477")

VECTORS = {
    # smpp-notes §12
    "enquire_link": pdu(0x15, 1),
    "enquire_link_resp": pdu(0x80000015, 1),
    "generic_nack": pdu(0x80000000, 7, status=3),
    "bind_transceiver": pdu(0x09, 1, cstr("esme1") + cstr("pw") + cstr("") + u8(0x34, 0, 0) + cstr("")),
    "bind_transceiver_resp": pdu(0x80000009, 1, cstr("SMSC") + tlv(0x0210, u8(0x34))),
    "submit_sm": pdu(0x04, 2, sm_body((5, 0, "Test"), (1, 1, "447700900123"), reg=1, sm=b"Hello")),
    "submit_sm_resp": pdu(0x80000004, 2, cstr("5F2A01")),
    "deliver_sm_resp": pdu(0x80000005, 1, b"\0"),
    "deliver_sm_receipt": pdu(0x05, 1, sm_body((1, 1, "447700900123"), (5, 0, "Test"), esm=4, sm=DLR,
                                               tlvs=tlv(0x001E, cstr("5F2A01")) + tlv(0x0427, u8(2)))),
    # codec_test.cpp
    "bind_transmitter": pdu(0x02, 9, BIND),
    "bind_receiver": pdu(0x01, 9, BIND),
    "bind_transmitter_resp": pdu(0x80000002, 3, cstr("SMSC")),
    "bind_receiver_resp_error": pdu(0x80000001, 3, status=0x0E),
    "outbind": pdu(0x0B, 4, cstr("SMSC") + cstr("pw")),
    "unbind": pdu(0x06, 5),
    "unbind_resp": pdu(0x80000006, 5),
    "cancel_sm_resp": pdu(0x80000008, 5),
    "replace_sm_resp": pdu(0x80000007, 5, status=0x13),
    "query_sm": pdu(0x03, 6, cstr("5F2A01") + u8(5, 0) + cstr("Test")),
    "query_sm_resp": pdu(0x80000003, 6, cstr("5F2A01") + cstr("251124153000004+") + u8(2, 0)),
    "cancel_sm": pdu(0x08, 7, cstr("CMT") + cstr("5F2A01") + u8(5, 0) + cstr("Test") + u8(1, 1)
                     + cstr("447700900123")),
    "replace_sm": pdu(0x07, 8, cstr("5F2A01") + u8(5, 0) + cstr("Test") + cstr("")
                      + cstr("000001000000000R") + u8(1, 0, 3) + b"Bye"),
    "submit_multi": pdu(0x21, 10, cstr("") + u8(5, 0) + cstr("Test") + u8(2) + u8(1, 1, 1)
                        + cstr("447700900123") + u8(2) + cstr("friends") + u8(0, 0, 0) + cstr("")
                        + cstr("") + u8(0, 0, 8, 0, 4) + bytes.fromhex("00480069")
                        + tlv(0x0204, bytes.fromhex("1234"))),
    "submit_multi_resp": pdu(0x80000021, 10, cstr("M1") + u8(1, 1, 1) + cstr("447700900999")
                             + struct.pack(">I", 0x0B)),
    "alert_notification": pdu(0x0102, 11, u8(1, 1) + cstr("447700900123") + u8(5, 0) + cstr("Test")
                              + tlv(0x0422, u8(0))),
    "data_sm": pdu(0x0103, 12, cstr("WAP") + u8(1, 1) + cstr("447700900123") + u8(5, 0) + cstr("Test")
                   + u8(0, 1, 4) + tlv(0x020A, bytes.fromhex("23F0")) + tlv(0x020B, bytes.fromhex("0B84"))
                   + tlv(0x0424, bytes.fromhex("0102030405"))),
    "data_sm_resp": pdu(0x80000103, 12, cstr("D1") + tlv(0x001D, cstr("queued"))
                        + tlv(0x0423, bytes.fromhex("030022")) + tlv(0x0425, u8(3))),
    "submit_sm_sar_unknown_tlv": pdu(0x04, 13, sm_body((1, 1, "447700900123"), (1, 1, "12345"), dcs=8,
                                                       sm="Hi".encode("utf-16-be"),
                                                       tlvs=tlv(0x020C, bytes.fromhex("0102"))
                                                       + tlv(0x020E, u8(2)) + tlv(0x020F, u8(1))
                                                       + tlv(0x1400, b"\xAA"))),
    "submit_sm_resp_error_empty_id": pdu(0x80000004, 2, b"\0", status=0x45),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in VECTORS.items():
        (OUT / name).write_bytes(data)
    # One stream of several PDUs, as a single read would bring them.
    (OUT / "stream").write_bytes(VECTORS["bind_transceiver_resp"] + VECTORS["deliver_sm_receipt"]
                                 + VECTORS["enquire_link"])


if __name__ == "__main__":
    main()
