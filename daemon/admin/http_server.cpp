// The connection loop: read a request header, decide (route, auth, limits) before reading
// any body, then either stream the body (Manual Opt-Out upload), stream the answer (CSV
// export) or read a small body and hand it to the JSON routes. One request at a time per
// connection, so pipelined requests are answered in order.
//
// Cost per request matters (replies from the chat window, scripts sending in bulk): a
// connection keeps its parser strings, body and output buffers from request to request,
// answers with one write of a preformatted header and body, and runs on the io_context
// itself rather than a strand (one operation is pending per connection at a time, so no two
// of its handlers can run at once; a strand would also make every type-erased executor copy
// allocate). Timeouts are deadlines that one sweep checks twice a second, instead of a timer
// started and cancelled around every read and write.
#include <utility>  // Boost 1.74's awaitable.hpp needs it first

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <unordered_set>

#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/api.hpp"
#include "daemon/admin/async_bridge.hpp"
#include "daemon/admin/optout_request.hpp"
#include "daemon/admin/optout_store_sink.hpp"
#include "daemon/admin/request_parser.hpp"
#include "daemon/admin/routes.hpp"
#include "daemon/admin/web_assets.hpp"

namespace smppgw::admin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = ssl::stream<tcp::socket>;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = asio::use_awaitable;
// After an answer that leaves a request body unread (401, 413, 415 ...), the rest of the
// body is read and dropped for at most this long, so the client sees the answer instead of
// a connection reset.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::uint64_t kLingerBytes = 64ull * 1024 * 1024;
// A TLS close_notify exchange that takes longer than this is abandoned.
constexpr std::chrono::seconds kTlsShutdownTime{2};
// How often the deadlines are checked: timeouts are whole seconds (30 s by default), so one
// fires at most this late.
constexpr std::chrono::milliseconds kSweepInterval{500};
// A connection's reusable buffers shrink back after a request that grew them past this
// (a large web asset, /metrics), so idle connections hold little memory.
constexpr std::size_t kKeepBufferBytes = 64 * 1024;

store::Timestamp now() {
  return store::to_timestamp(std::chrono::system_clock::now());
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

tcp::socket& lowest(tcp::socket& s) {
  return s;
}
tcp::socket& lowest(TlsStream& s) {
  return s.next_layer();
}

void trim(std::string& buffer) {
  if (buffer.capacity() > kKeepBufferBytes) std::string().swap(buffer);
}

}  // namespace

AdminServerOptions AdminServerOptions::from(const conf::AdminConfig& admin, AdminToken token) {
  AdminServerOptions o;
  o.listen = admin.listen;
  o.tls = admin.tls;
  o.token = std::move(token);
  return o;
}

// One open connection as stop() and the timeout sweep see it. `fd` is valid while the
// connection is registered: it is unregistered before its socket closes. Both only call
// ::shutdown() on it, which is safe from any thread and makes the pending operation fail.
struct ConnWatch {
  int fd = -1;
  std::atomic<std::int64_t> deadline{0};  // steady_ns(); 0 while no I/O is pending
  std::atomic<bool> expired{false};       // the sweep ended it
};

