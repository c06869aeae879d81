// Value encodings of the LMDB tables (private to store/): a compact little-endian binary
// layout per record (fixed-width integers, strings as varint length + bytes). Layout
// changes bump the schema version (store/lmdb/schema.cpp) and come with a forward migration.
// Decoding is bounds-checked: a short or malformed value decodes to nullopt (corrupted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.hpp"

namespace smppgw::store::records {

// Appends `s` as a string field: varint length (7 bits a byte, low first), then the bytes.
inline void append_str(std::string& out, std::string_view s) {
  std::uint64_t n = s.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out.append(s);
}

class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) { out_.clear(); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { fixed(v, 2); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v), 8); }
  void str(std::string_view s) { append_str(out_, s); }
  void time(Timestamp t) { i64(unix_ms(t)); }
  void bytes(std::string_view b) { out_.append(b); }

 private:
  void fixed(std::uint64_t v, int n) {
    char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out_.append(b, static_cast<std::size_t>(n));
  }
  std::string& out_;
};

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(fixed(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed(8)); }
  Timestamp time() { return timestamp_from_unix_ms(i64()); }
  // `n` raw bytes.
  std::string_view bytes(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) return bad();
    auto s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view str() {
    std::uint64_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return bad();
      auto b = static_cast<unsigned char>(in_[pos_++]);
      n |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        if (n > in_.size() - pos_) return bad();
        auto s = in_.substr(pos_, n);
        pos_ += n;
        return s;
      }
    }
    return bad();
  }

 private:
  std::string_view bad() {
    ok_ = false;
    return {};
  }
  std::uint64_t fixed(int n) {
    if (!ok_ || in_.size() - pos_ < static_cast<std::size_t>(n)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= std::uint64_t(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// subscriptions: campaign\0phone → state, since, source, changed_by. The state is in the
// value, not the key, so a change of state rewrites one entry in place instead of moving
// it; exports and broadcasts filter on it while scanning a campaign.
void encode(std::string& out, const Subscription& s);
std::optional<Subscription> decode_subscription(std::string_view phone, std::string_view campaign,
                                                std::string_view v);
// Only the state of a Subscription record (its first byte), with the same validity check
// of the whole record as decode_subscription: the suppression check needs nothing else.
std::optional<SubscriptionState> decode_subscription_state(std::string_view v);
// State, since and source of a Subscription record, without building the strings (the
// opted-out export); false if the record is not valid.
bool decode_subscription_summary(std::string_view v, SubscriptionState& state, Timestamp& since,
                                 ChangeSource& source);

// company: phone → since, source, changed_by
void encode(std::string& out, const CompanyOptOut& c);
std::optional<CompanyOptOut> decode_company(std::string_view phone, std::string_view v);

// counts: campaign → subscribed, opted_out
void encode_counts(std::string& out, std::uint64_t subscribed, std::uint64_t opted_out);
bool decode_counts(std::string_view v, std::uint64_t& subscribed, std::uint64_t& opted_out);

// last_stop: phone\0short_code → at, changed_by, campaigns
void encode(std::string& out, const LastStop& s);
std::optional<LastStop> decode_last_stop(std::string_view phone, std::string_view short_code,
                                         std::string_view v);

// recent_join: phone\0short_code → campaign, at
void encode(std::string& out, const RecentJoin& r);
std::optional<RecentJoin> decode_recent_join(std::string_view phone, std::string_view short_code,
                                             std::string_view v);

// inbox: be64(id) → the message
void encode(std::string& out, const InboxMessage& m);
// The bytes encode(InboxMessage) gives the row a new message becomes (no copy of its texts).
void encode_new(std::string& out, const NewInboxMessage& m);
std::optional<InboxMessage> decode_inbox(std::uint64_t id, std::string_view v);

// outbox: be64(id) → the record. The parts' receipt keys (OutboxPart::receipt_key) came
// after the first layout without a schema version: they are an optional trailer after
// `attempts` — the tag kOutboxReceiptKeys, then one string per part — written only when a
// part's key differs from its carrier id as written. A record without the trailer (every
// record written before it, whose carrier ids are their canonical forms) decodes with empty
// keys, i.e. the key is the id as stored. A binary older than the trailer reads a record
// that has one as corrupted.
// Schema 8 adds a second trailer, after the first when both are there: the tag kOutboxSentBy
// and the admin user who posted the record (OutboxMessage::sent_by), written only when there
// is one. Trailers come in the order of their tags, each at most once.
inline constexpr std::uint8_t kOutboxReceiptKeys = 1;
inline constexpr std::uint8_t kOutboxSentBy = 2;
void encode(std::string& out, const OutboxMessage& m);
// The bytes encode(OutboxMessage) gives the queued record a new MT becomes.
void encode_new(std::string& out, const NewOutboxMessage& m);
std::optional<OutboxMessage> decode_outbox(std::uint64_t id, std::string_view v);

// audit: be64(id) → the event, then its prev_hash (32 bytes; schema 7, audit_chain.hpp).
// A row without the hash decodes with prev_hash empty: only the migration to schema 7
// meets one legitimately; anywhere else the chain check reports it.
void encode(std::string& out, const AuditEvent& e);
// The same bytes as encode(AuditEvent) from the parts, without building the event (the
// writer appends one per subscription change; copying its strings cost more than encoding).
void encode_audit(std::string& out, Timestamp at, std::string_view phone, std::string_view campaign,
                  std::optional<SubscriptionState> from, SubscriptionState to, ChangeSource source,
                  std::string_view ref, std::string_view reason, const AuditHash* prev_hash);
// The same bytes as encode(Subscription) from the parts.
void encode_subscription(std::string& out, SubscriptionState state, Timestamp since,
                         ChangeSource source, std::string_view changed_by);
std::optional<AuditEvent> decode_audit(std::uint64_t id, std::string_view v);

// carrier_ids: link\0receipt key (the carrier id's canonical form) → outbox id, part
void encode_part_ref(std::string& out, std::uint64_t outbox_id, std::uint16_t part);
bool decode_part_ref(std::string_view v, std::uint64_t& outbox_id, std::uint16_t& part);

// mo_parts seq 0: phase, since, reserved inbox id, link
void encode_mo_part_set(std::string& out, MoPartPhase phase, Timestamp since,
                        std::uint64_t inbox_id, std::string_view link);
bool decode_mo_part_set(std::string_view v, MoPartSet& set);
// mo_parts seq 1..255: data_coding, udh_octets, arrived_at, octets
void encode(std::string& out, const MoPart& p);
std::optional<MoPart> decode_mo_part(std::uint8_t seq, std::string_view v);

}  // namespace smppgw::store::records
