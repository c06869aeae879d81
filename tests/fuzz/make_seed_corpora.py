#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_text, fuzz_receipt, fuzz_csv, fuzz_multipart, fuzz_config and
fuzz_records (corpus/<target>/): a few well-formed inputs per driver, and the inputs of bugs
found by fuzzing.
fuzz_pdu's corpus comes from make_corpus.py. Rerun after changing an input:
    python3 tests/fuzz/make_seed_corpora.py
Each input's layout is the one its fuzz_<target>.cpp reads (control bytes, then the data).
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def u8(*v):
    return bytes(v)


# ---- fuzz_text: first byte = driver (mode % 4) -------------------------------------------

GSM_LONG = ("Spring sale: 20% off every plan {today only} - reply STOP to opt out. Price 5€ [per "
            "month], see https://example.com/~offers | questions? HELP. ") * 2


def text_corpus():
    udh8 = u8(0x05, 0x00, 0x03, 0x2A, 0x02, 0x01)
    udh16 = u8(0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01)
    # mode 0: character sets; mode / 4 % 7 is the fill-bit count for packing.
    charsets = {
        "charset_ascii": u8(0x00) + b"Hello, world!",
        "charset_gsm_extension": u8(0x04) + "Price: 5€ {x} [y] ~ ^ | \\".encode(),
        "charset_latin1_greek": u8(0x08) + "Ça coûte 5£ — ΔΦΓ ß".encode(),
        "charset_emoji": u8(0x0C) + "héllo 😀👍🏽".encode(),
        "charset_invalid_utf8": u8(0x10) + b"ok \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82",
        "charset_utf16_pairs": u8(0x14) + bytes.fromhex("d83dde00004800d83d00dc00"),
        "charset_packed_hello": u8(0x18) + bytes.fromhex("e8329bfd06"),
        "charset_gsm_escapes": u8(0x00) + bytes([0x1B, 0x65, 0x1B, 0x1B, 0x1B, 0x0D, 0x41, 0x1B]),
    }

    # mode 1: MO. dc, dcs0 (0 unpacked, 1 packed, 2 latin1, 3 ia5), esm_class, split seed,
    # sar shape (bit 0: SAR present, then ref16 total seq), user data.
    def mo(dc, dcs0, esm, split, user_data, sar=None):
        head = u8(0x01, dc, dcs0, esm, split)
        head += u8(0) if sar is None else u8(1) + struct.pack(">HBB", *sar)
        return head + user_data

    packed_hi = u8(0x05, 0x00, 0x03, 0x07, 0x02, 0x01) + bytes.fromhex("90653a1d")  # fill 1
    mo_inputs = {
        "mo_gsm_udh8": mo(0x00, 0, 0x40, 3, udh8 + b"Hello \x1b\x65"),
        "mo_ucs2_udh16": mo(0x08, 0, 0x40, 5, udh16 + "Hi😀".encode("utf-16-be")),
        "mo_gsm_packed": mo(0x00, 1, 0x40, 2, packed_hi),
        "mo_latin1_fallback": mo(0x00, 0, 0x00, 1, "Grüße".encode("latin-1")),
        "mo_sar": mo(0x00, 0, 0x00, 4, b"part one", sar=(0x1234, 2, 1)),
        "mo_binary": mo(0xF4, 0, 0x00, 1, bytes.fromhex("0b0504158200000003")),
        "mo_ia5_link": mo(0x00, 3, 0x00, 7, b"IA5 text \x80"),
        "mo_udh_runs_past": mo(0x00, 0, 0x40, 1, u8(0x05, 0x00, 0x07, 0x01)),
    }

    # mode 2: MT. mode bit 2 = expand shortcodes; reference, order seed, max_segments, text.
    def mt(text, expand=True, ref=0x42, order=1, max_segments=10):
        return u8(0x06 if expand else 0x02, ref, order, max_segments) + text.encode()

    mt_inputs = {
        "mt_short": mt("Hello world"),
        "mt_gsm_long": mt(GSM_LONG, order=2),
        "mt_gsm_161": mt("x" * 152 + "€" * 5, order=3),
        "mt_ucs2_emoji": mt("Thanks :thumbsup: :smile: see you :wave: " * 4 + "😀", order=4),
        "mt_shortcodes_off": mt("10:30 :+1: ::smile::", expand=False),
        "mt_empty": mt(""),
    }

    # mode 3: reassembler. timeout/4ms, max sets, max octets/2, duplicate window/4ms, then ops:
    # op % 4: 0/1 add (bit 0x10 source, 0x20 UCS-2, 0x40 no concatenation; then ref, total,
    # seq unless no concatenation; then length, payload), 2 time step (n*4 ms), 3 expire.
    def add(ref, total, seq, payload, op=0x00):
        out = u8(op)
        if not op & 0x40:
            out += u8(ref, total, seq)
        return out + u8(len(payload)) + payload

    reassembly = (u8(0x03, 10, 2, 20, 50)
                  + add(1, 3, 1, b"ab") + add(1, 3, 2, b"cd") + add(1, 3, 2, b"cd")
                  + u8(0x02, 5) + add(2, 2, 1, b"xyz", op=0x10) + add(1, 3, 3, b"e")
                  + add(1, 3, 2, b"cd") + add(0, 0, 0, b"single", op=0x40)
                  + u8(0x02, 255) + u8(0x03) + add(2, 2, 2, b"late", op=0x10))
    # Found by fuzz_text: parts of pending sets grew the pending octets past the bound without
    # evicting anything (fixed in protocol/reassembler.cpp).
    octet_bound = bytes.fromhex(
        "5b030800ad00adad080000ad04080008080831020424083208310039393939ad00adad"
        "080000ad0408000808310808020424083932")
    return {**charsets, **mo_inputs, **mt_inputs, "reassembly_ops": reassembly,
            "reassembler_octet_bound": octet_bound}


