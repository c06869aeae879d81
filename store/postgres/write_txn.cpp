// PgWriteTxn's subscriptions, STOP/OOPS bookkeeping and Inbox: the same decisions as
// lmdb/write_txn.cpp, made on a phone's state loaded as one unit (write_txn.hpp: passes).
// A member that needs a phone or the counters not loaded yet returns data_needed before it
// writes anything, so that a request never leaves half its writes in the overlay.
#include "store/postgres/write_txn.hpp"
#include "store/audit_chain.hpp"
#include "store/rules.hpp"

#include <algorithm>

namespace smppgw::store::postgres {
namespace {

using rules::aggregate;
using rules::corrupted;
using rules::invalid;
using rules::valid_text;
constexpr auto valid = rules::valid_key_part;

}  // namespace

// ---- Views of the attempt's state ----

const PgWriteTxn::PhoneState* PgWriteTxn::phone_view(std::string_view phone) {
  const std::string key(phone);
  if (auto it = ov_.phones.find(key); it != ov_.phones.end()) return &it->second;
  if (auto it = phones_.find(key); it != phones_.end()) return &it->second;
  needs_.phones.insert(key);
  return nullptr;
}

PgWriteTxn::PhoneState* PgWriteTxn::phone_write(std::string_view phone) {
  const std::string key(phone);
  if (auto it = ov_.phones.find(key); it != ov_.phones.end()) return &it->second;
  auto it = phones_.find(key);
  if (it == phones_.end()) return nullptr;
  return &ov_.phones.emplace(key, it->second).first->second;
}

PgWriteTxn::Counters* PgWriteTxn::ids() {
  if (!ov_.ids) {
    if (!counters_) {
      needs_.counters = true;
      return nullptr;
    }
    ov_.ids = counters_;
  }
  return &*ov_.ids;
}

std::optional<std::pair<std::int64_t, std::int64_t>> PgWriteTxn::counts_view(
    std::string_view campaign) {
  auto it = counts_.find(campaign);
  if (it == counts_.end()) {
    needs_.counts.emplace(campaign);
    return std::nullopt;
  }
  std::pair<std::int64_t, std::int64_t> c =
      it->second.value_or(std::pair<std::int64_t, std::int64_t>{});
  if (auto d = ov_.counts.find(campaign); d != ov_.counts.end()) {
    c.first += d->second.first;
    c.second += d->second.second;
  }
  return c;
}

std::optional<SubscriptionState> PgWriteTxn::effective(const PhoneState& p,
                                                       std::string_view campaign) const {
  if (auto it = p.subs.find(campaign); it != p.subs.end()) return it->second.state;
  if (p.company) return SubscriptionState::opted_out;
  return std::nullopt;
}

void PgWriteTxn::append_audit(std::string_view phone, std::string_view campaign,
                              std::optional<SubscriptionState> from, SubscriptionState to,
                              const ChangeContext& ctx) {
  Counters& c = *ov_.ids;  // every caller checked ids() first
  AuditEvent e;
  e.id = ++c.audit;
  e.at = ctx.at;
  e.phone = phone;
  e.campaign = campaign;
  e.from_state = from;
  e.to_state = to;
  e.source = ctx.source;
  e.ref = ctx.ref;
  e.reason = ctx.reason;
  // The chain (audit_chain.hpp): the counters row is locked, so no other node appends between.
  e.prev_hash = c.audit_head;
  c.audit_head = audit_hash(e);
  ov_.audit.push_back(std::move(e));
}

void PgWriteTxn::write_record(PhoneState& p, std::string_view phone, std::string_view campaign,
                              SubscriptionState state, std::optional<SubscriptionState> before,
                              const ChangeContext& ctx) {
  auto& delta = ov_.counts[std::string(campaign)];
  auto it = p.subs.find(campaign);
  if (it != p.subs.end()) {
    (it->second.state == SubscriptionState::subscribed ? delta.first : delta.second) -= 1;
  } else {
    it = p.subs.emplace(std::string(campaign), Subscription{}).first;
  }
  append_audit(phone, campaign, before, state, ctx);
  Subscription& s = it->second;
  s.phone = phone;
  s.campaign = campaign;
  s.state = state;
  s.since = ctx.at;
  s.source = ctx.source;
  s.changed_by = ctx.ref;
  (state == SubscriptionState::subscribed ? delta.first : delta.second) += 1;
}

// ---- Subscriptions ----

Result<std::optional<SubscriptionState>> PgWriteTxn::state(std::string_view phone,
                                                           std::string_view campaign) {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  return effective(*p, campaign);
}

Result<std::optional<Subscription>> PgWriteTxn::subscription(std::string_view phone,
                                                             std::string_view campaign) {
  if (!valid(phone) || !valid(campaign)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  auto it = p->subs.find(campaign);
  if (it == p->subs.end()) return std::optional<Subscription>{};
  return std::optional<Subscription>{it->second};
}

Result<std::vector<Subscription>> PgWriteTxn::subscriptions(std::string_view phone) {
  if (!valid(phone)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  std::vector<Subscription> out;
  out.reserve(p->subs.size());
  for (const auto& [campaign, s] : p->subs) out.push_back(s);  // ordered by campaign id
  return out;
}

Result<std::optional<CompanyOptOut>> PgWriteTxn::company_opt_out(std::string_view phone) {
  if (!valid(phone)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  return p->company;
}

Result<SubscriptionChange> PgWriteTxn::subscribe(std::string_view phone, std::string_view campaign,
                                                 std::string_view short_code,
                                                 const ChangeContext& ctx) {
  if (!valid(phone) || !valid(campaign) || !valid(short_code) || !valid_text(ctx.ref) ||
      !valid_text(ctx.reason)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  const PhoneState* view = phone_view(phone);
  const bool have_ids = ids() != nullptr;
  if (!view || !have_ids) return fail(need_data());
  PhoneState& p = *phone_write(phone);
  const auto before = effective(p, campaign);
  SubscriptionChange change{before, SubscriptionState::subscribed, false};
  auto rec = p.subs.find(campaign);
  if (rec == p.subs.end() || rec->second.state != SubscriptionState::subscribed) {
    write_record(p, phone, campaign, SubscriptionState::subscribed, before, ctx);
    change.changed = true;
  }
  RecentJoin& j = p.joins[std::string(short_code)];
  j.phone = phone;
  j.short_code = short_code;
  j.campaign = campaign;
  j.at = ctx.at;
  return change;
}

Result<SubscriptionChange> PgWriteTxn::opt_out(std::string_view phone, std::string_view campaign,
                                               const ChangeContext& ctx) {
  if (!valid(phone) || !valid(campaign) || !valid_text(ctx.ref) || !valid_text(ctx.reason)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  const PhoneState* view = phone_view(phone);
  const bool have_ids = ids() != nullptr;
  if (!view || !have_ids) return fail(need_data());
  return opt_out_checked(phone, campaign, ctx);
}

Result<SubscriptionChange> PgWriteTxn::opt_out_checked(std::string_view phone,
                                                       std::string_view campaign,
                                                       const ChangeContext& ctx) {
  const auto before = effective(*phone_view(phone), campaign);
  SubscriptionChange change{before, SubscriptionState::opted_out, false};
  if (before == SubscriptionState::opted_out) return change;
  write_record(*phone_write(phone), phone, campaign, SubscriptionState::opted_out, before, ctx);
  change.changed = true;
  return change;
}

Result<WriteTxn::CompanyOptOutChange> PgWriteTxn::opt_out_company(std::string_view phone,
                                                                  const ChangeContext& ctx) {
  if (!valid(phone) || !valid_text(ctx.ref) || !valid_text(ctx.reason)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* view = phone_view(phone);
  const bool have_ids = ids() != nullptr;
  if (!view || !have_ids) return fail(need_data());
  return opt_out_company_checked(phone, ctx);
}

Result<WriteTxn::CompanyOptOutChange> PgWriteTxn::opt_out_company_checked(
    std::string_view phone, const ChangeContext& ctx) {
  CompanyOptOutChange change;
  const PhoneState& view = *phone_view(phone);
  const bool existing = view.company.has_value();
  bool any_subscribed = false;
  for (const auto& [campaign, s] : view.subs)
    any_subscribed |= s.state == SubscriptionState::subscribed;
  if (existing && !any_subscribed) return change;  // nothing to write: no overlay copy either
  PhoneState& p = *phone_write(phone);
  std::vector<std::string> ended;
  for (const auto& [campaign, s] : p.subs) {
    if (s.state == SubscriptionState::subscribed) ended.push_back(campaign);
  }
  for (const auto& campaign : ended) {
    write_record(p, phone, campaign, SubscriptionState::opted_out, SubscriptionState::subscribed,
                 ctx);
  }
  change.ended = std::move(ended);
  if (!existing) {
    CompanyOptOut c;
    c.phone = phone;
    c.since = ctx.at;
    c.source = ctx.source;
    c.changed_by = ctx.ref;
    p.company = std::move(c);
    ++ov_.company_delta;
    append_audit(phone, kAllCampaigns, std::nullopt, SubscriptionState::opted_out, ctx);
  }
  change.changed = !existing || !change.ended.empty();
  return change;
}

// ---- STOP / OOPS bookkeeping ----

std::error_code PgWriteTxn::set_last_stop(const LastStop& stop) {
  if (!valid(stop.phone) || !valid(stop.short_code) || !valid_text(stop.changed_by)) {
    return invalid();
  }
  for (const auto& c : stop.campaigns) {
    if (!valid(c)) return invalid();
  }
  if (poison_) return poison_;
  if (!phone_view(stop.phone)) return need_data();
  phone_write(stop.phone)->stops[stop.short_code] = stop;
  return {};
}

Result<std::optional<LastStop>> PgWriteTxn::last_stop(std::string_view phone,
                                                      std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  auto it = p->stops.find(short_code);
  if (it == p->stops.end()) return std::optional<LastStop>{};
  return std::optional<LastStop>{it->second};
}

Result<bool> PgWriteTxn::clear_last_stop(std::string_view phone, std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* view = phone_view(phone);
  if (!view) return fail(need_data());
  if (view->stops.find(short_code) == view->stops.end()) return false;
  PhoneState& p = *phone_write(phone);
  p.stops.erase(p.stops.find(short_code));
  return true;
}

Result<std::optional<RecentJoin>> PgWriteTxn::recent_join(std::string_view phone,
                                                          std::string_view short_code) {
  if (!valid(phone) || !valid(short_code)) return fail(invalid());
  if (poison_) return fail(poison_);
  const PhoneState* p = phone_view(phone);
  if (!p) return fail(need_data());
  auto it = p->joins.find(short_code);
  if (it == p->joins.end()) return std::optional<RecentJoin>{};
  return std::optional<RecentJoin>{it->second};
}

// ---- Inbox ----

Result<std::uint64_t> PgWriteTxn::add_inbox(const NewInboxMessage& msg) {
  if (!valid(msg.from) || !valid(msg.to) || (!msg.campaign.empty() && !valid(msg.campaign)) ||
      !valid_text(msg.text) || !valid_text(msg.link)) {
    return fail(invalid());
  }
  if (poison_) return fail(poison_);
  Counters* c = ids();
  if (!c) return fail(need_data());
  if (msg.reserved_id > c->inbox) return fail(invalid());  // never handed out
  if (msg.reserved_id != 0) {
    // A reserved id is used once: by this attempt, or committed already (a row on the server).
    for (const auto& m : ov_.inbox) {
      if (m.id == msg.reserved_id) return fail(invalid());
    }
    auto row = inbox_ids_.find(msg.reserved_id);
    if (row == inbox_ids_.end()) {
      needs_.inbox_ids.insert(msg.reserved_id);
      return fail(need_data());
    }
    if (row->second) return fail(invalid());
  }
  InboxMessage m;
  m.id = msg.reserved_id != 0 ? msg.reserved_id : c->inbox + 1;
  m.received_at = msg.received_at;
  m.from = msg.from;
  m.to = msg.to;
  m.campaign = msg.campaign;
  m.text = msg.text;
  m.kind = msg.kind;
  m.link = msg.link;
  if (msg.reserved_id == 0) c->inbox = m.id;
  ov_.inbox.push_back(std::move(m));
  return ov_.inbox.back().id;
}

}  // namespace smppgw::store::postgres
