// Route table and handlers. Statuses (SPEC §6): 400 malformed JSON or parameters, 404 no
// such record or campaign, 409 opted out, 422 a value that is well-formed but invalid (a
// phone, a text, a campaign), 503 when the store cannot take or answer the request.
#include "daemon/admin/api.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <set>
#include <string_view>

#include "daemon/admin/async_bridge.hpp"
#include "daemon/admin/json_fields.hpp"
#include "daemon/admin/openapi_document.hpp"
#include "daemon/admin/subscriber_evidence.hpp"
#include "daemon/engine/admin_requests.hpp"
#include "protocol/text_analysis.hpp"
#include "store/audit_chain.hpp"
#include "store/bulk.hpp"

namespace smppgw::admin {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// '+' stays '+' in queries too: phone filters are written "+1415...", and no parameter of
// this API holds spaces (the web page encodes with encodeURIComponent).
bool percent_decode(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return true;
}

store::Timestamp now() {
  return store::to_timestamp(std::chrono::system_clock::now());
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

ApiResponse store_error(const std::error_code& ec) {
  return error_response(503, "store_unavailable",
                        "The store could not complete the request: " + ec.message() +
                            ". Retry later; if it persists, check the daemon's log.");
}

// The 415 answer unless the body is declared application/json (parameters ignored).
std::optional<ApiResponse> json_type_refusal(const ApiRequest& req) {
  std::string_view type(req.content_type);
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  bool json = type.size() == kJson.size();
  for (std::size_t i = 0; json && i < type.size(); ++i) {
    json = std::tolower(static_cast<unsigned char>(type[i])) == kJson[i];
  }
  if (json) return std::nullopt;
  return error_response(415, "unsupported_media_type",
                        "Send the request body as application/json.");
}

ApiResponse not_an_object() {
  return error_response(400, "malformed", "The request body is not a JSON object.");
}

// A JSON request body as an object, or the 400/415 answer.
tl::expected<Json, ApiResponse> json_object(const ApiRequest& req) {
  if (auto refusal = json_type_refusal(req)) return tl::unexpected(std::move(*refusal));
  Json doc = Json::parse(req.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return tl::unexpected(not_an_object());
  return doc;
}

// A string member, or nullopt if absent; a member of another type is an error.
tl::expected<std::optional<std::string>, ApiResponse> string_member(const Json& doc,
                                                                    std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return tl::unexpected(error_response(
        422, "invalid_value", "The field \"" + std::string(name) + "\" must be a string."));
  }
  return std::optional<std::string>(it->get<std::string>());
}

tl::expected<std::size_t, ApiResponse> limit_param(const ApiRequest& req, std::size_t fallback) {
  auto it = req.query.find("limit");
  if (it == req.query.end() || it->second.empty()) return fallback;
  auto v = parse_u64(it->second);
  if (!v || *v == 0 || *v > store::kMaxPageLimit) {
    return tl::unexpected(error_response(
        422, "invalid_value",
        "limit must be a whole number from 1 to " + std::to_string(store::kMaxPageLimit) + "."));
  }
  return static_cast<std::size_t>(*v);
}

tl::expected<std::optional<std::uint64_t>, ApiResponse> before_param(const ApiRequest& req) {
  auto it = req.query.find("before");
  if (it == req.query.end() || it->second.empty() || it->second == "null") {
    return std::optional<std::uint64_t>{};
  }
  auto v = parse_u64(it->second);
  if (!v) {
    return tl::unexpected(
        error_response(422, "invalid_value", "before must be a message id (a whole number)."));
  }
  return std::optional<std::uint64_t>(*v);
}

// The paging of the newest-first listings (Inbox, audit log): limit (50 unless given) and
// before, the id the page ends below.
struct Page {
  std::size_t limit = 50;
  std::optional<std::uint64_t> before;
};
tl::expected<Page, ApiResponse> page_params(const ApiRequest& req) {
  auto limit = limit_param(req, 50);
  if (!limit) return tl::unexpected(limit.error());
  auto before = before_param(req);
  if (!before) return tl::unexpected(before.error());
  return Page{*limit, *before};
}

// A subscriber phone in E.164, or the 422 answer naming the value.
tl::expected<std::string, ApiResponse> subscriber_phone(const AdminSnapshot& snap,
                                                        std::string_view value,
                                                        std::string_view field) {
  auto e164 = snap.phones->normalize(value);
  if (!e164 || e164->empty() || (*e164)[0] != '+') {
    std::string why = e164 ? "it is a short code, not a subscriber's number" : e164.error().reason;
    return tl::unexpected(error_response(422, "invalid_phone",
                                         std::string(field) + " \"" + std::string(value) +
                                             "\" is not a valid phone number: " + why + "."));
  }
  return *e164;
}

// The text of an MT, analysed: 422 when empty, not UTF-8 or over max_segments.
tl::expected<smpp::TextAnalysis, ApiResponse> analyse_mt_text(const AdminSnapshot& snap,
                                                              const std::string& text) {
  if (text.empty()) {
    return tl::unexpected(error_response(422, "invalid_text", "The text is empty."));
  }
  auto a = smpp::analyze(text);
  if (!a) return tl::unexpected(error_response(422, "invalid_text", a.error().message()));
  const std::size_t max = snap.config->messages.max_segments;
  if (smpp::exceeds_max_segments(*a, max)) {
    return tl::unexpected(error_response(422, "too_many_segments",
                                         "The text needs " + std::to_string(a->segments) +
                                             " SMS parts; at most " + std::to_string(max) +
                                             " are allowed (messages.max_segments). Shorten it."));
  }
  return *a;
}

store::TextEncoding store_encoding(smpp::MessageEncoding e) {
  return e == smpp::MessageEncoding::gsm7 ? store::TextEncoding::gsm7 : store::TextEncoding::ucs2;
}

std::string_view encoding_name(smpp::MessageEncoding e) {
  return e == smpp::MessageEncoding::gsm7 ? "gsm7" : "ucs2";
}

}  // namespace

ApiResponse json_response(unsigned status, const Json& body) {
  return ApiResponse{status, "application/json", dump(body), {}};
}

ApiResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  return json_response(status, error_body(code, message));
}

