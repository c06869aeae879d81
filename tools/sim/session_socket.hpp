// One TCP connection of smppgw-sim driven by the sans-I/O session (DESIGN.md §2): bytes read
// go to Session::receive, what take_output() returns is written in one batch per write (so
// thousands of PDUs share a syscall), and the session is woken at its deadlines. The owner
// (smsc or esme loop) acts on the session's events in its input handler.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "protocol/session.hpp"

namespace smppgw::sim {

class SessionSocket : public std::enable_shared_from_this<SessionSocket> {
 public:
  // Called after every read and every timer wake-up: drain session().next_event() here.
  using InputHandler = std::function<void(SessionSocket&)>;
  // Called once, when the socket is closed and every loop of this connection has ended.
  using GoneHandler = std::function<void(SessionSocket&)>;

  SessionSocket(boost::asio::ip::tcp::socket socket, smpp::Session session, int id);

  void start(InputHandler on_input, GoneHandler on_gone);

  smpp::Session& session() { return session_; }
  [[nodiscard]] int id() const { return id_; }
  [[nodiscard]] const std::string& peer() const { return peer_; }

  // Wakes the writer when the session has output.
  void flush();
  // The session is closed: write what it still has, then close the socket.
  void close_after_output();
  // Close the socket now, without writing pending output (the sim's "drop").
  void abort();
  [[nodiscard]] bool closing() const { return closing_; }
  // When the read that carried the input being handled returned: the arrival time a
  // carrier would log for the PDUs in it (tests check the daemon's pacing against it).
  [[nodiscard]] std::chrono::steady_clock::time_point read_at() const { return read_at_; }

  // The longest the timer loop sleeps: session deadlines are checked at least this often,
  // so a deadline that moves earlier is never missed by more than this.
  static constexpr std::chrono::milliseconds kMaxTimerSleep{50};

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> timer_loop();
  void loop_ended();
  void input();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer write_kick_;
  boost::asio::steady_timer deadline_timer_;
  smpp::Session session_;
  int id_;
  std::string peer_;
  InputHandler on_input_;
  GoneHandler on_gone_;
  std::chrono::steady_clock::time_point read_at_{};
  bool closing_ = false;
  bool aborted_ = false;
  int loops_running_ = 0;
};

}  // namespace smppgw::sim
