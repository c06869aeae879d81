// Reassembly of concatenated MO messages (SPEC §3, smpp-notes §9): parts announced by a UDH
// (8- or 16-bit reference) or by SAR TLVs are collected per (source, destination, reference,
// total) until complete. Sans-I/O: the caller passes the time in and calls expire() when
// next_deadline() is due (times must not go backwards: steady_clock); incomplete sets come
// back to the caller rather than vanishing. Not thread-safe: one per link strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/message_text.hpp"
#include "protocol/text_error.hpp"
#include "protocol/user_data_header.hpp"

namespace smppgw::smpp {

// One deliver_sm's user data, ready for the reassembler.
struct IncomingPart {
  std::string source;
  std::string destination;
  std::uint8_t data_coding = 0;
  std::optional<ConcatInfo> concat;  // nullopt: not part of a concatenated message
  MessagePayload payload;            // user data after the UDH
};

// Builds a part from deliver_sm fields. With UDHI in esm_class the UDH is parsed (its
// concatenation IE wins over SAR); else `sar` holds sar_msg_ref_num, sar_total_segments and
// sar_segment_seqnum when all three TLVs were present. A total of 1, or a sequence of 0 or
// above the total, makes it a single message (TS 23.040: ignore such an IE). Fails only on a
// UDH that runs past the data (invalid_udh); the caller may then treat the bytes as text.
tl::expected<IncomingPart, TextError> make_incoming_part(
    std::string source, std::string destination, std::uint8_t esm_class, std::uint8_t data_coding,
    std::span<const std::uint8_t> user_data, std::optional<ConcatInfo> sar = {});

// A whole message, or what arrived of one before it expired or was evicted.
struct AssembledMessage {
  std::string source;
  std::string destination;
  std::uint8_t data_coding = 0;  // of the first part that arrived
  std::uint16_t reference = 0;
  std::uint8_t total = 1;
  std::vector<MessagePayload> parts;  // in sequence order (only those that arrived)
  std::vector<std::uint8_t> missing;  // sequence numbers that never arrived
  std::chrono::steady_clock::time_point first_seen;

  bool complete() const { return missing.empty(); }
  DecodedText decode(Dcs0Charset dcs0 = Dcs0Charset::gsm7_unpacked) const {
    return decode_message_parts(data_coding, parts, dcs0);
  }
};

class Reassembler {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    // How long after its first part a set may wait for the rest; then expire() returns it.
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    // Bounds on memory: the oldest pending set is evicted (returned) beyond either.
    std::size_t max_pending_sets = 4096;
    std::size_t max_pending_octets = 16 * 1024 * 1024;
    // A part identical to one of a message completed this recently is a retransmission.
    std::chrono::milliseconds duplicate_window = std::chrono::minutes(5);
  };

  enum class Status {
    complete,   // `message` holds the whole message (also for a part that was not concatenated)
    pending,    // stored; more parts needed
    duplicate,  // same part (same octets) seen before; nothing changed
  };

  struct AddResult {
    Status status = Status::pending;
    std::optional<AssembledMessage> message;
    // Incomplete sets pushed out by the memory bounds, or by a part that reused a pending
    // set's reference with different content (the sender started a new message).
    std::vector<AssembledMessage> evicted;
  };

  Reassembler() : Reassembler(Options{}) {}
  explicit Reassembler(Options options);

  AddResult add(IncomingPart part, Clock::time_point now);

  // Returns (and forgets) every incomplete set whose timeout has passed at `now`.
  std::vector<AssembledMessage> expire(Clock::time_point now);

  // When expire() next has something to do, if anything is pending.
  std::optional<Clock::time_point> next_deadline() const;

  std::size_t pending_sets() const { return sets_.size(); }
  std::size_t pending_octets() const { return pending_octets_; }

 private:
  using Key = std::tuple<std::string, std::string, std::uint16_t, std::uint8_t>;
  struct Set {
    std::uint8_t data_coding = 0;
    Clock::time_point first_seen;
    std::uint64_t order = 0;  // arrival order, to evict the oldest
    std::map<std::uint8_t, MessagePayload> parts;
    std::size_t octets = 0;
  };
  struct Recent {
    Clock::time_point completed;
    std::uint64_t order = 0;
    std::vector<MessagePayload> parts;  // index sequence - 1
  };

  AssembledMessage take(std::map<Key, Set>::iterator it);
  void remember_completed(const Key& key, const AssembledMessage& message, Clock::time_point now);
  void prune_recent(Clock::time_point now);

  Options options_;
  std::map<Key, Set> sets_;
  std::map<std::uint64_t, Key> sets_by_order_;  // oldest first: eviction and expiry order
  std::map<Key, Recent> recent_;
  std::map<std::uint64_t, Key> recent_by_order_;
  std::size_t pending_octets_ = 0;
  std::uint64_t next_order_ = 0;
};

}  // namespace smppgw::smpp
