// The input checks and the one status rule every store backend applies (private to store/):
// both backends refuse the same input and derive a record's status the same way, so these
// live once here rather than in each backend's write transaction.
#pragma once

#include <string_view>
#include <system_error>

#include "store/error.hpp"
#include "store/types.hpp"

namespace smppgw::store::rules {

inline std::error_code invalid() {
  return make_error_code(StoreErrc::invalid_argument);
}
inline std::error_code corrupted() {
  return make_error_code(StoreErrc::corrupted);
}

// A key part (phone, campaign, short code, link, carrier id): non-empty, at most 200 bytes,
// no NUL (LMDB's keys join parts with NUL separators).
inline bool valid_key_part(std::string_view s) {
  return !s.empty() && s.size() <= 200 && s.find('\0') == std::string_view::npos;
}

// A text field that is not a key part: any bytes, bounded (LMDB records stay far below its
// overflow pages; the same bound on PostgreSQL keeps the backends equal).
inline bool valid_text(std::string_view s) {
  return s.size() <= 64 * 1024;
}

// A part of a concatenated MO carries at most one PDU's user data (message_payload included).
inline constexpr std::size_t kMaxMoPartOctets = 64 * 1024;

// The record's status implied by its parts (SPEC §5): failed as soon as one part failed,
// expired if a part expired (and none failed), delivered when every part is, submitted when
// every part has a carrier message id, else still queued.
inline OutboxStatus aggregate(const OutboxMessage& m) {
  bool any_failed = false, any_expired = false, any_pending = false, all_delivered = true;
  for (const auto& p : m.parts) {
    any_failed |= p.status == PartStatus::failed;
    any_expired |= p.status == PartStatus::expired;
    any_pending |= p.status == PartStatus::pending;
    all_delivered &= p.status == PartStatus::delivered;
  }
  if (any_failed) return OutboxStatus::failed;
  if (any_expired) return OutboxStatus::expired;
  if (all_delivered && !m.parts.empty()) return OutboxStatus::delivered;
  if (any_pending) return OutboxStatus::queued;
  return OutboxStatus::submitted;
}

// The record a broadcast chunk enqueues for each recipient, `to` left for the caller.
inline NewOutboxMessage broadcast_record(const BroadcastChunk& chunk) {
  NewOutboxMessage m;
  m.at = chunk.at;
  m.from = chunk.short_code;
  m.campaign = chunk.campaign;
  m.text = chunk.text;
  m.kind = OutboxKind::broadcast;
  m.encoding = chunk.encoding;
  m.segments = chunk.segments;
  m.broadcast_id = chunk.broadcast_id;
  m.sent_by = chunk.sent_by;
  return m;
}

}  // namespace smppgw::store::rules
