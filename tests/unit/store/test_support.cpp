// Test helpers of the store; see test_support.hpp.
#include "tests/unit/store/test_support.hpp"

#include <gtest/gtest-spi.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <tuple>

#include "store/lmdb/audit_bulk.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/schema.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/store.hpp"
#include "tests/unit/store/postgres/invariants.hpp"
#include "tests/unit/store/postgres/pg_test_server.hpp"

namespace smppgw::store::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "smppgw-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

StoreOptions options_for(const TempDir& dir, std::uint64_t map_size) {
  StoreOptions o;
  o.state_dir = dir.path();
  o.map_size = map_size;
  o.durability = Durability::fsync;
  return o;
}

std::error_code run(Writer& writer, std::function<std::error_code(WriteTxn&)> fn) {
  // A request may run more than once (a server backend's load passes answer data_needed
  // first; re-runs after a failure): only the last run is the one that counts, so the
  // assertions of each run are held back and those of the last reported.
  auto last = std::make_shared<std::unique_ptr<::testing::TestPartResultArray>>();
  auto apply = [fn = std::move(fn), last](WriteTxn& w) {
    auto failures = std::make_unique<::testing::TestPartResultArray>();
    std::error_code ec;
    {
      ::testing::ScopedFakeTestPartResultReporter hold(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
          failures.get());
      ec = fn(w);
    }
    *last = std::move(failures);
    return ec;
  };
  std::promise<std::error_code> done;
  auto f = done.get_future();
  auto ec = writer.submit(
      WriteRequest{std::move(apply), [&done](std::error_code e) { done.set_value(e); }});
  if (ec) return ec;
  ec = f.get();
  for (int i = 0; *last && i < (*last)->size(); ++i) {
    const auto& r = (*last)->GetTestPartResult(i);
    ADD_FAILURE_AT(r.file_name() ? r.file_name() : "?", r.line_number()) << r.message();
  }
  return ec;
}

Timestamp t(std::int64_t seconds) {
  return timestamp_from_unix_ms(1'700'000'000'000 + seconds * 1000);
}

namespace {

using namespace lmdb;

struct Reader {
  Env env;
  Txn txn;
  Tables t;
};

template <class F>
void each(Reader& r, MDB_dbi dbi, F&& f) {
  Cursor c;
  Cursor::open(r.txn, dbi, c);
  std::string_view k, v;
  for (int rc = c.get(MDB_FIRST, k, v); rc == 0; rc = c.get(MDB_NEXT, k, v)) f(k, v);
}

}  // namespace

