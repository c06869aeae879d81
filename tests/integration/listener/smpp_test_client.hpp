// A blocking SMPP 3.4 ESME for the listener's integration tests: a real TCP socket (from a
// chosen 127.x source address) around the sans-I/O smpp::Session in the ESME role. Each call
// runs the session until what it waits for happens or the timeout passes; deliver_sm that
// arrive meanwhile are kept for wait_deliver_sm() and answered there.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "protocol/session.hpp"

namespace smppgw::testing {

class SmppTestClient {
 public:
  using Duration = std::chrono::milliseconds;

  // Connects to 127.0.0.1:port from `source` (any 127.0.0.0/8 address is local on Linux).
  // nullptr when the connection cannot be made.
  static std::unique_ptr<SmppTestClient> connect(std::uint16_t port,
                                                 const std::string& source = "127.0.0.1");
  ~SmppTestClient();
  SmppTestClient(const SmppTestClient&) = delete;
  SmppTestClient& operator=(const SmppTestClient&) = delete;

  struct BindOutcome {
    std::uint32_t status = 0;    // 0: bound
    std::string peer_system_id;  // the SMSC's system_id when bound
    Duration elapsed{0};         // bind sent → answer read
  };
  // Sends a bind and waits for its answer; nullopt when none came (timeout or closed).
  std::optional<BindOutcome> bind(smpp::BindType type, const std::string& system_id,
                                  const std::string& password, Duration timeout);

  struct Response {
    std::uint32_t status = 0;
    std::string message_id;
    std::uint8_t message_state = 0;  // query_sm_resp
    std::string final_date;          // query_sm_resp
  };
  // Sends a request (submit_sm, data_sm, query_sm, ...) and waits for its response.
  std::optional<Response> request(smpp::Body body, Duration timeout);
  // The same in two steps: send now (the sequence number, nullopt if the session refused),
  // then wait for that request's response (kept if it came earlier).
  std::optional<std::uint32_t> send(smpp::Body body);
  std::optional<Response> wait_response(std::uint32_t sequence, Duration timeout);
  // A submit_sm from `from` (TON 1, NPI 1: international digits without '+') to `to` (TON 3)
  // carrying `text` as data_coding 0 (the ASCII subset that GSM 03.38 shares).
  std::optional<Response> submit(const std::string& from, const std::string& to,
                                 const std::string& text, Duration timeout);

  // The next deliver_sm from the listener (answered with `status`); nullopt on timeout.
  std::optional<smpp::DeliverSm> wait_deliver_sm(Duration timeout,
                                                 std::uint32_t status = smpp::status::ok);

  // Waits until the listener unbinds us (we answer unbind_resp) or the connection closes.
  // True when an unbind from the listener was seen.
  bool wait_unbound_by_peer(Duration timeout);
  // Waits until the connection is closed (by either side).
  bool wait_closed(Duration timeout);
  // Sends unbind and waits for the answer.
  bool unbind(Duration timeout);

  [[nodiscard]] bool closed() const { return closed_; }

 private:
  explicit SmppTestClient(int fd);
  // Reads (up to `until`), feeds the session, writes its output, collects events.
  void step(std::chrono::steady_clock::time_point until);
  void handle(smpp::Event& event);
  void flush();

  int fd_ = -1;
  smpp::Session session_;
  bool closed_ = false;
  bool unbound_by_peer_ = false;
  std::optional<BindOutcome> bind_outcome_;
  std::map<std::uint32_t, Response> responses_;  // by sequence number, until taken
  std::deque<smpp::RequestReceived> delivers_;
};

}  // namespace smppgw::testing
