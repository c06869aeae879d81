// libFuzzer target for the text layer of protocol/ (protocol/text.cmake): what a carrier or a
// user can put into a message. The first byte picks one of three drivers:
//  0 character sets: UTF-8 validation/decoding, GSM 03.38 (unpacked and packed), UCS-2,
//    Latin-1 and IA5, each checked for round trips, for valid UTF-8 out of every lenient
//    decoder, and for errors that name the right byte and character;
//  1 MO decoding: the UDH (it parses exactly when its lengths fit), make_incoming_part, and
//    decode_message_text/decode_message_parts against the character-set decoders, the parts
//    of a split payload decoding as the whole;
//  2 MT text: analyze() and segment() — parts start on character boundaries, fit their size,
//    are split greedily, carry the right UDH, and re-joined give the text; the parts fed back
//    through the MO path (make_incoming_part in any order, decode in sequence order) give the
//    text again. Collecting the parts is the store's (engine/mo_part_request, unit-tested).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/emoji_shortcodes.hpp"
#include "protocol/gsm7.hpp"
#include "protocol/ia5.hpp"
#include "protocol/incoming_part.hpp"
#include "protocol/latin1.hpp"
#include "protocol/message_text.hpp"
#include "protocol/segmenter.hpp"
#include "protocol/text_analysis.hpp"
#include "protocol/ucs2.hpp"
#include "protocol/user_data_header.hpp"
#include "protocol/utf8.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace smpp = smppgw::smpp;
using smpp::TextErrc;
using smpp::TextError;
using smppgw::fuzz::as_text;
using smppgw::fuzz::FuzzInput;
using Bytes = std::vector<std::uint8_t>;
using Octets = std::span<const std::uint8_t>;

bool valid_utf8(std::string_view s) {
  return smpp::utf8_validate(s).has_value();
}

Bytes to_bytes(Octets o) {
  return Bytes(o.begin(), o.end());
}

// ---- 0: character sets --------------------------------------------------------------------

void check_utf8(std::string_view text) {
  const auto valid = smpp::utf8_validate(text);
  const auto decoded = smpp::utf8_decode(text);
  FUZZ_CHECK(valid.has_value() == decoded.has_value());
  if (!valid) {
    const TextError& e = valid.error();
    FUZZ_CHECK(e.code == TextErrc::invalid_utf8);
    FUZZ_CHECK(e.offset < text.size());
    FUZZ_CHECK(decoded.error().offset == e.offset);
    FUZZ_CHECK(valid_utf8(text.substr(0, e.offset)));  // the first bad byte, not a later one
    FUZZ_CHECK(!e.message().empty());
    return;
  }
  FUZZ_CHECK(decoded->size() <= text.size());
  for (char32_t cp : *decoded) FUZZ_CHECK(smpp::is_scalar_value(cp));
  FUZZ_CHECK(smpp::utf8_encode(*decoded) == text);
  std::size_t pos = 0;
  std::size_t i = 0;
  while (pos < text.size()) {
    const auto cp = smpp::utf8_next(text, pos);
    FUZZ_CHECK(cp.has_value() && i < decoded->size() && *cp == (*decoded)[i]);
    ++i;
  }
  FUZZ_CHECK(i == decoded->size());
}

// Any 24-bit values, surrogates and values above U+10FFFF included, encode to valid UTF-8.
void check_utf8_encode(Octets raw) {
  std::u32string cps;
  for (std::size_t i = 0; i + 2 < raw.size(); i += 3) {
    cps.push_back(static_cast<char32_t>((raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2]));
  }
  const auto back = smpp::utf8_decode(smpp::utf8_encode(cps));
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(back->size() == cps.size());
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t want = smpp::is_scalar_value(cps[i]) ? cps[i] : smpp::kReplacementCharacter;
    FUZZ_CHECK((*back)[i] == want);
  }
}

