// Decoders of the table rows listed in rows.hpp, bounds- and range-checked like the LMDB
// backend's records (store/lmdb/records.cpp): a damaged row is reported, never guessed at.
#include "store/postgres/rows.hpp"

#include "store/postgres/sql_text.hpp"

#include <algorithm>

namespace smppgw::store::postgres::rows {
namespace {

// A cursor over the columns of one row; `ok` turns false at the first column that fails.
class Columns {
 public:
  Columns(const Row& row, std::size_t first) : row_(row), i_(first) {}
  bool ok() const { return ok_; }

  std::string text() {
    const auto* c = next();
    if (!c || !*c) return fail<std::string>();
    return **c;
  }
  std::string bytes() {
    const auto* c = next();
    if (!c || !*c) return fail<std::string>();
    auto b = sql::from_bytea(**c);
    if (!b) return fail<std::string>();
    return std::move(*b);
  }
  std::int64_t integer() {
    const auto* c = next();
    if (!c) return fail<std::int64_t>();
    auto v = sql::to_int64(*c);
    if (!v) return fail<std::int64_t>();
    return *v;
  }
  // A nullable integer column: nullopt for NULL (ok stays true).
  std::optional<std::int64_t> maybe_integer() {
    const auto* c = next();
    if (!c) return fail<std::optional<std::int64_t>>();
    if (!*c) return std::nullopt;
    auto v = sql::to_int64(*c);
    if (!v) ok_ = false;
    return v;
  }
  Timestamp time() { return timestamp_from_unix_ms(integer()); }
  std::vector<std::string> strings() {
    const auto* c = next();
    if (!c || !*c) return fail<std::vector<std::string>>();
    auto v = sql::parse_text_array(**c);
    if (!v) return fail<std::vector<std::string>>();
    return std::move(*v);
  }
  template <class E>
  E enumeration() {
    auto e = from_stored<E>(integer());
    if (!e) return fail<E>();
    return *e;
  }