std::vector<std::string> check_invariants(const std::filesystem::path& state_dir) {
  std::vector<std::string> bad;
  Reader r;
  Env::Options eo;
  eo.dir = state_dir / "store";
  eo.map_size = 0;
  eo.max_dbs = kMaxDbs;
  eo.flags = MDB_RDONLY;
  auto env = Env::open(eo);
  if (!env) return {"cannot open: " + env.error().message()};
  r.env = std::move(*env);
  if (Txn::begin(r.env.get(), MDB_RDONLY, r.txn) != 0) return {"cannot begin"};
  const std::pair<const char*, MDB_dbi*> names[] = {
      {"meta", &r.t.meta},
      {"phones", &r.t.phones},
      {"subscriptions", &r.t.subscriptions},
      {"company", &r.t.company},
      {"counts", &r.t.counts},
      {"inbox", &r.t.inbox},
      {"inbox_by_campaign", &r.t.inbox_by_campaign},
      {"outbox", &r.t.outbox},
      {"outbox_pending", &r.t.outbox_pending},
      {"carrier_ids", &r.t.carrier_ids},
      {"audit", &r.t.audit},
      {"audit_bulk", &r.t.audit_bulk},
      {"mo_parts", &r.t.mo_parts},
      {"mo_parts_due", &r.t.mo_parts_due},
  };
  for (auto [n, d] : names) {
    if (mdb_dbi_open(r.txn.get(), n, 0, d) != 0) return {std::string("no table ") + n};
  }
  // Tables of older layouts are gone after the migration.
  for (const char* old : {"subs", "last_stop", "recent_join", "inbox_by_phone", "outbox_by_phone",
                          "audit_by_phone", "subs_by_campaign"}) {
    MDB_dbi unused;
    if (mdb_dbi_open(r.txn.get(), old, 0, &unused) != MDB_NOTFOUND) {
      bad.push_back(std::string("table of an older layout left: ") + old);
    }
  }

  // `phones`, split by tag: every key is phone\0<known tag><part>.
  struct PhoneEntry {
    std::string phone, part, value;
  };
  std::map<char, std::vector<PhoneEntry>> by_tag;
  each(r, r.t.phones, [&](std::string_view k, std::string_view v) {
    const auto nul = k.find('\0');
    if (nul == std::string_view::npos || nul == 0 || nul + 1 >= k.size()) {
      return bad.push_back("malformed phones key");
    }
    const char tag = k[nul + 1];
    if (std::string_view("aijos").find(tag) == std::string_view::npos) {
      return bad.push_back(std::string("unknown phones tag ") + tag);
    }
    const std::string_view part = k.substr(nul + 2);
    const bool id_keyed = tag == 'a' || tag == 'i' || tag == 'o';
    if ((id_keyed && (part.size() != 8 || !v.empty())) || (!id_keyed && part.empty())) {
      return bad.push_back(std::string("malformed phones entry, tag ") + tag);
    }
    by_tag[tag].push_back(
        PhoneEntry{std::string(k.substr(0, nul)), std::string(part), std::string(v)});
  });
  auto id_entries = [&](char tag) {
    std::set<std::string> out;
    for (const auto& e : by_tag[tag]) out.insert(keys::with_id(e.phone, keys::read_be64(e.part)));
    return out;
  };
  for (const auto& e : by_tag['s']) {
    if (!records::decode_last_stop(e.phone, e.part, e.value))
      bad.push_back("undecodable last stop");
  }
  for (const auto& e : by_tag['j']) {
    if (!records::decode_recent_join(e.phone, e.part, e.value)) {
      bad.push_back("undecodable recent join");
    }
  }

  // subscriptions, counts.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> counted;
  each(r, r.t.subscriptions, [&](std::string_view k, std::string_view v) {
    const auto nul = k.find('\0');
    if (nul == std::string_view::npos || nul == 0 || nul + 1 == k.size()) {
      return bad.push_back("malformed subscriptions key");
    }
    const std::string campaign(k.substr(0, nul));
    auto s = records::decode_subscription(k.substr(nul + 1), campaign, v);
    if (!s) return bad.push_back("undecodable subscription " + std::string(k.substr(nul + 1)));
    auto& c = counted[campaign];
    (s->state == SubscriptionState::subscribed ? c.first : c.second)++;
  });
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> stored;
  each(r, r.t.counts, [&](std::string_view k, std::string_view v) {
    auto& c = stored[std::string(k)];
    if (!records::decode_counts(v, c.first, c.second)) bad.push_back("undecodable counts");
  });
  if (counted != stored) bad.push_back("counts differ from subscriptions");

  std::uint64_t company = 0;
  each(r, r.t.company, [&](std::string_view, std::string_view) { ++company; });
  auto stored_company = get_meta_u64(r.txn, r.t, kMetaCompanyCount);
  if (!stored_company || *stored_company != company) bad.push_back("company_count differs");

  // inbox and its indexes.
  std::set<std::string> want_phone, want_campaign, have_phone, have_campaign;
  std::set<std::uint64_t> inbox_ids;
  each(r, r.t.inbox, [&](std::string_view k, std::string_view v) {
    auto id = keys::read_be64(k);
    auto m = records::decode_inbox(id, v);
    if (!m) return bad.push_back("undecodable inbox row");
    inbox_ids.insert(id);
    want_phone.insert(keys::with_id(m->from, id));
    if (!m->campaign.empty()) want_campaign.insert(keys::with_id(m->campaign, id));
  });
  have_phone = id_entries('i');
  each(r, r.t.inbox_by_campaign,
       [&](std::string_view k, std::string_view) { have_campaign.emplace(k); });
  if (want_phone != have_phone) bad.push_back("phones inbox entries differ from inbox");
  if (want_campaign != have_campaign) bad.push_back("inbox_by_campaign differs from inbox");

  // mo_parts: parts only under a set entry; one due entry per set, for its phase and since;
  // reserved ids at most meta inbox_reserved, and a completed set's id has its Inbox row.
  std::uint64_t reserved = 0;
  if (std::string_view v; r.txn.get(r.t.meta, kMetaInboxReserved, v) == 0) {
    records::Decoder d(v);
    reserved = d.u64();
    if (!d.done()) bad.push_back("bad inbox_reserved");
  }
  std::set<std::string> want_due, have_due;
  std::string current_set;  // the set key whose entry was seen last
  each(r, r.t.mo_parts, [&](std::string_view k, std::string_view v) {
    if (k.empty()) return bad.push_back("empty mo_parts key");
    const std::string_view sk = k.substr(0, k.size() - 1);
    const auto seq = static_cast<std::uint8_t>(k.back());
    std::string from, to;
    std::uint16_t reference = 0;
    std::uint8_t total = 0;
    if (!keys::mo_part::parse_set(sk, from, to, reference, total) || seq > total) {
      return bad.push_back("malformed mo_parts key");
    }
    if (seq != 0) {
      if (sk != current_set) bad.push_back("mo part without its set");
      if (!records::decode_mo_part(seq, v)) bad.push_back("undecodable mo part");
      return;
    }
    current_set.assign(sk);
    MoPartSet set;
    if (!records::decode_mo_part_set(v, set)) return bad.push_back("undecodable mo part set");
    if (set.inbox_id > reserved) bad.push_back("mo part set id above inbox_reserved");
    if (set.phase == MoPartPhase::completed && !inbox_ids.contains(set.inbox_id)) {
      bad.push_back("completed mo part set without its Inbox row");
    }
    want_due.insert(std::string(
        keys::mo_part::due(static_cast<std::uint8_t>(set.phase), unix_ms(set.since), sk).view()));
  });
  each(r, r.t.mo_parts_due, [&](std::string_view k, std::string_view) { have_due.emplace(k); });
  if (want_due != have_due) bad.push_back("mo_parts_due differs from the sets");

  // outbox, pending queue, by phone, carrier ids.
  std::set<std::string> want_pending, have_pending, want_ophone, have_ophone, want_carrier,
      have_carrier;
  each(r, r.t.outbox, [&](std::string_view k, std::string_view v) {
    auto id = keys::read_be64(k);
    auto m = records::decode_outbox(id, v);
    if (!m) return bad.push_back("undecodable outbox row");
    if (m->status == OutboxStatus::queued) want_pending.insert(keys::with_id(m->from, id));
    want_ophone.insert(keys::with_id(m->to, id));
    for (std::size_t p = 0; p < m->parts.size(); ++p) {
      if (m->parts[p].carrier_message_id.empty()) continue;
      std::string ref;
      records::encode_part_ref(ref, id, static_cast<std::uint16_t>(p));
      want_carrier.insert(keys::pair(m->parts[p].link, receipt_key(m->parts[p])) + "=" + ref);
    }
    if (m->segments != m->parts.size()) bad.push_back("segments != parts");
  });
  each(r, r.t.outbox_pending,
       [&](std::string_view k, std::string_view) { have_pending.emplace(k); });
  have_ophone = id_entries('o');
  each(r, r.t.carrier_ids, [&](std::string_view k, std::string_view v) {
    have_carrier.insert(std::string(k) + "=" + std::string(v));
  });
  if (want_pending != have_pending) bad.push_back("outbox_pending differs from queued records");
  std::map<std::string, std::uint64_t> pending_entries, pending_counters;
  for (const auto& k : have_pending) ++pending_entries[k.substr(0, k.find('\0'))];
  const std::string counter_prefix = keys::prefix(kMetaPending);
  each(r, r.t.meta, [&](std::string_view k, std::string_view v) {
    if (!keys::starts_with(k, counter_prefix)) return;
    records::Decoder d(v);
    const std::uint64_t n = d.u64();
    if (!d.done() || n == 0) bad.push_back("bad pending counter");
    pending_counters[std::string(k.substr(counter_prefix.size()))] = n;
  });
  if (pending_entries != pending_counters) bad.push_back("pending counters differ from the queue");
  if (want_ophone != have_ophone) bad.push_back("phones outbox entries differ from outbox");
  if (want_carrier != have_carrier) bad.push_back("carrier_ids differ from parts");

  // audit by phone; audit and audit_bulk together hold every id from 1 to the last once.
  std::set<std::string> want_audit, have_audit;
  std::set<std::uint64_t> audit_ids;
  each(r, r.t.audit, [&](std::string_view k, std::string_view v) {
    auto id = keys::read_be64(k);
    auto e = records::decode_audit(id, v);
    if (!e) return bad.push_back("undecodable audit event");
    want_audit.insert(keys::with_id(e->phone, id));
    audit_ids.insert(id);
  });
  each(r, r.t.audit_bulk, [&](std::string_view k, std::string_view v) {
    const auto first = keys::read_be64(k);
    auto row = records::AuditBulkView::parse(v);
    if (!row) return bad.push_back("undecodable audit_bulk row");
    for (std::uint32_t i = 0; i < row->size(); ++i) {
      auto e = row->event(first, i);
      if (!e) return bad.push_back("undecodable audit_bulk entry");
      want_audit.insert(keys::with_id(e->phone, e->id));
      if (!audit_ids.insert(e->id).second) bad.push_back("audit id held twice");
    }
  });
  if (!audit_ids.empty() && (*audit_ids.begin() != 1 || *audit_ids.rbegin() != audit_ids.size()))
    bad.push_back("audit ids are not 1..last");
  have_audit = id_entries('a');
  if (want_audit != have_audit) bad.push_back("phones audit entries differ from audit");
  return bad;
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::lmdb ? "Lmdb" : "Postgres";
}