// An encoder's error for `text`: invalid UTF-8 where utf8_validate says, or the first
// character the target set cannot hold (everything before it can be held).
template <class Representable>
void check_encode_error(std::string_view text, const TextError& e, Representable representable) {
  FUZZ_CHECK(!e.message().empty());
  const auto valid = smpp::utf8_validate(text);
  if (e.code == TextErrc::invalid_utf8) {
    FUZZ_CHECK(!valid && valid.error().offset == e.offset);
    return;
  }
  FUZZ_CHECK(e.code == TextErrc::not_representable);
  FUZZ_CHECK(valid || e.offset < valid.error().offset);
  std::size_t pos = e.offset;
  const auto cp = smpp::utf8_next(text, pos);
  FUZZ_CHECK(cp.has_value() && *cp == e.code_point && !representable(*cp));
  const auto before = smpp::utf8_decode(text.substr(0, e.offset));
  FUZZ_CHECK(before.has_value());
  for (char32_t c : *before) FUZZ_CHECK(representable(c));
}

bool in_gsm7(char32_t cp) {
  return smpp::gsm7_code(cp).has_value();
}

void check_gsm7(Octets octets) {
  const std::string_view text = as_text(octets);
  const std::string decoded = smpp::gsm7_decode(octets);
  FUZZ_CHECK(valid_utf8(decoded));
  if (std::all_of(octets.begin(), octets.end(), [](std::uint8_t o) { return o <= 0x7F; })) {
    // Lenient decoding gives only GSM characters; their encoding is canonical.
    const auto again = smpp::gsm7_encode(decoded);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->size() <= octets.size());
    FUZZ_CHECK(smpp::gsm7_decode(*again) == decoded);
  }
  const auto encoded = smpp::gsm7_encode(text);
  const auto count = smpp::gsm7_septet_count(text);
  FUZZ_CHECK(encoded.has_value() == count.has_value());
  if (encoded) {
    FUZZ_CHECK(encoded->size() == *count);
    for (std::uint8_t s : *encoded) FUZZ_CHECK(s <= 0x7F);
    FUZZ_CHECK(smpp::gsm7_decode(*encoded) == text);
  } else {
    FUZZ_CHECK(encoded.error().code == count.error().code);
    FUZZ_CHECK(encoded.error().offset == count.error().offset);
    check_encode_error(text, encoded.error(), in_gsm7);
  }
}

bool bit_of(const Bytes& b, std::size_t i) {
  return ((b[i / 8] >> (i % 8)) & 1) != 0;
}

void check_gsm7_packing(Octets raw, unsigned fill) {
  Bytes septets;
  for (std::uint8_t b : raw) septets.push_back(b & 0x7F);
  const std::size_t n = septets.size();
  const Bytes packed = smpp::gsm7_pack(septets, fill);
  FUZZ_CHECK(packed.size() == (fill + 7 * n + 7) / 8);
  FUZZ_CHECK(smpp::gsm7_unpack(packed, fill, n) == septets);
  // Without a count, a last septet of CR or @ in exactly 7 spare bits reads as padding.
  const Bytes inferred = smpp::gsm7_unpack(packed, fill);
  FUZZ_CHECK(inferred == septets ||
             (inferred.size() + 1 == n &&
              std::equal(inferred.begin(), inferred.end(), septets.begin()) &&
              (septets.back() == 0x00 || septets.back() == 0x0D)));

  // Arbitrary octets: unpacking reads every whole septet after the fill bits; packing them
  // again gives the same bits, the fill and spare bits zero.
  const Bytes octets = to_bytes(raw);
  const std::size_t bits = octets.size() * 8;
  const std::size_t available = bits > fill ? (bits - fill) / 7 : 0;
  const Bytes unpacked = smpp::gsm7_unpack(octets, fill, available);
  FUZZ_CHECK(unpacked.size() == available);
  for (std::uint8_t s : unpacked) FUZZ_CHECK(s <= 0x7F);
  const Bytes repacked = smpp::gsm7_pack(unpacked, fill);
  FUZZ_CHECK(repacked.size() == (available == 0 ? (fill + 7) / 8 : octets.size()));
  for (std::size_t i = 0; i < repacked.size() * 8; ++i) {
    const bool kept = i >= fill && i < fill + 7 * available;
    FUZZ_CHECK(bit_of(repacked, i) == (kept && bit_of(octets, i)));
  }
}

bool has_lone_surrogate(Octets octets) {
  const std::size_t units = octets.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    const unsigned u = (octets[2 * i] << 8) | octets[2 * i + 1];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const unsigned low = (octets[2 * i + 2] << 8) | octets[2 * i + 3];
      if (low >= 0xDC00 && low <= 0xDFFF) {
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) return true;
  }
  return false;
}