# ---- fuzz_receipt: the receipt text; the ids are its first line and the rest -------------

def receipt_corpus():
    return {
        "standard": b"id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done date:2511241531 "
                    b"stat:DELIVRD err:000 text:Hello",
        "loose_keys": b"ID : 0000123 Submit_Date:251124153000 STAT: undeliv err:0x12 Text:  two  "
                      b"spaces",
        "no_id": b"sub:001 dlvrd:000 stat:EXPIRED err:001 text:id:notakey",
        "ids_hex_decimal": b"5F2A01\n6236673",
        "ids_padded": b"0000255\nff",
        "ids_opaque": b"MSG-ABC-01\nmsg-abc-01 ",
    }


# ---- fuzz_csv: control byte (bit 0 small limits, rest chunking seed), then the file --------

def csv_corpus():
    return {
        "phone_list": u8(0x00) + b"phone,name\r\n+14155552671,Ann\r\n\"(415) 555-0100\","
                                 b"\"Smith, \"\"Bo\"\"\"\n\n4155550101",
        "bom_cr_lines": u8(0x02) + b"\xef\xbb\xbfphone\r4155550100\r\n4155550101\r",
        "quoted_newlines": u8(0x04) + b"\"a\nb\",\"c\r\nd\"\r\n\"12\"34,x\"y\n,\n\"unterminated",
        "small_limits": u8(0x33) + b"a,b,c,d,e\n12345678901234567890\n",
        "binary": u8(0x06) + b"PK\x03\x04\x14\x00",
        "partial_bom": u8(0x08) + b"\xef\xbb",
    }


# ---- fuzz_multipart: control byte, Content-Type line, body ------------------------------

def multipart_corpus():
    def form(control, content_type, body):
        return u8(control) + content_type + b"\n" + body

    upload = (b"--XyZ\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\nall\r\n"
              b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
              b"Content-Type: text/csv\r\n\r\nphone\r\n+14155552671\r\n--XyZ--\r\n")
    return {
        "upload": form(0x00, b"multipart/form-data; boundary=XyZ", upload),
        "quoted_boundary": form(0x05, b"Multipart/Form-Data; boundary=\"a b;c\\\"d\"",
                                b"preamble\r\n--a b;c\"d  \r\nContent-Disposition: form-data; "
                                b"name=x; filename=\"\"\r\n\r\n\r\n--a b;c\"d--epilogue"),
        "no_headers": form(0x09, b"multipart/form-data; boundary=b",
                           b"--b\r\n\r\ndata--b\r\n--b--"),
        "incomplete": form(0x02, b"multipart/form-data; boundary=XyZ", upload[:60]),
        "malformed": form(0x03, b"multipart/form-data; boundary=XyZ", b"--XyZjunk\r\n\r\n"),
        "not_multipart": form(0x01, b"text/plain; boundary=XyZ", upload),
    }