struct StoreHome::Postgres {
  postgres::ConnectOptions server;
  std::string schema;
  std::optional<postgres::Connection> conn;  // creates, checks and drops the schema
};

StoreHome::StoreHome(Backend b, const TempDir& lmdb_dir) : backend(b), dir_(lmdb_dir) {
  if (backend != Backend::postgres) return;
  auto server = postgres::test::test_server();
  if (!server) {
    unavailable_ =
        "no PostgreSQL: SMPPGW_TEST_PG_URL and SMPPGW_TEST_PG_PASSWORD_FILE are not set "
        "(tools/dev test sets them; see tools/pg-cluster)";
    return;
  }
#if !SMPPGW_STORE_TESTS_POSTGRES
  unavailable_ =
      "the PostgreSQL backend is not complete in this build (smppgw_store_postgres has no "
      "open_store or make_write_backend yet; see tests/unit/store/CMakeLists.txt)";
  return;
#endif
  pg_ = std::make_unique<Postgres>();
  pg_->server = *server;
  std::random_device random;
  pg_->schema = "t_" + std::to_string(random()) + "_" + std::to_string(random());
  auto conn = postgres::Connection::open(pg_->server);
  if (!conn) {
    unavailable_ = "the PostgreSQL test server does not answer: " + conn.error().message;
    ADD_FAILURE() << *unavailable_;
    return;
  }
  auto used = conn->exec({"CREATE SCHEMA " + pg_->schema, {}});
  if (used) used = conn->exec({"SET search_path TO " + pg_->schema, {}});
  if (!used) {
    unavailable_ = "cannot create the test schema: " + used.error().message;
    ADD_FAILURE() << *unavailable_;
    return;
  }
  pg_->conn = std::move(*conn);
}

