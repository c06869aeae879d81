// The connection loop: read a request header, decide (route, auth, limits) before reading
// any body, then either stream the body (Manual Opt-Out upload), stream the answer (CSV
// export) or read a small body and hand it to the JSON routes. One request at a time per
// connection, so pipelined requests are answered in order.
#include <utility>  // Boost 1.74's awaitable.hpp needs it first

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
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/api.hpp"
#include "daemon/admin/async_bridge.hpp"
#include "daemon/admin/optout_request.hpp"
#include "daemon/admin/optout_store_sink.hpp"
#include "daemon/admin/web_assets.hpp"

namespace smppgw::admin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Parser = http::request_parser<http::buffer_body>;

namespace {

constexpr auto kAwait = asio::use_awaitable;
// After an answer that leaves a request body unread (401, 413, 415 ...), the rest of the
// body is read and dropped for at most this long, so the client sees the answer instead of
// a connection reset.
constexpr std::chrono::seconds kLingerTime{5};
constexpr std::uint64_t kLingerBytes = 64ull * 1024 * 1024;

store::Timestamp now() {
  return store::to_timestamp(std::chrono::system_clock::now());
}

std::string_view sv(beast::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace

AdminServerOptions AdminServerOptions::from(const conf::AdminConfig& admin, AdminToken token) {
  AdminServerOptions o;
  o.listen = admin.listen;
  o.tls = admin.tls;
  o.token = std::move(token);
  return o;
}

struct AdminServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, AdminContext& context, AdminServerOptions options)
      : io(io),
        context(context),
        options(std::move(options)),
        workers(this->options.worker_threads),
        api(context, workers),
        acceptor(asio::make_strand(io)) {}

  ~Impl() { workers.join(); }

  asio::io_context& io;
  AdminContext& context;
  AdminServerOptions options;
  asio::thread_pool workers;
  Api api;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::uint16_t port = 0;

  // Open connections, so stop() can close them: each entry's close() runs on its strand.
  struct Conn {
    asio::any_io_executor executor;
    std::function<void()> close;  // emptied (on the strand) when the connection ends
  };
  std::mutex conns_mutex;
  std::map<std::uint64_t, std::shared_ptr<Conn>> conns;
  std::uint64_t next_conn = 1;

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
  asio::awaitable<void> connection(tcp::socket socket);
  template <class Stream>
  asio::awaitable<void> session(Stream& stream);
  template <class Stream>
  asio::awaitable<bool> serve(Stream& stream, beast::flat_buffer& buffer, Parser& parser);
  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, const http::request_header<>& req,
                              const ApiResponse& res, bool keep_alive);
  template <class Stream>
  asio::awaitable<void> linger(Stream& stream, beast::flat_buffer& buffer, Parser& parser);
  template <class Stream>
  asio::awaitable<bool> send_continue(Stream& stream, const http::request_header<>& req);
  template <class Stream>
  asio::awaitable<tl::expected<std::string, ApiResponse>> read_body(Stream& stream,
                                                                    beast::flat_buffer& buffer,
                                                                    Parser& parser,
                                                                    std::uint64_t limit);
  template <class Stream>
  asio::awaitable<bool> upload_opt_outs(Stream& stream, beast::flat_buffer& buffer, Parser& parser,
                                        const ApiRequest& target);
  template <class Stream>
  asio::awaitable<bool> export_opt_outs(Stream& stream, const http::request_header<>& req,
                                        bool keep_alive, const ApiRequest& target);
};

asio::awaitable<void> AdminServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(kAwait, ec));
    if (stopping.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // Out of file descriptors and the like: wait a little instead of spinning.
      spdlog::warn("admin: accept failed: {}", ec.message());
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await t.async_wait(asio::redirect_error(kAwait, ec));
      continue;
    }
    auto ex = socket.get_executor();
    asio::co_spawn(ex, self->connection(std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::warn("admin: connection ended by an unexpected error: {}", x.what());
      }
    });
  }
}