Json me_json(const AdminIdentity& user) {
  // The routes this user may call, as "METHOD /path": the web page hides the rest.
  Json allowed = Json::array();
  for (const auto& r : kRoutes) {
    if (role_allows(user.role, r.min_role.role)) {
      allowed.push_back(std::string(r.method) + " " + std::string(r.path));
    }
  }
  return Json{{"name", user.name}, {"role", to_string(user.role)}, {"allowed", std::move(allowed)}};
}

ApiResponse forbidden_response(const AdminIdentity& user, const Route& route) {
  return error_response(403, "forbidden",
                        user.name + " (role " + std::string(to_string(user.role)) + ") may not " +
                            std::string(route.action));
}

std::string audit_ref(const AdminIdentity& user, std::string_view what) {
  return "admin:" + user.name + " " + std::string(what);
}

bool parse_target(std::string_view target, ApiRequest& req) {
  const auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::size_t segments = 0;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    if (segments == req.path.size()) req.path.emplace_back();
    if (!percent_decode(path.substr(0, slash), req.path[segments])) return false;
    ++segments;
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  req.path.resize(segments);
  req.query.clear();
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    std::string key, value;
    while (!rest.empty()) {
      auto amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (pair.empty()) continue;
      auto eq = pair.find('=');
      if (!percent_decode(pair.substr(0, eq), key) ||
          !percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                          value)) {
        return false;
      }
      req.query[key] = value;
    }
  }
  return true;
}

Api::Api(AdminContext& context, boost::asio::thread_pool& workers, DurableWrites& writes)
    : context_(context), workers_(workers), writes_(writes) {}

ApiResponse Api::healthz() const {
  Json links = Json::array();
  bool all_up = true;
  for (const auto& l : context_.links()) {
    links.push_back(Json{{"name", l.name}, {"state", l.state}});
    all_up = all_up && l.up;
  }
  auto info = context_.store().info();
  if (!info) {
    std::string message = "The store is unusable: " + info.error().message();
    if (auto why = context_.store().last_failure(); !why.empty()) message += " (" + why + ")";
    return json_response(503, Json{{"status", "unavailable"},
                                   {"links", std::move(links)},
                                   {"error", "store_unavailable"},
                                   {"message", std::move(message)}});
  }
  return json_response(200,
                       Json{{"status", all_up ? "ok" : "degraded"}, {"links", std::move(links)}});
}

