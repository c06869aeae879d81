// The read queries of the PostgreSQL backend, each answering as LMDB's (store/lmdb/store.cpp):
// the same input checks, limits and byte order (the ordered columns are COLLATE "C"), pages
// that read one row more to give `next`, and the same opaque cursors. READ COMMITTED: each
// statement sees what was committed when it started.
#include "store/postgres/pg_store.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "store/postgres/rows.hpp"
#include "store/postgres/sql_text.hpp"

namespace smppgw::store::postgres {
namespace {

// The same bounds as the LMDB backend's.
constexpr std::size_t kMaxChunkRows = 100000;
// Ids are bigint: an id above this is in no row.
constexpr std::uint64_t kMaxId = std::numeric_limits<std::int64_t>::max();

std::error_code invalid() {
  return make_error_code(StoreErrc::invalid_argument);
}
std::error_code corrupted() {
  return make_error_code(StoreErrc::corrupted);
}

// A phone, campaign, short code, link or cursor as the LMDB backend accepts it (its keys
// join components with NUL): both backends refuse the same input.
bool valid(std::string_view s) {
  return !s.empty() && s.size() <= 200 && s.find('\0') == std::string_view::npos;
}

// A statement built clause by clause, numbering its parameters.
class Sql {
 public:
  explicit Sql(std::string text) : text_(std::move(text)) {}
  // The placeholder ($n) of a new parameter.
  std::string param(std::string value) {
    params_.emplace_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  std::string param(std::uint64_t value) { return param(std::to_string(value)); }
  // WHERE before the first condition, AND before the others.
  void where(const std::string& condition) {
    text_ += conditions_++ == 0 ? " WHERE " : " AND ";
    text_ += condition;
  }
  void append(std::string_view text) { text_ += text; }
  Statement statement() && { return Statement{std::move(text_), std::move(params_)}; }

 private:
  std::string text_;
  std::vector<std::optional<std::string>> params_;
  int conditions_ = 0;
};

std::string select(const char* columns, const char* table) {
  return std::string("SELECT ") + columns + " FROM " + table;
}

// At most one row: nullopt when there is none, corrupted when it does not decode.
template <class Decode>
auto one(const Rows& r, Decode decode)
    -> Result<std::optional<typename decltype(decode(r.rows.front(), 0))::value_type>> {
  using T = typename decltype(decode(r.rows.front(), 0))::value_type;
  if (r.rows.empty()) return std::optional<T>{};
  auto v = decode(r.rows.front(), 0);
  if (!v) return fail(corrupted());
  return std::optional<T>(std::move(*v));
}

// The first `n` rows (all by default) decoded, or corrupted at the first that does not.
template <class Decode>
auto all(const Rows& r, Decode decode, std::size_t n = std::numeric_limits<std::size_t>::max())
    -> Result<std::vector<typename decltype(decode(r.rows.front(), 0))::value_type>> {
  std::vector<typename decltype(decode(r.rows.front(), 0))::value_type> out;
  n = std::min(n, r.rows.size());
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto v = decode(r.rows[i], 0);
    if (!v) return fail(corrupted());
    out.push_back(std::move(*v));
  }
  return out;
}

// A count column (bigint, never negative).
std::optional<std::uint64_t> count(const std::optional<std::string>& column) {
  return sql::to_uint64(column);
}

// The effective state from (the record's state or NULL, whether a company-wide opt-out
// exists): the record wins, else the opt-out covers the campaign. False if it does not decode.
bool effective_state(const rows::Row& row, std::optional<SubscriptionState>& out) {
  if (row.size() != 2 || !row[1]) return false;
  if (row[0]) {
    auto n = sql::to_int64(row[0]);
    auto s = n ? from_stored<SubscriptionState>(*n) : std::nullopt;
    if (!s) return false;
    out = *s;
    return true;
  }
  if (*row[1] != "t" && *row[1] != "f") return false;
  out = *row[1] == "t" ? std::optional(SubscriptionState::opted_out) : std::nullopt;
  return true;
}

// A row of the records phase of the export: phone, campaign, since, source.
std::optional<OptOutRow> opted_out_record(const rows::Row& row, std::size_t) {
  if (row.size() != 4 || !row[0] || !row[1]) return std::nullopt;
  auto since = sql::to_int64(row[2]);
  auto source_number = sql::to_int64(row[3]);
  auto source = source_number ? from_stored<ChangeSource>(*source_number) : std::nullopt;
  if (!since || !source) return std::nullopt;
  return OptOutRow{*row[0], *row[1], timestamp_from_unix_ms(*since), *source};
}

// Splits a key of the export's records phase (campaign NUL phone) into the pair it stands for
// in (campaign, phone) order: "rows after key" is (campaign, phone) > (first, second). A key
// without NUL stands before every phone of its campaign (phones are never empty); what
// follows a second NUL cannot change the answer (phones hold no NUL).
std::pair<std::string, std::string> split_key(std::string_view key) {
  auto nul = key.find('\0');
  if (nul == std::string_view::npos) return {std::string(key), std::string()};
  std::string_view rest = key.substr(nul + 1);
  return {std::string(key.substr(0, nul)), std::string(rest.substr(0, rest.find('\0')))};
}

// A phone cursor in the company phase: phones after it (text past a NUL cannot matter).
std::string before_nul(std::string_view s) {
  return std::string(s.substr(0, s.find('\0')));
}

// A page of a query that read one row more than `limit` (newest first): that row's presence
// says there is a next page, which starts before the last row kept.
template <class T>
std::optional<std::uint64_t> trim_page(std::vector<T>& rows, std::size_t limit) {
  if (rows.size() <= limit) return std::nullopt;
  rows.pop_back();
  return rows.back().id;
}

}  // namespace

PgStore::PgStore(std::unique_ptr<Pool> pool, std::unique_ptr<detail::WriteBackend> writer)
    : pool_(std::move(pool)), writer_(std::move(writer)) {}

Result<std::vector<Rows>> PgStore::queries(std::span<const Statement> statements) const {
  auto results = pool_->run(statements);
  if (!results) return fail(results.error().code);
  return std::move(*results);
}

Result<Rows> PgStore::query(Statement statement) const {
  auto results = queries(std::span(&statement, 1));
  if (!results) return fail(results.error());
  return std::move(results->front());
}

// ---- Subscriptions ----

Result<std::optional<SubscriptionState>> PgStore::state(std::string_view phone,
                                                        std::string_view campaign) const {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  auto r =
      query({"SELECT (SELECT state FROM subscriptions WHERE phone = $1 AND campaign = $2), "
             "EXISTS (SELECT 1 FROM company_opt_outs WHERE phone = $1)",
             {std::string(phone), std::string(campaign)}});
  if (!r) return fail(r.error());
  std::optional<SubscriptionState> out;
  if (r->rows.size() != 1 || !effective_state(r->rows[0], out)) return fail(corrupted());
  return out;
}

Result<std::vector<std::optional<SubscriptionState>>> PgStore::states(
    std::span<const StateQuery> queries) const {
  for (const auto& q : queries) {
    if (!valid(q.phone) || !valid(q.campaign)) return fail(invalid());
  }
  std::vector<std::optional<SubscriptionState>> out;
  out.reserve(queries.size());
  if (queries.empty()) return out;
  // The whole batch in one statement: the pairs as two arrays, answered in their order.
  sql::ArrayLiteral phones, campaigns;
  for (const auto& q : queries) {
    phones.add(q.phone);
    campaigns.add(q.campaign);
  }
  auto r =
      query({"SELECT s.state, EXISTS (SELECT 1 FROM company_opt_outs c WHERE c.phone = "
             "q.phone) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS "
             "q(phone, campaign, i) LEFT JOIN subscriptions s ON s.phone = q.phone AND "
             "s.campaign = q.campaign ORDER BY q.i",
             {phones.take(), campaigns.take()}});
  if (!r) return fail(r.error());
  if (r->rows.size() != queries.size()) return fail(corrupted());
  for (const auto& row : r->rows) {
    std::optional<SubscriptionState> st;
    if (!effective_state(row, st)) return fail(corrupted());
    out.push_back(st);
  }
  return out;
}

Result<std::vector<Subscription>> PgStore::subscriptions(std::string_view phone) const {
  if (!valid(phone)) return fail(invalid());
  auto r = query(
      {select(rows::kSubscriptionColumns, "subscriptions") + " WHERE phone = $1 ORDER BY campaign",
       {std::string(phone)}});
  if (!r) return fail(r.error());
  return all(*r, rows::subscription);
}

Result<std::optional<CompanyOptOut>> PgStore::company_opt_out(std::string_view phone) const {
  if (!valid(phone)) return fail(invalid());
  auto r = query({select(rows::kCompanyOptOutColumns, "company_opt_outs") + " WHERE phone = $1",
                  {std::string(phone)}});
  if (!r) return fail(r.error());
  return one(*r, rows::company_opt_out);
}

Result<std::optional<LastStop>> PgStore::last_stop(std::string_view phone,
                                                   std::string_view short_code) const {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  auto r =
      query({select(rows::kLastStopColumns, "last_stops") + " WHERE phone = $1 AND short_code = $2",
             {std::string(phone), std::string(short_code)}});
  if (!r) return fail(r.error());
  return one(*r, rows::last_stop);
}

Result<std::optional<RecentJoin>> PgStore::recent_join(std::string_view phone,
                                                       std::string_view short_code) const {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  auto r = query(
      {select(rows::kRecentJoinColumns, "recent_joins") + " WHERE phone = $1 AND short_code = $2",
       {std::string(phone), std::string(short_code)}});
  if (!r) return fail(r.error());
  return one(*r, rows::recent_join);
}

Result<CampaignCounts> PgStore::campaign_counts(std::string_view campaign) const {
  if (!valid(campaign)) return fail(invalid());
  auto r = query({"SELECT subscribed, opted_out FROM campaign_counts WHERE campaign = $1",
                  {std::string(campaign)}});
  if (!r) return fail(r.error());
  CampaignCounts c;
  c.campaign = campaign;
  if (r->rows.empty()) return c;
  auto subscribed = count(r->rows[0].at(0));
  auto opted_out = count(r->rows[0].at(1));
  if (!subscribed || !opted_out) return fail(corrupted());
  c.subscribed = *subscribed;
  c.opted_out = *opted_out;
  return c;
}

Result<std::vector<CampaignCounts>> PgStore::all_campaign_counts() const {
  auto r =
      query({"SELECT campaign, subscribed, opted_out FROM campaign_counts ORDER BY campaign", {}});
  if (!r) return fail(r.error());
  return all(*r, [](const rows::Row& row, std::size_t) -> std::optional<CampaignCounts> {
    auto subscribed = count(row.at(1));
    auto opted_out = count(row.at(2));
    if (!row.at(0) || !subscribed || !opted_out) return std::nullopt;
    return CampaignCounts{*row[0], *subscribed, *opted_out};
  });
}

Result<std::uint64_t> PgStore::company_opt_out_count() const {
  auto r = query({"SELECT value FROM counters WHERE name = 'company_opt_outs'", {}});
  if (!r) return fail(r.error());
  if (r->rows.empty()) return std::uint64_t{0};
  auto n = count(r->rows[0].at(0));
  if (!n) return fail(corrupted());
  return *n;
}

Result<Chunk<std::string>> PgStore::subscribed_phones(std::string_view campaign,
                                                      std::optional<std::string> cursor,
                                                      std::size_t limit) const {
  if (!valid(campaign) || limit == 0 || limit > kMaxChunkRows || (cursor && !valid(*cursor))) {
    return fail(invalid());
  }
  Sql q("SELECT phone FROM subscriptions");
  q.where("campaign = " + q.param(std::string(campaign)));
  q.where("state = 1");
  if (cursor) q.where("phone > " + q.param(*cursor));
  q.append(" ORDER BY phone LIMIT " + q.param(limit + 1));
  auto r = query(std::move(q).statement());
  if (!r) return fail(r.error());
  Chunk<std::string> out;
  auto phones = all(
      *r, [](const rows::Row& row, std::size_t) { return row.at(0); }, limit);
  if (!phones) return fail(phones.error());
  out.rows = std::move(*phones);
  if (r->rows.size() > limit) out.next = out.rows.back();
  return out;
}

// Cursor of the opted-out export, as LMDB's: 'r' + the last record's key (campaign NUL phone)
// in the records phase, 'c' + the last phone in the company-wide phase.
Result<Chunk<OptOutRow>> PgStore::opted_out(std::optional<std::string> campaign,
                                            std::optional<std::string> cursor,
                                            std::size_t limit) const {
  if ((campaign && !valid(*campaign)) || limit == 0 || limit > kMaxChunkRows) {
    return fail(invalid());
  }
  if (cursor && (cursor->empty() || ((*cursor)[0] != 'r' && (*cursor)[0] != 'c'))) {
    return fail(invalid());
  }
  Chunk<OptOutRow> out;
  const bool records_phase = !cursor || (*cursor)[0] == 'r';
  if (records_phase) {
    Sql q("SELECT phone, campaign, since, source FROM subscriptions");
    q.where("state = 2");
    if (campaign) q.where("campaign = " + q.param(*campaign));
    if (cursor) {
      auto [after_campaign, after_phone] = split_key(std::string_view(*cursor).substr(1));
      q.where("(campaign, phone) > (" + q.param(std::move(after_campaign)) + ", " +
              q.param(std::move(after_phone)) + ")");
    }
    q.append(" ORDER BY campaign, phone LIMIT " + q.param(limit + 1));
    auto r = query(std::move(q).statement());
    if (!r) return fail(r.error());
    auto records = all(*r, opted_out_record, limit);
    if (!records) return fail(records.error());
    out.rows = std::move(*records);
    if (r->rows.size() > limit) {
      const OptOutRow& last = out.rows.back();
      out.next = "r" + last.campaign + '\0' + last.phone;
      return out;
    }
  }
  // Company-wide phase, in the room the records left (at least one row is read: whether
  // there is any says whether a next chunk is needed).
  const std::size_t room = limit - out.rows.size();
  Sql q(select(rows::kCompanyOptOutColumns, "company_opt_outs c"));
  if (!records_phase)
    q.where("c.phone > " + q.param(before_nul(std::string_view(*cursor).substr(1))));
  if (campaign) {
    // Covered only if the phone has no record of its own for the campaign.
    q.where(
        "NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.phone = c.phone AND "
        "s.campaign = " +
        q.param(*campaign) + ")");
  }
  q.append(" ORDER BY c.phone LIMIT " + q.param(room + 1));
  auto r = query(std::move(q).statement());
  if (!r) return fail(r.error());
  auto company = all(*r, rows::company_opt_out, room);
  if (!company) return fail(company.error());
  std::string last_company;  // empty: the phase starts at its beginning ("c" cursor)
  for (auto& c : *company) {
    last_company = c.phone;
    out.rows.push_back(
        OptOutRow{std::move(c.phone), std::string(kAllCampaigns), c.since, c.source});
  }
  if (r->rows.size() > room) out.next = "c" + last_company;
  return out;
}

// ---- Inbox ----

Result<InboxPage> PgStore::inbox_page(const InboxQuery& q) const {
  if (q.limit == 0 || q.limit > kMaxPageLimit || (q.phone && !valid(*q.phone)) ||
      (q.campaign && !valid(*q.campaign))) {
    return fail(invalid());
  }
  // Newest first; one more than a page is read: its presence says there is a next page.
  Sql s(select(rows::kInboxColumns, "inbox"));
  if (q.phone) s.where("phone = " + s.param(*q.phone));
  if (q.campaign) s.where("campaign = " + s.param(*q.campaign));
  // Flagged rows (possible_opt_out) are served by the partial index inbox_flagged.
  if (q.kind) s.where("kind = " + s.param(std::to_string(static_cast<int>(*q.kind))));
  if (q.before && *q.before <= kMaxId) s.where("id < " + s.param(*q.before));
  s.append(" ORDER BY id DESC LIMIT " + s.param(q.limit + 1));
  auto r = query(std::move(s).statement());
  if (!r) return fail(r.error());
  auto messages = all(*r, rows::inbox_message);
  if (!messages) return fail(messages.error());
  InboxPage page;
  page.messages = std::move(*messages);
  page.next_before = trim_page(page.messages, q.limit);
  return page;
}

Result<std::optional<InboxMessage>> PgStore::inbox_message(std::uint64_t id) const {
  if (id > kMaxId) return std::optional<InboxMessage>{};
  auto r = query({select(rows::kInboxColumns, "inbox") + " WHERE id = $1", {std::to_string(id)}});
  if (!r) return fail(r.error());
  return one(*r, rows::inbox_message);
}

// ---- Outbox ----

Result<std::optional<OutboxMessage>> PgStore::outbox_message(std::uint64_t id) const {
  if (id > kMaxId) return std::optional<OutboxMessage>{};
  auto r = query({select(rows::kOutboxColumns, "outbox") + " WHERE id = $1", {std::to_string(id)}});
  if (!r) return fail(r.error());
  return one(*r, rows::outbox_message);
}

Result<std::vector<OutboxMessage>> PgStore::pending_outbox(std::string_view short_code,
                                                           std::uint64_t after_id,
                                                           std::size_t limit) const {
  if (!valid(short_code) || limit == 0 || limit > kMaxChunkRows || after_id == UINT64_MAX) {
    return fail(invalid());
  }
  if (after_id >= kMaxId) return std::vector<OutboxMessage>{};
  // The queue is the partial index outbox_pending: queued records of the short code.
  auto r = query({select(rows::kOutboxColumns, "outbox") +
                      " WHERE short_code = $1 AND status = 1 AND id > $2 ORDER BY id LIMIT $3",
                  {std::string(short_code), std::to_string(after_id), std::to_string(limit)}});
  if (!r) return fail(r.error());
  return all(*r, rows::outbox_message);
}

Result<std::uint64_t> PgStore::pending_count(std::string_view short_code) const {
  if (!valid(short_code)) return fail(invalid());
  auto r =
      query({"SELECT queued FROM pending_counts WHERE short_code = $1", {std::string(short_code)}});
  if (!r) return fail(r.error());
  if (r->rows.empty()) return std::uint64_t{0};
  auto n = count(r->rows[0].at(0));
  if (!n) return fail(corrupted());
  return *n;
}

Result<std::optional<Store::PartRef>> PgStore::find_by_carrier_id(
    std::string_view link, std::string_view carrier_message_id) const {
  if (!valid(link) || !valid(carrier_message_id)) return fail(invalid());
  auto r = query({"SELECT outbox_id, part FROM carrier_ids WHERE link = $1 AND receipt_key = $2",
                  {std::string(link), std::string(carrier_message_id)}});
  if (!r) return fail(r.error());
  return one(*r, [](const rows::Row& row, std::size_t) -> std::optional<PartRef> {
    auto id = sql::to_uint64(row.at(0));
    auto part = sql::to_uint64(row.at(1));
    if (!id || !part || *part > UINT16_MAX) return std::nullopt;
    return PartRef{*id, static_cast<std::uint16_t>(*part)};
  });
}

// ---- Conversation ----

Result<std::vector<ConversationEntry>> PgStore::conversation(std::string_view phone,
                                                             std::optional<std::string> campaign,
                                                             std::size_t limit) const {
  if (!valid(phone) || (campaign && !valid(*campaign)) || limit == 0 || limit > kMaxPageLimit) {
    return fail(invalid());
  }
  // The newest `limit` of each direction are enough to find the newest `limit` overall:
  // both in one pipeline.
  auto newest = [&](const char* columns, const char* table) {
    Sql s(select(columns, table));
    s.where("phone = " + s.param(std::string(phone)));
    if (campaign) s.where("campaign = " + s.param(*campaign));
    s.append(" ORDER BY id DESC LIMIT " + s.param(limit));
    return std::move(s).statement();
  };
  const std::array<Statement, 2> statements = {newest(rows::kInboxColumns, "inbox"),
                                               newest(rows::kOutboxColumns, "outbox")};
  auto r = queries(statements);
  if (!r) return fail(r.error());
  auto in = all((*r)[0], rows::inbox_message);
  if (!in) return fail(in.error());
  auto out = all((*r)[1], rows::outbox_message);
  if (!out) return fail(out.error());
  std::vector<ConversationEntry> entries;
  entries.reserve(in->size() + out->size());
  for (auto& m : *in) {
    entries.push_back(ConversationEntry{Direction::in, m.id, m.received_at, std::move(m.campaign),
                                        std::move(m.text), std::nullopt});
  }
  for (auto& m : *out) {
    entries.push_back(ConversationEntry{Direction::out, m.id, m.created_at, std::move(m.campaign),
                                        std::move(m.text), m.status});
  }
  // Oldest first; at the same millisecond an inbound text precedes the reply to it.
  std::sort(entries.begin(), entries.end(),
            [](const ConversationEntry& a, const ConversationEntry& b) {
              if (a.at != b.at) return a.at < b.at;
              if (a.direction != b.direction) return a.direction == Direction::in;
              return a.id < b.id;
            });
  if (entries.size() > limit) {
    entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(limit));
  }
  return entries;
}

