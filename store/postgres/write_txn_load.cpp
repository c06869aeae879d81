// PgWriteTxn's load passes (write_txn.hpp: passes): what an attempt asked for, fetched in one
// pipeline, in the lock order that keeps groups on several nodes from deadlocking among
// themselves — the phones' advisory locks (ascending), the outbox rows (FOR UPDATE, by id),
// the MO part sets (FOR UPDATE), the counters row last — and kept in the transaction's cache.
#include <algorithm>
#include <cstdint>

#include "store/audit_chain.hpp"
#include "store/postgres/rows.hpp"
#include "store/postgres/sql_text.hpp"
#include "store/postgres/write_txn.hpp"

namespace smppgw::store::postgres {
namespace {

// Phones are locked by bucket, not one by one: a Manual Opt-Out chunk of 10,000 phones would
// otherwise need 10,000 entries in the server's lock table (sized 64 per connection by
// default, shared by all sessions) and fail with "out of shared memory". 1024 buckets keep a
// chunk within that table while groups of other phones rarely wait on each other.
constexpr std::uint32_t kPhoneBuckets = 1024;
// The class of the two-key advisory locks ("smph"); the schema's lock uses the one-key form.
constexpr std::int64_t kPhoneLockClass = 0x736d7068;

std::int64_t phone_bucket(std::string_view phone) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a: stable across builds and nodes
  for (unsigned char c : phone) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(h % kPhoneBuckets);
}

std::error_code corrupted() {
  return make_error_code(StoreErrc::corrupted);
}

template <class Set>
std::string text_array_of(const Set& set) {
  sql::ArrayLiteral a;
  for (const auto& s : set) a.add(std::string_view(s));
  return a.take();
}

// The key columns (phone, short_code, reference, total) a row of mo_part_sets or mo_parts
// starts with.
bool parse_mo_key(const rows::Row& row, PgWriteTxn::MoKey& key) {
  if (row.size() < 4 || !row[0] || !row[1]) return false;
  const auto ref = sql::to_uint64(row[2]);
  const auto total = sql::to_uint64(row[3]);
  if (!ref || !total || *ref > 0xffff || *total < 2 || *total > 255) return false;
  key = PgWriteTxn::MoKey{*row[0], *row[1], static_cast<std::uint16_t>(*ref),
                          static_cast<std::uint8_t>(*total)};
  return true;
}

std::string phone_select(const char* columns, const char* table) {
  return std::string("SELECT ") + columns + " FROM " + table + " WHERE phone = ANY($1::text[])";
}

}  // namespace

