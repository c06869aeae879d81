// One TCP connection carrying one SMPP session (DESIGN.md §2): the thin Asio loop around the
// sans-I/O smpp::Session. Reads feed session.receive(), the timer feeds session.advance(),
// the session's output is written in order, and every event goes to the owner's handler.
// Everything runs on the owner's strand; the object is not thread-safe and need not be.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "daemon/asio.hpp"
#include "protocol/session.hpp"

namespace smppgw::daemon {

class SmppConnection : public std::enable_shared_from_this<SmppConnection> {
 public:
  // Called on the strand for each event the session emits, in order. It may call session
  // methods (respond, send_request, ...); their output is written after it returns.
  using EventHandler = std::function<void(SmppConnection&, smpp::Event&)>;

  // `socket` is connected and uses the owner's strand as its executor.
  SmppConnection(tcp::socket socket, smpp::SessionConfig config, EventHandler handler);

  // Reads, writes and runs the session's timers until the session closed and its last
  // bytes are written (or the socket failed); then closes the socket. Resume on the strand.
  asio::awaitable<void> run();

  smpp::Session& session() { return session_; }
  const smpp::Session& session() const { return session_; }

  // After a session call made outside an event handler (a store completion answering a
  // deliver_sm, the dispatcher sending a submit_sm): handle the events it caused, write its
  // output and re-arm the timer.
  void pump();

  // Back-pressure (DESIGN.md §3): stop reading from the socket until resume_reading(); the
  // kernel's receive buffer fills and TCP flow control reaches the peer.
  void pause_reading() { paused_ = true; }
  void resume_reading();
  [[nodiscard]] bool reading_paused() const { return paused_; }

  // The socket is gone or we stop: the session emits Closed (listing what is outstanding).
  void close();

  [[nodiscard]] bool closed() const { return closed_; }
  // A number for log lines, unique in the process.
  [[nodiscard]] std::uint64_t id() const { return id_; }

 private:
  asio::awaitable<void> timer_loop();
  void flush();
  void rearm_timer();
  void finish_if_done();

  tcp::socket socket_;
  smpp::Session session_;
  EventHandler handler_;
  asio::steady_timer timer_;
  asio::steady_timer resume_;    // a wake-up for a paused reader (cancelled to resume)
  asio::steady_timer finished_;  // the reader waits here for the last write
  smpp::Clock::time_point armed_ = smpp::Clock::time_point::max();
  std::vector<std::uint8_t> read_buffer_;
  std::vector<std::uint8_t> write_buffer_;
  bool writing_ = false;
  bool paused_ = false;
  bool closed_ = false;         // the session emitted Closed
  bool finished_flag_ = false;  // socket closed: nothing more is read or written
  bool pumping_ = false;
  bool pump_again_ = false;
  std::uint64_t id_;
};

}  // namespace smppgw::daemon
