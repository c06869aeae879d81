// libFuzzer target for delivery receipts (protocol/delivery_receipt.cpp): the receipt text and
// the message ids come from the carrier. Invariants:
//  - parse_delivery_receipt on any text: a receipt has a non-empty, trimmed id; every field is
//    a piece of the input; the state is what its stat says; text is the input's tail;
//    written out again in the standard form, the receipt parses to the same fields;
//  - a standard receipt built around any text keeps that text verbatim after "text:";
//  - message ids: match(a, b) == match(b, a); an id matches itself, padded with spaces too;
//    ids with the same automatic canonical form match; the candidates hold no repeats and
//    start with the written form; the automatic, decimal and opaque forms are idempotent;
//  - a number written in decimal and in hex (either case, zero-padded) matches itself.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "protocol/delivery_receipt.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace smpp = smppgw::smpp;
using smppgw::fuzz::as_text;
using smppgw::fuzz::FuzzInput;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool trimmed(std::string_view s) {
  return s.empty() || (!is_space(s.front()) && !is_space(s.back()));
}

bool part_of(std::string_view whole, std::string_view piece) {
  return whole.find(piece) != std::string_view::npos;
}

// The standard form of SMPP 3.4 Appendix B with the fields that were present.
std::string write_receipt(const smpp::DeliveryReceipt& r) {
  std::string out = "id:" + r.id;
  if (r.submitted) out += " sub:" + std::to_string(*r.submitted);
  if (r.delivered) out += " dlvrd:" + std::to_string(*r.delivered);
  if (!r.submit_date.empty()) out += " submit date:" + r.submit_date;
  if (!r.done_date.empty()) out += " done date:" + r.done_date;
  if (!r.stat.empty()) out += " stat:" + r.stat;
  if (!r.error.empty()) out += " err:" + r.error;
  out += " text: " + r.text;  // the one separator space is not part of the text
  return out;
}

bool same_fields(const smpp::DeliveryReceipt& a, const smpp::DeliveryReceipt& b) {
  return a.id == b.id && a.submitted == b.submitted && a.delivered == b.delivered &&
         a.submit_date == b.submit_date && a.done_date == b.done_date && a.stat == b.stat &&
         a.state == b.state && a.error == b.error && a.text == b.text;
}

void check_parse(std::string_view text) {
  const auto r = smpp::parse_delivery_receipt(text);
  if (!r) {
    FUZZ_CHECK(r.error().code == smpp::TextErrc::invalid_receipt);
    FUZZ_CHECK(!r.error().message().empty());
    return;
  }
  FUZZ_CHECK(!r->id.empty() && trimmed(r->id) && part_of(text, r->id));
  for (const std::string* field : {&r->submit_date, &r->done_date, &r->stat, &r->error}) {
    FUZZ_CHECK(trimmed(*field) && part_of(text, *field));
  }
  FUZZ_CHECK(r->state == smpp::message_state_from_stat(r->stat));
  if (r->stat.empty()) FUZZ_CHECK(r->state == smpp::MessageState::unknown);
  FUZZ_CHECK(text.ends_with(r->text));
  FUZZ_CHECK(smpp::message_ids_match(r->id, r->id));

  const std::string again_text = write_receipt(*r);
  const auto again = smpp::parse_delivery_receipt(again_text);
  FUZZ_CHECK(again.has_value());
  if (!same_fields(*r, *again)) {
    std::fprintf(stderr, "re-written receipt: [%s]\n", again_text.c_str());
    FUZZ_CHECK(same_fields(*r, *again));
  }
}

