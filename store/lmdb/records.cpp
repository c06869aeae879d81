// Record layouts of the LMDB tables; see records.hpp. Every decoder checks that the value
// is consumed exactly and that enumerations are in range, so a damaged value is reported
// as corrupted instead of being shown as a wrong record.
#include "store/lmdb/records.hpp"

#include <algorithm>

namespace smppgw::store::records {
namespace {

template <class E>
bool valid(std::uint8_t v) {
  return from_stored<E>(v).has_value();
}
bool valid_state(std::uint8_t v) {
  return valid<SubscriptionState>(v);
}
bool valid_source(std::uint8_t v) {
  return valid<ChangeSource>(v);
}

// The kOutboxSentBy trailer of an outbox record, when it has a sender.
void put_sender(Encoder& e, std::string_view sent_by) {
  if (sent_by.empty()) return;
  e.u8(kOutboxSentBy);
  e.str(sent_by);
}

}  // namespace

void encode(std::string& out, const Subscription& s) {
  encode_subscription(out, s.state, s.since, s.source, s.changed_by);
}

void encode_subscription(std::string& out, SubscriptionState state, Timestamp since,
                         ChangeSource source, std::string_view changed_by) {
  Encoder e(out);
  e.u8(static_cast<std::uint8_t>(state));
  e.time(since);
  e.u8(static_cast<std::uint8_t>(source));
  e.str(changed_by);
}

std::optional<SubscriptionState> decode_subscription_state(std::string_view v) {
  SubscriptionState state;
  Timestamp since;
  ChangeSource source;
  if (!decode_subscription_summary(v, state, since, source)) return std::nullopt;
  return state;
}

std::optional<Subscription> decode_subscription(std::string_view phone, std::string_view campaign,
                                                std::string_view v) {
  Decoder d(v);
  Subscription s;
  s.phone = phone;
  s.campaign = campaign;
  auto st = d.u8();
  s.since = d.time();
  auto src = d.u8();
  s.changed_by = d.str();
  if (!d.done() || !valid_state(st) || !valid_source(src)) return std::nullopt;
  s.state = static_cast<SubscriptionState>(st);
  s.source = static_cast<ChangeSource>(src);
  return s;
}

void encode(std::string& out, const CompanyOptOut& c) {
  Encoder e(out);
  e.time(c.since);
  e.u8(static_cast<std::uint8_t>(c.source));
  e.str(c.changed_by);
}

std::optional<CompanyOptOut> decode_company(std::string_view phone, std::string_view v) {
  Decoder d(v);
  CompanyOptOut c;
  c.phone = phone;
  c.since = d.time();
  auto src = d.u8();
  c.changed_by = d.str();
  if (!d.done() || !valid_source(src)) return std::nullopt;
  c.source = static_cast<ChangeSource>(src);
  return c;
}

bool decode_subscription_summary(std::string_view v, SubscriptionState& state, Timestamp& since,
                                 ChangeSource& source) {
  Decoder d(v);
  auto st = d.u8();
  since = d.time();
  auto src = d.u8();
  (void)d.str();
  if (!d.done() || !valid_state(st) || !valid_source(src)) return false;
  state = static_cast<SubscriptionState>(st);
  source = static_cast<ChangeSource>(src);
  return true;
}

void encode_counts(std::string& out, std::uint64_t subscribed, std::uint64_t opted_out) {
  Encoder e(out);
  e.u64(subscribed);
  e.u64(opted_out);
}

bool decode_counts(std::string_view v, std::uint64_t& subscribed, std::uint64_t& opted_out) {
  Decoder d(v);
  subscribed = d.u64();
  opted_out = d.u64();
  return d.done();
}

void encode(std::string& out, const LastStop& s) {
  Encoder e(out);
  e.time(s.at);
  e.str(s.changed_by);
  e.u32(static_cast<std::uint32_t>(s.campaigns.size()));
  for (const auto& c : s.campaigns) e.str(c);
}

std::optional<LastStop> decode_last_stop(std::string_view phone, std::string_view short_code,
                                         std::string_view v) {
  Decoder d(v);
  LastStop s;
  s.phone = phone;
  s.short_code = short_code;
  s.at = d.time();
  s.changed_by = d.str();
  auto n = d.u32();
  if (!d.ok() || n > v.size()) return std::nullopt;
  s.campaigns.reserve(n);
  for (std::uint32_t i = 0; i < n && d.ok(); ++i) s.campaigns.emplace_back(d.str());
  if (!d.done()) return std::nullopt;
  return s;
}

void encode(std::string& out, const RecentJoin& r) {
  Encoder e(out);
  e.str(r.campaign);
  e.time(r.at);
}

std::optional<RecentJoin> decode_recent_join(std::string_view phone, std::string_view short_code,
                                             std::string_view v) {
  Decoder d(v);
  RecentJoin r;
  r.phone = phone;
  r.short_code = short_code;
  r.campaign = d.str();
  r.at = d.time();
  if (!d.done()) return std::nullopt;
  return r;
}

// An inbox row from a stored InboxMessage or a NewInboxMessage: the same fields by name.
template <class Message>
void encode_inbox_row(std::string& out, const Message& m) {
  Encoder e(out);
  e.time(m.received_at);
  e.str(m.from);
  e.str(m.to);
  e.str(m.campaign);
  e.str(m.text);
  e.u8(static_cast<std::uint8_t>(m.kind));
  e.str(m.link);
}

void encode(std::string& out, const InboxMessage& m) {
  encode_inbox_row(out, m);
}

void encode_new(std::string& out, const NewInboxMessage& m) {
  encode_inbox_row(out, m);
}

std::optional<InboxMessage> decode_inbox(std::uint64_t id, std::string_view v) {
  Decoder d(v);
  InboxMessage m;
  m.id = id;
  m.received_at = d.time();
  m.from = d.str();
  m.to = d.str();
  m.campaign = d.str();
  m.text = d.str();
  auto kind = d.u8();
  m.link = d.str();
  if (!d.done() || !valid<InboxKind>(kind)) return std::nullopt;
  m.kind = static_cast<InboxKind>(kind);
  return m;
}

void encode(std::string& out, const OutboxMessage& m) {
  Encoder e(out);
  e.time(m.created_at);
  e.time(m.updated_at);
  e.str(m.to);
  e.str(m.from);
  e.str(m.campaign);
  e.str(m.text);
  e.u8(static_cast<std::uint8_t>(m.kind));
  e.u8(static_cast<std::uint8_t>(m.status));
  e.u8(static_cast<std::uint8_t>(m.encoding));
  e.u16(m.segments);
  e.u16(static_cast<std::uint16_t>(m.parts.size()));
  for (const auto& p : m.parts) {
    e.u8(static_cast<std::uint8_t>(p.status));
    e.str(p.link);
    e.str(p.carrier_message_id);
    e.str(p.error);
  }
  e.str(m.error);
  e.u8(m.broadcast_id ? 1 : 0);
  e.u64(m.broadcast_id.value_or(0));
  e.u32(m.attempts);
  // The receipt keys follow as a trailer only when a part has one (see records.hpp): a
  // record whose ids are written in their canonical form keeps the older bytes.
  const bool keys = std::any_of(m.parts.begin(), m.parts.end(),
                                [](const OutboxPart& p) { return !p.receipt_key.empty(); });
  if (keys) {
    e.u8(kOutboxReceiptKeys);
    for (const auto& p : m.parts) e.str(p.receipt_key);
  }
  put_sender(e, m.sent_by);
}

void encode_new(std::string& out, const NewOutboxMessage& m) {
  Encoder e(out);
  e.time(m.at);
  e.time(m.at);
  e.str(m.to);
  e.str(m.from);
  e.str(m.campaign);
  e.str(m.text);
  e.u8(static_cast<std::uint8_t>(m.kind));
  e.u8(static_cast<std::uint8_t>(OutboxStatus::queued));
  e.u8(static_cast<std::uint8_t>(m.encoding));
  e.u16(m.segments);
  e.u16(m.segments);
  for (std::uint16_t i = 0; i < m.segments; ++i) {
    e.u8(static_cast<std::uint8_t>(PartStatus::pending));
    e.str({});
    e.str({});
    e.str({});
  }
  e.str({});
  e.u8(m.broadcast_id ? 1 : 0);
  e.u64(m.broadcast_id.value_or(0));
  e.u32(0);
  put_sender(e, m.sent_by);
}

std::optional<OutboxMessage> decode_outbox(std::uint64_t id, std::string_view v) {
  Decoder d(v);
  OutboxMessage m;
  m.id = id;
  m.created_at = d.time();
  m.updated_at = d.time();
  m.to = d.str();
  m.from = d.str();
  m.campaign = d.str();
  m.text = d.str();
  auto kind = d.u8();
  auto status = d.u8();
  auto enc = d.u8();
  m.segments = d.u16();
  auto nparts = d.u16();
  if (!d.ok() || nparts > v.size()) return std::nullopt;
  m.parts.resize(nparts);
  for (auto& p : m.parts) {
    auto ps = d.u8();
    p.link = d.str();
    p.carrier_message_id = d.str();
    p.error = d.str();
    if (!valid<PartStatus>(ps)) return std::nullopt;
    p.status = static_cast<PartStatus>(ps);
  }
  m.error = d.str();
  auto has_b = d.u8();
  auto b = d.u64();
  m.attempts = d.u32();
  std::uint8_t last_trailer = 0;
  while (d.ok() && d.remaining() > 0) {  // the trailers, in the order of their tags
    const std::uint8_t tag = d.u8();
    if (tag <= last_trailer) return std::nullopt;
    if (tag == kOutboxReceiptKeys) {
      for (auto& p : m.parts) p.receipt_key = d.str();
    } else if (tag == kOutboxSentBy) {
      m.sent_by = d.str();
    } else {
      return std::nullopt;
    }
    last_trailer = tag;
  }
  if (!d.done() || !valid<OutboxKind>(kind) || !valid<OutboxStatus>(status) ||
      !valid<TextEncoding>(enc)) {
    return std::nullopt;
  }
  m.kind = static_cast<OutboxKind>(kind);
  m.status = static_cast<OutboxStatus>(status);
  m.encoding = static_cast<TextEncoding>(enc);
  if (has_b) m.broadcast_id = b;
  return m;
}

void encode(std::string& out, const AuditEvent& a) {
  encode_audit(out, a.at, a.phone, a.campaign, a.from_state, a.to_state, a.source, a.ref, a.reason,
               a.prev_hash ? &*a.prev_hash : nullptr);
}

void encode_audit(std::string& out, Timestamp at, std::string_view phone, std::string_view campaign,
                  std::optional<SubscriptionState> from, SubscriptionState to, ChangeSource source,
                  std::string_view ref, std::string_view reason, const AuditHash* prev_hash) {
  Encoder e(out);
  e.time(at);
  e.str(phone);
  e.str(campaign);
  e.u8(from ? static_cast<std::uint8_t>(*from) : 0);
  e.u8(static_cast<std::uint8_t>(to));
  e.u8(static_cast<std::uint8_t>(source));
  e.str(ref);
  e.str(reason);
  if (prev_hash) e.bytes({reinterpret_cast<const char*>(prev_hash->data()), prev_hash->size()});
}

std::optional<AuditEvent> decode_audit(std::uint64_t id, std::string_view v) {
  Decoder d(v);
  AuditEvent a;
  a.id = id;
  a.at = d.time();
  a.phone = d.str();
  a.campaign = d.str();
  auto from = d.u8();
  auto to = d.u8();
  auto src = d.u8();
  a.ref = d.str();
  a.reason = d.str();
  if (d.ok() && d.remaining() == std::tuple_size_v<AuditHash>) {
    auto h = d.bytes(std::tuple_size_v<AuditHash>);
    a.prev_hash.emplace();
    std::copy(h.begin(), h.end(), a.prev_hash->begin());
  }
  if (!d.done() || (from != 0 && !valid_state(from)) || !valid_state(to) || !valid_source(src)) {
    return std::nullopt;
  }
  if (from != 0) a.from_state = static_cast<SubscriptionState>(from);
  a.to_state = static_cast<SubscriptionState>(to);
  a.source = static_cast<ChangeSource>(src);
  return a;
}

void encode_part_ref(std::string& out, std::uint64_t outbox_id, std::uint16_t part) {
  Encoder e(out);
  e.u64(outbox_id);
  e.u16(part);
}

bool decode_part_ref(std::string_view v, std::uint64_t& outbox_id, std::uint16_t& part) {
  Decoder d(v);
  outbox_id = d.u64();
  part = d.u16();
  return d.done();
}

void encode_mo_part_set(std::string& out, MoPartPhase phase, Timestamp since,
                        std::uint64_t inbox_id, std::string_view link) {
  Encoder e(out);
  e.u8(static_cast<std::uint8_t>(phase));
  e.time(since);
  e.u64(inbox_id);
  e.str(link);
}

bool decode_mo_part_set(std::string_view v, MoPartSet& set) {
  Decoder d(v);
  const auto phase = d.u8();
  set.since = d.time();
  set.inbox_id = d.u64();
  set.link = d.str();
  if (!d.done() || phase > static_cast<std::uint8_t>(MoPartPhase::completed) || set.inbox_id == 0) {
    return false;
  }
  set.phase = static_cast<MoPartPhase>(phase);
  return true;
}

void encode(std::string& out, const MoPart& p) {
  Encoder e(out);
  e.u8(p.data_coding);
  e.u16(p.udh_octets);
  e.time(p.arrived_at);
  e.str(p.octets);
}

std::optional<MoPart> decode_mo_part(std::uint8_t seq, std::string_view v) {
  Decoder d(v);
  MoPart p;
  p.seq = seq;
  p.data_coding = d.u8();
  p.udh_octets = d.u16();
  p.arrived_at = d.time();
  p.octets = d.str();
  if (!d.done() || seq == 0) return std::nullopt;
  return p;
}

}  // namespace smppgw::store::records