ApiResponse Api::metrics() const {
  auto& reg = context_.metrics();
  reg.gauge(metric::kWriterQueueDepth, "Write requests waiting for the store writer")
      .set(static_cast<std::int64_t>(context_.writer().queue_depth()));
  if (auto info = context_.store().info()) {
    reg.gauge(metric::kStoreMapBytes, "Bytes of the store's memory map")
        .set(static_cast<std::int64_t>(info->map_size));
    reg.gauge(metric::kStoreUsedBytes, "Bytes of the store in use")
        .set(static_cast<std::int64_t>(info->used_bytes));
  }
  for (const auto& l : context_.links()) {
    reg.gauge(metric::kLinkUp, "1 when the link is bound and usable", {{"link", l.name}})
        .set(l.up ? 1 : 0);
  }
  // The outbox backlog per short code: one read each (the store keeps the count).
  const auto snap = context_.snapshot();
  std::set<std::string_view> short_codes;
  for (const auto& c : snap.config->campaigns) short_codes.insert(c.short_code);
  for (const auto short_code : short_codes) {
    if (auto n = context_.store().pending_count(short_code)) {
      reg.gauge(metric::kQueueDepth, "Outbox records queued for a short code",
                {{"short_code", std::string(short_code)}})
          .set(static_cast<std::int64_t>(*n));
    }
  }
  // Unreviewed possible opt-outs: one page of flagged rows and one state read per row.
  store::InboxQuery flagged;
  flagged.kind = store::InboxKind::possible_opt_out;
  flagged.limit = store::kMaxPageLimit;
  if (auto page = context_.store().inbox_page(flagged)) {
    std::int64_t unreviewed = 0;
    std::optional<store::Timestamp> oldest;
    for (const auto& m : page->messages) {
      auto state = m.campaign.empty()
                       ? context_.store().company_opt_out(m.from).map(
                             [](const auto& c) -> std::optional<store::SubscriptionState> {
                               if (c) return store::SubscriptionState::opted_out;
                               return std::nullopt;
                             })
                       : context_.store().state(m.from, m.campaign);
      if (!state || *state == store::SubscriptionState::opted_out) continue;
      ++unreviewed;
      oldest = m.received_at;  // newest first: the last one counted is the oldest
    }
    reg.gauge(metric::kPossibleOptOuts, "Possible opt-outs whose subscriber is not opted out")
        .set(unreviewed);
    reg.gauge(metric::kPossibleOptOutAge, "Age of the oldest unreviewed possible opt-out")
        .set(oldest ? std::chrono::duration_cast<std::chrono::seconds>(now() - *oldest).count()
                    : 0);
  }
  return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", reg.render(), {}};
}

boost::asio::awaitable<ApiResponse> Api::handle(const ApiRequest& req, const RouteMatch& route) {
  const std::string_view param = route.param;
  try {
    switch (route.route->id) {
      case RouteId::campaigns:
        co_return co_await campaigns(req);
      case RouteId::broadcast:
        co_return co_await broadcast(req, param);
      case RouteId::inbox:
        co_return co_await inbox(req);
      case RouteId::inbox_opt_out:
        co_return co_await inbox_opt_out(req, param);
      case RouteId::send_message:
        co_return co_await send_message(req);
      case RouteId::preview:
        co_return co_await preview(req);
      case RouteId::get_message:
        co_return co_await get_message(param);
      case RouteId::conversation:
        co_return co_await conversation(req, param);
      case RouteId::subscriber:
        co_return co_await subscriber(param);
      case RouteId::subscriber_evidence:
        co_return co_await subscriber_evidence(req, param);
      case RouteId::audit:
        co_return co_await audit(req);
      case RouteId::audit_verify:
        co_return co_await audit_verify();
      case RouteId::openapi:
        co_return ApiResponse{200, "application/json", std::string(openapi_document()), {}};
      case RouteId::me:
        co_return json_response(200, me_json(req.user));
      case RouteId::opt_outs_upload:
      case RouteId::opt_outs_export:
        break;  // streamed by the server
    }
  } catch (const std::exception& e) {
    // A programming error in a route: the request fails, the server goes on.
    co_return error_response(500, "internal_error",
                             std::string("The request failed inside the server: ") + e.what());
  }
  co_return error_response(500, "internal_error", "This route is not answered here.");
}

