// PgWriteTxn's flush: the attempt's writes as multi-row statements (one per table and kind of
// change, each row of the group an element of array parameters unnested by the server), sent
// in one pipeline with COMMIT. Row images are compared with what the transaction loaded, so
// a group writes only what it changed; counts are sent as increments.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

#include "store/postgres/sql_text.hpp"
#include "store/postgres/write_txn.hpp"

namespace smppgw::store::postgres {
namespace {

std::int64_t ms(Timestamp t) {
  return unix_ms(t);
}

std::int64_t num(auto e) {
  return static_cast<std::int64_t>(e);
}

// Columns as array parameters, built row by row.
struct Arrays {
  explicit Arrays(std::size_t n) : cols(n) {}
  std::vector<sql::ArrayLiteral> cols;
  std::size_t rows() const { return cols.empty() ? 0 : cols[0].size(); }
  std::vector<std::optional<std::string>> take() {
    std::vector<std::optional<std::string>> out;
    for (auto& c : cols) out.emplace_back(c.take());
    return out;
  }
};

std::string int_array_text(const std::vector<std::int64_t>& v) {
  return sql::int_array(v);
}

// The rows of a statement's array parameters $1..$n, one column per array, named:
// `(SELECT unnest($1::text[]) AS p, unnest($2::bigint[]) AS a) AS u`. unnest in a SELECT list
// runs as a ProjectSet, a row at a time; `FROM unnest($1, $2, ...)` first materialises every
// row in a tuplestore (for a 25,000-row chunk a tenth of the server's time). The arrays of one
// statement have the same length, so both forms zip them alike.
std::string zipped(std::initializer_list<std::pair<const char*, const char*>> columns) {
  std::string sql = "(SELECT ";
  int n = 0;
  for (const auto& [type, name] : columns) {
    if (n > 0) sql += ", ";
    sql += "unnest($" + std::to_string(++n) + "::" + type + "[]) AS " + name;
  }
  return sql + ") AS u";
}

}  // namespace

std::vector<Statement> PgWriteTxn::flush_statements() const {
  std::vector<Statement> out;
  auto emit = [&](Arrays& a, std::string sql) {
    if (a.rows() > 0) out.push_back({std::move(sql), a.take()});
  };

  // ---- Phones: subscriptions, company opt-outs, last stops, recent joins ----
  // A row the transaction loaded is updated, one it knows absent inserted: no speculative
  // insertion (ON CONFLICT) where the answer is known, and a row that appeared meanwhile
  // (which the phone's lock rules out) fails the group instead of being overwritten.
  Arrays subs_new(6), subs_changed(6), company(4), stops(5), stop_deletes(2), joins(4);
  static const PhoneState kNone;
  for (const auto& [phone, now] : ov_.phones) {
    auto was_it = phones_.find(phone);
    const PhoneState& was = was_it == phones_.end() ? kNone : was_it->second;
    for (const auto& [campaign, s] : now.subs) {
      auto w = was.subs.find(campaign);
      if (w != was.subs.end() && w->second == s) continue;
      Arrays& subs = w == was.subs.end() ? subs_new : subs_changed;
      subs.cols[0].add(s.phone);
      subs.cols[1].add(s.campaign);
      subs.cols[2].add(num(s.state));
      subs.cols[3].add(ms(s.since));
      subs.cols[4].add(num(s.source));
      subs.cols[5].add(s.changed_by);
    }
    // A company-wide opt-out is written once and never changed (opt_out_company).
    if (now.company && !was.company) {
      company.cols[0].add(now.company->phone);
      company.cols[1].add(ms(now.company->since));
      company.cols[2].add(num(now.company->source));
      company.cols[3].add(now.company->changed_by);
    }
    for (const auto& [short_code, s] : now.stops) {
      auto w = was.stops.find(short_code);
      if (w != was.stops.end() && w->second == s) continue;
      stops.cols[0].add(s.phone);
      stops.cols[1].add(s.short_code);
      stops.cols[2].add(ms(s.at));
      stops.cols[3].add(s.changed_by);
      stops.cols[4].add(sql::text_array(s.campaigns));
    }
    for (const auto& [short_code, s] : was.stops) {
      if (now.stops.count(short_code)) continue;
      stop_deletes.cols[0].add(phone);
      stop_deletes.cols[1].add(short_code);
    }
    for (const auto& [short_code, j] : now.joins) {
      auto w = was.joins.find(short_code);
      if (w != was.joins.end() && w->second == j) continue;
      joins.cols[0].add(j.phone);
      joins.cols[1].add(j.short_code);
      joins.cols[2].add(j.campaign);
      joins.cols[3].add(ms(j.at));
    }
  }
  const std::string subs_rows = zipped({{"text", "p"},
                                        {"text", "c"},
                                        {"smallint", "st"},
                                        {"bigint", "si"},
                                        {"smallint", "so"},
                                        {"text", "cb"}});
  emit(subs_new,
       "INSERT INTO subscriptions (phone, campaign, state, since, source, changed_by) "
       "SELECT * FROM " +
           subs_rows);
  emit(subs_changed,
       "UPDATE subscriptions SET state = u.st, since = u.si, source = u.so, changed_by = u.cb "
       "FROM " +
           subs_rows + " WHERE subscriptions.phone = u.p AND subscriptions.campaign = u.c");
  emit(company, "INSERT INTO company_opt_outs (phone, since, source, changed_by) SELECT * FROM " +
                    zipped({{"text", "p"}, {"bigint", "si"}, {"smallint", "so"}, {"text", "cb"}}));
  emit(stop_deletes,
       "DELETE FROM last_stops WHERE (phone, short_code) IN "
       "(SELECT * FROM unnest($1::text[], $2::text[]))");
  emit(stops,
       "INSERT INTO last_stops (phone, short_code, at, changed_by, campaigns) "
       "SELECT p, s, a, c, l::text[] FROM " +
           zipped({{"text", "p"}, {"text", "s"}, {"bigint", "a"}, {"text", "c"}, {"text", "l"}}) +
           " ON CONFLICT (phone, short_code) DO UPDATE SET at = EXCLUDED.at, "
           "changed_by = EXCLUDED.changed_by, campaigns = EXCLUDED.campaigns");
  emit(joins, "INSERT INTO recent_joins (phone, short_code, campaign, at) SELECT * FROM " +
                  zipped({{"text", "p"}, {"text", "s"}, {"text", "c"}, {"bigint", "a"}}) +
                  " ON CONFLICT (phone, short_code) DO UPDATE SET campaign = EXCLUDED.campaign, "
                  "at = EXCLUDED.at");

  // ---- Appended rows: audit, inbox ----
  Arrays audit(10);
  for (const auto& e : ov_.audit) {
    audit.cols[0].add(num(e.id));
    audit.cols[1].add(ms(e.at));
    audit.cols[2].add(e.phone);
    audit.cols[3].add(e.campaign);
    if (e.from_state) {
      audit.cols[4].add(num(*e.from_state));
    } else {
      audit.cols[4].add_null();
    }
    audit.cols[5].add(num(e.to_state));
    audit.cols[6].add(num(e.source));
    audit.cols[7].add(e.ref);
    audit.cols[8].add(e.reason);
    const AuditHash& prev = e.prev_hash.value_or(AuditHash{});  // set by append_audit
    audit.cols[9].add_bytea({reinterpret_cast<const char*>(prev.data()), prev.size()});
  }
  emit(audit,
       "INSERT INTO audit (id, at, phone, campaign, from_state, to_state, source, ref, reason, "
       "prev_hash) SELECT * FROM " +
           zipped({{"bigint", "i"},
                   {"bigint", "a"},
                   {"text", "p"},
                   {"text", "c"},
                   {"smallint", "f"},
                   {"smallint", "t"},
                   {"smallint", "s"},
                   {"text", "r"},
                   {"text", "e"},
                   {"bytea", "h"}}));
  Arrays inbox(8);
  for (const auto& m : ov_.inbox) {
    inbox.cols[0].add(num(m.id));
    inbox.cols[1].add(ms(m.received_at));
    inbox.cols[2].add(m.from);
    inbox.cols[3].add(m.to);
    inbox.cols[4].add(m.campaign);
    inbox.cols[5].add_bytea(m.text);
    inbox.cols[6].add(num(m.kind));
    inbox.cols[7].add(m.link);
  }
  emit(inbox,
       "INSERT INTO inbox (id, received_at, phone, short_code, campaign, text, kind, link) "
       "SELECT * FROM " +
           zipped({{"bigint", "i"},
                   {"bigint", "r"},
                   {"text", "p"},
                   {"text", "s"},
                   {"text", "c"},
                   {"bytea", "t"},
                   {"smallint", "k"},
                   {"text", "l"}}));

  // ---- Outbox records (whole images; parts as arrays, one array literal per record) ----
  Arrays outbox_new(20), outbox_changed(20);
  for (const auto& [id, m] : ov_.outbox) {
    auto w = outbox_.find(id);
    const bool loaded = w != outbox_.end() && w->second;
    if (loaded && *w->second == m) continue;
    auto& c = (loaded ? outbox_changed : outbox_new).cols;
    c[0].add(num(m.id));
    c[1].add(ms(m.created_at));
    c[2].add(ms(m.updated_at));
    c[3].add(m.to);
    c[4].add(m.from);
    c[5].add(m.campaign);
    c[6].add_bytea(m.text);
    c[7].add(num(m.kind));
    c[8].add(num(m.status));
    c[9].add(num(m.encoding));
    c[10].add(num(m.segments));
    c[11].add(m.error);
    if (m.broadcast_id) {
      c[12].add(num(*m.broadcast_id));
    } else {
      c[12].add_null();
    }
    c[13].add(num(m.attempts));
    std::vector<std::int64_t> status;
    std::vector<std::string> link, carrier, error, key;
    for (const auto& p : m.parts) {
      status.push_back(num(p.status));
      link.push_back(p.link);
      carrier.push_back(p.carrier_message_id);
      error.push_back(p.error);
      key.push_back(p.receipt_key);
    }
    c[14].add(int_array_text(status));
    c[15].add(sql::text_array(link));
    c[16].add(sql::text_array(carrier));
    c[17].add(sql::text_array(error));
    c[18].add(sql::text_array(key));
    c[19].add(m.sent_by);
  }
  const std::string outbox_rows =
      zipped({{"bigint", "i"},    {"bigint", "ca"},   {"bigint", "ua"},   {"text", "ph"},
              {"text", "sc"},     {"text", "cp"},     {"bytea", "tx"},    {"smallint", "k"},
              {"smallint", "st"}, {"smallint", "en"}, {"smallint", "sg"}, {"text", "er"},
              {"bigint", "b"},    {"int", "at"},      {"text", "ps"},     {"text", "pl"},
              {"text", "pc"},     {"text", "pe"},     {"text", "pr"},     {"text", "sb"}});
  emit(outbox_new,
       "INSERT INTO outbox (id, created_at, updated_at, phone, short_code, campaign, text, kind, "
       "status, encoding, segments, error, broadcast_id, attempts, part_status, part_link, "
       "part_carrier_id, part_error, part_receipt_key, sent_by) "
       "SELECT i, ca, ua, ph, sc, cp, tx, k, st, en, sg, er, b, at, ps::smallint[], "
       "pl::text[], pc::text[], pe::text[], pr::text[], sb FROM " +
           outbox_rows);
  // What changes after a record is created: its status, error, attempts and parts.
  emit(outbox_changed,
       "UPDATE outbox SET updated_at = u.ua, status = u.st, error = u.er, attempts = u.at, "
       "part_status = u.ps::smallint[], part_link = u.pl::text[], "
       "part_carrier_id = u.pc::text[], part_error = u.pe::text[], "
       "part_receipt_key = u.pr::text[] FROM " +
           outbox_rows + " WHERE outbox.id = u.i");

  // ---- The receipt map ----
  Arrays receipts(4), receipt_deletes(2);
  for (const auto& [key, ref] : ov_.receipts) {
    auto w = receipts_.find(key);
    const bool was = w != receipts_.end() && w->second.has_value();
    if (ref) {
      if (was && *w->second == *ref) continue;
      receipts.cols[0].add(key.first);
      receipts.cols[1].add(key.second);
      receipts.cols[2].add(num(ref->first));
      receipts.cols[3].add(num(ref->second));
    } else {
      // Deleted: also when not loaded (a part's old id that nobody looked up in this group).
      receipt_deletes.cols[0].add(key.first);
      receipt_deletes.cols[1].add(key.second);
    }
  }
  emit(receipt_deletes,
       "DELETE FROM carrier_ids WHERE (link, receipt_key) IN "
       "(SELECT * FROM unnest($1::text[], $2::text[]))");
  emit(receipts,
       "INSERT INTO carrier_ids (link, receipt_key, outbox_id, part) "
       "SELECT * FROM " +
           zipped({{"text", "l"}, {"text", "k"}, {"bigint", "o"}, {"smallint", "p"}}) +
           " ON CONFLICT (link, receipt_key) DO UPDATE SET outbox_id = EXCLUDED.outbox_id, "
           "part = EXCLUDED.part");

  // ---- MO part sets: a touched set is written again whole (at most 256 small rows) ----
  Arrays mo_deletes(4), mo_sets(8), mo_parts(9);
  for (const auto& [key, set] : ov_.mo_sets) {
    auto w = mo_sets_.find(key);
    const bool was = w != mo_sets_.end() && w->second.has_value();
    if (set && was && *w->second == *set) continue;
    if (!set && !was) continue;
    const auto& [from, to, ref, total] = key;
    if (was) {
      mo_deletes.cols[0].add(from);
      mo_deletes.cols[1].add(to);
      mo_deletes.cols[2].add(num(ref));
      mo_deletes.cols[3].add(num(total));
    }
    if (!set) continue;
    mo_sets.cols[0].add(from);
    mo_sets.cols[1].add(to);
    mo_sets.cols[2].add(num(ref));
    mo_sets.cols[3].add(num(total));
    mo_sets.cols[4].add(num(set->phase));
    mo_sets.cols[5].add(ms(set->since));
    mo_sets.cols[6].add(num(set->inbox_id));
    mo_sets.cols[7].add(set->link);
    for (const auto& p : set->parts) {
      mo_parts.cols[0].add(from);
      mo_parts.cols[1].add(to);
      mo_parts.cols[2].add(num(ref));
      mo_parts.cols[3].add(num(total));
      mo_parts.cols[4].add(num(p.seq));
      mo_parts.cols[5].add(num(p.data_coding));
      mo_parts.cols[6].add(num(p.udh_octets));
      mo_parts.cols[7].add_bytea(p.octets);
      mo_parts.cols[8].add(ms(p.arrived_at));
    }
  }
  if (mo_deletes.rows() > 0) {
    auto keys = mo_deletes.take();
    const std::string in =
        " WHERE (phone, short_code, reference, total) IN (SELECT * FROM unnest($1::text[], "
        "$2::text[], $3::int[], $4::smallint[]))";
    out.push_back({"DELETE FROM mo_parts" + in, keys});
    out.push_back({"DELETE FROM mo_part_sets" + in, std::move(keys)});
  }
  emit(mo_sets,
       "INSERT INTO mo_part_sets (phone, short_code, reference, total, phase, since, inbox_id, "
       "link) SELECT * FROM " +
           zipped({{"text", "p"},
                   {"text", "s"},
                   {"int", "r"},
                   {"smallint", "n"},
                   {"smallint", "h"},
                   {"bigint", "si"},
                   {"bigint", "i"},
                   {"text", "l"}}));
  emit(mo_parts,
       "INSERT INTO mo_parts (phone, short_code, reference, total, seq, data_coding, "
       "udh_octets, octets, arrived_at) SELECT * FROM " +
           zipped({{"text", "p"},
                   {"text", "s"},
                   {"int", "r"},
                   {"smallint", "n"},
                   {"smallint", "q"},
                   {"smallint", "d"},
                   {"int", "u"},
                   {"bytea", "o"},
                   {"bigint", "a"}}));

  // ---- Counts as increments; a row exists only while a count is non-zero ----
  Arrays counts(3);
  for (const auto& [campaign, d] : ov_.counts) {
    if (d.first == 0 && d.second == 0) continue;
    counts.cols[0].add(campaign);
    counts.cols[1].add(d.first);
    counts.cols[2].add(d.second);
  }
  if (counts.rows() > 0) {
    auto cols = counts.take();
    out.push_back(
        {"INSERT INTO campaign_counts (campaign, subscribed, opted_out) "
         "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) "
         "ON CONFLICT (campaign) DO UPDATE SET "
         "subscribed = campaign_counts.subscribed + EXCLUDED.subscribed, "
         "opted_out = campaign_counts.opted_out + EXCLUDED.opted_out",
         cols});
    out.push_back(
        {"DELETE FROM campaign_counts WHERE campaign = ANY($1::text[]) AND "
         "subscribed = 0 AND opted_out = 0",
         {cols[0]}});
  }
  Arrays pending(2);
  for (const auto& [short_code, d] : ov_.pending) {
    if (d == 0) continue;
    pending.cols[0].add(short_code);
    pending.cols[1].add(d);
  }
  if (pending.rows() > 0) {
    auto cols = pending.take();
    out.push_back(
        {"INSERT INTO pending_counts (short_code, queued) "
         "SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (short_code) DO "
         "UPDATE SET queued = pending_counts.queued + EXCLUDED.queued",
         cols});
    out.push_back({"DELETE FROM pending_counts WHERE short_code = ANY($1::text[]) AND queued = 0",
                   {cols[0]}});
  }

  // ---- Counters: the last ids this attempt assigned (the row is locked), the company count
  // as an increment ----
  if (ov_.ids || ov_.company_delta != 0) {
    Arrays counters(2);
    if (ov_.ids && counters_) {
      const std::pair<const char*, std::uint64_t> ids[] = {{"inbox_id", ov_.ids->inbox},
                                                           {"outbox_id", ov_.ids->outbox},
                                                           {"audit_id", ov_.ids->audit},
                                                           {"broadcast_id", ov_.ids->broadcast}};
      const std::uint64_t before[] = {counters_->inbox, counters_->outbox, counters_->audit,
                                      counters_->broadcast};
      for (std::size_t i = 0; i < 4; ++i) {
        if (ids[i].second == before[i]) continue;
        counters.cols[0].add(ids[i].first);
        counters.cols[1].add(static_cast<std::int64_t>(ids[i].second));
      }
    }
    if (ov_.company_delta != 0) {
      counters.cols[0].add("company_opt_outs");
      counters.cols[1].add(ov_.company_delta);
    }
    emit(counters,
         "UPDATE counters SET value = CASE WHEN counters.name = 'company_opt_outs' "
         "THEN counters.value + d.v ELSE d.v END "
         "FROM unnest($1::text[], $2::bigint[]) AS d(n, v) WHERE counters.name = d.n");
  }
  return out;
}

}  // namespace smppgw::store::postgres
