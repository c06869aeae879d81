// PgWriteTxn's Outbox: records as whole row images (parts as parallel arrays on the server),
// the receipt map (carrier_ids) and the pending queue, exactly as lmdb/write_txn.cpp keeps
// them. A receipt costs two load passes at most: its carrier id, then the record it points at.
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

std::optional<const OutboxMessage*> PgWriteTxn::outbox_view(std::uint64_t id) {
  if (auto it = ov_.outbox.find(id); it != ov_.outbox.end()) return &it->second;
  if (auto it = outbox_.find(id); it != outbox_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  // Ids past the counter cannot exist, committed or not: no round trip for them.
  if (counters_ && id > counters_->outbox && (!ov_.ids || id > ov_.ids->outbox)) {
    return static_cast<const OutboxMessage*>(nullptr);
  }
  needs_.outbox.insert(id);
  return std::nullopt;
}

OutboxMessage* PgWriteTxn::outbox_write(std::uint64_t id) {
  if (auto it = ov_.outbox.find(id); it != ov_.outbox.end()) return &it->second;
  auto it = outbox_.find(id);
  if (it == outbox_.end() || !it->second) return nullptr;
  return &ov_.outbox.emplace(id, *it->second).first->second;
}

const std::optional<PgWriteTxn::ReceiptRef>* PgWriteTxn::receipt_view(const ReceiptKey& key) {
  if (auto it = ov_.receipts.find(key); it != ov_.receipts.end()) return &it->second;
  if (auto it = receipts_.find(key); it != receipts_.end()) return &it->second;
  needs_.receipts.insert(key);
  return nullptr;
}

void PgWriteTxn::count_pending(std::string_view short_code, std::int64_t delta) {
  auto it = ov_.pending.find(short_code);
  if (it == ov_.pending.end()) it = ov_.pending.emplace(std::string(short_code), 0).first;
  it->second += delta;
}

void PgWriteTxn::put_outbox(OutboxMessage m) {
  const std::uint64_t id = m.id;
  ov_.outbox.insert_or_assign(id, std::move(m));
}

Result<std::uint64_t> PgWriteTxn::enqueue_outbox(const NewOutboxMessage& msg) {
  if (!valid(msg.to) || !valid(msg.from) || (!msg.campaign.empty() && !valid(msg.campaign)) ||
      !valid_text(msg.text) || !valid_text(msg.sent_by) || msg.segments == 0 ||
      msg.segments > 255) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  Counters* c = ids();
  if (!c) return fail(need_data());
  OutboxMessage m;
  m.id = ++c->outbox;
  m.created_at = msg.at;
  m.updated_at = msg.at;
  m.to = msg.to;
  m.from = msg.from;
  m.campaign = msg.campaign;
  m.text = msg.text;
  m.kind = msg.kind;
  m.status = OutboxStatus::queued;
  m.encoding = msg.encoding;
  m.segments = msg.segments;
  m.parts.resize(msg.segments);
  m.broadcast_id = msg.broadcast_id;
  m.sent_by = msg.sent_by;
  count_pending(msg.from, +1);
  const std::uint64_t id = m.id;
  put_outbox(std::move(m));
  return id;
}

Result<std::optional<OutboxMessage>> PgWriteTxn::outbox(std::uint64_t id) {
  if (poison_) return fail(poison_);
  const auto rec = outbox_view(id);
  if (!rec) return fail(need_data());
  if (!*rec) return std::optional<OutboxMessage>{};
  return std::optional<OutboxMessage>{**rec};
}

Result<OutboxStatus> PgWriteTxn::record_part_submitted(std::uint64_t id, std::uint16_t part,
                                                       std::string_view link,
                                                       std::string_view carrier_message_id,
                                                       std::string_view key, Timestamp at) {
  if (!valid(link) || !valid(carrier_message_id) || !valid(key)) return fail(invalid());
  if (poison_) return fail(poison_);
  const auto rec = outbox_view(id);
  if (!rec) return fail(need_data());
  if (!*rec || part >= (*rec)->parts.size()) return fail(make_error_code(StoreErrc::not_found));
  if ((*rec)->status != OutboxStatus::queued) return fail(invalid());
  OutboxMessage& m = *outbox_write(id);
  auto& p = m.parts[part];
  if (!p.carrier_message_id.empty() && (p.link != link || receipt_key(p) != key)) {
    ov_.receipts[ReceiptKey{p.link, std::string(receipt_key(p))}] = std::nullopt;
  }
  if (p.status == PartStatus::pending) p.status = PartStatus::submitted;
  p.link = link;
  p.carrier_message_id = carrier_message_id;
  // Kept only when it differs, as LMDB keeps it.
  p.receipt_key = key == carrier_message_id ? std::string() : std::string(key);
  ov_.receipts[ReceiptKey{std::string(link), std::string(key)}] = ReceiptRef{id, part};
  m.status = aggregate(m);
  m.updated_at = at;
  if (m.status != OutboxStatus::queued) count_pending(m.from, -1);
  return m.status;
}

Result<bool> PgWriteTxn::finish_outbox(std::uint64_t id, OutboxStatus status,
                                       std::string_view error, Timestamp at) {
  if ((status != OutboxStatus::failed && status != OutboxStatus::expired &&
       status != OutboxStatus::suppressed) ||
      !valid_text(error)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  const auto rec = outbox_view(id);
  if (!rec) return fail(need_data());
  if (!*rec) return fail(make_error_code(StoreErrc::not_found));
  if ((*rec)->status != OutboxStatus::queued) return false;
  OutboxMessage& m = *outbox_write(id);
  m.status = status;
  m.error = error;
  m.updated_at = at;
  count_pending(m.from, -1);
  return true;
}

std::error_code PgWriteTxn::count_attempt(std::uint64_t id, Timestamp at) {
  if (poison_) return poison_;
  const auto rec = outbox_view(id);
  if (!rec) return need_data();
  if (!*rec) return make_error_code(StoreErrc::not_found);
  OutboxMessage& m = *outbox_write(id);
  m.attempts++;
  m.updated_at = at;
  return {};
}

Result<std::optional<ReceiptOutcome>> PgWriteTxn::apply_receipt(std::string_view link,
                                                                std::string_view key,
                                                                PartStatus part_status,
                                                                std::string_view error,
                                                                Timestamp at) {
  if (!valid(link) || !valid(key) || !valid_text(error) ||
      (part_status != PartStatus::delivered && part_status != PartStatus::failed &&
       part_status != PartStatus::expired)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  const auto* ref = receipt_view(ReceiptKey{std::string(link), std::string(key)});
  if (!ref) return fail(need_data());
  if (!*ref) return std::optional<ReceiptOutcome>{};
  const auto [id, part] = **ref;
  const auto rec = outbox_view(id);
  if (!rec) return fail(need_data());
  if (!*rec || part >= (*rec)->parts.size()) return fail(corrupted());
  OutboxMessage& m = *outbox_write(id);
  m.parts[part].status = part_status;
  m.parts[part].error = error;
  m.updated_at = at;
  const OutboxStatus old = m.status;
  // failed and suppressed are final; every other status follows the parts.
  if (old != OutboxStatus::failed && old != OutboxStatus::suppressed) m.status = aggregate(m);
  if (m.status == OutboxStatus::failed && m.error.empty()) m.error = error;
  if (old == OutboxStatus::queued && m.status != OutboxStatus::queued) count_pending(m.from, -1);
  return ReceiptOutcome{id, part, m.status, m.status != old};
}

Result<std::uint64_t> PgWriteTxn::requeue_unacknowledged(Timestamp at) {
  if (poison_) return fail(poison_);
  if (!pending_loaded_) {
    needs_.pending = true;
    return fail(need_data());
  }
  // Every queued record: the committed ones are all in the cache (loaded with the queue), the
  // attempt's own in the overlay.
  std::vector<std::uint64_t> queued;
  for (const auto& [id, rec] : outbox_) {
    if (ov_.outbox.count(id) == 0 && rec && rec->status == OutboxStatus::queued)
      queued.push_back(id);
  }
  for (const auto& [id, m] : ov_.outbox) {
    if (m.status == OutboxStatus::queued) queued.push_back(id);
  }
  std::sort(queued.begin(), queued.end());
  std::uint64_t reset = 0;
  for (auto id : queued) {
    bool partial = false;
    for (const auto& p : (*outbox_view(id))->parts) partial |= p.status != PartStatus::pending;
    if (!partial) continue;  // nothing acknowledged: no copy in the overlay, nothing to write
    OutboxMessage& m = *outbox_write(id);
    for (auto& p : m.parts) {
      if (p.status == PartStatus::pending) continue;
      if (!p.carrier_message_id.empty()) {
        ov_.receipts[ReceiptKey{p.link, std::string(receipt_key(p))}] = std::nullopt;
      }
      p = OutboxPart{};
    }
    m.updated_at = at;
    ++reset;
  }
  return reset;
}

}  // namespace smppgw::store::postgres