boost::asio::awaitable<ApiResponse> Api::campaigns(const ApiRequest&) {
  const auto snap = context_.snapshot();
  Json out = Json::array();
  for (const auto& c : snap.config->campaigns) {
    auto counts = context_.store().campaign_counts(c.id);
    if (!counts) co_return store_error(counts.error());
    out.push_back(Json{{"id", c.id},
                       {"name", c.name},
                       {"short_code", c.short_code},
                       {"keywords", c.keywords},
                       {"subscribed", counts->subscribed},
                       {"opted_out", counts->opted_out}});
  }
  // The company name is the label of the "all campaigns" scope in the Manual Opt-Out form.
  auto r = json_response(200, out);
  r.headers.emplace_back("X-Company", snap.config->company);
  co_return r;
}

boost::asio::awaitable<ApiResponse> Api::inbox(const ApiRequest& req) {
  const auto snap = context_.snapshot();
  store::InboxQuery q;
  auto paging = page_params(req);
  if (!paging) co_return paging.error();
  q.limit = paging->limit;
  q.before = paging->before;
  if (auto it = req.query.find("campaign"); it != req.query.end() && !it->second.empty()) {
    if (!snap.config->find_campaign(it->second)) {
      co_return error_response(422, "unknown_campaign",
                               "There is no campaign \"" + it->second + "\".");
    }
    q.campaign = it->second;
  }
  if (auto it = req.query.find("phone"); it != req.query.end() && !it->second.empty()) {
    auto phone = subscriber_phone(snap, it->second, "phone");
    if (!phone) co_return phone.error();
    q.phone = *phone;
  }
  if (auto it = req.query.find("flag"); it != req.query.end() && !it->second.empty()) {
    if (it->second != store::to_string(store::InboxKind::possible_opt_out))
      co_return error_response(422, "invalid_value",
                               "flag must be possible_opt_out (the one flag there is).");
    q.kind = store::InboxKind::possible_opt_out;
  }
  auto page = context_.store().inbox_page(q);
  if (!page) co_return store_error(page.error());
  co_return json_response(200, inbox_page_json(*page));
}

boost::asio::awaitable<ApiResponse> Api::inbox_opt_out(const ApiRequest& req,
                                                       std::string_view id_text) {
  auto id = parse_u64(id_text);
  if (!id) co_return error_response(404, "not_found", "There is no Inbox message with that id.");
  auto row = context_.store().inbox_message(*id);
  if (!row) co_return store_error(row.error());
  if (!*row) {
    co_return error_response(404, "not_found",
                             "There is no Inbox message " + std::to_string(*id) + ".");
  }
  const auto msg = std::move(**row);
  if (msg.campaign.empty()) {
    co_return error_response(422, "no_campaign",
                             "This Inbox message belongs to no campaign; opt the number out "
                             "with a Manual Opt-Out instead.");
  }
  bool changed = false;
  const engine::ProfileOptOut request{msg.from, msg.campaign, now(),
                                      audit_ref(req.user, "inbox:" + std::to_string(msg.id)),
                                      store::ChangeSource::admin};
  // This frame stays suspended until the write completes, so the writer may use its locals.
  ApplyFn apply = [request = &request,
                   changed = &changed](store::WriteTxn& txn) -> std::error_code {
    auto r = engine::apply_profile_opt_out(txn, *request);
    if (!r) return r.error();
    *changed = r->changed;
    return {};
  };
  auto ec = co_await writes_.write(apply);
  if (ec) co_return store_error(ec);
  co_return json_response(
      200, Json{{"phone", msg.from}, {"campaign", msg.campaign}, {"changed", changed}});
}

