#include "tests/integration/listener/smpp_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace smppgw::testing {

namespace {

using SteadyClock = std::chrono::steady_clock;

smpp::SessionConfig client_config() {
  smpp::SessionConfig config;
  config.role = smpp::Role::esme;
  config.window = 10;
  config.response_timeout = std::chrono::seconds(30);  // the tests' own timeouts decide
  config.enquire_link_interval = std::chrono::milliseconds(0);
  config.bind_timeout = std::chrono::seconds(30);
  return config;
}

}  // namespace

std::unique_ptr<SmppTestClient> SmppTestClient::connect(std::uint16_t port,
                                                        const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return nullptr;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = 0;
  if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return nullptr;
  }
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return nullptr;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return std::unique_ptr<SmppTestClient>(new SmppTestClient(fd));
}

SmppTestClient::SmppTestClient(int fd) : fd_(fd), session_(client_config(), SteadyClock::now()) {}

SmppTestClient::~SmppTestClient() {
  if (fd_ >= 0) ::close(fd_);
}

void SmppTestClient::flush() {
  auto bytes = session_.take_output();
  std::size_t done = 0;
  while (done < bytes.size() && fd_ >= 0) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      session_.close();
      break;
    }
    done += static_cast<std::size_t>(n);
  }
}

void SmppTestClient::handle(smpp::Event& event) {
  if (auto* bound = std::get_if<smpp::Bound>(&event)) {
    bind_outcome_ = BindOutcome{smpp::status::ok, bound->peer_system_id, Duration{0}};
  } else if (auto* failed = std::get_if<smpp::BindFailed>(&event)) {
    bind_outcome_ = BindOutcome{failed->status, {}, Duration{0}};
  } else if (auto* response = std::get_if<smpp::ResponseReceived>(&event)) {
    Response r;
    r.status = response->pdu.command_status;
    if (const auto* s = std::get_if<smpp::SubmitSmResp>(&response->pdu.body)) {
      r.message_id = s->message_id;
    } else if (const auto* d = std::get_if<smpp::DataSmResp>(&response->pdu.body)) {
      r.message_id = d->message_id;
    } else if (const auto* q = std::get_if<smpp::QuerySmResp>(&response->pdu.body)) {
      r.message_id = q->message_id;
      r.message_state = q->message_state;
      r.final_date = q->final_date;
    }
    responses_[response->pdu.sequence_number] = std::move(r);
  } else if (auto* request = std::get_if<smpp::RequestReceived>(&event)) {
    if (std::holds_alternative<smpp::DeliverSm>(request->pdu.body)) {
      delivers_.push_back(std::move(*request));
    } else if (request->needs_response) {
      (void)session_.respond(request->pdu.sequence_number, smpp::command_id_of(request->pdu.body),
                             smpp::status::inv_cmd_id);
    }
  } else if (auto* unbound = std::get_if<smpp::Unbound>(&event)) {
    if (unbound->by_peer) unbound_by_peer_ = true;
  } else if (std::holds_alternative<smpp::Closed>(event)) {
    closed_ = true;
  }
}

void SmppTestClient::step(SteadyClock::time_point until) {
  while (auto event = session_.next_event()) handle(*event);
  flush();
  while (auto event = session_.next_event()) handle(*event);
  if (closed_) {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    return;
  }
  const auto now = SteadyClock::now();
  if (now >= until) return;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
  if (auto deadline = session_.next_deadline(); deadline && *deadline < until) {
    wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(*deadline - now, SteadyClock::duration{0}));
  }
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(wait.count() + 1, 100)));
  if (ready > 0) {
    std::uint8_t buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      session_.receive({buffer, static_cast<std::size_t>(n)}, SteadyClock::now());
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      session_.close();
    }
  } else {
    session_.advance(SteadyClock::now());
  }
  while (auto event = session_.next_event()) handle(*event);
  flush();
}

std::optional<SmppTestClient::BindOutcome> SmppTestClient::bind(smpp::BindType type,
                                                                const std::string& system_id,
                                                                const std::string& password,
                                                                Duration timeout) {
  smpp::BindBody body;
  body.system_id = system_id;
  body.password = password;
  body.interface_version = smpp::kInterfaceVersion34;
  const auto start = SteadyClock::now();
  if (!session_.bind(type, body, start)) return std::nullopt;
  const auto until = start + timeout;
  bind_outcome_.reset();
  while (!bind_outcome_ && !closed_ && SteadyClock::now() < until) step(until);
  if (!bind_outcome_) return std::nullopt;
  bind_outcome_->elapsed = std::chrono::duration_cast<Duration>(SteadyClock::now() - start);
  return bind_outcome_;
}

std::optional<std::uint32_t> SmppTestClient::send(smpp::Body body) {
  auto sent = session_.send_request(std::move(body), SteadyClock::now(), 0);
  if (!sent) return std::nullopt;
  flush();
  return *sent;
}

std::optional<SmppTestClient::Response> SmppTestClient::wait_response(std::uint32_t sequence,
                                                                      Duration timeout) {
  const auto until = SteadyClock::now() + timeout;
  while (!responses_.contains(sequence) && !closed_ && SteadyClock::now() < until) step(until);
  auto it = responses_.find(sequence);
  if (it == responses_.end()) return std::nullopt;
  auto response = std::move(it->second);
  responses_.erase(it);
  return response;
}

std::optional<SmppTestClient::Response> SmppTestClient::request(smpp::Body body, Duration timeout) {
  auto sequence = send(std::move(body));
  if (!sequence) return std::nullopt;
  return wait_response(*sequence, timeout);
}

std::optional<SmppTestClient::Response> SmppTestClient::submit(const std::string& from,
                                                               const std::string& to,
                                                               const std::string& text,
                                                               Duration timeout) {
  smpp::SubmitSm submit;
  submit.source = {1, 1, from};
  submit.destination = {3, 0, to};
  submit.data_coding = 0;
  submit.short_message.assign(text.begin(), text.end());
  return request(smpp::Body{std::move(submit)}, timeout);
}

std::optional<smpp::DeliverSm> SmppTestClient::wait_deliver_sm(Duration timeout,
                                                               std::uint32_t status) {
  const auto until = SteadyClock::now() + timeout;
  while (delivers_.empty() && !closed_ && SteadyClock::now() < until) step(until);
  if (delivers_.empty()) return std::nullopt;
  auto request = std::move(delivers_.front());
  delivers_.pop_front();
  (void)session_.respond(request.pdu.sequence_number, smpp::CommandId::deliver_sm, status);
  flush();
  return std::get<smpp::DeliverSm>(std::move(request.pdu.body));
}

bool SmppTestClient::wait_unbound_by_peer(Duration timeout) {
  const auto until = SteadyClock::now() + timeout;
  while (!unbound_by_peer_ && !closed_ && SteadyClock::now() < until) step(until);
  // The unbind and the close may come in one read: report what was seen.
  return unbound_by_peer_;
}

bool SmppTestClient::wait_closed(Duration timeout) {
  const auto until = SteadyClock::now() + timeout;
  while (!closed_ && SteadyClock::now() < until) step(until);
  return closed_;
}

bool SmppTestClient::unbind(Duration timeout) {
  if (!session_.unbind(SteadyClock::now())) return false;
  return wait_closed(timeout);
}

}  // namespace smppgw::testing
