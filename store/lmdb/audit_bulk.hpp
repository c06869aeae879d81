// The audit events of one Manual Opt-Out chunk, stored as one row (private to store/).
//
// Why: a chunk's events share everything but the phone, campaign and states — one upload,
// one time, one request id, one reason. Written one row each they were 37 % of the bytes a
// million-phone opt-out writes (and fsyncs), and encoding them a good part of its CPU. A
// chunk's events take consecutive audit ids, so one row keyed by the first id holds them all:
//
//   audit_bulk: be64(first id) → u32 count, time at, u8 source, str ref, str reason,
//                                u16 campaigns, campaigns × str campaign,
//                                count × u32 offset (into the entries), then the entries:
//                                u8 from (0 = none), u8 to, u16 campaign index, str phone,
//                                32 bytes prev_hash (schema 7: audit_chain.hpp)
//
// Event `first + i` is entry i; the offsets make reading one of them (the per-phone audit
// listing does) constant time. Each event keeps its own `phones` entry phone\0a<id>, so the
// per-phone listing is unchanged, and ids stay dense: audit and audit_bulk together hold
// every id from 1 to the last exactly once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace smppgw::store::records {

// Collects one chunk's events, then encodes the row.
class AuditBulkBuilder {
 public:
  // Starts a chunk whose events share `ctx` (its texts are copied).
  void start(const ChangeContext& ctx);
  bool empty() const { return entries_ == 0; }
  std::uint32_t size() const { return entries_; }
  // One event; the ids are the row's first id + the order of add().
  void add(std::string_view phone, std::string_view campaign, std::optional<SubscriptionState> from,
           SubscriptionState to, const AuditHash& prev_hash);
  // The row's value.
  void encode(std::string& out) const;

 private:
  Timestamp at_{};
  ChangeSource source_ = ChangeSource::csv;
  std::string ref_, reason_;
  std::vector<std::string> campaigns_;  // one campaign, or (company scope) those it ended
  std::vector<std::uint32_t> offsets_;
  std::string entries_bytes_;
  std::uint32_t entries_ = 0;
};

// A decoded view of one row (valid while the value is).
class AuditBulkView {
 public:
  // nullopt when the row's header is malformed (corrupted). Reads the header only: the
  // cost does not grow with the number of events.
  static std::optional<AuditBulkView> parse(std::string_view v);
  std::uint32_t size() const { return size_; }
  // Event i (< size()) with id `first_id + i`; nullopt if its entry is malformed (corrupted).
  // An entry without its prev_hash (written before schema 7) gives the event without one.
  std::optional<AuditEvent> event(std::uint64_t first_id, std::uint32_t i) const;

 private:
  std::uint32_t offset(std::uint32_t i) const;
  Timestamp at_{};
  ChangeSource source_ = ChangeSource::csv;
  std::string_view ref_, reason_;
  std::vector<std::string_view> campaigns_;
  std::uint32_t size_ = 0;
  std::string_view offsets_;  // size_ × u32
  std::string_view entries_;
};

// The count of a row without parsing it (its first four bytes); nullopt if too short.
std::optional<std::uint32_t> audit_bulk_size(std::string_view v);

}  // namespace smppgw::store::records