// ---- Audit ----

Result<AuditPage> PgStore::audit_page(const AuditQuery& q) const {
  if (q.limit == 0 || q.limit > kMaxPageLimit || (q.phone && !valid(*q.phone))) {
    return fail(invalid());
  }
  Sql s(select(rows::kAuditColumns, "audit"));
  if (q.phone) s.where("phone = " + s.param(*q.phone));
  if (q.before && *q.before <= kMaxId) s.where("id < " + s.param(*q.before));
  s.append(" ORDER BY id DESC LIMIT " + s.param(q.limit + 1));
  auto r = query(std::move(s).statement());
  if (!r) return fail(r.error());
  auto events = all(*r, rows::audit_event);
  if (!events) return fail(events.error());
  AuditPage page;
  page.events = std::move(*events);
  page.next_before = trim_page(page.events, q.limit);
  return page;
}

Result<OutboxPage> PgStore::phone_outbox(std::string_view phone,
                                         std::optional<std::uint64_t> before,
                                         std::size_t limit) const {
  if (!valid(phone) || limit == 0 || limit > kMaxPageLimit) return fail(invalid());
  Sql s(select(rows::kOutboxColumns, "outbox"));
  s.where("phone = " + s.param(std::string(phone)));
  if (before && *before <= kMaxId) s.where("id < " + s.param(*before));
  s.append(" ORDER BY id DESC LIMIT " + s.param(limit + 1));
  auto r = query(std::move(s).statement());
  if (!r) return fail(r.error());
  auto messages = all(*r, rows::outbox_message);
  if (!messages) return fail(messages.error());
  OutboxPage page;
  page.messages = std::move(*messages);
  page.next_before = trim_page(page.messages, limit);
  return page;
}

// ---- Health ----

Result<StoreInfo> PgStore::info() const {
  auto r =
      query({"SELECT (SELECT value FROM smppgw_meta WHERE key = 'schema_version'), "
             "pg_database_size(current_database())",
             {}});
  if (!r) return fail(r.error());
  if (r->rows.size() != 1) return fail(corrupted());
  auto version = sql::to_uint64(r->rows[0].at(0));
  auto used = sql::to_uint64(r->rows[0].at(1));
  if (!version || *version > UINT32_MAX || !used) return fail(corrupted());
  StoreInfo i;
  i.schema_version = static_cast<std::uint32_t>(*version);
  i.used_bytes = *used;
  return i;
}

}  // namespace smppgw::store::postgres