boost::asio::awaitable<ApiResponse> Api::send_message(const ApiRequest& req) {
  const auto snap = context_.snapshot();
  if (auto refusal = json_type_refusal(req)) co_return std::move(*refusal);
  // The members are read without building a document (the reply path's main cost).
  std::array<JsonField, 5> fields{{{"to"}, {"campaign"}, {"from"}, {"text"}, {"reply_to"}}};
  if (!read_json_fields(req.body, fields)) co_return not_an_object();
  std::optional<std::string> to_text, campaign_id, from, text;
  std::optional<std::string>* members[] = {&to_text, &campaign_id, &from, &text};
  for (std::size_t i = 0; i < std::size(members); ++i) {
    if (fields[i].kind == JsonField::Kind::other) {
      co_return error_response(
          422, "invalid_value",
          "The field \"" + std::string(fields[i].name) + "\" must be a string.");
    }
    if (fields[i].kind == JsonField::Kind::string && !fields[i].value.empty()) {
      *members[i] = std::move(fields[i].value);
    }
  }
  const bool reply_to = fields[4].kind != JsonField::Kind::absent;
  if (!to_text) co_return error_response(422, "invalid_phone", "The field \"to\" is required.");
  if (!text) co_return error_response(422, "invalid_text", "The field \"text\" is required.");
  auto to = subscriber_phone(snap, *to_text, "to");
  if (!to) co_return to.error();

  // The campaign: given, or the one the subscriber belongs to on the `from` short code.
  const conf::CampaignConfig* campaign = nullptr;
  if (campaign_id) {
    campaign = snap.config->find_campaign(*campaign_id);
    if (!campaign) {
      co_return error_response(422, "unknown_campaign",
                               "There is no campaign \"" + *campaign_id + "\".");
    }
    if (from && *from != campaign->short_code) {
      co_return error_response(422, "invalid_value",
                               "Campaign \"" + campaign->id + "\" is on short code " +
                                   campaign->short_code + ", not " + *from + ".");
    }
  } else if (from) {
    auto joined = context_.store().recent_join(*to, *from);
    if (!joined) co_return store_error(joined.error());
    if (*joined) campaign = snap.config->find_campaign((*joined)->campaign);
    if (!campaign) campaign = snap.config->default_campaign(*from);
    if (!campaign) {
      co_return error_response(422, "unknown_campaign",
                               "No campaign on short code \"" + *from +
                                   "\" for this number; name the campaign instead.");
    }
  } else {
    co_return error_response(422, "unknown_campaign",
                             "Name the campaign (\"campaign\") or the short code (\"from\").");
  }
  auto analysis = analyse_mt_text(snap, *text);
  if (!analysis) co_return analysis.error();

  // Suppression (SPEC §4): checked here for a quick 409, and again inside the write
  // transaction so an opt-out committed in between cannot slip through.
  auto state = context_.store().state(*to, campaign->id);
  if (!state) co_return store_error(state.error());
  auto opted_out = [&] {
    return error_response(409, "opted_out",
                          *to + " has opted out of campaign \"" + campaign->id +
                              "\"; nothing was sent. Only the subscriber can opt back in, by SMS.");
  };
  if (*state == store::SubscriptionState::opted_out) co_return opted_out();

  engine::OutgoingMessage mt;
  mt.at = now();
  mt.to = *to;
  mt.from = campaign->short_code;
  mt.campaign = campaign->id;
  mt.text = analysis->text;
  mt.kind = reply_to ? store::OutboxKind::reply : store::OutboxKind::chat;
  mt.encoding = store_encoding(analysis->encoding);
  mt.segments = static_cast<std::uint16_t>(analysis->segments);
  mt.sent_by = req.user.name;
  struct Outcome {
    bool opted_out = false;
    std::uint64_t id = 0;
  };
  Outcome outcome;
  // The engine's suppression rule runs again inside the transaction. This frame stays
  // suspended until the write completes, so the writer may use its locals (two pointers:
  // std::function keeps them without allocating).
  ApplyFn apply = [mt = &mt, outcome = &outcome](store::WriteTxn& txn) -> std::error_code {
    auto r = engine::apply_accept_message(txn, *mt);
    if (!r) return r.error();
    *outcome = Outcome{!r->accepted, r->outbox_id};
    return {};
  };
  auto ec = co_await writes_.write(apply);
  if (ec) co_return store_error(ec);
  if (outcome.opted_out) co_return opted_out();
  writes_.outbox_queued(mt.from);
  co_return ApiResponse{202,
                        "application/json",
                        queued_message_json(outcome.id, campaign->id,
                                            encoding_name(analysis->encoding), analysis->segments),
                        {}};
}

