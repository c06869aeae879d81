// Field names follow SPEC §6 exactly; nullable fields are JSON null, never "".
#include "daemon/admin/api_json.hpp"

#include "daemon/admin/rfc3339.hpp"
#include "store/audit_chain.hpp"

namespace smppgw::admin {

Json error_body(std::string_view code, std::string_view message) {
  return Json{{"error", code}, {"message", message}};
}

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string rfc3339(store::Timestamp t) {
  return format_rfc3339_ms(store::unix_ms(t));
}

std::string queued_message_json(std::uint64_t id, std::string_view campaign,
                                std::string_view encoding, std::size_t segments) {
  return dump(Json{{"id", id},
                   {"status", "queued"},
                   {"campaign", campaign},
                   {"encoding", encoding},
                   {"segments", segments}});
}

namespace {

Json optional_id(const std::optional<std::uint64_t>& id) {
  return id ? Json(*id) : Json(nullptr);
}
Json text_or_null(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(s);
}

}  // namespace

Json inbox_message_json(const store::InboxMessage& m) {
  return Json{{"id", m.id},
              {"received_at", rfc3339(m.received_at)},
              {"from", m.from},
              {"to", m.to},
              {"campaign", text_or_null(m.campaign)},
              {"text", m.text},
              {"kind", store::to_string(m.kind)}};
}

Json inbox_page_json(const store::InboxPage& page) {
  Json messages = Json::array();
  for (const auto& m : page.messages) messages.push_back(inbox_message_json(m));
  return Json{{"messages", std::move(messages)}, {"next_before", optional_id(page.next_before)}};
}

Json outbox_message_json(const store::OutboxMessage& m) {
  // A long MT has one carrier id per part; they are listed in part order.
  std::string carrier_ids;
  std::string part_errors;
  for (const auto& p : m.parts) {
    if (!p.carrier_message_id.empty()) {
      if (!carrier_ids.empty()) carrier_ids += ',';
      carrier_ids += p.carrier_message_id;
    }
    if (!p.error.empty() && part_errors.empty()) part_errors = p.error;
  }
  const std::string& error = m.error.empty() ? part_errors : m.error;
  return Json{{"id", m.id},
              {"to", m.to},
              {"from", m.from},
              {"campaign", text_or_null(m.campaign)},
              {"text", m.text},
              {"kind", store::to_string(m.kind)},
              {"status", store::to_string(m.status)},
              {"encoding", store::to_string(m.encoding)},
              {"segments", m.segments},
              {"carrier_message_id", text_or_null(carrier_ids)},
              {"error", text_or_null(error)},
              {"sent_by", text_or_null(m.sent_by)},
              {"created_at", rfc3339(m.created_at)},
              {"updated_at", rfc3339(m.updated_at)}};
}

Json subscription_json(const store::Subscription& s) {
  return Json{{"campaign", s.campaign},
              {"state", store::to_string(s.state)},
              {"since", rfc3339(s.since)},
              {"source", store::to_string(s.source)}};
}

Json conversation_json(std::string_view phone, const std::vector<store::Subscription>& subs,
                       const std::vector<store::ConversationEntry>& entries) {
  Json subscriptions = Json::array();
  for (const auto& s : subs) subscriptions.push_back(subscription_json(s));
  Json messages = Json::array();
  for (const auto& e : entries) {
    messages.push_back(
        Json{{"id", e.id},
             {"direction", store::to_string(e.direction)},
             {"at", rfc3339(e.at)},
             {"campaign", text_or_null(e.campaign)},
             {"text", e.text},
             // An inbound text has no delivery status: it was received.
             {"status", e.status ? Json(store::to_string(*e.status)) : Json("received")}});
  }
  return Json{{"phone", phone},
              {"subscriptions", std::move(subscriptions)},
              {"messages", std::move(messages)}};
}

Json subscriber_json(std::string_view phone, const std::vector<store::Subscription>& subs,
                     const std::optional<store::CompanyOptOut>& company) {
  Json subscriptions = Json::array();
  for (const auto& s : subs) subscriptions.push_back(subscription_json(s));
  Json j{{"phone", phone},
         {"subscriptions", std::move(subscriptions)},
         {"opted_out_all", company.has_value()}};
  j["opted_out_all_since"] = company ? Json(rfc3339(company->since)) : Json(nullptr);
  return j;
}

Json audit_event_json(const store::AuditEvent& e) {
  return Json{{"id", e.id},
              {"at", rfc3339(e.at)},
              {"phone", e.phone},
              {"campaign", e.campaign == store::kAllCampaigns ? std::string("all") : e.campaign},
              {"from", e.from_state ? Json(store::to_string(*e.from_state)) : Json(nullptr)},
              {"to", store::to_string(e.to_state)},
              {"source", store::to_string(e.source)},
              {"ref", text_or_null(e.ref)},
              {"reason", text_or_null(e.reason)},
              {"prev_hash", store::to_hex(e.prev_hash.value_or(store::AuditHash{}))}};
}

Json audit_chain_json(const store::AuditChainReport& r) {
  Json broken = nullptr;
  if (r.broken) broken = Json{{"id", r.broken->id}, {"problem", r.broken->problem}};
  return Json{{"ok", !r.broken},
              {"events", r.events},
              {"head", store::to_hex(r.head)},
              {"first_broken", std::move(broken)}};
}

Json audit_page_json(const store::AuditPage& page) {
  Json events = Json::array();
  for (const auto& e : page.events) events.push_back(audit_event_json(e));
  return Json{{"events", std::move(events)}, {"next_before", optional_id(page.next_before)}};
}

Json optout_report_json(std::string_view scope, const OptOutReport& report) {
  Json errors = Json::array();
  for (const auto& e : report.errors) {
    errors.push_back(Json{{"row", e.row}, {"value", e.value}, {"reason", e.reason}});
  }
  return Json{{"scope", scope},
              {"rows", report.rows},
              {"opted_out", report.opted_out},
              {"already_opted_out", report.already_opted_out},
              {"duplicates", report.duplicates},
              {"invalid", report.invalid},
              {"errors", std::move(errors)}};
}

void append_csv_field(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_optout_csv_row(std::string& out, const store::OptOutRow& row) {
  append_csv_field(out, row.phone);
  out += ',';
  append_csv_field(out, row.campaign == store::kAllCampaigns ? std::string_view("all")
                                                             : std::string_view(row.campaign));
  out += ',';
  out += rfc3339(row.since);
  out += ',';
  out += store::to_string(row.source);
  out += "\r\n";
}

}  // namespace smppgw::admin