void check_ucs2(Octets octets) {
  const std::string_view text = as_text(octets);
  const std::string decoded = smpp::ucs2_decode(octets);
  FUZZ_CHECK(valid_utf8(decoded));
  if (octets.size() % 2 == 0 && !has_lone_surrogate(octets)) {
    const auto again = smpp::ucs2_encode(decoded);
    FUZZ_CHECK(again.has_value() && *again == to_bytes(octets));
  }
  const auto encoded = smpp::ucs2_encode(text);
  const auto units = smpp::ucs2_unit_count(text);
  FUZZ_CHECK(encoded.has_value() == units.has_value());
  FUZZ_CHECK(encoded.has_value() == valid_utf8(text));
  if (encoded) {
    FUZZ_CHECK(encoded->size() == 2 * *units);
    FUZZ_CHECK(smpp::ucs2_decode(*encoded) == text);
  } else {
    check_encode_error(text, encoded.error(), [](char32_t) { return true; });
  }
}

void check_latin1_ia5(Octets octets) {
  const std::string_view text = as_text(octets);
  const std::string latin1 = smpp::latin1_decode(octets);
  FUZZ_CHECK(valid_utf8(latin1));
  const auto latin1_again = smpp::latin1_encode(latin1);
  FUZZ_CHECK(latin1_again.has_value() && *latin1_again == to_bytes(octets));
  if (const auto e = smpp::latin1_encode(text); e) {
    FUZZ_CHECK(smpp::latin1_decode(*e) == text);
  } else {
    check_encode_error(text, e.error(), [](char32_t cp) { return cp <= 0xFF; });
  }

  const std::string ia5 = smpp::ia5_decode(octets);
  FUZZ_CHECK(valid_utf8(ia5));
  if (std::all_of(octets.begin(), octets.end(), [](std::uint8_t o) { return o <= 0x7F; })) {
    FUZZ_CHECK(ia5 == text);
    const auto again = smpp::ia5_encode(ia5);
    FUZZ_CHECK(again.has_value() && *again == to_bytes(octets));
  } else {
    const auto e = smpp::ia5_encode(text);
    FUZZ_CHECK(!e.has_value());
    check_encode_error(text, e.error(), [](char32_t cp) { return cp <= 0x7F; });
  }
}

void check_charsets(Octets octets, unsigned fill) {
  check_utf8(as_text(octets));
  check_utf8_encode(octets);
  check_gsm7(octets);
  check_gsm7_packing(octets, fill);
  check_ucs2(octets);
  check_latin1_ia5(octets);
}

// ---- 1: MO decoding -----------------------------------------------------------------------

// The UDH rule written out independently: UDHL and every IE length must stay in the data.
bool udh_fits(Octets d) {
  if (d.empty()) return false;
  const std::size_t end = 1 + std::size_t{d[0]};
  if (end > d.size()) return false;
  std::size_t pos = 1;
  while (pos < end) {
    if (pos + 2 > end) return false;
    pos += 2 + std::size_t{d[pos + 1]};
    if (pos > end) return false;
  }
  return true;
}

bool usable(const std::optional<smpp::ConcatInfo>& c) {
  return c && c->total > 1 && c->sequence >= 1 && c->sequence <= c->total;
}

bool same_concat(const smpp::ConcatInfo& a, const smpp::ConcatInfo& b) {
  return a.reference == b.reference && a.total == b.total && a.sequence == b.sequence;
}

// What decode_message_parts must give: the character-set decoder over the joined septets (each
// packed part unpacked after its own fill bits) or octets.
smpp::DecodedText expected_decoding(std::uint8_t dc, std::span<const smpp::MessagePayload> parts,
                                    smpp::Dcs0Charset dcs0) {
  smpp::DecodedText out;
  out.coding = smpp::text_coding(dc, dcs0);
  if (!out.is_text()) return out;
  const bool packed =
      out.coding == smpp::TextCoding::gsm7 && dcs0 == smpp::Dcs0Charset::gsm7_packed;
  Bytes joined;
  for (const auto& p : parts) {
    const Bytes b =
        packed ? smpp::gsm7_unpack(p.octets, smpp::gsm7_fill_bits(p.udh_octets)) : p.octets;
    joined.insert(joined.end(), b.begin(), b.end());
  }
  if (out.coding == smpp::TextCoding::gsm7 && !packed &&
      std::any_of(joined.begin(), joined.end(), [](std::uint8_t o) { return o > 0x7F; })) {
    out.coding = smpp::TextCoding::latin1;
  }
  switch (out.coding) {
    case smpp::TextCoding::gsm7:
      out.text = smpp::gsm7_decode(joined);
      break;
    case smpp::TextCoding::ia5:
      out.text = smpp::ia5_decode(joined);
      break;
    case smpp::TextCoding::latin1:
      out.text = smpp::latin1_decode(joined);
      break;
    case smpp::TextCoding::ucs2:
      out.text = smpp::ucs2_decode(joined);
      break;
    case smpp::TextCoding::binary:
    case smpp::TextCoding::unsupported:
      break;
  }
  return out;
}