# ---- fuzz_config: YAML text ---------------------------------------------------------------

MINIMAL = b"""company: Acme
smpp:
  links:
    - name: a
      host: 127.0.0.1
      system_id: acme
      password: pw
      short_codes: ["12345"]
campaigns:
  - id: spring
    name: Spring
    short_code: "12345"
    keywords: [SPRING, "Join Now"]
"""


def config_corpus():
    return {
        "example": (ROOT / "conf" / "smppgw.example.yaml").read_bytes(),
        "dev": (ROOT / "conf" / "dev.yaml").read_bytes(),
        "minimal": MINIMAL,
        "typos_and_types": b"compnay: Acme\nstore: {map_size: 12XB, durability: fast}\n"
                           b"log: [debug]\nmessages: {max_segments: 300, reassembly_timeout: 5}\n",
        "cross_rules": MINIMAL + b"  - id: spring\n    name: Again\n    short_code: \"999\"\n"
                                 b"    keywords: [stop, SPRING]\n    default: yes\n",
        "password_file": MINIMAL.replace(b"password: pw", b"password_file: missing.password"),
        "syntax_error": b"company: Acme\nsmpp: {links: [\n  - name: \"a\n",
        "anchors": b"company: &c Acme\nkeywords: {stop: &s [STOP, END], help: *s}\n"
                   b"default_region: *c\n",
        "empty": b"",
    }


# ---- fuzz_records: first byte = record type (kind % 5), then the stored value ------------

def le(v, n):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def vstr(b):
    out, n = b"", len(b)
    while n >= 0x80:
        out += u8((n & 0x7F) | 0x80)
        n >>= 7
    return out + u8(n) + b


def records_corpus():
    ms = 1_700_000_000_000
    subscription = u8(2) + le(ms, 8) + u8(3) + vstr(b"req-7")
    audit = (le(ms, 8) + vstr(b"+14155550100") + vstr(b"spring") + u8(1, 2, 1) + vstr(b"mo:12") +
             vstr(b"STOP"))
    inbox = (le(ms, 8) + vstr(b"+14155550100") + vstr(b"12345") + vstr(b"spring") +
             vstr("STOP é".encode()) + u8(3) + vstr(b"carrier-a"))
    # audit_bulk: count, time, source, ref, reason, campaigns, offsets, entries.
    entries = [u8(1, 2) + le(0, 2) + vstr(b"+14155550101"),
               u8(0, 2) + le(1, 2) + vstr(b"+14155550102")]
    offsets, at = b"", 0
    for e in entries:
        offsets += le(at, 4)
        at += len(e)
    bulk = (le(len(entries), 4) + le(ms, 8) + u8(3) + vstr(b"req-9") + vstr(b"csv upload") +
            le(2, 2) + vstr(b"spring") + vstr(b"*") + offsets + b"".join(entries))
    return {
        "subscription": u8(0) + subscription,
        "audit": u8(1) + audit,
        "inbox": u8(2) + inbox,
        "outbox_garbage": u8(3) + b"\x00" * 40,
        "audit_bulk": u8(4) + bulk,
        "audit_bulk_huge_count": u8(4) + b"\xff\xff\xff\xff" + bulk[4:],
    }


def write(target, inputs):
    out = HERE / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for name, data in inputs.items():
        (out / name).write_bytes(data)


def main():
    write("text", text_corpus())
    write("receipt", receipt_corpus())
    write("csv", csv_corpus())
    write("multipart", multipart_corpus())
    write("config", config_corpus())
    write("records", records_corpus())


if __name__ == "__main__":
    main()
