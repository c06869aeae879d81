// The window: our requests still waiting for their response, each with its deadline, in
// send order. The session admits a host request only while the window has room; a missing
// response past its deadline means the connection is dead (SPEC §5).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "protocol/pdu.hpp"

namespace smppgw::smpp {

struct WindowEntry {
  std::uint32_t sequence_number = 0;
  CommandId request = CommandId::enquire_link;
  std::uint64_t user_tag = 0;
  std::chrono::steady_clock::time_point deadline;
  bool internal = false;  // sent by the session itself (bind, enquire_link, unbind)
};

// Send-ordered slots plus an index by sequence number. Carrier windows run to thousands of
// requests at 100k+ PDU/s, so every operation on the response path is O(1) amortised:
// a response marks its slot empty and empty slots are dropped from the front. Deadlines are
// normally added in non-decreasing order (now + a fixed timeout), which makes the front slot
// the earliest deadline and lets expiry stop at the first live request; if a caller ever
// adds an earlier deadline, the window falls back to scanning until it empties again.
class Window {
 public:
  explicit Window(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
    index_.reserve(capacity_ * 2);
  }

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return index_.size(); }
  std::size_t free() const { return size() >= capacity_ ? 0 : capacity_ - size(); }
  bool full() const { return free() == 0; }
  bool empty() const { return index_.empty(); }

  // Records a request. The caller checks full() first for requests that respect the
  // window; the session's unbind may exceed it so that shutdown is never blocked.
  void add(const WindowEntry& entry) {
    if (!slots_.empty() && entry.deadline < last_deadline_) monotonic_ = false;
    last_deadline_ = entry.deadline;
    index_[entry.sequence_number] = base_ + slots_.size();
    slots_.push_back(Slot{entry, true});
    if (entry.internal) ++internal_count_;
  }

  // Removes and returns the request with this sequence number, if outstanding.
  std::optional<WindowEntry> take(std::uint32_t sequence_number) {
    const auto it = index_.find(sequence_number);
    if (it == index_.end()) return std::nullopt;
    Slot& slot = slots_[it->second - base_];
    index_.erase(it);
    slot.live = false;
    if (slot.entry.internal) --internal_count_;
    WindowEntry entry = slot.entry;
    trim();
    return entry;
  }

  const WindowEntry* get(std::uint32_t sequence_number) const {
    const auto it = index_.find(sequence_number);
    return it == index_.end() ? nullptr : &slots_[it->second - base_].entry;
  }

  bool has_internal(CommandId request) const {
    if (internal_count_ == 0) return false;
    return std::any_of(slots_.begin(), slots_.end(), [&](const Slot& s) {
      return s.live && s.entry.internal && s.entry.request == request;
    });
  }

  std::optional<std::chrono::steady_clock::time_point> earliest_deadline() const {
    if (empty()) return std::nullopt;
    if (monotonic_) return slots_.front().entry.deadline;  // trim() keeps the front live
    std::optional<std::chrono::steady_clock::time_point> earliest;
    for (const Slot& s : slots_) {
      if (s.live && (!earliest || s.entry.deadline < *earliest)) earliest = s.entry.deadline;
    }
    return earliest;
  }

  // The requests whose deadline is at or before `now`, in send order.
  std::vector<WindowEntry> expired(std::chrono::steady_clock::time_point now) const {
    std::vector<WindowEntry> out;
    for (const Slot& s : slots_) {
      if (!s.live) continue;
      if (s.entry.deadline <= now) {
        out.push_back(s.entry);
      } else if (monotonic_) {
        break;
      }
    }
    return out;
  }

  // Every outstanding request, in send order.
  std::vector<WindowEntry> entries() const {
    std::vector<WindowEntry> out;
    out.reserve(size());
    for (const Slot& s : slots_) {
      if (s.live) out.push_back(s.entry);
    }
    return out;
  }

  void clear() {
    slots_.clear();
    index_.clear();
    internal_count_ = 0;
    monotonic_ = true;
  }

 private:
  struct Slot {
    WindowEntry entry;
    bool live = false;
  };

  void trim() {
    while (!slots_.empty() && !slots_.front().live) {
      slots_.pop_front();
      ++base_;
    }
    if (slots_.empty()) monotonic_ = true;
  }

  std::size_t capacity_;
  std::deque<Slot> slots_;
  std::unordered_map<std::uint32_t, std::size_t> index_;  // sequence number → absolute slot
  std::size_t base_ = 0;                                  // absolute number of slots_.front()
  std::size_t internal_count_ = 0;
  std::chrono::steady_clock::time_point last_deadline_{};
  bool monotonic_ = true;
};

}  // namespace smppgw::smpp