// Any text after "text:" of a well-formed receipt is the receipt's text.
void check_text_kept(std::uint64_t n, std::uint8_t state, std::string_view text) {
  const auto s = smpp::message_state_from_value(state % 10);
  FUZZ_CHECK(s.has_value());
  const std::string_view stat = smpp::stat_code(*s);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%llX", static_cast<unsigned long long>(n));
  const std::string written =
      std::string("id:") + hex + " sub:001 dlvrd:001 submit date:2511241530" +
      " done date:2511241531 stat:" + std::string(stat) + " err:000 text: " + std::string(text);
  const auto r = smpp::parse_delivery_receipt(written);
  FUZZ_CHECK(r.has_value());
  FUZZ_CHECK(r->id == hex);
  FUZZ_CHECK(r->submitted == 1u && r->delivered == 1u);
  FUZZ_CHECK(r->submit_date == "2511241530" && r->done_date == "2511241531");
  FUZZ_CHECK(r->stat == stat && r->state == *s && r->error == "000");
  FUZZ_CHECK(r->text == text);
  FUZZ_CHECK(smpp::message_ids_match(r->id, std::to_string(n)));
}

void check_ids(std::string_view a, std::string_view b) {
  using smpp::MessageIdFormat;
  const bool ab = smpp::message_ids_match(a, b);
  FUZZ_CHECK(ab == smpp::message_ids_match(b, a));
  FUZZ_CHECK(smpp::message_ids_match(a, a));
  FUZZ_CHECK(smpp::message_ids_match(a, " " + std::string(a) + "\t"));
  if (smpp::canonical_message_id(a) == smpp::canonical_message_id(b)) FUZZ_CHECK(ab);
  for (const MessageIdFormat f :
       {MessageIdFormat::automatic, MessageIdFormat::decimal, MessageIdFormat::opaque}) {
    const std::string c = smpp::canonical_message_id(a, f);
    FUZZ_CHECK(smpp::canonical_message_id(c, f) == c);
  }
  const auto candidates = smpp::message_id_candidates(a);
  FUZZ_CHECK(!candidates.empty());
  FUZZ_CHECK(candidates[0] == smpp::canonical_message_id(a, MessageIdFormat::opaque));
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    for (std::size_t j = i + 1; j < candidates.size(); ++j) {
      FUZZ_CHECK(candidates[i] != candidates[j]);
    }
  }
}

void check_number(std::uint64_t n, unsigned pad) {
  using smpp::MessageIdFormat;
  const std::string dec = std::to_string(n);
  char upper[40];
  char lower[40];
  std::snprintf(upper, sizeof upper, "%0*llX", static_cast<int>(pad % 24),
                static_cast<unsigned long long>(n));
  std::snprintf(lower, sizeof lower, "%0*llx", static_cast<int>(pad % 24),
                static_cast<unsigned long long>(n));
  const std::string padded = std::string(pad % 7, '0') + dec;
  FUZZ_CHECK(smpp::message_ids_match(upper, dec));
  FUZZ_CHECK(smpp::message_ids_match(dec, lower));
  FUZZ_CHECK(smpp::message_ids_match(upper, lower));
  FUZZ_CHECK(smpp::message_ids_match(padded, dec));
  FUZZ_CHECK(smpp::canonical_message_id(upper, MessageIdFormat::hexadecimal) == dec);
  FUZZ_CHECK(smpp::canonical_message_id(padded, MessageIdFormat::decimal) == dec);
  FUZZ_CHECK(smpp::canonical_message_id(padded) == dec);
  if (std::any_of(upper, upper + std::char_traits<char>::length(upper),
                  [](char c) { return c >= 'A' && c <= 'F'; })) {
    FUZZ_CHECK(smpp::canonical_message_id(lower) == dec);  // automatic reads it as hex
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all = as_text({data, size});
  check_parse(all);

  // Two ids: the input cut at its first newline.
  const std::size_t nl = all.find('\n');
  const std::string_view a = all.substr(0, nl);
  const std::string_view b = nl == std::string_view::npos ? std::string_view{} : all.substr(nl + 1);
  check_ids(a, b);

  FuzzInput in(data, size);
  const std::uint64_t n = in.u64();
  const std::uint8_t state = in.byte();
  check_number(n, state);
  check_text_kept(n, state, as_text(in.rest()));
  return 0;
}