asio::awaitable<void> AdminServer::Impl::connection(tcp::socket socket) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto conn = std::make_shared<Conn>();
  conn->executor = socket.get_executor();
  std::uint64_t id = 0;
  {
    std::lock_guard lock(conns_mutex);
    id = next_conn++;
    conns.emplace(id, conn);
  }
  if (tls) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    conn->close = [&stream] { beast::get_lowest_layer(stream).socket().close(); };
    if (!stopping.load()) {
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(kAwait, ec));
      if (!ec) {
        co_await session(stream);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(asio::redirect_error(kAwait, ec));
      }
    }
  } else {
    beast::tcp_stream stream(std::move(socket));
    conn->close = [&stream] { stream.socket().close(); };
    if (!stopping.load()) {
      co_await session(stream);
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }
  conn->close = {};
  std::lock_guard lock(conns_mutex);
  conns.erase(id);
}

template <class Stream>
asio::awaitable<void> AdminServer::Impl::session(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    Parser parser;
    parser.header_limit(kMaxHeaderBytes);
    // The largest body any route takes; routes lower it after the header.
    parser.body_limit(context.snapshot().config->admin.max_upload);
    beast::get_lowest_layer(stream).expires_after(options.read_timeout);
    boost::system::error_code ec;
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(kAwait, ec));
    if (ec) {
      http::request_header<> none;
      none.version(11);
      if (ec == http::error::header_limit) {
        co_await write(
            stream, none,
            error_response(431, "header_too_large", "The request headers are over 16 KiB."), false);
      } else if (ec == http::error::body_limit) {
        co_await write(
            stream, none,
            error_response(413, "too_large", "The request body is larger than admin.max_upload."),
            false);
        co_await linger(stream, buffer, parser);
      } else if (ec != http::error::end_of_stream && ec != asio::error::eof &&
                 ec != beast::error::timeout && ec != asio::error::operation_aborted &&
                 ec != asio::error::connection_reset && ec != asio::ssl::error::stream_truncated &&
                 buffer.size() > 0) {
        co_await write(stream, none,
                       error_response(400, "malformed", "The request is not valid HTTP/1.1."),
                       false);
      }
      co_return;
    }
    bool keep = co_await serve(stream, buffer, parser);
    if (!keep || stopping.load()) co_return;
  }
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::write(Stream& stream, const http::request_header<>& req,
                                               const ApiResponse& res, bool keep_alive) {
  http::response<http::string_body> msg{static_cast<http::status>(res.status), req.version()};
  msg.set(http::field::server, "smppgwd");
  msg.set(http::field::content_type, res.content_type);
  msg.set(http::field::cache_control, "no-store");
  msg.set("X-Content-Type-Options", "nosniff");
  if (res.status == 401) msg.set(http::field::www_authenticate, "Bearer realm=\"smppgw\"");
  for (auto& [k, v] : res.headers) msg.set(k, v);
  msg.body() = res.body;
  msg.keep_alive(keep_alive);
  msg.prepare_payload();
  count_status(res.status);
  beast::get_lowest_layer(stream).expires_after(options.write_timeout);
  boost::system::error_code ec;
  co_await http::async_write(stream, msg, asio::redirect_error(kAwait, ec));
  co_return !ec && keep_alive;
}

template <class Stream>
asio::awaitable<void> AdminServer::Impl::linger(Stream& stream, beast::flat_buffer& buffer,
                                                Parser& parser) {
  (void)parser;
  buffer.consume(buffer.size());
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 64 * 1024> sink{};
  std::uint64_t dropped = 0;
  beast::get_lowest_layer(stream).expires_after(kLingerTime);
  while (!ec && dropped < kLingerBytes) {
    dropped += co_await beast::get_lowest_layer(stream).async_read_some(
        asio::buffer(sink), asio::redirect_error(kAwait, ec));
  }
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::send_continue(Stream& stream,
                                                       const http::request_header<>& req) {
  auto expect = req[http::field::expect];
  if (!beast::iequals(expect, "100-continue")) co_return true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.write_timeout);
  co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                             asio::redirect_error(kAwait, ec));
  co_return !ec;
}

