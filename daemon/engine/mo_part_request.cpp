// The parts of a concatenated MO (mo_part_request.hpp). A set's key is (sender, short code,
// reference, total); the store holds at most one set per key, so a set that must give way
// (reference reused, or past its timeout) is stored as an Inbox row and dropped first.
#include "daemon/engine/mo_part_request.hpp"

#include <algorithm>

namespace smppgw::engine {
namespace {

using store::MoPart;
using store::MoPartPhase;
using store::MoPartSet;
using store::MoPartSetKey;

const MoPart* find_part(const MoPartSet& set, std::uint8_t seq) {
  auto it = std::find_if(set.parts.begin(), set.parts.end(),
                         [seq](const MoPart& p) { return p.seq == seq; });
  return it == set.parts.end() ? nullptr : &*it;
}

// The same PDU again: a carrier resending a part whose response it lost.
bool same_part(const MoPart& a, const MoPart& b) {
  return a.data_coding == b.data_coding && a.udh_octets == b.udh_octets && a.octets == b.octets;
}

// The set's message through the MO request, with the Inbox id its parts were answered with
// and the time its first part was stored. The set is then completed (kept for resent parts).
store::Result<MoResult> store_message(store::WriteTxn& txn, const KeywordEngine& engine,
                                      const MoPartText& text, const MoPartSet& set,
                                      store::Timestamp now) {
  MoMessage mo;
  mo.from = set.key.from;
  mo.to = set.key.to;
  mo.text = text(set.link, set.parts);
  mo.received_at = set.since;
  mo.link = set.link;
  mo.inbox_id = set.inbox_id;
  auto r = apply_mo(txn, engine, mo);
  if (!r) return r;
  if (auto ec = txn.complete_mo_part_set(set.key, now)) return store::fail(ec);
  return r;
}

store::Result<IncompleteMo> store_incomplete(store::WriteTxn& txn, const KeywordEngine& engine,
                                             const MoPartText& text, const MoPartSet& set,
                                             store::Timestamp now) {
  auto r = store_message(txn, engine, text, set, now);
  if (!r) return store::fail(r.error());
  return IncompleteMo{set.key, set.link, set.parts.size(), std::move(*r)};
}

}  // namespace

store::Result<MoPartResult> apply_mo_part(store::WriteTxn& txn, const KeywordEngine& engine,
                                          const MoPartText& text, const MoPartTiming& timing,
                                          const MoPartSetKey& key, const MoPart& part,
                                          std::string_view link) {
  auto found = txn.mo_part_set(key);
  if (!found) return store::fail(found.error());
  MoPartResult result;
  std::optional<MoPartSet>& set = *found;
  const store::Timestamp now = part.arrived_at;

  if (set) {
    const MoPart* stored = find_part(*set, part.seq);
    if (stored && same_part(*stored, part)) {
      result.outcome = MoPartResult::Outcome::duplicate;
      result.inbox_id = set->inbox_id;
      return result;
    }
    const bool overdue =
        set->phase == MoPartPhase::pending && set->since + timing.timeout <= now;
    if (set->phase == MoPartPhase::pending && (stored || overdue)) {
      // Another message under the same key, or the rest of one whose time is up: the set
      // that was waiting is stored with what it has; this part starts a new one.
      auto displaced = store_incomplete(txn, engine, text, *set, now);
      if (!displaced) return store::fail(displaced.error());
      result.displaced = std::move(*displaced);
      set.reset();
    } else if (set->phase == MoPartPhase::completed) {
      set.reset();  // a new message reusing the reference of one already stored
    }
    if (!set) {
      if (auto ec = txn.drop_mo_part_set(key)) return store::fail(ec);
    }
  }

  if (!set) {
    auto id = txn.open_mo_part_set(key, link, now);
    if (!id) return store::fail(id.error());
    set = MoPartSet{key, MoPartPhase::pending, now, *id, std::string(link), {}};
  }
  if (auto ec = txn.add_mo_part(key, part)) return store::fail(ec);
  result.inbox_id = set->inbox_id;
  set->parts.insert(std::upper_bound(set->parts.begin(), set->parts.end(), part,
                                     [](const MoPart& a, const MoPart& b) { return a.seq < b.seq; }),
                    part);
  if (set->parts.size() < key.total) {
    result.outcome = MoPartResult::Outcome::stored;
    result.expires_at = set->since + timing.timeout;
    return result;
  }
  auto message = store_message(txn, engine, text, *set, now);
  if (!message) return store::fail(message.error());
  result.outcome = MoPartResult::Outcome::completed;
  result.message = std::move(*message);
  return result;
}

store::WriteRequest make_mo_part_request(std::shared_ptr<const KeywordEngine> engine,
                                         MoPartText text, MoPartTiming timing, MoPartSetKey key,
                                         MoPart part, std::string link, MoPartDone done) {
  struct Shared {
    std::shared_ptr<const KeywordEngine> engine;
    MoPartText text;
    MoPartTiming timing;
    MoPartSetKey key;
    MoPart part;
    std::string link;
    MoPartDone done;
    MoPartResult result;
  };
  auto shared = std::make_shared<Shared>(Shared{std::move(engine), std::move(text), timing,
                                                std::move(key), std::move(part), std::move(link),
                                                std::move(done), {}});
  store::WriteRequest req;
  req.apply = [shared](store::WriteTxn& txn) -> std::error_code {
    shared->result = MoPartResult{};  // a re-run starts from scratch
    auto r = apply_mo_part(txn, *shared->engine, shared->text, shared->timing, shared->key,
                           shared->part, shared->link);
    if (!r) return r.error();
    shared->result = std::move(*r);
    return {};
  };
  req.complete = [shared](std::error_code ec) {
    if (!shared->done) return;
    if (ec) shared->result = MoPartResult{};  // nothing of a failed request is in the store
    shared->done(ec, shared->result);
  };
  return req;
}

store::Result<MoPartExpiryResult> expire_mo_parts(store::WriteTxn& txn,
                                                  const KeywordEngine& engine,
                                                  const MoPartText& text,
                                                  const MoPartTiming& timing, store::Timestamp now,
                                                  std::size_t limit) {
  MoPartExpiryResult result;
  bool more = false;
  auto due = txn.mo_part_sets_due(MoPartPhase::pending, now - timing.timeout, limit);
  if (!due) return store::fail(due.error());
  more |= due->size() == limit;
  for (const MoPartSetKey& key : *due) {
    auto set = txn.mo_part_set(key);
    if (!set) return store::fail(set.error());
    if (!*set) return store::fail(store::StoreErrc::corrupted);  // indexed, so it exists
    auto stored = store_incomplete(txn, engine, text, **set, now);
    if (!stored) return store::fail(stored.error());
    result.stored.push_back(std::move(*stored));
  }
  // Includes the sets just stored only once their own window has passed.
  auto old = txn.mo_part_sets_due(MoPartPhase::completed, now - timing.duplicate_window, limit);
  if (!old) return store::fail(old.error());
  more |= old->size() == limit;
  for (const MoPartSetKey& key : *old) {
    if (auto ec = txn.drop_mo_part_set(key)) return store::fail(ec);
  }
  result.forgotten = old->size();

  if (more) {
    result.next = now;
    return result;
  }
  auto pending = txn.oldest_mo_part_set(MoPartPhase::pending);
  if (!pending) return store::fail(pending.error());
  auto completed = txn.oldest_mo_part_set(MoPartPhase::completed);
  if (!completed) return store::fail(completed.error());
  if (*pending) result.next = **pending + timing.timeout;
  if (*completed) {
    const auto at = **completed + timing.duplicate_window;
    result.next = result.next ? std::min(*result.next, at) : at;
  }
  return result;
}

store::WriteRequest make_mo_part_expiry_request(std::shared_ptr<const KeywordEngine> engine,
                                                MoPartText text, MoPartTiming timing,
                                                std::function<store::Timestamp()> clock,
                                                MoPartExpiryDone done) {
  struct Shared {
    std::shared_ptr<const KeywordEngine> engine;
    MoPartText text;
    MoPartTiming timing;
    std::function<store::Timestamp()> clock;
    MoPartExpiryDone done;
    MoPartExpiryResult result;
  };
  auto shared = std::make_shared<Shared>(Shared{std::move(engine), std::move(text), timing,
                                                std::move(clock), std::move(done), {}});
  store::WriteRequest req;
  req.apply = [shared](store::WriteTxn& txn) -> std::error_code {
    shared->result = MoPartExpiryResult{};
    auto r = expire_mo_parts(txn, *shared->engine, shared->text, shared->timing,
                             shared->clock());
    if (!r) return r.error();
    shared->result = std::move(*r);
    return {};
  };
  req.complete = [shared](std::error_code ec) {
    if (!shared->done) return;
    if (ec) shared->result = MoPartExpiryResult{};
    shared->done(ec, shared->result);
  };
  return req;
}

}  // namespace smppgw::engine