void check_decoded(const smpp::DecodedText& got, const smpp::DecodedText& want) {
  FUZZ_CHECK(got.coding == want.coding);
  FUZZ_CHECK(got.text == want.text);
  FUZZ_CHECK(valid_utf8(got.text));
  if (!got.is_text()) FUZZ_CHECK(got.text.empty());
}

void check_mo(FuzzInput& in) {
  const std::uint8_t dc = in.byte();
  const auto dcs0 = static_cast<smpp::Dcs0Charset>(in.byte() % 4);
  const std::uint8_t esm_class = in.byte();
  const std::uint8_t split_seed = in.byte();
  std::optional<smpp::ConcatInfo> sar;
  if (const std::uint8_t sar_shape = in.byte(); sar_shape & 1) {
    sar = smpp::ConcatInfo{in.u16(), in.byte(), in.byte()};
  }
  const Octets user_data = in.rest();

  const auto udh = smpp::parse_user_data_header(user_data);
  FUZZ_CHECK(udh.has_value() == udh_fits(user_data));
  if (udh) {
    FUZZ_CHECK(udh->length == 1 + std::size_t{user_data[0]});
    FUZZ_CHECK(udh->length <= user_data.size());
    if (udh->concat) {
      FUZZ_CHECK(udh->concat->total >= 1);
      FUZZ_CHECK(udh->concat->sequence >= 1 && udh->concat->sequence <= udh->concat->total);
    }
  } else {
    FUZZ_CHECK(udh.error().code == TextErrc::invalid_udh);
    FUZZ_CHECK(udh.error().offset <= user_data.size());
    FUZZ_CHECK(!udh.error().message().empty());
  }

  const bool udhi = (esm_class & smpp::kEsmClassUdhi) != 0;
  const auto part =
      smpp::make_incoming_part("447700900123", "12345", esm_class, dc, user_data, sar);
  FUZZ_CHECK(part.has_value() == (!udhi || udh.has_value()));
  std::size_t udh_octets = 0;
  if (part) {
    udh_octets = udhi ? udh->length : 0;
    FUZZ_CHECK(part->payload.udh_octets == udh_octets);
    FUZZ_CHECK(part->payload.octets == to_bytes(user_data.subspan(udh_octets)));
    FUZZ_CHECK(part->data_coding == dc);
    // The UDH's concatenation IE wins over SAR; total 1 or an unusable IE means a single message.
    std::optional<smpp::ConcatInfo> want;
    if (udhi && udh->concat) {
      want = udh->concat;
    } else if (sar && sar->total >= 1 && sar->sequence >= 1 && sar->sequence <= sar->total) {
      want = sar;
    }
    if (want && want->total == 1) want.reset();
    FUZZ_CHECK(part->concat.has_value() == want.has_value());
    if (want) {
      FUZZ_CHECK(same_concat(*part->concat, *want));
      FUZZ_CHECK(usable(part->concat));
    }
  }

  const Octets payload = user_data.subspan(udh_octets);
  const smpp::MessagePayload whole{to_bytes(payload), udh_octets};
  check_decoded(smpp::decode_message_text(dc, payload, dcs0, udh_octets),
                expected_decoding(dc, std::span(&whole, 1), dcs0));
  FUZZ_CHECK(smpp::decode_message_parts(dc, {}, dcs0).text.empty());

  // The payload cut into parts at input-dependent places (as a sender may cut a message).
  std::vector<smpp::MessagePayload> parts;
  for (std::size_t at = 0, step = split_seed; at < payload.size();) {
    const std::size_t n = std::min<std::size_t>(payload.size() - at, 1 + step % 37);
    step = step * 31 + 7;
    parts.push_back({to_bytes(payload.subspan(at, n)), at == 0 ? udh_octets : 0});
    at += n;
  }
  const smpp::DecodedText joined = smpp::decode_message_parts(dc, parts, dcs0);
  check_decoded(joined, expected_decoding(dc, parts, dcs0));
  if (dcs0 != smpp::Dcs0Charset::gsm7_packed ||
      smpp::text_coding(dc, dcs0) != smpp::TextCoding::gsm7) {
    // Septets and octets are joined before decoding: split pairs still decode as one.
    FUZZ_CHECK(joined.text == smpp::decode_message_text(dc, payload, dcs0, udh_octets).text);
  }
}

