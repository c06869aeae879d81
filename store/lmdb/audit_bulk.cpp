// Encoding of the bulk audit row; the layout and its reasons are in audit_bulk.hpp.
#include "store/lmdb/audit_bulk.hpp"

#include <algorithm>

#include "store/lmdb/records.hpp"

namespace smppgw::store::records {
namespace {

bool valid_state(std::uint8_t v) {
  return from_stored<SubscriptionState>(v).has_value();
}

}  // namespace

void AuditBulkBuilder::start(const ChangeContext& ctx) {
  at_ = ctx.at;
  source_ = ctx.source;
  ref_.assign(ctx.ref);
  reason_.assign(ctx.reason);
  campaigns_.clear();
  offsets_.clear();
  entries_bytes_.clear();
  entries_ = 0;
}

void AuditBulkBuilder::add(std::string_view phone, std::string_view campaign,
                           std::optional<SubscriptionState> from, SubscriptionState to,
                           const AuditHash& prev_hash) {
  auto it = std::find(campaigns_.begin(), campaigns_.end(), campaign);
  if (it == campaigns_.end()) it = campaigns_.insert(campaigns_.end(), std::string(campaign));
  offsets_.push_back(static_cast<std::uint32_t>(entries_bytes_.size()));
  entries_bytes_.push_back(static_cast<char>(from ? static_cast<std::uint8_t>(*from) : 0));
  entries_bytes_.push_back(static_cast<char>(to));
  const auto index = static_cast<std::uint16_t>(it - campaigns_.begin());
  entries_bytes_.push_back(static_cast<char>(index & 0xff));
  entries_bytes_.push_back(static_cast<char>(index >> 8));
  append_str(entries_bytes_, phone);
  entries_bytes_.append(reinterpret_cast<const char*>(prev_hash.data()), prev_hash.size());
  ++entries_;
}

void AuditBulkBuilder::encode(std::string& out) const {
  Encoder e(out);
  e.u32(entries_);
  e.time(at_);
  e.u8(static_cast<std::uint8_t>(source_));
  e.str(ref_);
  e.str(reason_);
  e.u16(static_cast<std::uint16_t>(campaigns_.size()));
  for (const auto& c : campaigns_) e.str(c);
  out.reserve(out.size() + offsets_.size() * 4 + entries_bytes_.size());
  for (auto o : offsets_) e.u32(o);
  out.append(entries_bytes_);
}

std::optional<std::uint32_t> audit_bulk_size(std::string_view v) {
  Decoder d(v);
  const std::uint32_t n = d.u32();
  if (!d.ok()) return std::nullopt;
  return n;
}

std::optional<AuditBulkView> AuditBulkView::parse(std::string_view v) {
  Decoder d(v);
  AuditBulkView b;
  const std::uint32_t n = d.u32();
  b.at_ = d.time();
  const std::uint8_t src = d.u8();
  b.ref_ = d.str();
  b.reason_ = d.str();
  const std::uint16_t campaigns = d.u16();
  for (std::uint16_t i = 0; i < campaigns && d.ok(); ++i) b.campaigns_.push_back(d.str());
  if (!d.ok() || n == 0 || src < static_cast<std::uint8_t>(ChangeSource::sms) ||
      src > static_cast<std::uint8_t>(ChangeSource::csv)) {
    return std::nullopt;
  }
  b.source_ = static_cast<ChangeSource>(src);
  if (n > d.remaining() / 4) return std::nullopt;  // not even room for the offsets
  // The offsets and entries are read (and checked) per event: the per-phone audit listing
  // reads one event of a row that may hold tens of thousands.
  const std::string_view rest = v.substr(v.size() - d.remaining());
  b.size_ = n;
  b.offsets_ = rest.substr(0, std::size_t(n) * 4);
  b.entries_ = rest.substr(std::size_t(n) * 4);
  return b;
}

std::uint32_t AuditBulkView::offset(std::uint32_t i) const {
  return Decoder(offsets_.substr(std::size_t(i) * 4, 4)).u32();
}

std::optional<AuditEvent> AuditBulkView::event(std::uint64_t first_id, std::uint32_t i) const {
  if (i >= size_) return std::nullopt;
  // Entry i spans [offset i, offset i+1) (the last one to the end); offsets that do not
  // increase or point outside the entries mean a damaged row.
  const std::uint32_t begin = offset(i);
  const std::size_t end = i + 1 < size_ ? offset(i + 1) : entries_.size();
  if (begin >= end || end > entries_.size()) return std::nullopt;
  Decoder d(entries_.substr(begin, end - begin));
  const std::uint8_t from = d.u8();
  const std::uint8_t to = d.u8();
  const std::uint16_t campaign = d.u16();
  const std::string_view phone = d.str();
  std::optional<AuditHash> prev;
  if (d.ok() && d.remaining() == std::tuple_size_v<AuditHash>) {
    auto h = d.bytes(std::tuple_size_v<AuditHash>);
    prev.emplace();
    std::copy(h.begin(), h.end(), prev->begin());
  }
  if (!d.done() || (from != 0 && !valid_state(from)) || !valid_state(to) ||
      campaign >= campaigns_.size() || phone.empty()) {
    return std::nullopt;
  }
  AuditEvent e;
  e.id = first_id + i;
  e.at = at_;
  e.phone.assign(phone);
  e.campaign.assign(campaigns_[campaign]);
  if (from != 0) e.from_state = static_cast<SubscriptionState>(from);
  e.to_state = static_cast<SubscriptionState>(to);
  e.source = source_;
  e.ref.assign(ref_);
  e.reason.assign(reason_);
  e.prev_hash = prev;
  return e;
}

}  // namespace smppgw::store::records