// The deadline of one I/O operation: armed for the scope of its co_await.
class Deadline {
 public:
  Deadline(ConnWatch& watch, std::chrono::nanoseconds timeout) : watch_(watch) {
    watch_.deadline.store(steady_ns() + timeout.count(), std::memory_order_relaxed);
  }
  ~Deadline() { watch_.deadline.store(0, std::memory_order_relaxed); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

 private:
  ConnWatch& watch_;
};

// What a connection keeps from request to request.
struct Session {
  ConnWatch watch;
  beast::flat_buffer buffer;
  RequestHead head;
  std::optional<RequestParser> parser;
  ApiRequest request;
  std::string body;  // the JSON body being read
  std::string out;   // the answer being written
};

struct AdminServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, AdminContext& context, AdminServerOptions options)
      : io(io),
        context(context),
        options(std::move(options)),
        workers(this->options.worker_threads),
        writes(std::make_shared<DurableWrites>(
            io.get_executor(), context.writer(),
            [&context](std::string_view code) { context.outbox_queued(code); })),
        api(context, workers, *writes),
        acceptor(asio::make_strand(io)),
        sweep_timer(acceptor.get_executor()),
        users_in_force(this->options.users ? this->options.users
                                           : token_only(this->options.token)) {}

  static std::shared_ptr<const AdminUsers> token_only(const AdminToken& token) {
    auto users = std::make_shared<AdminUsers>();
    (void)users->add_token_user(token);  // an empty token signs nobody in
    return users;
  }

  ~Impl() { workers.join(); }

  asio::io_context& io;
  AdminContext& context;
  AdminServerOptions options;
  asio::thread_pool workers;
  std::shared_ptr<DurableWrites> writes;
  Api api;
  tcp::acceptor acceptor;  // its strand also runs the sweep and stop()'s closing
  asio::steady_timer sweep_timer;
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::uint16_t port = 0;

  // Replaced whole on a SIGHUP reload; a request holds the set it signed in with.
  mutable std::mutex users_mutex;
  std::shared_ptr<const AdminUsers> users_in_force;
  std::shared_ptr<const AdminUsers> users() const {
    std::lock_guard lock(users_mutex);
    return users_in_force;
  }

  std::mutex conns_mutex;
  std::unordered_set<ConnWatch*> conns;

  // Registers a connection; false once the server is stopping (the connection then ends).
  bool watch(ConnWatch& w) {
    std::lock_guard lock(conns_mutex);
    if (stopping.load()) return false;
    conns.insert(&w);
    return true;
  }
  void unwatch(ConnWatch& w) {
    std::lock_guard lock(conns_mutex);
    conns.erase(&w);
  }
  // Unregisters before the socket it names is closed (declared after the socket).
  struct Watched {
    Impl& impl;
    ConnWatch& w;
    bool on;
    Watched(Impl& impl, ConnWatch& w) : impl(impl), w(w), on(impl.watch(w)) {}
    ~Watched() {
      if (on) impl.unwatch(w);
    }
    Watched(const Watched&) = delete;
    Watched& operator=(const Watched&) = delete;
  };

  // Responses by status, for /metrics; the counters live in the registry.
  std::array<std::atomic<Counter*>, 600> status_counters{};
  void count_status(unsigned status) {
    if (status >= status_counters.size()) return;
    Counter* c = status_counters[status].load(std::memory_order_relaxed);
    if (!c) {
      c = &context.metrics().counter(metric::kHttpRequests, "Admin HTTP responses by status",
                                     {{"code", std::to_string(status)}});
      status_counters[status].store(c, std::memory_order_relaxed);
    }
    c->add();
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_loop();
  asio::awaitable<void> connection(tcp::socket socket);
  template <class Stream>
  asio::awaitable<void> session(Stream& stream, Session& s);
  template <class Stream>
  asio::awaitable<bool> serve(Stream& stream, Session& s);
  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, Session& s, const ApiResponse& res,
                              const ResponseFraming& framing);
  template <class Stream>
  asio::awaitable<void> linger(Stream& stream, Session& s);
  template <class Stream>
  asio::awaitable<bool> send_continue(Stream& stream, Session& s);
  template <class Stream>
  asio::awaitable<bool> upload_opt_outs(Stream& stream, Session& s, const ResponseFraming& framing);
  template <class Stream>
  asio::awaitable<bool> export_opt_outs(Stream& stream, Session& s, ResponseFraming framing);
};

asio::awaitable<void> AdminServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(io, asio::redirect_error(kAwait, ec));
    if (stopping.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // Out of file descriptors and the like: wait a little instead of spinning.
      spdlog::warn("admin: accept failed: {}", ec.message());
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await t.async_wait(asio::redirect_error(kAwait, ec));
      continue;
    }
    asio::co_spawn(io, self->connection(std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::warn("admin: connection ended by an unexpected error: {}", x.what());
      }
    });
  }
}

