#include "protocol/reassembler.hpp"

#include <utility>

namespace smppgw::smpp {

tl::expected<IncomingPart, TextError> make_incoming_part(
    std::string source, std::string destination, std::uint8_t esm_class, std::uint8_t data_coding,
    std::span<const std::uint8_t> user_data, std::optional<ConcatInfo> sar) {
  IncomingPart part;
  part.source = std::move(source);
  part.destination = std::move(destination);
  part.data_coding = data_coding;
  std::size_t udh_octets = 0;
  if ((esm_class & kEsmClassUdhi) != 0) {
    auto udh = parse_user_data_header(user_data);
    if (!udh) return tl::unexpected(udh.error());
    udh_octets = udh->length;
    part.concat = udh->concat;
  }
  if (!part.concat && sar && sar->total >= 1 && sar->sequence >= 1 && sar->sequence <= sar->total) {
    part.concat = sar;
  }
  if (part.concat && part.concat->total == 1) part.concat.reset();
  part.payload.octets.assign(user_data.begin() + static_cast<std::ptrdiff_t>(udh_octets),
                             user_data.end());
  part.payload.udh_octets = udh_octets;
  return part;
}

Reassembler::Reassembler(Options options) : options_(options) {}

AssembledMessage Reassembler::take(std::map<Key, Set>::iterator it) {
  const auto& [source, destination, reference, total] = it->first;
  Set& set = it->second;
  AssembledMessage m;
  m.source = source;
  m.destination = destination;
  m.reference = reference;
  m.total = total;
  m.data_coding = set.data_coding;
  m.first_seen = set.first_seen;
  for (unsigned seq = 1; seq <= total; ++seq) {
    auto part = set.parts.find(static_cast<std::uint8_t>(seq));
    if (part == set.parts.end()) {
      m.missing.push_back(static_cast<std::uint8_t>(seq));
    } else {
      m.parts.push_back(std::move(part->second));
    }
  }
  pending_octets_ -= set.octets;
  sets_by_order_.erase(set.order);
  sets_.erase(it);
  return m;
}

void Reassembler::remember_completed(const Key& key, const AssembledMessage& message,
                                     Clock::time_point now) {
  if (options_.duplicate_window.count() <= 0 || options_.max_pending_sets == 0) return;
  if (auto old = recent_.find(key); old != recent_.end()) {
    recent_by_order_.erase(old->second.order);
    recent_.erase(old);
  }
  while (recent_.size() >= options_.max_pending_sets) {
    auto oldest = recent_by_order_.begin();
    recent_.erase(oldest->second);
    recent_by_order_.erase(oldest);
  }
  const std::uint64_t order = next_order_++;
  recent_.emplace(key, Recent{now, order, message.parts});
  recent_by_order_.emplace(order, key);
}

void Reassembler::prune_recent(Clock::time_point now) {
  while (!recent_by_order_.empty()) {
    auto oldest = recent_by_order_.begin();
    auto it = recent_.find(oldest->second);
    if (now - it->second.completed < options_.duplicate_window) break;
    recent_.erase(it);
    recent_by_order_.erase(oldest);
  }
}

Reassembler::AddResult Reassembler::add(IncomingPart part, Clock::time_point now) {
  AddResult result;
  const bool usable = part.concat && part.concat->total > 1 && part.concat->sequence >= 1 &&
                      part.concat->sequence <= part.concat->total;
  if (!usable) {
    AssembledMessage m;
    m.source = std::move(part.source);
    m.destination = std::move(part.destination);
    m.data_coding = part.data_coding;
    m.first_seen = now;
    m.parts.push_back(std::move(part.payload));
    result.status = Status::complete;
    result.message = std::move(m);
    return result;
  }
  prune_recent(now);
  const ConcatInfo info = *part.concat;
  Key key{std::move(part.source), std::move(part.destination), info.reference, info.total};

  // A retransmission of a part of a message already handed out.
  if (auto recent = recent_.find(key); recent != recent_.end()) {
    const auto& parts = recent->second.parts;
    if (info.sequence <= parts.size() && parts[info.sequence - 1].octets == part.payload.octets) {
      result.status = Status::duplicate;
      return result;
    }
  }

  auto it = sets_.find(key);
  if (it != sets_.end()) {
    auto existing = it->second.parts.find(info.sequence);
    if (existing != it->second.parts.end()) {
      if (existing->second.octets == part.payload.octets) {
        result.status = Status::duplicate;
        return result;
      }
      // Same reference, different content: the sender has moved on to a new message.
      result.evicted.push_back(take(it));
      it = sets_.end();
    }
  }

  const std::size_t octets = part.payload.octets.size();
  if (it == sets_.end()) {
    // Room for one more set within the bounds (the oldest go first).
    while (!sets_.empty() && (sets_.size() >= options_.max_pending_sets ||
                              pending_octets_ + octets > options_.max_pending_octets)) {
      result.evicted.push_back(take(sets_.find(sets_by_order_.begin()->second)));
    }
    Set set;
    set.data_coding = part.data_coding;
    set.first_seen = now;
    set.order = next_order_++;
    sets_by_order_.emplace(set.order, key);
    it = sets_.emplace(key, std::move(set)).first;
  } else {
    // A part of a pending set grows the pending octets as much as a new set would: the oldest
    // other sets go first, so that many sets growing part by part stay within the bound too.
    while (pending_octets_ + octets > options_.max_pending_octets) {
      auto oldest = sets_by_order_.begin();
      if (oldest->second == key) ++oldest;
      if (oldest == sets_by_order_.end()) break;  // this set alone is over the bound
      result.evicted.push_back(take(sets_.find(oldest->second)));
    }
  }
  it->second.parts.emplace(info.sequence, std::move(part.payload));
  it->second.octets += octets;
  pending_octets_ += octets;

  if (it->second.parts.size() == info.total) {
    AssembledMessage m = take(it);
    remember_completed(key, m, now);
    result.status = Status::complete;
    result.message = std::move(m);
  } else {
    result.status = Status::pending;
  }
  return result;
}

std::vector<AssembledMessage> Reassembler::expire(Clock::time_point now) {
  std::vector<AssembledMessage> out;
  // Sets are created in time order, so the oldest is always first in sets_by_order_.
  while (!sets_by_order_.empty()) {
    auto it = sets_.find(sets_by_order_.begin()->second);
    if (now - it->second.first_seen < options_.timeout) break;
    out.push_back(take(it));
  }
  prune_recent(now);
  return out;
}

std::optional<Reassembler::Clock::time_point> Reassembler::next_deadline() const {
  if (sets_by_order_.empty()) return std::nullopt;
  return sets_.at(sets_by_order_.begin()->second).first_seen + options_.timeout;
}

}  // namespace smppgw::smpp
