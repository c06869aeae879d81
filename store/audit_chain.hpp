// The audit trail as a hash chain (issue 17): each audit event carries the SHA-256 of the
// one before it, so an event altered, removed or inserted after the fact breaks the chain at
// that point. Both backends write and check the same chain, byte for byte.
//
//   hash(e) = SHA-256(e.prev_hash ‖ canonical(e))       prev_hash of event 1 = 32 zero bytes
//   canonical(e) = be64 id ‖ be64 at (unix ms) ‖ be16 from_state (0xffff: none)
//                  ‖ be16 to_state ‖ be16 source ‖ for phone, campaign, ref, reason:
//                    be32 byte length ‖ the UTF-8 bytes
//
// Lengths before every text make the encoding unambiguous (no two events encode alike), and
// the id inside it means an event cannot be moved. The encoding is simple on purpose: the
// PostgreSQL migration that chains events written before the chain existed computes it in
// SQL (int8send, int2send, int4send, sha256), and an auditor can recompute it anywhere.
//
// What it proves: an event changed in place makes the next event's prev_hash disagree;
// the chain's head (the hash of the last event, from GET /v1/audit/verify) recorded
// elsewhere now and then also covers the newest events. Someone who can rewrite the whole
// store can rewrite the whole chain: the recorded heads are what show it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/error.hpp"
#include "store/types.hpp"

namespace smppgw::store {

// The fields of one event that the hash covers (its prev_hash aside): views, so that the
// write path hashes a Manual Opt-Out's million events without building strings.
struct AuditFields {
  std::uint64_t id = 0;
  Timestamp at{};
  std::string_view phone;
  std::string_view campaign;
  std::optional<SubscriptionState> from_state;
  SubscriptionState to_state = SubscriptionState::opted_out;
  ChangeSource source = ChangeSource::sms;
  std::string_view ref;
  std::string_view reason;
};

AuditFields fields_of(const AuditEvent& e);

// hash(e) for an event whose predecessor's hash is `prev`.
AuditHash audit_hash(const AuditHash& prev, const AuditFields& e);
inline AuditHash audit_hash(const AuditEvent& e) {
  return audit_hash(e.prev_hash.value_or(AuditHash{}), fields_of(e));
}

// Lower-case hex, 64 characters.
std::string to_hex(const AuditHash& h);

// Checks events fed in id order, from id 1, and keeps the first broken link.
class AuditChainChecker {
 public:
  void add(const AuditEvent& e);
  // The report once every event was fed.
  AuditChainReport report() const;

 private:
  AuditHash head_{};  // hash of the last event fed
  std::uint64_t last_id_ = 0;
  std::uint64_t checked_ = 0;
  std::optional<AuditChainBreak> broken_;
};

class Store;

// Re-checks the whole chain of `store`, in id order, in chunks (export_rows: each chunk its
// own read; events are never changed once written, so a chain read while the daemon writes is
// still one chain, ending at some recent event). Cost: one pass over the audit trail.
Result<AuditChainReport> verify_audit_chain(const Store& store);

}  // namespace smppgw::store