StoreHome::~StoreHome() {
  if (!pg_ || !pg_->conn) return;
  auto dropped = pg_->conn->exec({"DROP SCHEMA " + pg_->schema + " CASCADE", {}});
  EXPECT_TRUE(dropped) << dropped.error().message;
}

tl::expected<std::unique_ptr<Store>, std::string> StoreHome::open(
    std::optional<StoreOptions> lmdb) {
  if (backend == Backend::lmdb) {
    auto s = open_store(lmdb.value_or(options_for(dir_)));
    if (!s) return tl::unexpected(s.error().message());
    return std::move(*s);
  }
  if (lmdb) return tl::unexpected(std::string("LMDB options given to a PostgreSQL store"));
#if SMPPGW_STORE_TESTS_POSTGRES
  auto s = postgres::open_store(postgres::StoreOptions{pg_->server, pg_->schema, 2});
  if (!s) return tl::unexpected(s.error().message);
  return std::move(*s);
#else
  return tl::unexpected(std::string("the PostgreSQL backend is not in this build"));
#endif
}

std::vector<std::string> StoreHome::check_invariants() {
  if (backend == Backend::lmdb) return test::check_invariants(dir_.path());
  return postgres::test::check_invariants(*pg_->conn);
}

std::uint32_t StoreHome::schema_version() const {
  return backend == Backend::lmdb ? lmdb::kSchemaVersion
                                  : static_cast<std::uint32_t>(postgres::schema_version());
}

}  // namespace smppgw::store::test
