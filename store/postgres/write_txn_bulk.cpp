// PgWriteTxn's bulk members: a Manual Opt-Out chunk (its phones loaded in one pass, then each
// decided exactly as opt_out / opt_out_company), broadcast ids, and a broadcast chunk (a
// campaign's subscribed range read from the partial index, merged with this attempt's own
// subscription changes).
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

}  // namespace

Result<OptOutBatchResult> PgWriteTxn::apply_opt_out_batch(const OptOutBatch& batch) {
  if ((batch.campaign && !valid(*batch.campaign)) || !valid_text(batch.context.ref) ||
      !valid_text(batch.context.reason)) {
    return fail(invalid());
  }
  for (const auto& p : batch.phones) {
    if (!valid(p)) return fail(invalid());
  }
  if (poison_) return fail(poison_);
  // Every phone of the chunk is asked for at once: one load pass for the whole chunk.
  bool missing = ids() == nullptr;
  for (const auto& p : batch.phones) missing |= phone_view(p) == nullptr;
  if (missing) return fail(need_data());
  // In phone order, as LMDB applies a chunk: the audit events get their ids in that order.
  std::vector<std::string_view> phones(batch.phones.begin(), batch.phones.end());
  if (!std::is_sorted(phones.begin(), phones.end())) std::sort(phones.begin(), phones.end());
  OptOutBatchResult r;
  for (auto phone : phones) {
    bool changed;
    if (batch.campaign) {
      auto c = opt_out_checked(phone, *batch.campaign, batch.context);
      if (!c) return fail(c.error());
      changed = c->changed;
    } else {
      auto c = opt_out_company_checked(phone, batch.context);
      if (!c) return fail(c.error());
      changed = c->changed;
    }
    ++(changed ? r.opted_out : r.already_opted_out);
  }
  return r;
}

Result<std::uint64_t> PgWriteTxn::next_broadcast_id() {
  if (poison_) return fail(poison_);
  Counters* c = ids();
  if (!c) return fail(need_data());
  return ++c->broadcast;
}

Result<BroadcastChunkResult> PgWriteTxn::enqueue_broadcast_chunk(const BroadcastChunk& chunk) {
  if (!valid(chunk.campaign) || !valid(chunk.short_code) || !valid_text(chunk.text) ||
      chunk.limit == 0 || chunk.segments == 0 || chunk.segments > 255 ||
      (!chunk.after.empty() && !valid(chunk.after))) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  // One more than the limit: its presence says the campaign goes on past the loaded range.
  const RangeKey key{chunk.campaign, chunk.after, chunk.limit + 1};
  auto range = ranges_.find(key);
  std::optional<std::pair<std::int64_t, std::int64_t>> counts;
  if (chunk.after.empty()) counts = counts_view(chunk.campaign);
  const bool have_ids = ids() != nullptr;
  if (range == ranges_.end()) needs_.ranges.insert(key);
  if (range == ranges_.end() || (chunk.after.empty() && !counts) || !have_ids) {
    return fail(need_data());
  }
  BroadcastChunkResult r;
  if (counts) r.suppressed = static_cast<std::uint64_t>(std::max<std::int64_t>(counts->second, 0));

  // The committed range as far as it was loaded (all of the rest when it was not full), with
  // the subscription changes of this attempt applied: a phone it touched counts as this
  // attempt left it.
  const Range& loaded = range->second;
  const std::string* bound = loaded.full ? &loaded.phones.back() : nullptr;
  std::vector<std::string_view> phones;
  for (const auto& p : loaded.phones) {
    if (ov_.phones.count(p) == 0) phones.emplace_back(p);
  }
  for (const auto& [phone, state] : ov_.phones) {
    if (phone <= chunk.after || (bound && phone > *bound)) continue;
    auto s = state.subs.find(chunk.campaign);
    if (s != state.subs.end() && s->second.state == SubscriptionState::subscribed)
      phones.emplace_back(phone);
  }
  std::sort(phones.begin(), phones.end());
  const bool more = bound != nullptr || phones.size() > chunk.limit;
  std::string last;
  if (phones.size() > chunk.limit) {
    phones.resize(chunk.limit);
    last = std::string(phones.back());
  } else if (bound) {
    last = *bound;  // every phone up to the bound is decided: the next chunk starts after it
  }
  NewOutboxMessage m = rules::broadcast_record(chunk);
  for (auto phone : phones) {
    m.to = phone;
    auto id = enqueue_outbox(m);
    if (!id) return fail(id.error());
    ++r.recipients;
  }
  if (more) r.next_after = std::move(last);
  return r;
}

}  // namespace smppgw::store::postgres