template <class Stream>
asio::awaitable<tl::expected<std::string, ApiResponse>> AdminServer::Impl::read_body(
    Stream& stream, beast::flat_buffer& buffer, Parser& parser, std::uint64_t limit) {
  std::string body;
  if (parser.is_done()) co_return body;
  if (parser.content_length() && *parser.content_length() > limit) {
    co_return tl::unexpected(error_response(
        413, "too_large", "The request body is over " + std::to_string(limit) + " bytes."));
  }
  if (!co_await send_continue(stream, parser.get().base())) {
    co_return tl::unexpected(ApiResponse{0, {}, {}, {}});
  }
  std::array<char, 16 * 1024> chunk{};
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    beast::get_lowest_layer(stream).expires_after(options.read_timeout);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) {
      co_return tl::unexpected(error_response(413, "too_large", "The request body is too large."));
    }
    if (ec) co_return tl::unexpected(ApiResponse{0, {}, {}, {}});  // connection lost
    body.append(chunk.data(), chunk.size() - parser.get().body().size);
    if (body.size() > limit) {
      co_return tl::unexpected(error_response(
          413, "too_large", "The request body is over " + std::to_string(limit) + " bytes."));
    }
  }
  co_return body;
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::serve(Stream& stream, beast::flat_buffer& buffer,
                                               Parser& parser) {
  const http::request_header<>& req = parser.get().base();
  const bool keep_alive = parser.get().keep_alive();
  auto target = parse_target(sv(req.target()));
  if (!target) {
    co_await write(stream, req,
                   error_response(400, "malformed", "The request target is not valid."), false);
    co_return false;
  }
  ApiRequest api_req;
  api_req.method = std::string(sv(req.method_string()));
  api_req.path = std::move(target->first);
  api_req.query = std::move(target->second);
  api_req.content_type = std::string(sv(req[http::field::content_type]));
  const auto& path = api_req.path;
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;

  // Answers before the body is read; a body left unread closes the connection.
  auto answer_now = [&](const ApiResponse& res) -> asio::awaitable<bool> {
    const bool unread = !parser.is_done();
    bool ok = co_await write(stream, req, res, keep_alive && !unread);
    if (unread) co_await linger(stream, buffer, parser);
    co_return ok && !unread;
  };

  // The web page and its assets (no token: the page asks for it).
  if (path.size() <= 1 && get && (path.empty() || find_web_asset(path[0]))) {
    const WebAsset* asset = find_web_asset(path.empty() ? "index.html" : path[0]);
    ApiResponse res{200, std::string(asset->content_type), std::string(asset->body), {}};
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; style-src 'self'; img-src 'self' data:");
    co_return co_await answer_now(std::move(res));
  }
  if (path.size() == 1 && path[0] == "healthz" && get) co_return co_await answer_now(api.healthz());
  if (path.size() == 1 && path[0] == "metrics" && get) co_return co_await answer_now(api.metrics());
  if (path.empty() || path[0] != "v1") {
    co_return co_await answer_now(error_response(404, "not_found", "There is no such page."));
  }
  if (!options.token.accepts(sv(req[http::field::authorization]))) {
    co_return co_await answer_now(error_response(
        401, "unauthorized",
        "Send the admin token as \"Authorization: Bearer <token>\"; it is in the file named by "
        "admin.token_file."));
  }
  if (path.size() == 2 && path[1] == "opt-outs") {
    if (req.method() != http::verb::post) {
      co_return co_await answer_now(error_response(405, "method_not_allowed", "Use POST."));
    }
    co_return co_await upload_opt_outs(stream, buffer, parser, api_req);
  }
  if (path.size() == 2 && path[1] == "opt-outs.csv" && get) {
    if (!parser.is_done())
      co_return co_await answer_now(error_response(400, "malformed", "A GET has no body."));
    co_return co_await export_opt_outs(stream, req, keep_alive, api_req);
  }
  auto body = co_await read_body(stream, buffer, parser, kMaxJsonBodyBytes);
  if (!body) {
    if (body.error().status == 0) co_return false;
    co_return co_await answer_now(std::move(body.error()));
  }
  api_req.body = std::move(*body);
  ApiResponse res = co_await api.handle(std::move(api_req));
  co_return co_await write(stream, req, std::move(res), keep_alive);
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::upload_opt_outs(Stream& stream, beast::flat_buffer& buffer,
                                                         Parser& parser, const ApiRequest& target) {
  const http::request_header<>& req = parser.get().base();
  const bool keep_alive = parser.get().keep_alive();
  auto answer_now = [&](const ApiResponse& res) -> asio::awaitable<bool> {
    const bool unread = !parser.is_done();
    bool ok = co_await write(stream, req, res, keep_alive && !unread);
    if (unread) co_await linger(stream, buffer, parser);
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
  if (!co_await send_continue(stream, req)) co_return false;

  static std::atomic<std::uint64_t> sequence{0};
  const auto at = now();
  StoreOptOutSink sink(
      context.writer(), campaign,
      kind->format == UploadFormat::json ? store::ChangeSource::admin : store::ChangeSource::csv,
      "optout:" + std::to_string(store::unix_ms(at)) + "-" + std::to_string(++sequence), at);
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
    parser.get().body().data = chunk.get();
    parser.get().body().size = kUploadChunkBytes;
    beast::get_lowest_layer(stream).expires_after(options.read_timeout);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
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
    const std::size_t n = kUploadChunkBytes - parser.get().body().size;
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
    co_return co_await write(stream, req, json_response(503, body), keep_alive);
  }
  spdlog::info(
      "admin: manual opt-out ({}): {} rows, {} opted out, {} already, {} duplicates, {} invalid",
      scope, report.rows, report.opted_out, report.already_opted_out, report.duplicates,
      report.invalid);
  co_return co_await write(stream, req, json_response(200, optout_report_json(scope, report)),
                           keep_alive);
}

template <class Stream>
asio::awaitable<bool> AdminServer::Impl::export_opt_outs(Stream& stream,
                                                         const http::request_header<>& req,
                                                         bool keep_alive,
                                                         const ApiRequest& target) {
  const auto snap = context.snapshot();
  std::optional<std::string> campaign;
  if (auto it = target.query.find("campaign");
      it != target.query.end() && !it->second.empty() && it->second != "all") {
    if (!snap.config->find_campaign(it->second)) {
      co_return co_await write(
          stream, req,
          error_response(422, "unknown_campaign", "There is no campaign \"" + it->second + "\"."),
          keep_alive);
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
        stream, req,
        error_response(503, "store_unavailable",
                       "The store could not be read: " + piece.error.message()),
        keep_alive);
  }
  http::response<http::buffer_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "smppgwd");
  res.set(http::field::content_type, "text/csv; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::content_disposition, "attachment; filename=\"opt-outs.csv\"");
  res.keep_alive(keep_alive);
  res.chunked(true);
  http::response_serializer<http::buffer_body> sr{res};
  count_status(200);
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.write_timeout);
  co_await http::async_write_header(stream, sr, asio::redirect_error(kAwait, ec));
  if (ec) co_return false;
  std::string text = std::string(kOptOutCsvHeader) + piece.text;
  for (;;) {
    if (!text.empty()) {
      res.body().data = text.data();
      res.body().size = text.size();
      res.body().more = true;
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await http::async_write(stream, sr, asio::redirect_error(kAwait, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return false;
    }
    if (!piece.next) break;
    const auto next_piece = read_piece(piece.next);
    piece = co_await on_worker(workers, next_piece);
    if (piece.error) {
      // The status is sent already: end without the final chunk so the client sees a
      // truncated transfer, never a silently short list.
      spdlog::warn("admin: opt-out export failed midway: {}", piece.error.message());
      co_return false;
    }
    text = std::move(piece.text);
  }
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  co_await http::async_write(stream, sr, asio::redirect_error(kAwait, ec));
  co_return !ec && keep_alive;
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
    try {
      impl->tls.emplace(ssl::context::tls_server);
      impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
      impl->tls->use_certificate_chain_file(impl->options.tls->cert_file);
      impl->tls->use_private_key_file(impl->options.tls->key_file, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      return tl::unexpected("admin TLS: cannot load the certificate " +
                            impl->options.tls->cert_file + " or key " +
                            impl->options.tls->key_file + ": " + e.code().message());
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
  spdlog::info("admin: listening on {}://{}:{}", impl->tls ? "https" : "http", listen.host,
               impl->port);
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

std::uint16_t AdminServer::port() const {
  return impl_->port;
}

void AdminServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  std::lock_guard lock(impl_->conns_mutex);
  for (auto& [id, conn] : impl_->conns) {
    asio::post(conn->executor, [conn] {
      if (conn->close) conn->close();
    });
  }
}

}  // namespace smppgw::admin