boost::asio::awaitable<ApiResponse> Api::get_message(std::string_view id_text) {
  auto id = parse_u64(id_text);
  if (!id) co_return error_response(404, "not_found", "There is no message with that id.");
  auto m = context_.store().outbox_message(*id);
  if (!m) co_return store_error(m.error());
  if (!*m)
    co_return error_response(404, "not_found", "There is no message " + std::to_string(*id) + ".");
  co_return json_response(200, outbox_message_json(**m));
}

boost::asio::awaitable<ApiResponse> Api::preview(const ApiRequest& req) {
  auto doc = json_object(req);
  if (!doc) co_return doc.error();
  auto text = string_member(*doc, "text");
  if (!text) co_return text.error();
  auto a = smpp::analyze(text->value_or(""));
  if (!a) co_return error_response(422, "invalid_text", a.error().message());
  const auto snap = context_.snapshot();
  co_return json_response(
      200, Json{{"text", a->text},
                {"encoding", encoding_name(a->encoding)},
                {"segments", a->segments},
                {"units", a->units},
                {"remaining", a->remaining},
                {"max_segments", snap.config->messages.max_segments},
                {"too_long", smpp::exceeds_max_segments(*a, snap.config->messages.max_segments)}});
}

boost::asio::awaitable<ApiResponse> Api::conversation(const ApiRequest& req,
                                                      std::string_view phone_text) {
  const auto snap = context_.snapshot();
  auto phone = subscriber_phone(snap, phone_text, "phone");
  if (!phone) co_return phone.error();
  auto limit = limit_param(req, 200);
  if (!limit) co_return limit.error();
  std::optional<std::string> campaign;
  if (auto it = req.query.find("campaign"); it != req.query.end() && !it->second.empty()) {
    if (!snap.config->find_campaign(it->second)) {
      co_return error_response(422, "unknown_campaign",
                               "There is no campaign \"" + it->second + "\".");
    }
    campaign = it->second;
  }
  auto subs = context_.store().subscriptions(*phone);
  if (!subs) co_return store_error(subs.error());
  auto entries = context_.store().conversation(*phone, campaign, *limit);
  if (!entries) co_return store_error(entries.error());
  co_return json_response(200, conversation_json(*phone, *subs, *entries));
}

boost::asio::awaitable<ApiResponse> Api::subscriber(std::string_view phone_text) {
  const auto snap = context_.snapshot();
  auto phone = subscriber_phone(snap, phone_text, "phone");
  if (!phone) co_return phone.error();
  auto subs = context_.store().subscriptions(*phone);
  if (!subs) co_return store_error(subs.error());
  auto company = context_.store().company_opt_out(*phone);
  if (!company) co_return store_error(company.error());
  co_return json_response(200, subscriber_json(*phone, *subs, *company));
}

boost::asio::awaitable<ApiResponse> Api::subscriber_evidence(const ApiRequest& req,
                                                             std::string_view phone_text) {
  const auto snap = context_.snapshot();
  bool csv = false;
  if (auto it = req.query.find("format"); it != req.query.end()) {
    if (it->second == "csv") {
      csv = true;
    } else if (it->second != "json") {
      co_return error_response(422, "invalid_value", "format must be json or csv.");
    }
  }
  auto phone = subscriber_phone(snap, phone_text, "phone");
  if (!phone) co_return phone.error();
  auto evidence = collect_subscriber_evidence(context_.store(), *phone, now());
  if (!evidence) co_return store_error(evidence.error());
  // An export: the browser saves it as a file named by the number without its "+".
  const std::string file =
      "attachment; filename=\"evidence-" + phone->substr(1) + (csv ? ".csv\"" : ".json\"");
  if (!csv) {
    auto r = json_response(200, evidence_json(*evidence));
    r.headers.emplace_back("Content-Disposition", file);
    co_return r;
  }
  co_return ApiResponse{
      200, "text/csv; charset=utf-8", evidence_csv(*evidence), {{"Content-Disposition", file}}};
}

