// The JSON routes of SPEC §6 that take a small body and give a small answer: everything but
// the streamed Manual Opt-Out upload and the streamed CSV export (http_server.cpp). A route
// runs in its connection's coroutine; store reads are bounded (one page), writes are awaited
// through the writer, and anything big (a broadcast) runs on the admin worker pool.
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/admin_context.hpp"
#include "daemon/admin/admin_users.hpp"
#include "daemon/admin/api_json.hpp"
#include "daemon/admin/async_bridge.hpp"
#include "daemon/admin/http_response.hpp"
#include "daemon/admin/routes.hpp"

namespace smppgw::admin {

struct ApiRequest {
  std::string method;             // "GET" (also for HEAD), "POST", ...
  std::vector<std::string> path;  // decoded segments: /v1/inbox/7/opt-out → v1,inbox,7,opt-out
  std::map<std::string, std::string> query;  // decoded; last value wins
  std::string content_type;
  std::string body;
  AdminIdentity user;  // who signed in (the role was checked against the route's)
};

ApiResponse json_response(unsigned status, const Json& body);
ApiResponse error_response(unsigned status, std::string_view code, std::string_view message);
// GET /v1/me: the user's name, role and the routes ("GET /v1/inbox") the role may call.
Json me_json(const AdminIdentity& user);
// The 403 for `user` on `route`: "<user> (role viewer) may not <what the route does>".
ApiResponse forbidden_response(const AdminIdentity& user, const Route& route);
// The audit reference of a write made through the API: "admin:<user> <what>".
std::string audit_ref(const AdminIdentity& user, std::string_view what);

// Splits a request target into decoded path segments and query parameters of `req` (their
// strings are reused); false when the percent-encoding is broken.
bool parse_target(std::string_view target, ApiRequest& req);

class Api {
 public:
  // Writes go through `writes` (which also wakes the dispatchers of queued messages).
  Api(AdminContext& context, boost::asio::thread_pool& workers, DurableWrites& writes);

  // Answers `req` on its route (matched in kRoutes, already authenticated). Never throws
  // for bad input: every failure is an error response. The streamed routes (Manual
  // Opt-Out upload, CSV export) are the server's, not answered here.
  boost::asio::awaitable<ApiResponse> handle(const ApiRequest& req, const RouteMatch& route);

  ApiResponse healthz() const;
  ApiResponse metrics() const;

 private:
  boost::asio::awaitable<ApiResponse> campaigns(const ApiRequest& req);
  boost::asio::awaitable<ApiResponse> inbox(const ApiRequest& req);
  boost::asio::awaitable<ApiResponse> inbox_opt_out(const ApiRequest& req, std::string_view id);
  boost::asio::awaitable<ApiResponse> send_message(const ApiRequest& req);
  boost::asio::awaitable<ApiResponse> get_message(std::string_view id);
  boost::asio::awaitable<ApiResponse> preview(const ApiRequest& req);
  boost::asio::awaitable<ApiResponse> conversation(const ApiRequest& req, std::string_view phone);
  boost::asio::awaitable<ApiResponse> subscriber(std::string_view phone);
  boost::asio::awaitable<ApiResponse> subscriber_evidence(const ApiRequest& req,
                                                          std::string_view phone);
  boost::asio::awaitable<ApiResponse> broadcast(const ApiRequest& req, std::string_view campaign);
  boost::asio::awaitable<ApiResponse> audit(const ApiRequest& req);
  boost::asio::awaitable<ApiResponse> audit_verify();

  AdminContext& context_;
  boost::asio::thread_pool& workers_;
  DurableWrites& writes_;
};

}  // namespace smppgw::admin
