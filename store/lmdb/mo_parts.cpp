// The LMDB backend's parts of concatenated MO (WriteTxn "Parts of concatenated MO"): one
// range of `mo_parts` per set, its entry (seq 0) first, and one entry per set in
// `mo_parts_due` keyed by phase and time, so that expiry reads only the sets that are due.
//
// Invariants (the unit tests check them): every set has exactly one mo_parts_due entry, for
// its phase and since; parts exist only under a set entry; a set's reserved inbox id is at
// most meta inbox_reserved, and has an Inbox row once the set is completed.
#include "store/lmdb/keys.hpp"
#include "store/lmdb/queries.hpp"
#include "store/lmdb/records.hpp"
#include "store/lmdb/write_txn.hpp"

namespace smppgw::store::lmdb {
namespace {

bool valid_key(const MoPartSetKey& key) {
  return valid(key.from) && valid(key.to) && key.total >= 2;
}

keys::Buf set_key(const MoPartSetKey& key) {
  return keys::mo_part::set(key.from, key.to, key.reference, key.total);
}

// Parts carry at most one PDU's user data (message_payload included); the bound keeps a
// set far below LMDB's overflow pages per entry.
constexpr std::size_t kMaxPartOctets = 64 * 1024;

}  // namespace

Result<std::optional<MoPartSet>> LmdbWriteTxn::mo_part_set_entry(std::string_view sk) {
  if (poison_) return fail(poison_);
  std::string_view v;
  const int rc = check(txn_.get(t_.mo_parts, keys::mo_part::entry(sk, 0), v));
  if (rc == MDB_NOTFOUND) return std::optional<MoPartSet>{};
  if (rc != 0) return fail(lmdb_error(rc));
  MoPartSet set;
  if (!records::decode_mo_part_set(v, set)) return fail(corrupted());
  return std::optional<MoPartSet>{std::move(set)};
}

Result<std::optional<MoPartSet>> LmdbWriteTxn::mo_part_set(const MoPartSetKey& key) {
  if (!valid_key(key)) return fail(invalid());
  const auto sk = set_key(key);
  auto entry = mo_part_set_entry(sk);
  if (!entry || !*entry) return entry;
  MoPartSet& set = **entry;
  set.key = key;
  Cursor c;
  if (int rc = check(Cursor::open(txn_, t_.mo_parts, c))) return fail(lmdb_error(rc));
  std::string_view k, v;
  int rc = c.seek(keys::mo_part::entry(sk, 1), k, v);
  for (; rc == 0 && k.size() == sk.view().size() + 1 && keys::starts_with(k, sk);
       rc = c.get(MDB_NEXT, k, v)) {
    const auto seq = static_cast<std::uint8_t>(k.back());
    auto part = records::decode_mo_part(seq, v);
    if (!part || seq > key.total) return fail(corrupted());
    set.parts.push_back(std::move(*part));
  }
  if (check(rc) != 0 && rc != MDB_NOTFOUND) return fail(lmdb_error(rc));
  return entry;
}

Result<std::uint64_t> LmdbWriteTxn::open_mo_part_set(const MoPartSetKey& key, std::string_view link,
                                                     Timestamp since) {
  if (!valid_key(key) || !valid(link)) return fail(invalid());
  const auto sk = set_key(key);
  auto existing = mo_part_set_entry(sk);
  if (!existing) return fail(existing.error());
  if (*existing) return fail(invalid());  // drop it first: one set per key
  const std::uint64_t id = ids_.inbox + 1;
  records::encode_mo_part_set(buf_, MoPartPhase::pending, since, id, link);
  if (auto ec = put(t_.mo_parts, keys::mo_part::entry(sk, 0), buf_)) return fail(ec);
  if (auto ec = put(
          t_.mo_parts_due,
          keys::mo_part::due(static_cast<std::uint8_t>(MoPartPhase::pending), unix_ms(since), sk),
          {})) {
    return fail(ec);
  }
  std::string reserved;
  records::Encoder(reserved).u64(id);
  if (auto ec = put(t_.meta, kMetaInboxReserved, reserved)) return fail(ec);
  ids_.inbox = id;
  return id;
}

std::error_code LmdbWriteTxn::add_mo_part(const MoPartSetKey& key, const MoPart& part) {
  if (!valid_key(key) || part.seq == 0 || part.seq > key.total ||
      part.octets.size() > kMaxPartOctets) {
    return invalid();
  }
  const auto sk = set_key(key);
  auto entry = mo_part_set_entry(sk);
  if (!entry) return entry.error();
  if (!*entry || (*entry)->phase != MoPartPhase::pending) return invalid();
  records::encode(buf_, part);
  return put(t_.mo_parts, keys::mo_part::entry(sk, part.seq), buf_);
}

std::error_code LmdbWriteTxn::complete_mo_part_set(const MoPartSetKey& key, Timestamp at) {
  if (!valid_key(key)) return invalid();
  const auto sk = set_key(key);
  auto entry = mo_part_set_entry(sk);
  if (!entry) return entry.error();
  if (!*entry || (*entry)->phase != MoPartPhase::pending) return invalid();
  if (auto ec =
          del(t_.mo_parts_due, keys::mo_part::due(static_cast<std::uint8_t>(MoPartPhase::pending),
                                                  unix_ms((*entry)->since), sk))) {
    return ec;
  }
  records::encode_mo_part_set(buf_, MoPartPhase::completed, at, (*entry)->inbox_id, (*entry)->link);
  if (auto ec = put(t_.mo_parts, keys::mo_part::entry(sk, 0), buf_)) return ec;
  return put(t_.mo_parts_due,
             keys::mo_part::due(static_cast<std::uint8_t>(MoPartPhase::completed), unix_ms(at), sk),
             {});
}

std::error_code LmdbWriteTxn::drop_mo_part_set(const MoPartSetKey& key) {
  if (!valid_key(key)) return invalid();
  const auto sk = set_key(key);
  auto entry = mo_part_set_entry(sk);
  if (!entry) return entry.error();
  if (!*entry) return {};
  if (auto ec = del(t_.mo_parts_due, keys::mo_part::due(static_cast<std::uint8_t>((*entry)->phase),
                                                        unix_ms((*entry)->since), sk))) {
    return ec;
  }
  // At most 256 entries, all of them small: delete by key rather than through a cursor that
  // a delete would reposition.
  for (unsigned seq = 0; seq <= key.total; ++seq) {
    if (auto ec = del(t_.mo_parts, keys::mo_part::entry(sk, static_cast<std::uint8_t>(seq)))) {
      return ec;
    }
  }
  return {};
}

Result<std::vector<MoPartSetKey>> LmdbWriteTxn::mo_part_sets_due(MoPartPhase phase, Timestamp until,
                                                                 std::size_t limit) {
  if (limit == 0) return fail(invalid());
  if (poison_) return fail(poison_);
  std::vector<MoPartSetKey> due;
  Cursor c;
  if (int rc = check(Cursor::open(txn_, t_.mo_parts_due, c))) return fail(lmdb_error(rc));
  const char p[1] = {static_cast<char>(phase)};
  const std::string_view prefix{p, 1};
  std::string_view k, v;
  int rc = c.seek(prefix, k, v);
  for (; rc == 0 && keys::starts_with(k, prefix) && due.size() < limit;
       rc = c.get(MDB_NEXT, k, v)) {
    if (k.size() < 9) return fail(corrupted());
    const auto since_ms = static_cast<std::int64_t>(keys::read_be64(k.substr(1, 8)));
    if (timestamp_from_unix_ms(since_ms) > until) break;
    MoPartSetKey key;
    if (!keys::mo_part::parse_set(k.substr(9), key.from, key.to, key.reference, key.total)) {
      return fail(corrupted());
    }
    due.push_back(std::move(key));
  }
  if (check(rc) != 0 && rc != MDB_NOTFOUND) return fail(lmdb_error(rc));
  return due;
}

Result<std::optional<Timestamp>> LmdbWriteTxn::oldest_mo_part_set(MoPartPhase phase) {
  if (poison_) return fail(poison_);
  Cursor c;
  if (int rc = check(Cursor::open(txn_, t_.mo_parts_due, c))) return fail(lmdb_error(rc));
  const char p[1] = {static_cast<char>(phase)};
  std::string_view k, v;
  const int rc = c.seek({p, 1}, k, v);
  if (rc == MDB_NOTFOUND || (rc == 0 && (k.empty() || k[0] != p[0]))) {
    return std::optional<Timestamp>{};
  }
  if (check(rc) != 0) return fail(lmdb_error(rc));
  if (k.size() < 9) return fail(corrupted());
  return std::optional<Timestamp>{
      timestamp_from_unix_ms(static_cast<std::int64_t>(keys::read_be64(k.substr(1, 8))))};
}

}  // namespace smppgw::store::lmdb
