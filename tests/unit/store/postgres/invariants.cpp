// The PostgreSQL invariant checks; see invariants.hpp. Each check is one query that returns
// the offending rows (at most a few, for the message), so a consistent store returns none.
#include "tests/unit/store/postgres/invariants.hpp"

#include <functional>
#include <optional>

#include "store/postgres/rows.hpp"

namespace smppgw::store::postgres::test {
namespace {

struct Check {
  const char* what;
  const char* sql;  // returns one row per violation
};

const Check kChecks[] = {
    {"counters row missing",
     "SELECT n FROM unnest(ARRAY['inbox_id', 'outbox_id', 'audit_id', 'broadcast_id', "
     "'company_opt_outs']) AS n WHERE n NOT IN (SELECT name FROM counters)"},
    // campaign_counts: exactly the counts per state of subscriptions; no row for a campaign
    // without records (a zero row), no record of another state.
    {"subscription of an unknown state",
     "SELECT phone, campaign, state FROM subscriptions WHERE state NOT IN (1, 2)"},
    {"campaign_counts differ from subscriptions",
     "WITH want AS (SELECT campaign, count(*) FILTER (WHERE state = 1) AS subscribed, "
     "count(*) FILTER (WHERE state = 2) AS opted_out FROM subscriptions GROUP BY campaign) "
     "SELECT coalesce(w.campaign, c.campaign), w.subscribed, w.opted_out, c.subscribed, "
     "c.opted_out FROM want w FULL JOIN campaign_counts c ON c.campaign = w.campaign "
     "WHERE w.campaign IS NULL OR c.campaign IS NULL OR w.subscribed <> c.subscribed "
     "OR w.opted_out <> c.opted_out"},
    {"counter company_opt_outs differs from the rows",
     "SELECT c.value, (SELECT count(*) FROM company_opt_outs) FROM counters c "
     "WHERE c.name = 'company_opt_outs' AND c.value <> (SELECT count(*) FROM company_opt_outs)"},
    // pending_counts: the queued records per short code, no zero rows.
    {"pending_counts differ from the queued records",
     "WITH want AS (SELECT short_code, count(*) AS queued FROM outbox WHERE status = 1 "
     "GROUP BY short_code) SELECT coalesce(w.short_code, p.short_code), w.queued, p.queued "
     "FROM want w FULL JOIN pending_counts p ON p.short_code = w.short_code "
     "WHERE w.short_code IS NULL OR p.short_code IS NULL OR w.queued <> p.queued"},
    // Counters: the last id handed out, at or above every id in use (reserved inbox ids of
    // pending MO part sets included). Not broadcast_id: a chunk carries the id its caller
    // gives, as on LMDB.
    {"counter below an id in use",
     "SELECT c.name, c.value, m.used FROM counters c JOIN (VALUES "
     "('inbox_id', greatest((SELECT max(id) FROM inbox), (SELECT max(inbox_id) FROM "
     "mo_part_sets))), "
     "('outbox_id', (SELECT max(id) FROM outbox)), "
     "('audit_id', (SELECT max(id) FROM audit))) AS m(name, used) "
     "ON m.name = c.name WHERE c.value < coalesce(m.used, 0)"},
    // Audit ids: 1..last, each once, and the counter is the last.
    {"audit ids are not 1..last",
     "SELECT count(*), min(id), max(id), (SELECT value FROM counters WHERE name = 'audit_id') "
     "FROM audit HAVING count(*) <> coalesce(max(id), 0) OR coalesce(min(id), 1) <> 1 OR "
     "coalesce(max(id), 0) <> (SELECT value FROM counters WHERE name = 'audit_id')"},
    // Outbox parts: one entry per segment in every parallel array.
    {"outbox part arrays differ from segments",
     "SELECT id, segments FROM outbox WHERE cardinality(part_status) <> segments "
     "OR cardinality(part_link) <> segments OR cardinality(part_carrier_id) <> segments "
     "OR cardinality(part_error) <> segments OR cardinality(part_receipt_key) <> segments"},
    // carrier_ids: every row points at an existing part with that link and receipt key (its
    // receipt key, or the carrier id itself), and every part with a carrier id has its row.
    {"carrier_ids row without its part",
     "SELECT c.link, c.receipt_key, c.outbox_id, c.part FROM carrier_ids c "
     "LEFT JOIN outbox o ON o.id = c.outbox_id WHERE o.id IS NULL OR c.part < 0 "
     "OR c.part >= cardinality(o.part_status) OR o.part_carrier_id[c.part + 1] = '' "
     "OR o.part_link[c.part + 1] <> c.link OR coalesce(nullif(o.part_receipt_key[c.part + 1], "
     "''), o.part_carrier_id[c.part + 1]) <> c.receipt_key"},
    {"outbox part with a carrier id but no carrier_ids row",
     "SELECT o.id, p.i - 1 FROM outbox o, unnest(o.part_carrier_id, o.part_link, "
     "o.part_receipt_key) WITH ORDINALITY AS p(carrier_id, link, receipt_key, i) "
     "WHERE p.carrier_id <> '' AND NOT EXISTS (SELECT 1 FROM carrier_ids c WHERE "
     "c.link = p.link AND c.receipt_key = coalesce(nullif(p.receipt_key, ''), p.carrier_id) "
     "AND c.outbox_id = o.id AND c.part = p.i - 1)"},
    // MO part sets: parts only under their set, seq within the set's total; a completed set
    // (phase 1) has its Inbox row.
    {"mo part without its set",
     "SELECT p.phone, p.short_code, p.reference, p.total, p.seq FROM mo_parts p "
     "LEFT JOIN mo_part_sets s ON s.phone = p.phone AND s.short_code = p.short_code "
     "AND s.reference = p.reference AND s.total = p.total "
     "WHERE s.phone IS NULL OR p.seq < 1 OR p.seq > p.total"},
    {"completed mo part set without its Inbox row",
     "SELECT s.phone, s.short_code, s.reference, s.inbox_id FROM mo_part_sets s "
     "WHERE s.phase = 1 AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.id = s.inbox_id)"},
};

// Every row of each table must decode as the store reads it (rows.hpp).
struct Decode {
  const char* table;
  const char* columns;
  std::function<bool(const rows::Row&)> decodes;
};

template <class F>
std::function<bool(const rows::Row&)> by(F f) {
  return [f](const rows::Row& r) { return f(r, 0).has_value(); };
}

std::string describe(const rows::Row& row) {
  std::string out;
  for (const auto& v : row) {
    if (!out.empty()) out += ", ";
    out += v ? *v : "NULL";
  }
  return out;
}

}  // namespace

std::vector<std::string> check_invariants(Connection& conn) {
  std::vector<std::string> bad;
  for (const Check& c : kChecks) {
    auto r = conn.exec({std::string(c.sql) + " LIMIT 5", {}});
    if (!r) {
      bad.push_back(std::string(c.what) + ": the check failed: " + r.error().message);
      continue;
    }
    for (const auto& row : r->rows) bad.push_back(std::string(c.what) + ": " + describe(row));
  }
  const Decode decodes[] = {
      {"subscriptions", rows::kSubscriptionColumns, by(rows::subscription)},
      {"company_opt_outs", rows::kCompanyOptOutColumns, by(rows::company_opt_out)},
      {"last_stops", rows::kLastStopColumns, by(rows::last_stop)},
      {"recent_joins", rows::kRecentJoinColumns, by(rows::recent_join)},
      {"inbox", rows::kInboxColumns, by(rows::inbox_message)},
      {"outbox", rows::kOutboxColumns, by(rows::outbox_message)},
      {"audit", rows::kAuditColumns, by(rows::audit_event)},
      {"mo_part_sets", rows::kMoPartSetColumns, by(rows::mo_part_set)},
      {"mo_parts", rows::kMoPartColumns, by(rows::mo_part)},
  };
  for (const Decode& d : decodes) {
    auto r = conn.exec({std::string("SELECT ") + d.columns + " FROM " + d.table, {}});
    if (!r) {
      bad.push_back(std::string("reading ") + d.table + ": " + r.error().message);
      continue;
    }
    for (const auto& row : r->rows) {
      if (!d.decodes(row))
        bad.push_back(std::string("undecodable ") + d.table + " row: " + describe(row));
    }
  }
  return bad;
}

}  // namespace smppgw::store::postgres::test