std::vector<Statement> PgWriteTxn::load_statements() {
  std::vector<Statement> out;
  plan_.clear();
  auto add = [&](Load what, Statement s) {
    plan_.push_back(what);
    out.push_back(std::move(s));
  };
  if (!needs_.phones.empty()) {
    std::vector<std::int64_t> buckets;
    for (const auto& p : needs_.phones) buckets.push_back(phone_bucket(p));
    std::sort(buckets.begin(), buckets.end());
    buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    // ORDER BY: a volatile function in the target list is evaluated after the sort, so the
    // locks are taken in ascending order.
    add(Load::locks, {"SELECT pg_advisory_xact_lock(" + std::to_string(kPhoneLockClass) +
                          "::int, b) FROM unnest($1::int[]) AS b ORDER BY b",
                      {sql::int_array(buckets)}});
    const std::string phones = text_array_of(needs_.phones);
    add(Load::subscriptions, {phone_select(rows::kSubscriptionColumns, "subscriptions"), {phones}});
    add(Load::company, {phone_select(rows::kCompanyOptOutColumns, "company_opt_outs"), {phones}});
    add(Load::last_stops, {phone_select(rows::kLastStopColumns, "last_stops"), {phones}});
    add(Load::recent_joins, {phone_select(rows::kRecentJoinColumns, "recent_joins"), {phones}});
  }
  if (!needs_.outbox.empty()) {
    std::vector<std::int64_t> ids(needs_.outbox.begin(), needs_.outbox.end());
    add(Load::outbox, {std::string("SELECT ") + rows::kOutboxColumns +
                           " FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                       {sql::int_array(ids)}});
  }
  if (needs_.pending) {
    add(Load::pending, {std::string("SELECT ") + rows::kOutboxColumns +
                            " FROM outbox WHERE status = 1 ORDER BY id FOR UPDATE",
                        {}});
  }
  if (!needs_.inbox_ids.empty()) {
    std::vector<std::int64_t> ids(needs_.inbox_ids.begin(), needs_.inbox_ids.end());
    add(Load::inbox_ids,
        {"SELECT id FROM inbox WHERE id = ANY($1::bigint[])", {sql::int_array(ids)}});
  }
  if (!needs_.receipts.empty()) {
    sql::ArrayLiteral links, keys;
    for (const auto& [link, key] : needs_.receipts) {
      links.add(link);
      keys.add(key);
    }
    add(Load::receipts,
        {"SELECT link, receipt_key, outbox_id, part FROM carrier_ids WHERE (link, receipt_key) IN "
         "(SELECT * FROM unnest($1::text[], $2::text[]))",
         {links.take(), keys.take()}});
  }
  if (!needs_.mo_sets.empty()) {
    sql::ArrayLiteral from, to, ref, total;
    for (const auto& [f, t, r, n] : needs_.mo_sets) {
      from.add(f);
      to.add(t);
      ref.add(static_cast<std::int64_t>(r));
      total.add(static_cast<std::int64_t>(n));
    }
    std::vector<std::optional<std::string>> keys = {from.take(), to.take(), ref.take(),
                                                    total.take()};
    const std::string in =
        " WHERE (phone, short_code, reference, total) IN (SELECT * FROM unnest($1::text[], "
        "$2::text[], $3::int[], $4::smallint[]))";
    add(Load::mo_sets, {std::string("SELECT ") + rows::kMoPartSetColumns + " FROM mo_part_sets" +
                            in + " FOR UPDATE",
                        keys});
    add(Load::mo_parts,
        {std::string("SELECT phone, short_code, reference, total, ") + rows::kMoPartColumns +
             " FROM mo_parts" + in + " ORDER BY phone, short_code, reference, total, seq",
         keys});
  }
  for (const auto& [phase, until, limit] : needs_.due) {
    plan_due_.push_back(DueKey{phase, until, limit});
    add(Load::due, {"SELECT phone, short_code, reference, total, since FROM mo_part_sets "
                    "WHERE phase = $1 AND since <= $2 "
                    "ORDER BY since, phone, short_code, reference, total LIMIT $3",
                    {std::to_string(phase), std::to_string(until), std::to_string(limit)}});
  }
  if (!needs_.counts.empty()) {
    add(Load::counts,
        {"SELECT campaign, subscribed, opted_out FROM campaign_counts WHERE campaign = "
         "ANY($1::text[])",
         {text_array_of(needs_.counts)}});
  }
  for (const auto& [campaign, after, limit] : needs_.ranges) {
    plan_ranges_.push_back(RangeKey{campaign, after, limit});
    add(Load::range, {"SELECT phone FROM subscriptions WHERE campaign = $1 AND state = 1 AND "
                      "phone > $2 ORDER BY phone LIMIT $3",
                      {campaign, after, std::to_string(limit)}});
  }
  if (needs_.counters) {
    add(Load::counters, {"SELECT name, value FROM counters ORDER BY name FOR UPDATE", {}});
    // After the lock, so that it sees the last event committed by any node: the next event
    // chains to it (audit_chain.hpp).
    add(Load::audit_head,
        {std::string("SELECT ") + rows::kAuditColumns +
             " FROM audit WHERE id = (SELECT value FROM counters WHERE name = 'audit_id')",
         {}});
  }
  return out;
}

std::error_code PgWriteTxn::loaded(std::vector<Rows>& results) {
  if (results.size() != plan_.size()) return poison_ = corrupted();
  // Every key asked for gets an entry, "absent" included, so that it is not asked again.
  for (const auto& p : needs_.phones) phones_.try_emplace(p);
  for (auto id : needs_.outbox) outbox_.try_emplace(id);
  for (auto id : needs_.inbox_ids) inbox_ids_.try_emplace(id, false);
  for (const auto& k : needs_.receipts) receipts_.try_emplace(k);
  for (const auto& k : needs_.mo_sets) mo_sets_.try_emplace(k);
  for (const auto& c : needs_.counts) counts_.try_emplace(c);

  std::size_t due = 0, range = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    auto& rs = results[i].rows;
    switch (plan_[i]) {
      case Load::locks:
        break;
      case Load::subscriptions:
        for (const auto& row : rs) {
          auto s = rows::subscription(row);
          if (!s) return poison_ = corrupted();
          auto& p = phones_[s->phone];
          p.subs.insert_or_assign(s->campaign, std::move(*s));
        }
        break;
      case Load::company:
        for (const auto& row : rs) {
          auto c = rows::company_opt_out(row);
          if (!c) return poison_ = corrupted();
          phones_[c->phone].company = std::move(*c);
        }
        break;
      case Load::last_stops:
        for (const auto& row : rs) {
          auto s = rows::last_stop(row);
          if (!s) return poison_ = corrupted();
          auto& p = phones_[s->phone];
          p.stops.insert_or_assign(s->short_code, std::move(*s));
        }
        break;
      case Load::recent_joins:
        for (const auto& row : rs) {
          auto j = rows::recent_join(row);
          if (!j) return poison_ = corrupted();
          auto& p = phones_[j->phone];
          p.joins.insert_or_assign(j->short_code, std::move(*j));
        }
        break;
      case Load::outbox:
      case Load::pending:
        for (const auto& row : rs) {
          auto m = rows::outbox_message(row);
          if (!m) return poison_ = corrupted();
          const std::uint64_t id = m->id;
          auto& slot = outbox_[id];
          if (!slot) slot = std::move(*m);
        }
        if (plan_[i] == Load::pending) pending_loaded_ = true;
        break;
      case Load::inbox_ids:
        for (const auto& row : rs) {
          auto id = row.empty() ? std::nullopt : sql::to_uint64(row[0]);
          if (!id) return poison_ = corrupted();
          inbox_ids_[*id] = true;
        }
        break;
      case Load::receipts:
        for (const auto& row : rs) {
          auto id = row.size() == 4 ? sql::to_uint64(row[2]) : std::nullopt;
          auto part = row.size() == 4 ? sql::to_uint64(row[3]) : std::nullopt;
          if (!id || !part || *part > 0xffff || !row[0] || !row[1]) return poison_ = corrupted();
          receipts_[ReceiptKey{*row[0], *row[1]}] =
              ReceiptRef{*id, static_cast<std::uint16_t>(*part)};
        }
        break;
      case Load::mo_sets:
        for (const auto& row : rs) {
          auto s = rows::mo_part_set(row);
          if (!s) return poison_ = corrupted();
          MoKey k{s->key.from, s->key.to, s->key.reference, s->key.total};
          mo_sets_[k] = std::move(*s);
        }
        break;
      case Load::mo_parts:
        // After mo_sets in the plan: every part belongs to a set just loaded.
        for (const auto& row : rs) {
          MoKey key;
          auto part = rows::mo_part(row, 4);
          if (!parse_mo_key(row, key) || !part) return poison_ = corrupted();
          auto set = mo_sets_.find(key);
          if (set == mo_sets_.end() || !set->second || part->seq > set->second->key.total)
            return poison_ = corrupted();
          set->second->parts.push_back(std::move(*part));
        }
        break;
      case Load::due: {
        std::vector<std::pair<std::int64_t, MoKey>> sets;
        for (const auto& row : rs) {
          MoKey key;
          const auto since = row.size() == 5 ? sql::to_int64(row[4]) : std::nullopt;
          if (!parse_mo_key(row, key) || !since) return poison_ = corrupted();
          sets.emplace_back(*since, std::move(key));
        }
        due_[plan_due_.at(due++)] = std::move(sets);
        break;
      }
      case Load::counts:
        for (const auto& row : rs) {
          auto sub = row.size() == 3 ? sql::to_int64(row[1]) : std::nullopt;
          auto out = row.size() == 3 ? sql::to_int64(row[2]) : std::nullopt;
          if (!sub || !out || !row[0]) return poison_ = corrupted();
          counts_[*row[0]] = std::pair{*sub, *out};
        }
        break;
      case Load::range: {
        const RangeKey& key = plan_ranges_.at(range++);
        Range r;
        for (const auto& row : rs) {
          if (row.empty() || !row[0]) return poison_ = corrupted();
          r.phones.push_back(*row[0]);
        }
        r.full = r.phones.size() == std::get<2>(key);
        ranges_[key] = std::move(r);
        break;
      }
      case Load::counters: {
        Counters c;
        int seen = 0;
        for (const auto& row : rs) {
          auto v = row.size() == 2 ? sql::to_int64(row[1]) : std::nullopt;
          if (!v || !row[0] || *v < 0) return poison_ = corrupted();
          const std::string& name = *row[0];
          const auto u = static_cast<std::uint64_t>(*v);
          if (name == "inbox_id")
            c.inbox = u, seen |= 1;
          else if (name == "outbox_id")
            c.outbox = u, seen |= 2;
          else if (name == "audit_id")
            c.audit = u, seen |= 4;
          else if (name == "broadcast_id")
            c.broadcast = u, seen |= 8;
          else if (name == "company_opt_outs")
            c.company_opt_outs = *v, seen |= 16;
        }
        if (seen != 31) return poison_ = corrupted();
        counters_ = c;
        break;
      }
      case Load::audit_head: {
        // Planned right after the counters, so counters_ is this pass's.
        if (!counters_ || rs.size() != (counters_->audit == 0 ? 0u : 1u)) {
          return poison_ = corrupted();
        }
        if (!rs.empty()) {
          auto last = rows::audit_event(rs[0]);
          if (!last || last->id != counters_->audit) return poison_ = corrupted();
          counters_->audit_head = audit_hash(*last);
        }
        break;
      }
    }
  }
  plan_.clear();
  plan_due_.clear();
  plan_ranges_.clear();
  restart();
  return {};
}

void PgWriteTxn::restart() {
  needs_ = Needs{};
  ov_ = Overlay{};
}

}  // namespace smppgw::store::postgres
