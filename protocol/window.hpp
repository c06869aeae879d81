// The window: our requests still waiting for their response, each with its deadline, in
// send order. The session admits a host request only while the window has room; a missing
// response past its deadline means the connection is dead (SPEC §5).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
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

// Linear storage: windows are small (tens of requests), and send order is what Closed
// reports, so a vector beats a map here.
class Window {
 public:
  explicit Window(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
    entries_.reserve(capacity_);
  }

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return entries_.size(); }
  std::size_t free() const { return size() >= capacity_ ? 0 : capacity_ - size(); }
  bool full() const { return free() == 0; }
  bool empty() const { return entries_.empty(); }

  // Records a request. The caller checks full() first for requests that respect the
  // window; the session's unbind may exceed it so that shutdown is never blocked.
  void add(const WindowEntry& entry) { entries_.push_back(entry); }

  // Removes and returns the request with this sequence number, if outstanding.
  std::optional<WindowEntry> take(std::uint32_t sequence_number) {
    const auto it = find(sequence_number);
    if (it == entries_.end()) return std::nullopt;
    WindowEntry entry = *it;
    entries_.erase(it);
    return entry;
  }

  const WindowEntry* get(std::uint32_t sequence_number) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const WindowEntry& e) {
      return e.sequence_number == sequence_number;
    });
    return it == entries_.end() ? nullptr : &*it;
  }

  bool has_internal(CommandId request) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const WindowEntry& e) { return e.internal && e.request == request; });
  }

  std::optional<std::chrono::steady_clock::time_point> earliest_deadline() const {
    std::optional<std::chrono::steady_clock::time_point> earliest;
    for (const WindowEntry& e : entries_) {
      if (!earliest || e.deadline < *earliest) earliest = e.deadline;
    }
    return earliest;
  }

  const std::vector<WindowEntry>& entries() const { return entries_; }  // send order
  void clear() { entries_.clear(); }

 private:
  std::vector<WindowEntry>::iterator find(std::uint32_t sequence_number) {
    return std::find_if(entries_.begin(), entries_.end(),
                        [&](const WindowEntry& e) { return e.sequence_number == sequence_number; });
  }

  std::size_t capacity_;
  std::vector<WindowEntry> entries_;
};

}  // namespace smppgw::smpp
