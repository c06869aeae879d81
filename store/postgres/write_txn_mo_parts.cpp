// PgWriteTxn's parts of concatenated MO: a set and its parts loaded and written as one unit
// (the row of mo_part_sets and its rows of mo_parts), with the same checks as
// lmdb/mo_parts.cpp. Expiry reads the sets that are due from the (phase, since) index,
// merged with the sets this attempt opened, completed or dropped.
#include <algorithm>

#include "store/postgres/write_txn.hpp"
#include "store/rules.hpp"

namespace smppgw::store::postgres {
namespace {

using rules::aggregate;
using rules::corrupted;
using rules::invalid;
using rules::valid_text;
constexpr auto valid = rules::valid_key_part;

bool valid_key(const MoPartSetKey& key) {
  return valid(key.from) && valid(key.to) && key.total >= 2;
}

PgWriteTxn::MoKey mo_key(const MoPartSetKey& key) {
  return {key.from, key.to, key.reference, key.total};
}

}  // namespace

const std::optional<MoPartSet>* PgWriteTxn::mo_view(const MoKey& key) {
  if (auto it = ov_.mo_sets.find(key); it != ov_.mo_sets.end()) return &it->second;
  if (auto it = mo_sets_.find(key); it != mo_sets_.end()) return &it->second;
  needs_.mo_sets.insert(key);
  return nullptr;
}

// The overlay's copy of a set that exists (the caller checked mo_view).
MoPartSet& PgWriteTxn::mo_write(const MoKey& key) {
  auto it = ov_.mo_sets.find(key);
  if (it == ov_.mo_sets.end()) it = ov_.mo_sets.emplace(key, mo_sets_.at(key)).first;
  return *it->second;
}

Result<std::optional<MoPartSet>> PgWriteTxn::mo_part_set(const MoPartSetKey& key) {
  if (!valid_key(key)) return fail(invalid());
  if (poison_) return fail(poison_);
  const auto* set = mo_view(mo_key(key));
  if (!set) return fail(need_data());
  return *set;
}

Result<std::uint64_t> PgWriteTxn::open_mo_part_set(const MoPartSetKey& key, std::string_view link,
                                                   Timestamp since) {
  if (!valid_key(key) || !valid(link)) return fail(invalid());
  if (poison_) return fail(poison_);
  const MoKey k = mo_key(key);
  const auto* set = mo_view(k);
  Counters* c = ids();
  if (!set || !c) return fail(need_data());
  if (*set) return fail(invalid());  // drop it first: one set per key
  MoPartSet s;
  s.key = key;
  s.phase = MoPartPhase::pending;
  s.since = since;
  s.inbox_id = ++c->inbox;  // reserved: never handed out again
  s.link = link;
  const std::uint64_t id = s.inbox_id;
  ov_.mo_sets.insert_or_assign(k, std::move(s));
  return id;
}

std::error_code PgWriteTxn::add_mo_part(const MoPartSetKey& key, const MoPart& part) {
  if (!valid_key(key) || part.seq == 0 || part.seq > key.total ||
      part.octets.size() > rules::kMaxMoPartOctets) {
    return invalid();
  }
  if (poison_) return poison_;
  const MoKey k = mo_key(key);
  const auto* set = mo_view(k);
  if (!set) return need_data();
  if (!*set || (*set)->phase != MoPartPhase::pending) return invalid();
  auto& parts = mo_write(k).parts;
  auto at = std::lower_bound(parts.begin(), parts.end(), part.seq,
                             [](const MoPart& p, std::uint8_t seq) { return p.seq < seq; });
  if (at != parts.end() && at->seq == part.seq) {
    *at = part;  // a resent part replaces the one with its seq
  } else {
    parts.insert(at, part);
  }
  return {};
}

std::error_code PgWriteTxn::complete_mo_part_set(const MoPartSetKey& key, Timestamp at) {
  if (!valid_key(key)) return invalid();
  if (poison_) return poison_;
  const MoKey k = mo_key(key);
  const auto* set = mo_view(k);
  if (!set) return need_data();
  if (!*set || (*set)->phase != MoPartPhase::pending) return invalid();
  MoPartSet& s = mo_write(k);
  s.phase = MoPartPhase::completed;
  s.since = at;
  return {};
}

std::error_code PgWriteTxn::drop_mo_part_set(const MoPartSetKey& key) {
  if (!valid_key(key)) return invalid();
  if (poison_) return poison_;
  const MoKey k = mo_key(key);
  const auto* set = mo_view(k);
  if (!set) return need_data();
  if (!*set) return {};
  ov_.mo_sets.insert_or_assign(k, std::nullopt);
  return {};
}

std::optional<std::vector<std::pair<std::int64_t, PgWriteTxn::MoKey>>> PgWriteTxn::due_view(
    MoPartPhase phase, std::int64_t until, std::size_t limit) {
  // The server's answer cannot know this attempt's sets: every set the attempt touched is
  // taken from the overlay instead, so the server is asked for that many more rows than the
  // limit (those it returns that the attempt touched are set aside).
  const DueKey key{static_cast<std::uint8_t>(phase), until, limit + ov_.mo_sets.size()};
  auto loaded = due_.find(key);
  if (loaded == due_.end()) {
    needs_.due.insert(key);
    return std::nullopt;
  }
  std::vector<std::pair<std::int64_t, MoKey>> due;
  for (const auto& entry : loaded->second) {
    if (ov_.mo_sets.count(entry.second) == 0) due.push_back(entry);
  }
  for (const auto& [k, set] : ov_.mo_sets) {
    if (!set || set->phase != phase) continue;
    const std::int64_t since = unix_ms(set->since);
    if (since <= until) due.emplace_back(since, k);
  }
  // The index's order: (since, key) as the server sorts it (identifiers COLLATE "C", bytes).
  std::sort(due.begin(), due.end());
  if (due.size() > limit) due.resize(limit);
  return due;
}

Result<std::vector<MoPartSetKey>> PgWriteTxn::mo_part_sets_due(MoPartPhase phase, Timestamp until,
                                                               std::size_t limit) {
  if (limit == 0) return fail(invalid());
  if (poison_) return fail(poison_);
  auto due = due_view(phase, unix_ms(until), limit);
  if (!due) return fail(need_data());
  std::vector<MoPartSetKey> keys;
  keys.reserve(due->size());
  for (const auto& [since, k] : *due) {
    keys.push_back(MoPartSetKey{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k)});
  }
  return keys;
}

Result<std::optional<Timestamp>> PgWriteTxn::oldest_mo_part_set(MoPartPhase phase) {
  if (poison_) return fail(poison_);
  auto due = due_view(phase, std::numeric_limits<std::int64_t>::max(), 1);
  if (!due) return fail(need_data());
  if (due->empty()) return std::optional<Timestamp>{};
  return std::optional<Timestamp>{timestamp_from_unix_ms(due->front().first)};
}

}  // namespace smppgw::store::postgres
