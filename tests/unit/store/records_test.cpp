// Key and value encodings (store/keys.hpp, store/records.cpp): keys sort the way the queries
// read, every record survives a round trip, and a damaged value is detected, not misread.
#include <array>

#include <gtest/gtest.h>

#include "store/error.hpp"
#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/records.hpp"

namespace smppgw::store {
namespace {

Timestamp at(std::int64_t ms) {
  return timestamp_from_unix_ms(ms);
}

TEST(Keys, IdsSortNumerically) {
  std::vector<std::uint64_t> ids{0, 1, 255, 256, 65535, 1ull << 32, ~0ull};
  for (std::size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(keys::id(ids[i - 1]), keys::id(ids[i]));
    EXPECT_EQ(keys::read_be64(keys::id(ids[i])), ids[i]);
  }
}

TEST(Keys, CompositeKeysKeepPrefixesApart) {
  // Every key of phone "+1234" sorts before any key of "+12345" and after "+123".
  EXPECT_LT(keys::with_id("+1234", ~0ull), keys::with_id("+12345", 0));
  EXPECT_LT(keys::with_id("+123", ~0ull), keys::with_id("+1234", 0));
  EXPECT_LT(keys::pair("+1234", "zzz"), keys::pair("+12345", "a"));
  EXPECT_TRUE(keys::starts_with(keys::pair("+1", "a"), keys::prefix("+1")));
  EXPECT_FALSE(keys::starts_with(keys::pair("+12", "a"), keys::prefix("+1")));
  EXPECT_EQ(keys::second(keys::pair("+1", "camp")), "camp");
  EXPECT_EQ(keys::trailing_id(keys::with_id("x", 42)), 42u);
  EXPECT_EQ(keys::pair("a", "+1"), std::string("a\0+1", 4));
}

TEST(Keys, ValidComponent) {
  EXPECT_TRUE(keys::valid_component("+14155552671"));
  EXPECT_FALSE(keys::valid_component(""));
  EXPECT_FALSE(keys::valid_component(std::string("a\0b", 3)));
  EXPECT_FALSE(keys::valid_component(std::string(201, 'x')));
}

TEST(Records, SubscriptionRoundTripAndDamage) {
  Subscription s{"+1", "c", SubscriptionState::opted_out, at(123), ChangeSource::csv, "req-1"};
  std::string v;
  records::encode(v, s);
  EXPECT_EQ(records::decode_subscription("+1", "c", v), s);
  for (std::size_t n = 0; n < v.size(); ++n) {
    EXPECT_FALSE(records::decode_subscription("+1", "c", v.substr(0, n))) << n;
  }
  EXPECT_FALSE(records::decode_subscription("+1", "c", v + "x"));
  std::string bad_state = v;
  bad_state[0] = 9;
  EXPECT_FALSE(records::decode_subscription("+1", "c", bad_state));
}

TEST(Records, InboxOutboxAuditRoundTrip) {
  InboxMessage in{
      7, at(1), "+1", "12345", "camp", std::string(300, 'x') + "é", InboxKind::stop_all, "link"};
  std::string v;
  records::encode(v, in);
  EXPECT_EQ(records::decode_inbox(7, v), in);
  EXPECT_FALSE(records::decode_inbox(7, v.substr(0, v.size() - 1)));

  OutboxMessage out;
  out.id = 9;
  out.created_at = at(1);
  out.updated_at = at(2);
  out.to = "+1";
  out.from = "12345";
  out.campaign = "c";
  out.text = "hi";
  out.kind = OutboxKind::broadcast;
  out.status = OutboxStatus::submitted;
  out.encoding = TextEncoding::ucs2;
  out.segments = 2;
  out.parts = {OutboxPart{PartStatus::delivered, "l", "A1", ""},
               OutboxPart{PartStatus::failed, "l", "A2", "err"}};
  out.error = "e";
  out.broadcast_id = 5;
  out.attempts = 3;
  records::encode(v, out);
  EXPECT_EQ(records::decode_outbox(9, v), out);
  out.broadcast_id.reset();
  records::encode(v, out);
  EXPECT_EQ(records::decode_outbox(9, v), out);
  for (std::size_t n = 0; n < v.size(); ++n)
    EXPECT_FALSE(records::decode_outbox(9, v.substr(0, n)));

  AuditEvent a{
      3,      at(5),     "+1", "*", std::nullopt, SubscriptionState::opted_out, ChangeSource::sms,
      "mo:1", "STOP ALL"};
  records::encode(v, a);
  EXPECT_EQ(records::decode_audit(3, v), a);
  a.from_state = SubscriptionState::subscribed;
  records::encode(v, a);
  EXPECT_EQ(records::decode_audit(3, v), a);
  // Schema 7: with the chain's prev_hash; a row of an earlier schema has none.
  a.prev_hash.emplace();
  a.prev_hash->fill(0xab);
  records::encode(v, a);
  EXPECT_EQ(
      v.size(), 32 + [&] {
        auto b = a;
        b.prev_hash.reset();
        std::string w;
        records::encode(w, b);
        return w.size();
      }());
  EXPECT_EQ(records::decode_audit(3, v), a);
  EXPECT_FALSE(records::decode_audit(3, v.substr(0, v.size() - 1)));
}

// The outbox layout before the receipt-key trailer, byte for byte as that encoder wrote it:
// a submitted record whose carrier id is its canonical form ("6236673").
std::string old_layout_outbox() {
  std::string v;
  records::Encoder e(v);
  e.time(at(1));
  e.time(at(2));
  e.str("+14155550001");
  e.str("12345");
  e.str("spring");
  e.str("hello");
  e.u8(static_cast<std::uint8_t>(OutboxKind::reply));
  e.u8(static_cast<std::uint8_t>(OutboxStatus::submitted));
  e.u8(static_cast<std::uint8_t>(TextEncoding::gsm7));
  e.u16(1);
  e.u16(1);
  e.u8(static_cast<std::uint8_t>(PartStatus::submitted));
  e.str("carrier-a");
  e.str("6236673");
  e.str("");
  e.str("");
  e.u8(0);
  e.u64(0);
  e.u32(2);
  return v;
}

TEST(Records, OutboxWithoutReceiptKeysDecodesAsBefore) {
  const std::string v = old_layout_outbox();
  auto m = records::decode_outbox(4, v);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 4u);
  EXPECT_EQ(m->text, "hello");
  EXPECT_EQ(m->status, OutboxStatus::submitted);
  EXPECT_EQ(m->attempts, 2u);
  ASSERT_EQ(m->parts.size(), 1u);
  EXPECT_EQ(m->parts[0].carrier_message_id, "6236673");
  EXPECT_EQ(m->parts[0].receipt_key, "");
  EXPECT_EQ(receipt_key(m->parts[0]), "6236673");  // the key it was stored under
  // Encoding it again gives the same bytes: records without keys keep the older layout.
  std::string again;
  records::encode(again, *m);
  EXPECT_EQ(again, v);
}

TEST(Records, OutboxReceiptKeysRoundTripAsATrailer) {
  auto m = *records::decode_outbox(4, old_layout_outbox());
  m.parts[0].carrier_message_id = "5F2A01";
  m.parts[0].receipt_key = "6236673";
  std::string v;
  records::encode(v, m);
  EXPECT_EQ(records::decode_outbox(4, v), m);
  EXPECT_EQ(receipt_key(m.parts[0]), "6236673");
  // The trailer: the tag, then the key as a string field (length 7, the 7 digits).
  ASSERT_GT(v.size(), 9u);
  EXPECT_EQ(static_cast<std::uint8_t>(v[v.size() - 9]), records::kOutboxReceiptKeys);
  EXPECT_EQ(v.substr(v.size() - 8), std::string("\x07") + "6236673");
  // An unknown trailer tag or a cut trailer is damage, not an old record.
  std::string bad = v;
  bad[v.size() - 9] = 7;
  EXPECT_FALSE(records::decode_outbox(4, bad));
  EXPECT_FALSE(records::decode_outbox(4, v.substr(0, v.size() - 1)));
  std::string extra = v + "x";
  EXPECT_FALSE(records::decode_outbox(4, extra));
}

TEST(Records, OutboxSenderIsASecondTrailerAfterTheReceiptKeys) {
  auto m = *records::decode_outbox(4, old_layout_outbox());
  m.sent_by = "maria";
  std::string v;
  records::encode(v, m);
  EXPECT_EQ(records::decode_outbox(4, v), m);
  // Alone: the tag, then the name as a string field, after the older layout.
  EXPECT_EQ(v, old_layout_outbox() + std::string("\x02\x05") + "maria");

  // With receipt keys: the keys' trailer first, then the sender's.
  m.parts[0].carrier_message_id = "5F2A01";
  m.parts[0].receipt_key = "6236673";
  records::encode(v, m);
  EXPECT_EQ(records::decode_outbox(4, v), m);
  const std::string sender = std::string("\x02\x05") + "maria";
  ASSERT_EQ(v.substr(v.size() - sender.size()), sender);
  EXPECT_EQ(static_cast<std::uint8_t>(v[v.size() - sender.size() - 9]),
            records::kOutboxReceiptKeys);

  // Out of order or twice is damage: a record is never read with a field it did not carry.
  std::string reordered = old_layout_outbox() + sender + std::string("\x01\x07") + "6236673";
  EXPECT_FALSE(records::decode_outbox(4, reordered));
  EXPECT_FALSE(records::decode_outbox(4, old_layout_outbox() + sender + sender));
  EXPECT_FALSE(records::decode_outbox(4, v.substr(0, v.size() - 1)));
}

TEST(Records, AuditBulkRowRoundTripAndDamage) {
  const ChangeContext ctx{at(5), ChangeSource::csv, "req-9", "csv upload"};
  records::AuditBulkBuilder b;
  b.start(ctx);
  EXPECT_TRUE(b.empty());
  std::array<AuditHash, 4> prev{};
  for (std::uint8_t i = 0; i < 4; ++i) prev[i].fill(static_cast<std::uint8_t>(0x10 + i));
  b.add("+14155550001", "spring", SubscriptionState::subscribed, SubscriptionState::opted_out,
        prev[0]);
  b.add("+14155550002", "spring", std::nullopt, SubscriptionState::opted_out, prev[1]);
  b.add("+14155550002", kAllCampaigns, std::nullopt, SubscriptionState::opted_out, prev[2]);
  b.add(std::string(200, '7'), "tips", std::nullopt, SubscriptionState::opted_out, prev[3]);
  std::string v;
  b.encode(v);
  EXPECT_EQ(records::audit_bulk_size(v), 4u);
  auto row = records::AuditBulkView::parse(v);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->size(), 4u);
  const std::vector<AuditEvent> want = {
      {41, at(5), "+14155550001", "spring", SubscriptionState::subscribed,
       SubscriptionState::opted_out, ChangeSource::csv, "req-9", "csv upload"},
      {42, at(5), "+14155550002", "spring", std::nullopt, SubscriptionState::opted_out,
       ChangeSource::csv, "req-9", "csv upload"},
      {43, at(5), "+14155550002", std::string(kAllCampaigns), std::nullopt,
       SubscriptionState::opted_out, ChangeSource::csv, "req-9", "csv upload"},
      {44, at(5), std::string(200, '7'), "tips", std::nullopt, SubscriptionState::opted_out,
       ChangeSource::csv, "req-9", "csv upload"},
  };
  for (std::uint32_t i = 0; i < 4; ++i) {
    auto w = want[i];
    w.prev_hash = prev[i];
    EXPECT_EQ(row->event(41, i), w) << i;
  }
  EXPECT_FALSE(row->event(41, 4));
  // A builder restarted for the next chunk forgets the previous one.
  b.start(ctx);
  EXPECT_TRUE(b.empty());
  // Damage is detected, never read past the value: every truncation, and every byte changed
  // one at a time, either fails to parse or reads only valid events.
  const std::string_view whole(v);  // a view reads the row; it must outlive the view
  for (std::size_t n = 0; n < v.size(); ++n) {
    auto cut = records::AuditBulkView::parse(whole.substr(0, n));
    if (cut) {
      for (std::uint32_t i = 0; i < cut->size(); ++i) (void)cut->event(41, i);
    }
  }
  EXPECT_FALSE(records::AuditBulkView::parse(v.substr(0, 20)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string d = v;
    d[i] = static_cast<char>(d[i] ^ 0x5a);
    if (auto r = records::AuditBulkView::parse(d)) {
      for (std::uint32_t e = 0; e < r->size(); ++e) (void)r->event(41, e);
    }
  }
  EXPECT_FALSE(records::audit_bulk_size("abc"));
  std::string huge = v;
  huge[0] = huge[1] = huge[2] = huge[3] = '\xff';  // a count no value can hold
  EXPECT_FALSE(records::AuditBulkView::parse(huge));
}

TEST(Records, LastStopRecentJoinCompanyRoundTrip) {
  LastStop s{"+1", "12345", at(9), "mo:4", {"a", "b", "c"}};
  std::string v;
  records::encode(v, s);
  EXPECT_EQ(records::decode_last_stop("+1", "12345", v), s);
  s.campaigns.clear();
  records::encode(v, s);
  EXPECT_EQ(records::decode_last_stop("+1", "12345", v), s);
  RecentJoin j{"+1", "12345", "a", at(3)};
  records::encode(v, j);
  EXPECT_EQ(records::decode_recent_join("+1", "12345", v), j);
  CompanyOptOut c{"+1", at(4), ChangeSource::admin, "req"};
  records::encode(v, c);
  EXPECT_EQ(records::decode_company("+1", v), c);
}

TEST(Records, HugeLengthPrefixIsRejected) {
  std::string v("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
  records::Decoder d(v);
  (void)d.str();
  EXPECT_FALSE(d.ok());
}

TEST(Types, NamesRoundTrip) {
  for (auto s : {OutboxStatus::queued, OutboxStatus::submitted, OutboxStatus::delivered,
                 OutboxStatus::failed, OutboxStatus::expired, OutboxStatus::suppressed}) {
    EXPECT_EQ(parse_outbox_status(to_string(s)), s);
  }
  for (auto k : {InboxKind::message, InboxKind::keyword, InboxKind::stop, InboxKind::stop_all,
                 InboxKind::resubscribe, InboxKind::help}) {
    EXPECT_EQ(parse_inbox_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(SubscriptionState::opted_out), "opted_out");
  EXPECT_EQ(parse_change_source("csv"), ChangeSource::csv);
  EXPECT_EQ(parse_change_source("CSV"), std::nullopt);
  EXPECT_EQ(to_string(OutboxKind::stop_confirmation), "stop_confirmation");
  EXPECT_EQ(parse_text_encoding("ucs2"), TextEncoding::ucs2);
  EXPECT_EQ(make_error_code(StoreErrc::disk_full).message().find("disk") != std::string::npos,
            true);
}

TEST(Records, NewMessagesEncodeAsTheRecordsTheyBecome) {
  NewInboxMessage in{at(1'700'000'000'123), "+14155550100", "12345", "spring", "SPRING Ω",
                     InboxKind::keyword,    "carrier-a"};
  InboxMessage row;
  row.received_at = in.received_at;
  row.from = in.from;
  row.to = in.to;
  row.campaign = in.campaign;
  row.text = in.text;
  row.kind = in.kind;
  row.link = in.link;
  std::string a, b;
  records::encode_new(a, in);
  records::encode(b, row);
  EXPECT_EQ(a, b);

  for (std::optional<std::uint64_t> broadcast :
       {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{77}}) {
    NewOutboxMessage out{
        at(1'700'000'000'456),  "+14155550100",     "12345", "spring",  "Reply STOP to cancel",
        OutboxKind::auto_reply, TextEncoding::ucs2, 3,       broadcast, broadcast ? "maria" : ""};
    OutboxMessage rec;
    rec.created_at = rec.updated_at = out.at;
    rec.to = out.to;
    rec.from = out.from;
    rec.campaign = out.campaign;
    rec.text = out.text;
    rec.kind = out.kind;
    rec.status = OutboxStatus::queued;
    rec.encoding = out.encoding;
    rec.segments = out.segments;
    rec.parts.resize(out.segments);
    rec.broadcast_id = out.broadcast_id;
    rec.sent_by = out.sent_by;
    records::encode_new(a, out);
    records::encode(b, rec);
    EXPECT_EQ(a, b);
    auto back = records::decode_outbox(9, a);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->parts.size(), 3u);
    EXPECT_EQ(back->broadcast_id, broadcast);
    EXPECT_EQ(back->sent_by, out.sent_by);
  }
}

}  // namespace
}  // namespace smppgw::store
