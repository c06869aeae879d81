#include "daemon/smpp_connection.hpp"

#include <atomic>

#include <boost/asio/write.hpp>

namespace smppgw::daemon {

namespace {
// One read takes what the kernel has, up to this: enough for hundreds of deliver_sm, and
// it bounds what one read can hand to the MO pipeline while the writer is full.
constexpr std::size_t kReadBufferSize = 64 * 1024;
std::atomic<std::uint64_t> next_connection_id{1};
}  // namespace

SmppConnection::SmppConnection(tcp::socket socket, smpp::SessionConfig config, EventHandler handler)
    : socket_(std::move(socket)),
      session_(config, smpp::Clock::now()),
      handler_(std::move(handler)),
      timer_(socket_.get_executor()),
      resume_(socket_.get_executor()),
      finished_(socket_.get_executor()),
      read_buffer_(kReadBufferSize),
      id_(next_connection_id.fetch_add(1)) {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);  // small PDUs; latency matters more
}

asio::awaitable<void> SmppConnection::run() {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), timer_loop(), asio::detached);
  pump();  // a bind queued before run() goes out now
  while (!closed_ && !finished_flag_) {
    boost::system::error_code ec;
    if (paused_) {
      resume_.expires_at(asio::steady_timer::time_point::max());
      co_await resume_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const std::size_t n = co_await socket_.async_read_some(
        asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      session_.close();
      pump();
      break;
    }
    session_.receive({read_buffer_.data(), n}, smpp::Clock::now());
    pump();
  }
  // The session is closed: let its last bytes (an unbind_resp, a generic_nack) go out.
  while (writing_ && !finished_flag_) {
    boost::system::error_code ec;
    finished_.expires_at(asio::steady_timer::time_point::max());
    co_await finished_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  finished_flag_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  timer_.cancel();
  resume_.cancel();
}

asio::awaitable<void> SmppConnection::timer_loop() {
  auto self = shared_from_this();
  while (!closed_ && !finished_flag_) {
    const auto deadline = session_.next_deadline();
    armed_ = deadline ? *deadline : smpp::Clock::time_point::max();
    timer_.expires_at(armed_);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closed_ || finished_flag_) break;
    if (!ec) {
      session_.advance(smpp::Clock::now());
      pump();
    }
  }
}

void SmppConnection::pump() {
  if (pumping_) {  // an event handler called back into us: the outer loop picks it up
    pump_again_ = true;
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    while (auto event = session_.next_event()) {
      if (std::holds_alternative<smpp::Closed>(*event)) closed_ = true;
      handler_(*this, *event);
    }
  } while (pump_again_);
  pumping_ = false;
  flush();
  rearm_timer();
  finish_if_done();
}

void SmppConnection::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  resume_.cancel();
}

void SmppConnection::close() {
  session_.close();
  pump();
  finish_if_done();
}

void SmppConnection::flush() {
  if (writing_ || finished_flag_ || !session_.has_output()) return;
  write_buffer_.clear();
  session_.take_output(write_buffer_);
  writing_ = true;
  asio::async_write(socket_, asio::buffer(write_buffer_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec) {
                        self->session_.close();
                        self->finished_flag_ = true;
                        self->pump();
                        boost::system::error_code ignored;
                        self->socket_.close(ignored);
                        self->finished_.cancel();
                        return;
                      }
                      self->flush();
                      self->finish_if_done();
                    });
}

void SmppConnection::rearm_timer() {
  if (closed_ || finished_flag_) return;
  const auto deadline = session_.next_deadline();
  if (deadline && *deadline < armed_) {
    armed_ = *deadline;
    timer_.expires_at(armed_);  // wakes the timer loop, which waits for the new deadline
  }
}

void SmppConnection::finish_if_done() {
  if (!closed_ || writing_) return;
  // Closed and everything written: wake the reader (blocked in a read or a pause) so it
  // closes the socket.
  finished_.cancel();
  resume_.cancel();
  boost::system::error_code ignored;
  if (!finished_flag_) socket_.cancel(ignored);
}

}  // namespace smppgw::daemon