asio::awaitable<void> AdminServer::Impl::sweep_loop() {
  auto self = shared_from_this();
  for (;;) {
    boost::system::error_code ec;
    sweep_timer.expires_after(kSweepInterval);
    co_await sweep_timer.async_wait(asio::redirect_error(kAwait, ec));
    if (stopping.load()) co_return;
    const std::int64_t now_ns = steady_ns();
    std::lock_guard lock(conns_mutex);
    for (ConnWatch* w : conns) {
      const std::int64_t d = w->deadline.load(std::memory_order_relaxed);
      if (d != 0 && d <= now_ns && !w->expired.exchange(true)) ::shutdown(w->fd, SHUT_RDWR);
    }
  }
}

asio::awaitable<void> AdminServer::Impl::connection(tcp::socket socket) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  Session s;
  s.watch.fd = socket.native_handle();
  if (tls) {
    TlsStream stream(std::move(socket), *tls);
    Watched watched(*this, s.watch);
    if (!watched.on) co_return;
    {
      Deadline d(s.watch, options.read_timeout);
      co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(kAwait, ec));
    }
    if (ec) co_return;
    co_await session(stream, s);
    Deadline d(s.watch, kTlsShutdownTime);
    co_await stream.async_shutdown(asio::redirect_error(kAwait, ec));
  } else {
    Watched watched(*this, s.watch);
    if (!watched.on) co_return;
    co_await session(socket, s);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
asio::awaitable<void> AdminServer::Impl::session(Stream& stream, Session& s) {
  for (;;) {
    auto& parser = s.parser.emplace(s.head);
    parser.header_limit(kMaxHeaderBytes);
    // The largest body any route takes; routes lower it after the header.
    parser.body_limit(context.snapshot().config->admin.max_upload);
    boost::system::error_code ec;
    {
      Deadline d(s.watch, options.read_timeout);
      co_await http::async_read_header(stream, s.buffer, parser, asio::redirect_error(kAwait, ec));
    }
    if (ec) {
      const ResponseFraming close{11, false, false};
      if (s.watch.expired.load()) co_return;  // timed out: the socket is shut already
      if (ec == http::error::header_limit) {
        co_await write(
            stream, s,
            error_response(431, "header_too_large", "The request headers are over 16 KiB."), close);
      } else if (ec == http::error::body_limit) {
        co_await write(
            stream, s,
            error_response(413, "too_large", "The request body is larger than admin.max_upload."),
            close);
        co_await linger(stream, s);
      } else if (ec != http::error::end_of_stream && ec != asio::error::eof &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                 ec != asio::ssl::error::stream_truncated && s.buffer.size() > 0) {
        co_await write(stream, s,
                       error_response(400, "malformed", "The request is not valid HTTP/1.1."),
                       close);
      }
      co_return;
    }
    bool keep = co_await serve(stream, s);
    trim(s.out);
    trim(s.body);
    if (!keep || stopping.load()) co_return;
  }
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::write(Stream& stream, Session& s, const ApiResponse& res,
                                               const ResponseFraming& framing) {
  s.out.clear();
  append_response(s.out, res, framing);
  count_status(res.status);
  boost::system::error_code ec;
  {
    Deadline d(s.watch, options.write_timeout);
    co_await asio::async_write(stream, asio::buffer(s.out), asio::redirect_error(kAwait, ec));
  }
  co_return !ec && framing.keep_alive;
}

template <class Stream>
asio::awaitable<void> AdminServer::Impl::linger(Stream& stream, Session& s) {
  s.buffer.consume(s.buffer.size());
  boost::system::error_code ec;
  lowest(stream).shutdown(tcp::socket::shutdown_send, ec);
  // Only on this error path: not worth keeping per connection.
  std::unique_ptr<char[]> sink(new char[64 * 1024]);
  std::uint64_t dropped = 0;
  Deadline d(s.watch, kLingerTime);
  while (!ec && dropped < kLingerBytes) {
    dropped += co_await lowest(stream).async_read_some(asio::buffer(sink.get(), 64 * 1024),
                                                       asio::redirect_error(kAwait, ec));
  }
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::send_continue(Stream& stream, Session& s) {
  if (!beast::iequals(s.head.expect, "100-continue")) co_return true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::system::error_code ec;
  Deadline d(s.watch, options.write_timeout);
  co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                             asio::redirect_error(kAwait, ec));
  co_return !ec;
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::serve(Stream& stream, Session& s) {
  RequestParser& parser = *s.parser;
  const RequestHead& req = s.head;
  const bool head = req.method == http::verb::head;
  const ResponseFraming framing{req.version, parser.keep_alive(), head};
  ApiRequest& api_req = s.request;
  if (!parse_target(req.target, api_req)) {
    co_await write(stream, s, error_response(400, "malformed", "The request target is not valid."),
                   ResponseFraming{req.version, false, head});
    co_return false;
  }
  // HEAD is answered as GET without the body (RFC 9110 §9.3.2).
  api_req.method = head ? std::string_view("GET") : std::string_view(req.method_string);
  api_req.content_type = req.content_type;
  const auto& path = api_req.path;
  const bool get = req.method == http::verb::get || head;

  // Answers before the body is read; a body left unread closes the connection.
  auto answer_now = [&](const ApiResponse& res) -> asio::awaitable<bool> {
    const bool unread = !parser.is_done();
    ResponseFraming f = framing;
    f.keep_alive = framing.keep_alive && !unread;
    bool ok = co_await write(stream, s, res, f);
    if (unread) co_await linger(stream, s);
    co_return ok && !unread;
  };

  // The web page and its assets (no token: the page asks for it).
  if (path.size() <= 1 && get && (path.empty() || find_web_asset(path[0]))) {
    const WebAsset* asset = find_web_asset(path.empty() ? "index.html" : path[0]);
    ApiResponse res{200, asset->content_type, std::string(asset->body), {}};
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; style-src 'self'; img-src 'self' data:");
    co_return co_await answer_now(std::move(res));
  }
  // Both read the store's info(), a query on a server backend: on the workers, never the loop.
  if (path.size() == 1 && path[0] == "healthz" && get) {
    co_return co_await answer_now(co_await on_worker(workers, [this] { return api.healthz(); }));
  }
  if (path.size() == 1 && path[0] == "metrics" && get) {
    co_return co_await answer_now(co_await on_worker(workers, [this] { return api.metrics(); }));
  }
  if (path.empty() || path[0] != "v1") {
    co_return co_await answer_now(error_response(404, "not_found", "There is no such page."));
  }
  auto user = users()->authenticate(req.authorization);
  if (!user) {
    co_return co_await answer_now(error_response(
        401, "unauthorized",
        "Send your admin token as \"Authorization: Bearer <token>\": the one in the file named "
        "by admin.token_file, or the one made for you with smppgwd --new-admin-token."));
  }
  api_req.user = std::move(*user);
  const auto route = match_route(api_req.method, path);
  if (!route) {
    if (path_has_route(path)) {
      co_return co_await answer_now(error_response(
          405, "method_not_allowed",
          "This route does not take " + api_req.method + ": see /v1/openapi.json for the API."));
    }
    co_return co_await answer_now(error_response(
        404, "not_found", "There is no such route: see /v1/openapi.json for the API."));
  }
  // The role is checked before any body is read: a refused upload costs nothing.
  if (!role_allows(api_req.user.role, route->route->min_role.role)) {
    co_return co_await answer_now(forbidden_response(api_req.user, *route->route));
  }
  if (route->route->id == RouteId::opt_outs_upload)
    co_return co_await upload_opt_outs(stream, s, framing);
  if (route->route->id == RouteId::opt_outs_export) {
    if (!parser.is_done())
      co_return co_await answer_now(error_response(400, "malformed", "A GET has no body."));
    co_return co_await export_opt_outs(stream, s, framing);
  }

  // A small body, read whole (in the reused buffer) before the route runs.
  s.body.clear();
  if (!parser.is_done()) {
    if (parser.content_length() && *parser.content_length() > kMaxJsonBodyBytes) {
      co_return co_await answer_now(error_response(
          413, "too_large",
          "The request body is over " + std::to_string(kMaxJsonBodyBytes) + " bytes."));
    }
    if (!s.head.expect.empty() && !co_await send_continue(stream, s)) co_return false;
    parser.body_limit(kMaxJsonBodyBytes);
    parser.body_to_string(&s.body);
    boost::system::error_code ec;
    {
      Deadline d(s.watch, options.read_timeout);
      co_await http::async_read(stream, s.buffer, parser, asio::redirect_error(kAwait, ec));
    }
    if (ec == http::error::body_limit) {
      co_return co_await answer_now(
          error_response(413, "too_large", "The request body is too large."));
    }
    if (ec) co_return false;  // connection lost
  }
  api_req.body.swap(s.body);
  ApiResponse res = co_await api.handle(api_req, *route);
  api_req.body.swap(s.body);
  co_return co_await write(stream, s, res, framing);
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::upload_opt_outs(Stream& stream, Session& s,
                                                         const ResponseFraming& framing) {
  RequestParser& parser = *s.parser;
  const ApiRequest& target = s.request;
  auto answer_now = [&](const ApiResponse& res) -> asio::awaitable<bool> {
    const bool unread = !parser.is_done();
    ResponseFraming f = framing;
    f.keep_alive = framing.keep_alive && !unread;
    bool ok = co_await write(stream, s, res, f);
    if (unread) co_await linger(stream, s);
    co_return ok && !unread;
  };
  const auto snap = context.snapshot();
  const std::uint64_t max_upload = snap.config->admin.max_upload;

  std::optional<std::string> campaign;
  std::string scope = "all";
  if (auto it = target.query.find("campaign");
      it != target.query.end() && !it->second.empty() && it->second != "all") {
    if (!snap.config->find_campaign(it->second)) {
      co_return co_await answer_now(
          error_response(422, "unknown_campaign",
                         "There is no campaign \"" + it->second +
                             "\"; leave campaign out (or \"all\") for every "
                             "campaign of " +
                             snap.config->company + "."));
    }
    campaign = it->second;
    scope = it->second;
  }
  auto kind = classify_upload(target.content_type);
  if (!kind) {
    auto& r = kind.error();
    co_return co_await answer_now(
        error_response(static_cast<unsigned>(r.status), r.code, r.message));
  }
  if (parser.content_length() && *parser.content_length() > max_upload) {
    co_return co_await answer_now(
        error_response(413, "too_large",
                       "The upload is larger than admin.max_upload (" + std::to_string(max_upload) +
                           " bytes); split the list into several files."));
  }
  if (!co_await send_continue(stream, s)) co_return false;

  static std::atomic<std::uint64_t> sequence{0};
  const auto at = now();
  StoreOptOutSink sink(
      context.writer(), campaign,
      kind->format == UploadFormat::json ? store::ChangeSource::admin : store::ChangeSource::csv,
      audit_ref(target.user,
                "optout:" + std::to_string(store::unix_ms(at)) + "-" + std::to_string(++sequence)),
      at);
  auto request = std::make_shared<OptOutRequest>(*kind, *snap.phones, sink);
  std::unique_ptr<char[]> chunk(new char[kUploadChunkBytes]);

  const auto abandon = [request] { return request->abandon(); };
  auto refuse = [&](const UploadRefusal& r) -> asio::awaitable<bool> {
    OptOutReport applied = co_await on_worker(workers, abandon);
    Json body = error_body(r.code, r.message);
    if (applied.opted_out + applied.already_opted_out > 0) {
      // Batches committed before the refusal stay applied: say exactly what they did.
      body["applied"] = optout_report_json(scope, applied);
      body["message"] = r.message + " Before that, " + std::to_string(applied.opted_out) +
                        " numbers were opted out and stay opted out.";
    }
    co_return co_await answer_now(json_response(static_cast<unsigned>(r.status), body));
  };

  while (!parser.is_done()) {
    parser.body_to_buffer(chunk.get(), kUploadChunkBytes);
    boost::system::error_code ec;
    {
      Deadline d(s.watch, options.read_timeout);
      co_await http::async_read(stream, s.buffer, parser, asio::redirect_error(kAwait, ec));
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) {
      co_return co_await refuse(UploadRefusal{413, "too_large",
                                              "The upload is larger than admin.max_upload (" +
                                                  std::to_string(max_upload) +
                                                  " bytes); split the list into several files."});
    }
    if (ec) {
      // The client went away mid-upload: nobody to answer; batches already committed stay.
      auto applied = co_await on_worker(workers, abandon);
      spdlog::warn("admin: opt-out upload interrupted ({}); {} numbers had been opted out",
                   ec.message(), applied.opted_out);
      co_return false;
    }
    const std::size_t n = kUploadChunkBytes - parser.body_space();
    if (n == 0) continue;
    std::string_view data(chunk.get(), n);
    const auto feed = [request, data] { return request->feed(data); };
    auto fed = co_await on_worker(workers, feed);
    if (!fed) co_return co_await refuse(std::move(fed.error()));
  }
  const auto finish = [request] { return request->finish(); };
  auto result = co_await on_worker(workers, finish);
  if (!result) co_return co_await refuse(std::move(result.error()));
  const OptOutReport& report = *result;
  if (report.store_failure) {
    Json body = optout_report_json(scope, report);
    body["error"] = "store_unavailable";
    body["message"] =
        "The store failed during the upload (" + *report.store_failure + "). " +
        std::to_string(report.opted_out + report.already_opted_out) +
        " numbers were applied (the counts below); " + std::to_string(report.not_applied) +
        " were not. Upload the list again: applied numbers count as already opted out.";
    co_return co_await write(stream, s, json_response(503, body), framing);
  }
  spdlog::info(
      "admin: manual opt-out by {} ({}): {} rows, {} opted out, {} already, {} duplicates, {} "
      "invalid",
      target.user.name, scope, report.rows, report.opted_out, report.already_opted_out,
      report.duplicates, report.invalid);
  co_return co_await write(stream, s, json_response(200, optout_report_json(scope, report)),
                           framing);
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::export_opt_outs(Stream& stream, Session& s,
                                                         ResponseFraming framing) {
  const ApiRequest& target = s.request;
  const auto snap = context.snapshot();
  std::optional<std::string> campaign;
  if (auto it = target.query.find("campaign");
      it != target.query.end() && !it->second.empty() && it->second != "all") {
    if (!snap.config->find_campaign(it->second)) {
      co_return co_await write(
          stream, s,
          error_response(422, "unknown_campaign", "There is no campaign \"" + it->second + "\"."),
          framing);
    }
    campaign = it->second;
  }
  // The first chunk is read before the header is sent, so a store failure is still a 503.
  struct Piece {
    std::string text;
    std::optional<std::string> next;
    std::error_code error;
  };
  store::Store& st = context.store();
  auto read_piece = [&st, campaign](std::optional<std::string> cursor) {
    return [&st, campaign, cursor]() -> Piece {
      Piece p;
      auto chunk = st.opted_out(campaign, cursor, kExportChunkRows);
      if (!chunk) {
        p.error = chunk.error();
        return p;
      }
      p.text.reserve(chunk->rows.size() * 64);
      for (const auto& row : chunk->rows) append_optout_csv_row(p.text, row);
      p.next = std::move(chunk->next);
      return p;
    };
  };
  const auto first_piece = read_piece(std::nullopt);
  Piece piece = co_await on_worker(workers, first_piece);
  if (piece.error) {
    co_return co_await write(
        stream, s,
        error_response(503, "store_unavailable",
                       "The store could not be read: " + piece.error.message()),
        framing);
  }
  // HTTP/1.0 has no chunked coding: the body then ends when the connection closes.
  const bool chunked = framing.version != 10;
  if (!chunked) framing.keep_alive = false;
  const std::vector<std::pair<std::string, std::string>> extra{
      {"Content-Disposition", "attachment; filename=\"opt-outs.csv\""}};
  s.out.clear();
  append_stream_head(s.out, 200, "text/csv; charset=utf-8", extra, framing, chunked);
  count_status(200);
  boost::system::error_code ec;
  // The status is sent before the whole list is known; a later failure ends the connection
  // without the final chunk, so the client sees a truncated transfer, never a short list.
  auto send = [&](std::string_view data, bool last) -> asio::awaitable<bool> {
    if (!framing.head) {
      if (chunked && !data.empty()) {
        char size[20];
        auto [end, e] = std::to_chars(size, size + sizeof size, data.size(), 16);
        (void)e;
        s.out.append(size, end).append("\r\n").append(data).append("\r\n");
      } else if (!chunked) {
        s.out.append(data);
      }
      if (chunked && last) s.out.append("0\r\n\r\n");
    }
    if (s.out.empty()) co_return true;
    Deadline d(s.watch, options.write_timeout);
    co_await asio::async_write(stream, asio::buffer(s.out), asio::redirect_error(kAwait, ec));
    s.out.clear();
    co_return !ec;
  };
  if (framing.head) {
    // The header GET would give, and no body (RFC 9110 §9.3.2).
    co_return co_await send({}, true) && framing.keep_alive;
  }
  std::string text = std::string(kOptOutCsvHeader) + piece.text;
  for (;;) {
    if (!co_await send(text, !piece.next)) co_return false;
    if (!piece.next) break;
    const auto next_piece = read_piece(piece.next);
    piece = co_await on_worker(workers, next_piece);
    if (piece.error) {
      spdlog::warn("admin: opt-out export failed midway: {}", piece.error.message());
      co_return false;
    }
    text = std::move(piece.text);
  }
  co_return framing.keep_alive;
}

AdminServer::AdminServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() {
  stop();
}

tl::expected<std::unique_ptr<AdminServer>, std::string> AdminServer::start(
    asio::io_context& io, AdminContext& context, AdminServerOptions options) {
  auto impl = std::make_shared<Impl>(io, context, std::move(options));
  const auto& listen = impl->options.listen;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(listen.host, ec);
  if (ec) return tl::unexpected("admin.listen: \"" + listen.host + "\" is not an IP address");
  tcp::endpoint endpoint(address, listen.port);
  if (impl->options.tls) {
    // Each file gets its own sentence: the operator must know which one to fix.
    const auto& files = *impl->options.tls;
    impl->tls.emplace(ssl::context::tls_server);
    impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(files.cert_file, ec);
    if (ec) {
      return tl::unexpected(
          "TLS: " + files.cert_file +
          " (admin.tls.cert_file) is not a readable PEM certificate chain: " + ec.message());
    }
    impl->tls->use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec) {
      return tl::unexpected("TLS: " + files.key_file +
                            " (admin.tls.key_file) is not a readable PEM private key matching " +
                            files.cert_file + ": " + ec.message());
    }
  }
  auto& acc = impl->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return tl::unexpected("admin: cannot listen on " + listen.to_string() + ": " + ec.message());
  }
  impl->port = acc.local_endpoint().port();
  asio::co_spawn(acc.get_executor(), impl->accept_loop(), asio::detached);
  asio::co_spawn(acc.get_executor(), impl->sweep_loop(), asio::detached);
  spdlog::info("admin: listening on {}://{}:{}", impl->tls ? "https" : "http", listen.host,
               impl->port);
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

std::uint16_t AdminServer::port() const {
  return impl_->port;
}

void AdminServer::set_users(std::shared_ptr<const AdminUsers> users) {
  std::lock_guard lock(impl_->users_mutex);
  impl_->users_in_force = std::move(users);
}

void AdminServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->sweep_timer.cancel();
  });
  // Every pending read or write fails at once; each connection then ends on its own.
  std::lock_guard lock(impl_->conns_mutex);
  for (ConnWatch* w : impl_->conns) ::shutdown(w->fd, SHUT_RDWR);
}

}  // namespace smppgw::admin