// ---- 2: MT analysis and segmentation ------------------------------------------------------

std::size_t units_of(std::string_view text, smpp::MessageEncoding e) {
  const auto n = e == smpp::MessageEncoding::gsm7 ? smpp::gsm7_septet_count(text)
                                                  : smpp::ucs2_unit_count(text);
  FUZZ_CHECK(n.has_value());
  return *n;
}

void check_segments(std::string_view input, bool expand, std::uint8_t reference,
                    std::uint8_t order_seed, std::size_t max_segments) {
  const auto a = smpp::analyze(input, {.expand_shortcodes = expand});
  const auto valid = smpp::utf8_validate(input);
  FUZZ_CHECK(a.has_value() == valid.has_value());
  if (!a) {
    FUZZ_CHECK(a.error().code == TextErrc::invalid_utf8);
    FUZZ_CHECK(a.error().offset == valid.error().offset);
    return;
  }
  const std::string& text = a->text;
  FUZZ_CHECK(text == (expand ? smpp::expand_shortcodes(input) : std::string(input)));
  FUZZ_CHECK(valid_utf8(text));

  const bool gsm7 = smpp::gsm7_septet_count(text).has_value();
  FUZZ_CHECK(a->encoding == (gsm7 ? smpp::MessageEncoding::gsm7 : smpp::MessageEncoding::ucs2));
  FUZZ_CHECK(a->units == units_of(text, a->encoding));
  FUZZ_CHECK(a->segments == a->part_starts.size());
  const std::size_t single = gsm7 ? smpp::kGsm7SingleSeptets : smpp::kUcs2SingleUnits;
  const std::size_t multi = gsm7 ? smpp::kGsm7PartSeptets : smpp::kUcs2PartUnits;
  FUZZ_CHECK(smpp::exceeds_max_segments(*a, max_segments) ==
             (a->segments > std::min(max_segments, smpp::kMaxUdhSegments)));
  if (text.empty()) {
    FUZZ_CHECK(a->units == 0 && a->segments == 0 && a->remaining == single);
    return;
  }
  FUZZ_CHECK(a->units > 0);
  FUZZ_CHECK(a->segments == 1 ? a->units <= single : a->units > single);
  const std::size_t capacity = a->part_capacity();
  FUZZ_CHECK(capacity == (a->segments > 1 ? multi : single));

  // Parts: on character boundaries, each within its capacity, split greedily.
  FUZZ_CHECK(a->part_starts[0] == 0);
  std::vector<std::string_view> texts;
  std::size_t total_units = 0;
  for (std::size_t i = 0; i < a->segments; ++i) {
    const std::size_t start = a->part_starts[i];
    const std::size_t end = i + 1 < a->segments ? a->part_starts[i + 1] : text.size();
    FUZZ_CHECK(start < end && end <= text.size());
    const std::string_view part = std::string_view(text).substr(start, end - start);
    FUZZ_CHECK(valid_utf8(part));
    const std::size_t units = units_of(part, a->encoding);
    FUZZ_CHECK(units <= capacity);
    if (i + 1 < a->segments) {
      std::size_t pos = end;
      const auto next = smpp::utf8_next(text, pos);
      FUZZ_CHECK(next.has_value());
      const std::size_t cost = a->encoding == smpp::MessageEncoding::gsm7
                                   ? smpp::gsm7_cost(*next)
                                   : smpp::utf16_units(*next);
      FUZZ_CHECK(units + cost > capacity);
    } else {
      FUZZ_CHECK(a->remaining == capacity - units);
    }
    total_units += units;
    texts.push_back(part);
  }
  FUZZ_CHECK(total_units == a->units);

  const auto seg = smpp::segment(*a, reference);
  if (a->segments > smpp::kMaxUdhSegments) {
    FUZZ_CHECK(!seg && seg.error().code == TextErrc::too_many_segments);
    return;
  }
  FUZZ_CHECK(seg.has_value());
  FUZZ_CHECK(seg->parts.size() == a->segments);
  FUZZ_CHECK(seg->data_coding == (gsm7 ? smpp::kDataCodingDefault : smpp::kDataCodingUcs2));
  const bool concatenated = a->segments > 1;
  FUZZ_CHECK(seg->esm_class_flags == (concatenated ? smpp::kEsmClassUdhi : 0));
  std::string joined;
  for (std::size_t i = 0; i < seg->parts.size(); ++i) {
    const Bytes& sm = seg->parts[i];
    std::size_t udh_octets = 0;
    if (concatenated) {
      const Bytes want_udh = smpp::concat_udh_8bit(
          reference, static_cast<std::uint8_t>(a->segments), static_cast<std::uint8_t>(i + 1));
      FUZZ_CHECK(sm.size() > want_udh.size());
      FUZZ_CHECK(std::equal(want_udh.begin(), want_udh.end(), sm.begin()));
      const auto udh = smpp::parse_user_data_header(sm);
      FUZZ_CHECK(udh.has_value() && udh->length == smpp::kConcatUdh8Octets && udh->concat);
      FUZZ_CHECK(same_concat(*udh->concat, {reference, static_cast<std::uint8_t>(a->segments),
                                            static_cast<std::uint8_t>(i + 1)}));
      udh_octets = udh->length;
    }
    const Octets body = Octets(sm).subspan(udh_octets);
    std::string part_text;
    if (gsm7) {
      FUZZ_CHECK(body.size() <= capacity);
      // 140 octets of user data once packed after the UDH and its fill bits.
      FUZZ_CHECK((udh_octets * 8 + smpp::gsm7_fill_bits(udh_octets) + 7 * body.size() + 7) / 8 <=
                 140);
      part_text = smpp::gsm7_decode(body);
    } else {
      FUZZ_CHECK(body.size() % 2 == 0 && body.size() / 2 <= capacity);
      FUZZ_CHECK(udh_octets + body.size() <= 140);
      part_text = smpp::ucs2_decode(body);
    }
    FUZZ_CHECK(part_text == texts[i]);
    joined += part_text;
  }
  FUZZ_CHECK(joined == text);

  // Back through the MO side, in an input-dependent order: the same text comes out.
  const std::size_t n = seg->parts.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = (i + order_seed) % n;
  if (order_seed & 1) std::reverse(order.begin(), order.end());
  std::map<std::uint8_t, smpp::MessagePayload> by_sequence;
  for (std::size_t k = 0; k < n; ++k) {
    auto part = smpp::make_incoming_part("447700900123", "12345", seg->esm_class_flags,
                                         seg->data_coding, seg->parts[order[k]]);
    FUZZ_CHECK(part.has_value());
    FUZZ_CHECK(part->concat.has_value() == (n > 1));
    const std::uint8_t seq = part->concat ? part->concat->sequence : 1;
    if (part->concat) {
      FUZZ_CHECK(part->concat->total == n && part->concat->sequence == order[k] + 1);
    }
    FUZZ_CHECK(by_sequence.emplace(seq, std::move(part->payload)).second);
  }
  std::vector<smpp::MessagePayload> parts;
  for (auto& [seq, payload] : by_sequence) parts.push_back(std::move(payload));
  const smpp::DecodedText decoded = smpp::decode_message_parts(seg->data_coding, parts);
  FUZZ_CHECK(decoded.coding == (gsm7 ? smpp::TextCoding::gsm7 : smpp::TextCoding::ucs2));
  FUZZ_CHECK(decoded.text == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const std::uint8_t mode = in.byte();
  switch (mode % 3) {
    case 0:
      check_charsets(in.rest(), (mode / 3) % 7);
      break;
    case 1:
      check_mo(in);
      break;
    case 2: {
      const std::uint8_t reference = in.byte();
      const std::uint8_t order_seed = in.byte();
      const std::size_t max_segments = in.byte();
      check_segments(as_text(in.rest()), (mode & 4) != 0, reference, order_seed, max_segments);
      break;
    }
  }
  return 0;
}