 private:
  const std::optional<std::string>* next() {
    if (i_ >= row_.size()) return nullptr;
    return &row_[i_++];
  }
  template <class T>
  T fail() {
    ok_ = false;
    return T{};
  }
  const Row& row_;
  std::size_t i_;
  bool ok_ = true;
};

template <class T>
std::optional<T> done(const Columns& c, T value) {
  if (!c.ok()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Subscription> subscription(const Row& row, std::size_t first) {
  Columns c(row, first);
  Subscription s;
  s.phone = c.text();
  s.campaign = c.text();
  s.state = c.enumeration<SubscriptionState>();
  s.since = c.time();
  s.source = c.enumeration<ChangeSource>();
  s.changed_by = c.text();
  return done(c, std::move(s));
}

std::optional<CompanyOptOut> company_opt_out(const Row& row, std::size_t first) {
  Columns c(row, first);
  CompanyOptOut o;
  o.phone = c.text();
  o.since = c.time();
  o.source = c.enumeration<ChangeSource>();
  o.changed_by = c.text();
  return done(c, std::move(o));
}

std::optional<LastStop> last_stop(const Row& row, std::size_t first) {
  Columns c(row, first);
  LastStop s;
  s.phone = c.text();
  s.short_code = c.text();
  s.at = c.time();
  s.changed_by = c.text();
  s.campaigns = c.strings();
  return done(c, std::move(s));
}

std::optional<RecentJoin> recent_join(const Row& row, std::size_t first) {
  Columns c(row, first);
  RecentJoin j;
  j.phone = c.text();
  j.short_code = c.text();
  j.campaign = c.text();
  j.at = c.time();
  return done(c, std::move(j));
}

std::optional<InboxMessage> inbox_message(const Row& row, std::size_t first) {
  Columns c(row, first);
  InboxMessage m;
  m.id = static_cast<std::uint64_t>(c.integer());
  m.received_at = c.time();
  m.from = c.text();
  m.to = c.text();
  m.campaign = c.text();
  m.text = c.bytes();
  m.kind = c.enumeration<InboxKind>();
  m.link = c.text();
  return done(c, std::move(m));
}

std::optional<OutboxMessage> outbox_message(const Row& row, std::size_t first) {
  Columns c(row, first);
  OutboxMessage m;
  m.id = static_cast<std::uint64_t>(c.integer());
  m.created_at = c.time();
  m.updated_at = c.time();
  m.to = c.text();
  m.from = c.text();
  m.campaign = c.text();
  m.text = c.bytes();
  m.kind = c.enumeration<OutboxKind>();
  m.status = c.enumeration<OutboxStatus>();
  m.encoding = c.enumeration<TextEncoding>();
  const std::int64_t segments = c.integer();
  m.error = c.text();
  if (auto b = c.maybe_integer()) m.broadcast_id = static_cast<std::uint64_t>(*b);
  m.attempts = static_cast<std::uint32_t>(c.integer());
  const auto statuses = c.strings();
  const auto links = c.strings();
  const auto carrier_ids = c.strings();
  const auto errors = c.strings();
  const auto receipt_keys = c.strings();
  m.sent_by = c.text();
  if (!c.ok() || segments < 1 || segments > 255) return std::nullopt;
  const auto n = static_cast<std::size_t>(segments);
  if (statuses.size() != n || links.size() != n || carrier_ids.size() != n || errors.size() != n ||
      receipt_keys.size() != n)
    return std::nullopt;
  m.segments = static_cast<std::uint16_t>(segments);
  m.parts.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto st = sql::to_int64(statuses[i]);
    auto ps = st ? from_stored<PartStatus>(*st) : std::nullopt;
    if (!ps) return std::nullopt;
    m.parts[i] = OutboxPart{*ps, links[i], carrier_ids[i], errors[i], receipt_keys[i]};
  }
  return m;
}

std::optional<AuditEvent> audit_event(const Row& row, std::size_t first) {
  Columns c(row, first);
  AuditEvent e;
  e.id = static_cast<std::uint64_t>(c.integer());
  e.at = c.time();
  e.phone = c.text();
  e.campaign = c.text();
  if (auto f = c.maybe_integer()) {
    auto s = from_stored<SubscriptionState>(*f);
    if (!s) return std::nullopt;
    e.from_state = *s;
  }
  e.to_state = c.enumeration<SubscriptionState>();
  e.source = c.enumeration<ChangeSource>();
  e.ref = c.text();
  e.reason = c.text();
  const std::string prev = c.bytes();
  if (prev.size() != std::tuple_size_v<AuditHash>) return std::nullopt;
  e.prev_hash.emplace();
  std::copy(prev.begin(), prev.end(), e.prev_hash->begin());
  return done(c, std::move(e));
}

std::optional<MoPartSet> mo_part_set(const Row& row, std::size_t first) {
  Columns c(row, first);
  MoPartSet s;
  s.key.from = c.text();
  s.key.to = c.text();
  const std::int64_t reference = c.integer();
  const std::int64_t total = c.integer();
  const std::int64_t phase = c.integer();
  s.since = c.time();
  s.inbox_id = static_cast<std::uint64_t>(c.integer());
  s.link = c.text();
  if (!c.ok() || reference < 0 || reference > 0xffff || total < 2 || total > 255 ||
      (phase != 0 && phase != 1))
    return std::nullopt;
  s.key.reference = static_cast<std::uint16_t>(reference);
  s.key.total = static_cast<std::uint8_t>(total);
  s.phase = static_cast<MoPartPhase>(phase);
  return s;
}

std::optional<MoPart> mo_part(const Row& row, std::size_t first) {
  Columns c(row, first);
  MoPart p;
  const std::int64_t seq = c.integer();
  const std::int64_t dcs = c.integer();
  const std::int64_t udh = c.integer();
  p.octets = c.bytes();
  p.arrived_at = c.time();
  if (!c.ok() || seq < 1 || seq > 255 || dcs < 0 || dcs > 255 || udh < 0 || udh > 0xffff)
    return std::nullopt;
  p.seq = static_cast<std::uint8_t>(seq);
  p.data_coding = static_cast<std::uint8_t>(dcs);
  p.udh_octets = static_cast<std::uint16_t>(udh);
  return p;
}

}  // namespace smppgw::store::postgres::rows
