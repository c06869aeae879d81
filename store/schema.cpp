// Schema of the LMDB environment: table names, the version key and forward migrations.
//
// Migrations run inside the same write transaction that opens the tables, so an upgrade is
// all-or-nothing: a crash halfway leaves the old version on disk and the next start runs it
// again. Step i of kMigrations turns version i+1 into version i+2.
#include "store/schema.hpp"

#include <array>
#include <functional>

#include "store/records.hpp"

namespace smppgw::store::lmdb {
namespace {

using Migration = std::function<int(Txn&, const Tables&)>;

// Version 1 is the first layout; later versions append their step here.
const std::array<Migration, kSchemaVersion - 1> kMigrations{};

int write_version(Txn& txn, const Tables& t, std::uint32_t v) {
  std::string out;
  records::Encoder e(out);
  e.u32(v);
  return txn.put(t.meta, kMetaSchemaVersion, out);
}

}  // namespace

std::error_code open_schema(Txn& txn, Tables& t, std::uint32_t& version_found) {
  struct Named {
    const char* name;
    MDB_dbi* dbi;
  };
  const Named named[] = {
      {"meta", &t.meta},
      {"subs", &t.subs},
      {"subs_by_campaign", &t.subs_by_campaign},
      {"company", &t.company},
      {"counts", &t.counts},
      {"last_stop", &t.last_stop},
      {"recent_join", &t.recent_join},
      {"inbox", &t.inbox},
      {"inbox_by_phone", &t.inbox_by_phone},
      {"inbox_by_campaign", &t.inbox_by_campaign},
      {"outbox", &t.outbox},
      {"outbox_pending", &t.outbox_pending},
      {"outbox_by_phone", &t.outbox_by_phone},
      {"carrier_ids", &t.carrier_ids},
      {"audit", &t.audit},
      {"audit_by_phone", &t.audit_by_phone},
  };
  static_assert(sizeof(named) / sizeof(named[0]) == kTableCount);
  for (const auto& n : named) {
    if (int rc = open_dbi(txn, n.name, *n.dbi)) return lmdb_error(rc);
  }

  std::string_view v;
  int rc = txn.get(t.meta, kMetaSchemaVersion, v);
  if (rc == MDB_NOTFOUND) {
    version_found = 0;
    return lmdb_error(write_version(txn, t, kSchemaVersion));
  }
  if (rc != 0) return lmdb_error(rc);
  records::Decoder d(v);
  std::uint32_t version = d.u32();
  if (!d.done() || version == 0) return make_error_code(StoreErrc::corrupted);
  version_found = version;
  if (version > kSchemaVersion) return make_error_code(StoreErrc::schema_too_new);
  for (std::uint32_t from = version; from < kSchemaVersion; ++from) {
    const auto& step = kMigrations[from - 1];
    if (!step) return make_error_code(StoreErrc::corrupted);
    if (int mrc = step(txn, t)) return lmdb_error(mrc);
  }
  if (version != kSchemaVersion) return lmdb_error(write_version(txn, t, kSchemaVersion));
  return {};
}

}  // namespace smppgw::store::lmdb
