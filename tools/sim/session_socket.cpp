#include "tools/sim/session_socket.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <exception>

namespace smppgw::sim {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Large reads: under load one read carries thousands of PDUs and costs one syscall.
constexpr std::size_t kReadBufferSize = 256 * 1024;

// An exception escaping a connection's loop tears that connection down, never the sim.
void report_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "smppgw-sim: connection loop failed: %s\n", ex.what());
  }
}
}  // namespace

SessionSocket::SessionSocket(asio::ip::tcp::socket socket, smpp::Session session, int id)
    : socket_(std::move(socket)),
      write_kick_(socket_.get_executor()),
      deadline_timer_(socket_.get_executor()),
      session_(std::move(session)),
      id_(id) {
  error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  peer_ = ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void SessionSocket::start(InputHandler on_input, GoneHandler on_gone) {
  on_input_ = std::move(on_input);
  on_gone_ = std::move(on_gone);
  loops_running_ = 3;
  auto ex = socket_.get_executor();
  asio::co_spawn(ex, read_loop(), report_exception);
  asio::co_spawn(ex, write_loop(), report_exception);
  asio::co_spawn(ex, timer_loop(), report_exception);
}

void SessionSocket::flush() {
  if (session_.has_output() || closing_) write_kick_.cancel();
}

void SessionSocket::close_after_output() {
  if (closing_) return;
  closing_ = true;
  write_kick_.cancel();
  deadline_timer_.cancel();
}

void SessionSocket::abort() {
  aborted_ = true;
  closing_ = true;
  error_code ec;
  socket_.close(ec);
  write_kick_.cancel();
  deadline_timer_.cancel();
}

void SessionSocket::input() {
  if (on_input_) on_input_(*this);
}

void SessionSocket::loop_ended() {
  if (--loops_running_ == 0 && on_gone_) {
    auto gone = std::move(on_gone_);
    on_gone_ = nullptr;
    on_input_ = nullptr;
    gone(*this);
  }
}

asio::awaitable<void> SessionSocket::read_loop() {
  auto self = shared_from_this();
  for (;;) {
    // Read straight into the session's framer (no copy).
    const auto area = session_.prepare(kReadBufferSize);
    error_code ec;
    const std::size_t n = co_await socket_.async_read_some(
        asio::buffer(area.data(), area.size()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || aborted_) break;
    read_at_ = std::chrono::steady_clock::now();
    session_.commit(n, read_at_);
    input();
  }
  // The peer closed, the read failed, or we closed the socket: the session learns it here
  // (no-op if it already reported Closed) and the owner drains the final events.
  if (session_.state() != smpp::BindState::closed) {
    session_.close();
    input();
  }
  if (!closing_) close_after_output();
  // Wake the writer so that it ends even with nothing to write.
  aborted_ = true;
  write_kick_.cancel();
  loop_ended();
}

asio::awaitable<void> SessionSocket::write_loop() {
  auto self = shared_from_this();
  smpp::Bytes out;
  for (;;) {
    if (aborted_) break;
    if (!session_.has_output()) {
      if (closing_) break;
      write_kick_.expires_at(std::chrono::steady_clock::time_point::max());
      error_code ec;
      co_await write_kick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    out.clear();
    session_.take_output(out);
    error_code ec;
    co_await asio::async_write(socket_, asio::buffer(out),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  // Everything the session had to say is written (or cannot be): close the connection.
  error_code ec;
  if (!aborted_) socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  socket_.close(ec);
  deadline_timer_.cancel();
  loop_ended();
}

asio::awaitable<void> SessionSocket::timer_loop() {
  auto self = shared_from_this();
  for (;;) {
    if (closing_) break;
    const auto now = std::chrono::steady_clock::now();
    auto wake = now + kMaxTimerSleep;
    if (const auto deadline = session_.next_deadline(); deadline && *deadline < wake) {
      wake = *deadline;
    }
    deadline_timer_.expires_at(wake);
    error_code ec;
    co_await deadline_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closing_) break;
    session_.advance(std::chrono::steady_clock::now());
    input();
  }
  loop_ended();
}

}  // namespace smppgw::sim
