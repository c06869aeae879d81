#include "daemon/admin/subscriber_evidence.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

namespace smppgw::admin {
namespace {

// The gateway's own answers to an MO that changed consent; HELP answers change nothing, and
// what an agent or a broadcast sent is not an answer to the MO.
bool answers_a_change(store::OutboxKind k) {
  return k == store::OutboxKind::stop_confirmation || k == store::OutboxKind::auto_reply;
}

std::optional<std::uint64_t> parse_id(std::string_view digits) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id == 0) return std::nullopt;
  return id;
}

std::string joined(const std::vector<store::OutboxMessage>& replies,
                   std::string (*field)(const store::OutboxMessage&)) {
  std::string out;
  for (const auto& r : replies) {
    if (!out.empty()) out += '\n';
    out += field(r);
  }
  return out;
}

std::string carrier_ids(const store::OutboxMessage& m) {
  std::string out;
  for (const auto& p : m.parts) {
    if (p.carrier_message_id.empty()) continue;
    if (!out.empty()) out += ',';
    out += p.carrier_message_id;
  }
  return out;
}

}  // namespace

std::optional<std::uint64_t> evidence_inbox_id(std::string_view ref) {
  if (ref.starts_with("mo:")) return parse_id(ref.substr(3));
  // An agent's action names the row it was taken from as a word of its ref.
  for (std::size_t at = ref.find("inbox:"); at != std::string_view::npos;
       at = ref.find("inbox:", at + 1)) {
    if (at != 0 && ref[at - 1] != ' ') continue;
    auto rest = ref.substr(at + 6);
    return parse_id(rest.substr(0, rest.find(' ')));
  }
  return std::nullopt;
}

store::Result<SubscriberEvidence> collect_subscriber_evidence(const store::Store& store,
                                                              std::string_view phone,
                                                              store::Timestamp now) {
  SubscriberEvidence e;
  e.phone = std::string(phone);
  e.generated_at = now;
  auto subs = store.subscriptions(phone);
  if (!subs) return store::fail(subs.error());
  e.subscriptions = std::move(*subs);
  auto company = store.company_opt_out(phone);
  if (!company) return store::fail(company.error());
  e.company = std::move(*company);

  store::AuditQuery q;
  q.phone = std::string(phone);
  q.limit = store::kMaxPageLimit;
  do {
    auto page = store.audit_page(q);
    if (!page) return store::fail(page.error());
    for (auto& ev : page->events) e.changes.push_back(EvidenceChange{std::move(ev), {}, {}});
    q.before = page->next_before;
  } while (q.before);
  std::reverse(e.changes.begin(), e.changes.end());

  // The answers, found by the instant and short code of the MO they answered.
  std::multimap<std::pair<store::Timestamp, std::string>, store::OutboxMessage> answers;
  std::optional<std::uint64_t> before;
  do {
    auto page = store.phone_outbox(phone, before, store::kMaxPageLimit);
    if (!page) return store::fail(page.error());
    for (auto& m : page->messages) {
      if (!answers_a_change(m.kind)) continue;
      auto key = std::make_pair(m.created_at, m.from);
      answers.emplace(std::move(key), std::move(m));
    }
    before = page->next_before;
  } while (before);

  std::unordered_map<std::uint64_t, std::optional<store::InboxMessage>> rows;
  for (auto& c : e.changes) {
    const auto id = evidence_inbox_id(c.event.ref);
    if (!id) continue;
    auto it = rows.find(*id);
    if (it == rows.end()) {
      auto row = store.inbox_message(*id);
      if (!row) return store::fail(row.error());
      // A ref is the store's own, but a row of another phone is not this one's evidence.
      if (*row && (*row)->from != phone) row->reset();
      it = rows.emplace(*id, std::move(*row)).first;
    }
    c.message = it->second;
    if (!c.message || !c.event.ref.starts_with("mo:")) continue;
    auto [first, last] = answers.equal_range({c.message->received_at, c.message->to});
    for (auto a = first; a != last; ++a) c.replies.push_back(a->second);
    std::sort(c.replies.begin(), c.replies.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  return e;
}

Json evidence_json(const SubscriberEvidence& e) {
  Json j = subscriber_json(e.phone, e.subscriptions, e.company);
  j["generated_at"] = rfc3339(e.generated_at);
  Json changes = Json::array();
  for (const auto& c : e.changes) {
    Json replies = Json::array();
    for (const auto& r : c.replies) replies.push_back(outbox_message_json(r));
    changes.push_back(Json{{"event", audit_event_json(c.event)},
                           {"message", c.message ? inbox_message_json(*c.message) : Json(nullptr)},
                           {"replies", std::move(replies)}});
  }
  j["changes"] = std::move(changes);
  return j;
}

std::string evidence_csv(const SubscriberEvidence& e) {
  std::string out(kEvidenceCsvHeader);
  for (const auto& c : e.changes) {
    const Json ev = audit_event_json(c.event);
    auto text = [](const Json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
    const std::string fields[] = {
        std::to_string(c.event.id),
        text(ev["at"]),
        c.event.phone,
        text(ev["campaign"]),
        text(ev["from"]),
        text(ev["to"]),
        text(ev["source"]),
        c.event.ref,
        c.event.reason,
        text(ev["prev_hash"]),
        c.message ? std::to_string(c.message->id) : std::string(),
        c.message ? rfc3339(c.message->received_at) : std::string(),
        c.message ? c.message->text : std::string(),
        joined(c.replies, [](const store::OutboxMessage& m) { return std::to_string(m.id); }),
        joined(c.replies,
               [](const store::OutboxMessage& m) { return std::string(store::to_string(m.kind)); }),
        joined(c.replies, [](const store::OutboxMessage& m) { return m.text; }),
        joined(
            c.replies,
            [](const store::OutboxMessage& m) { return std::string(store::to_string(m.status)); }),
        joined(c.replies, carrier_ids),
        joined(c.replies, [](const store::OutboxMessage& m) { return rfc3339(m.updated_at); }),
    };
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      append_csv_field(out, f);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace smppgw::admin
