// libFuzzer target for the store's value decoders (store/records.cpp, store/audit_bulk.cpp):
// a damaged page or a bug in an older binary hands them arbitrary bytes, and they must
// answer "corrupted" (nullopt / false) rather than read past the value or build a record the
// encoder could not have written. The first input byte picks the record type; the rest is
// the value. Invariants:
//  - any value either fails to decode or decodes to a record that, encoded again, decodes to
//    the same record (decoding accepts only what encoding can express);
//  - an audit_bulk row that parses gives exactly size() events, each with the row's context
//    and ids first..first+size-1; rebuilt with AuditBulkBuilder from those events it parses
//    to the same events, and its size prefix says the same count;
//  - the state-only and summary decoders of a subscription agree with the full one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/records.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace store = smppgw::store;
namespace records = smppgw::store::records;
using smppgw::fuzz::as_text;
using smppgw::fuzz::FuzzInput;

constexpr std::uint64_t kFirstId = 1000;

void check_subscription(std::string_view v) {
  auto s = records::decode_subscription("+14155550100", "spring", v);
  auto state = records::decode_subscription_state(v);
  store::SubscriptionState summary_state{};
  store::Timestamp since{};
  store::ChangeSource source{};
  const bool summary = records::decode_subscription_summary(v, summary_state, since, source);
  FUZZ_CHECK(s.has_value() == state.has_value());
  FUZZ_CHECK(s.has_value() == summary);
  if (!s) return;
  FUZZ_CHECK(s->state == *state);
  FUZZ_CHECK(s->state == summary_state && s->since == since && s->source == source);
  std::string again;
  records::encode(again, *s);
  FUZZ_CHECK(records::decode_subscription("+14155550100", "spring", again) == s);
}

// decode → encode → decode gives the same record (for the decoders taking an id).
template <class Decode>
void check_round_trip(std::string_view v, Decode decode) {
  auto r = decode(7, v);
  if (!r) return;
  std::string again;
  records::encode(again, *r);
  FUZZ_CHECK(decode(7, again) == r);
}

void check_audit_bulk(std::string_view v) {
  auto row = records::AuditBulkView::parse(v);
  if (!row) return;
  FUZZ_CHECK(records::audit_bulk_size(v) == row->size());
  FUZZ_CHECK(!row->event(kFirstId, row->size()));
  std::vector<store::AuditEvent> events;
  for (std::uint32_t i = 0; i < row->size(); ++i) {
    auto e = row->event(kFirstId, i);
    if (!e) return;  // a malformed entry is reported per event; the row is corrupted
    FUZZ_CHECK(e->id == kFirstId + i);
    if (!events.empty()) {
      FUZZ_CHECK(e->at == events.front().at && e->source == events.front().source &&
                 e->ref == events.front().ref && e->reason == events.front().reason);
    }
    events.push_back(std::move(*e));
  }
  if (events.empty()) return;
  records::AuditBulkBuilder b;
  const store::ChangeContext ctx{events.front().at, events.front().source, events.front().ref,
                                 events.front().reason};
  b.start(ctx);
  // An entry without its hash (schema 6) is rebuilt with zeros: the builder always writes one.
  for (auto& e : events) {
    if (!e.prev_hash) e.prev_hash.emplace();
    b.add(e.phone, e.campaign, e.from_state, e.to_state, *e.prev_hash);
  }
  std::string again;
  b.encode(again);
  auto rebuilt = records::AuditBulkView::parse(again);
  FUZZ_CHECK(rebuilt && rebuilt->size() == events.size());
  for (std::uint32_t i = 0; i < rebuilt->size(); ++i) {
    FUZZ_CHECK(rebuilt->event(kFirstId, i) == events[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const std::uint8_t kind = in.byte();
  const std::string value(as_text(in.rest()));  // its own allocation: ASan sees its end
  switch (kind % 5) {
    case 0:
      check_subscription(value);
      break;
    case 1:
      check_round_trip(value, records::decode_audit);
      break;
    case 2:
      check_round_trip(value, records::decode_inbox);
      break;
    case 3:
      check_round_trip(value, records::decode_outbox);
      break;
    default:
      check_audit_bulk(value);
      break;
  }
  return 0;
}