boost::asio::awaitable<ApiResponse> Api::broadcast(const ApiRequest& req,
                                                   std::string_view campaign_id) {
  const auto snap = context_.snapshot();
  const auto* campaign = snap.config->find_campaign(campaign_id);
  if (!campaign) {
    co_return error_response(404, "not_found",
                             "There is no campaign \"" + std::string(campaign_id) + "\".");
  }
  auto doc = json_object(req);
  if (!doc) co_return doc.error();
  auto text = string_member(*doc, "text");
  if (!text) co_return text.error();
  if (!*text) co_return error_response(422, "invalid_text", "The field \"text\" is required.");
  auto analysis = analyse_mt_text(snap, **text);
  if (!analysis) co_return analysis.error();

  // Chunk by chunk on a worker thread: each chunk is one write request, so a campaign of a
  // million subscribers never holds the writer, and the event loop never waits.
  struct Totals {
    std::uint64_t broadcast_id = 0;
    std::uint64_t recipients = 0;
    std::uint64_t suppressed = 0;
    std::error_code error;
  };
  AdminContext& ctx = context_;
  const std::string short_code = campaign->short_code;
  const std::string cid = campaign->id;
  const smpp::TextAnalysis a = *analysis;
  const std::string sent_by = req.user.name;
  const auto job = [&ctx, short_code, cid, a, sent_by]() -> Totals {
    Totals t;
    auto id = std::make_shared<std::uint64_t>(0);
    store::WriteRequest first{[id](store::WriteTxn& txn) -> std::error_code {
                                auto r = txn.next_broadcast_id();
                                if (!r) return r.error();
                                *id = *r;
                                return {};
                              },
                              {}};
    if (auto ec = write_durably_blocking(ctx.writer(), std::move(first))) {
      t.error = ec;
      return t;
    }
    t.broadcast_id = *id;
    std::string after;
    const auto at = now();
    for (;;) {
      auto chunk = std::make_shared<store::BroadcastChunk>();
      chunk->broadcast_id = t.broadcast_id;
      chunk->campaign = cid;
      chunk->short_code = short_code;
      chunk->text = a.text;
      chunk->encoding = store_encoding(a.encoding);
      chunk->segments = static_cast<std::uint16_t>(a.segments);
      chunk->at = at;
      chunk->sent_by = sent_by;
      chunk->after = after;
      auto result = std::make_shared<store::Result<store::BroadcastChunkResult>>();
      auto req = store::make_broadcast_request(
          chunk,
          [result](store::Result<store::BroadcastChunkResult> r) { *result = std::move(r); });
      if (auto ec = write_durably_blocking(ctx.writer(), std::move(req))) {
        t.error = ec;
        return t;
      }
      if (!*result) {
        t.error = result->error();
        return t;
      }
      t.recipients += (*result)->recipients;
      t.suppressed += (*result)->suppressed;
      if ((*result)->recipients > 0) ctx.outbox_queued(short_code);
      if (!(*result)->next_after) break;
      after = *(*result)->next_after;
    }
    return t;
  };
  Totals totals = co_await on_worker(workers_, job);
  if (totals.error) {
    if (totals.recipients == 0) co_return store_error(totals.error);
    // Chunks already committed stay queued: say exactly how many.
    co_return json_response(
        503, Json{{"error", "store_unavailable"},
                  {"message", "The broadcast stopped: " + totals.error.message() + ". " +
                                  std::to_string(totals.recipients) +
                                  " messages were queued before the failure and will be sent."},
                  {"broadcast_id", totals.broadcast_id},
                  {"recipients", totals.recipients},
                  {"suppressed", totals.suppressed}});
  }
  co_return json_response(202, Json{{"broadcast_id", totals.broadcast_id},
                                    {"recipients", totals.recipients},
                                    {"suppressed", totals.suppressed}});
}

boost::asio::awaitable<ApiResponse> Api::audit(const ApiRequest& req) {
  const auto snap = context_.snapshot();
  store::AuditQuery q;
  auto paging = page_params(req);
  if (!paging) co_return paging.error();
  q.limit = paging->limit;
  q.before = paging->before;
  if (auto it = req.query.find("phone"); it != req.query.end() && !it->second.empty()) {
    auto phone = subscriber_phone(snap, it->second, "phone");
    if (!phone) co_return phone.error();
    q.phone = *phone;
  }
  auto page = context_.store().audit_page(q);
  if (!page) co_return store_error(page.error());
  co_return json_response(200, audit_page_json(*page));
}

boost::asio::awaitable<ApiResponse> Api::audit_verify() {
  auto report = store::verify_audit_chain(context_.store());
  if (!report) co_return store_error(report.error());
  co_return json_response(200, audit_chain_json(*report));
}

}  // namespace smppgw::admin
