// The sans-I/O SMPP session: see session.hpp for the contract. Every PDU in or out passes
// the allowed-PDU table (bind_state.cpp); the window (window.hpp) holds our requests with
// their deadlines; requests the host must answer are tracked until respond().
#include "protocol/session.hpp"

#include <algorithm>
#include <deque>
#include <string>
#include <type_traits>
#include <utility>

#include "protocol/codec.hpp"
#include "protocol/framer.hpp"
#include "protocol/sequence.hpp"
#include "protocol/window.hpp"

namespace smppgw::smpp {
namespace {

std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

// The response PDU of `request` (its own *_resp with an empty body, or generic_nack for a
// command without a response type), with `status` and the request's sequence number. The
// codec's error_response() already holds that mapping; reuse it instead of a second switch.
Pdu empty_response(std::uint32_t request_id, std::uint32_t sequence_number, std::uint32_t status) {
  DecodeError as_error;
  as_error.header_read = true;
  as_error.command_id = request_id;
  as_error.sequence_number = sequence_number;
  as_error.response_status = status;
  if (auto pdu = error_response(as_error)) return *pdu;
  return Pdu{status, sequence_number, GenericNack{}};
}

std::string hex(std::uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x00000000";
  for (int i = 9; i >= 2; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

std::string describe(std::uint32_t command_id, std::uint32_t sequence_number) {
  return std::string(command_name(command_id)) + " (" + hex(command_id) + ") seq " +
         std::to_string(sequence_number);
}

BindBody bind_body_of(const Body& body) {
  return std::visit(
      [](const auto& b) -> BindBody {
        if constexpr (std::is_base_of_v<BindBody, std::decay_t<decltype(b)>>) {
          return b;
        } else {
          return {};
        }
      },
      body);
}

const BindRespBody* bind_resp_body_of(const Body& body) {
  return std::visit(
      [](const auto& b) -> const BindRespBody* {
        if constexpr (std::is_base_of_v<BindRespBody, std::decay_t<decltype(b)>>) {
          return &b;
        } else {
          return nullptr;
        }
      },
      body);
}

Body bind_request_body(BindType type, const BindBody& body) {
  switch (type) {
    case BindType::transmitter:
      return BindTransmitter{body};
    case BindType::receiver:
      return BindReceiver{body};
    case BindType::transceiver:
      return BindTransceiver{body};
  }
  return BindTransceiver{body};
}

Body bind_response_body(BindType type, BindRespBody body) {
  switch (type) {
    case BindType::transmitter:
      return BindTransmitterResp{std::move(body)};
    case BindType::receiver:
      return BindReceiverResp{std::move(body)};
    case BindType::transceiver:
      return BindTransceiverResp{std::move(body)};
  }
  return BindTransceiverResp{std::move(body)};
}

std::string millis(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

}  // namespace

struct Session::Impl {
  struct Unanswered {
    std::uint32_t sequence_number;
    CommandId request;
  };

  Impl(SessionConfig c, Clock::time_point now)
      : config(c),
        framer(c.max_pdu_size),
        sequence(c.first_sequence_number),
        window(c.window),
        last_activity(now),
        latest(now) {
    if (config.role == Role::smsc) bind_deadline = now + config.bind_timeout;
  }

  SessionConfig config;
  BindState state = BindState::open;
  std::optional<BindType> bind_type;
  Framer framer;
  SequenceCounter sequence;
  Window window;
  std::vector<Unanswered> unanswered;
  std::deque<Event> events;
  Bytes output;
  // Last PDU in or out, for the enquire_link idle timer.
  Clock::time_point last_activity;
  // The latest `now` any input carried: respond() and accept_bind() take no time, yet
  // their PDUs count as activity.
  Clock::time_point latest;

  void saw(Clock::time_point now) { latest = std::max(latest, now); }
  // SMSC session_init_timer: the peer must be bound by then.
  std::optional<Clock::time_point> bind_deadline;
  // SMSC: the bind the host is deciding on.
  std::optional<std::uint32_t> pending_bind_seq;
  BindBody pending_bind_body;
  // The peer's unbind, answered once the host has answered what it was given.
  std::optional<std::uint32_t> peer_unbind_seq;
  Clock::time_point peer_unbind_deadline;

  // ---- output ----

  bool write(const Pdu& pdu) { return encode(pdu, output).has_value(); }

  template <typename E>
  void emit(E&& event) {
    events.emplace_back(std::forward<E>(event));
  }

  void protocol_error(std::uint32_t command_id, std::uint32_t sequence_number,
                      std::optional<std::uint32_t> status_sent, std::string detail) {
    emit(ProtocolError{command_id, sequence_number, status_sent, std::move(detail)});
  }

  std::vector<OutstandingRequest> host_outstanding() const {
    std::vector<OutstandingRequest> out;
    for (const WindowEntry& e : window.entries()) {
      if (!e.internal) out.push_back({e.sequence_number, e.request, e.user_tag});
    }
    return out;
  }

  void close_with(CloseReason reason, std::string detail) {
    if (state == BindState::closed) return;
    Closed closed{reason, std::move(detail), host_outstanding()};
    state = BindState::closed;
    window.clear();
    unanswered.clear();
    pending_bind_seq.reset();
    peer_unbind_seq.reset();
    bind_deadline.reset();
    emit(std::move(closed));
  }

  tl::expected<std::uint32_t, SendError> send(Body body, Clock::time_point now,
                                              std::chrono::milliseconds timeout, bool internal,
                                              std::uint64_t user_tag) {
    const CommandId command = command_id_of(body);
    const std::uint32_t sequence_number = sequence.next();
    if (!write(Pdu{status::ok, sequence_number, std::move(body)})) {
      return tl::make_unexpected(SendError::encode_failed);
    }
    if (response_of(command)) {
      window.add(WindowEntry{sequence_number, command, user_tag, now + timeout, internal});
    }
    last_activity = now;
    return sequence_number;
  }

  // ---- input ----

  void receive(std::span<const std::uint8_t> bytes, Clock::time_point now) {
    if (state == BindState::closed) return;
    framer.feed(bytes);
    handle_frames(now);
  }

  void handle_frames(Clock::time_point now) {
    while (state != BindState::closed) {
      auto frame = framer.next();
      if (!frame) {
        lost_framing(frame.error());
        return;
      }
      if (!*frame) return;  // needs more bytes
      handle_frame(**frame, now);
    }
  }

  void lost_framing(const FramingError& error) {
    // Framing cannot be recovered: say why, then hang up (SPEC §5).
    write(Pdu{error.response_status, error.sequence_number, GenericNack{}});
    close_with(CloseReason::framing_lost, error.message);
  }

  void handle_frame(std::span<const std::uint8_t> frame, Clock::time_point now) {
    last_activity = now;
    const std::uint32_t command_id = read_u32(frame, 4);
    const std::uint32_t command_status = read_u32(frame, 8);
    const std::uint32_t sequence_number = read_u32(frame, 12);
    if (is_response(command_id)) {
      handle_response(command_id, command_status, sequence_number, frame, now);
    } else {
      handle_request(command_id, sequence_number, frame, now);
    }
  }

  void reject(std::uint32_t command_id, std::uint32_t sequence_number, std::uint32_t status,
              std::string detail) {
    const Pdu answer = empty_response(command_id, sequence_number, status);
    write(answer);
    protocol_error(command_id, sequence_number, status, std::move(detail));
  }

  void handle_request(std::uint32_t command_id, std::uint32_t sequence_number,
                      std::span<const std::uint8_t> frame, Clock::time_point now) {
    if (!is_known_request(command_id)) {
      reject(command_id, sequence_number, status::inv_cmd_id,
             "unknown command " + describe(command_id, sequence_number));
      return;
    }
    const auto command = static_cast<CommandId>(command_id);
    if (!request_allowed(config.role, state, Direction::receive, command)) {
      const bool already_bound = bind_type_of(command) && smpp::is_bound(state);
      reject(command_id, sequence_number,
             already_bound ? status::already_bound : status::inv_bnd_sts,
             describe(command_id, sequence_number) + " not allowed for an " +
                 to_string(config.role) + " in state " + to_string(state));
      return;
    }
    auto decoded = decode(frame);
    if (!decoded) {
      const DecodeError& error = decoded.error();
      std::optional<std::uint32_t> status_sent;
      if (auto answer = error_response(error)) {
        write(*answer);
        status_sent = answer->command_status;
      }
      protocol_error(command_id, sequence_number, status_sent,
                     describe(command_id, sequence_number) + ": " + error.message);
      return;
    }
    Pdu& pdu = *decoded;
    switch (command) {
      case CommandId::enquire_link:
        write(Pdu{status::ok, sequence_number, EnquireLinkResp{}});
        return;
      case CommandId::unbind:
        peer_unbind(sequence_number, now);
        return;
      case CommandId::bind_transmitter:
      case CommandId::bind_receiver:
      case CommandId::bind_transceiver: {
        const BindType type = *bind_type_of(command);
        state = BindState::binding;
        bind_type = type;
        pending_bind_seq = sequence_number;
        pending_bind_body = bind_body_of(pdu.body);
        emit(BindRequested{type, pending_bind_body, sequence_number});
        return;
      }
      case CommandId::outbind:
        emit(OutbindReceived{std::get<Outbind>(std::move(pdu.body))});
        return;
      default: {
        const bool needs_response = response_of(command).has_value();
        if (needs_response) unanswered.push_back({sequence_number, command});
        emit(RequestReceived{std::move(pdu), needs_response});
        return;
      }
    }
  }

  void peer_unbind(std::uint32_t sequence_number, Clock::time_point now) {
    if (state == BindState::unbinding) {
      // Both ends unbind at once: answer theirs, keep waiting for the answer to ours.
      write(Pdu{status::ok, sequence_number, UnbindResp{}});
      return;
    }
    // No new requests from here on (the table allows none in `unbound`), but answers to
    // what the host already holds still go out before unbind_resp: an MO acknowledged
    // after its commit must not be cut off (SPEC §5).
    state = BindState::unbound;
    peer_unbind_seq = sequence_number;
    peer_unbind_deadline = now + config.response_timeout;
    if (unanswered.empty()) finish_peer_unbind();
  }

  void finish_peer_unbind() {
    write(Pdu{status::ok, *peer_unbind_seq, UnbindResp{}});
    peer_unbind_seq.reset();
    emit(Unbound{true});
    close_with(CloseReason::unbound, "the peer unbound");
  }

  void handle_response(std::uint32_t command_id, std::uint32_t command_status,
                       std::uint32_t sequence_number, std::span<const std::uint8_t> frame,
                       Clock::time_point now) {
    const WindowEntry* pending = window.get(sequence_number);
    if (pending == nullptr) {
      protocol_error(command_id, sequence_number, std::nullopt,
                     "unexpected " + describe(command_id, sequence_number) +
                         ": no request of ours has this sequence number; ignored");
      return;
    }
    const bool nack = command_id == static_cast<std::uint32_t>(CommandId::generic_nack);
    const auto expected = static_cast<std::uint32_t>(*response_of(pending->request));
    if (!nack && command_id != expected) {
      std::string detail = describe(command_id, sequence_number) + " answers " +
                           command_name(static_cast<std::uint32_t>(pending->request));
      if (pending->internal && bind_type_of(pending->request)) {
        close_with(CloseReason::protocol_violation, detail);
        return;
      }
      protocol_error(command_id, sequence_number, std::nullopt, detail + "; ignored");
      return;
    }
    const WindowEntry entry = *window.take(sequence_number);

    bool malformed = false;
    Pdu pdu;
    if (auto decoded = decode(frame)) {
      pdu = std::move(*decoded);
    } else {
      malformed = true;
      protocol_error(command_id, sequence_number, std::nullopt,
                     describe(command_id, sequence_number) + ": " + decoded.error().message);
      pdu = nack ? Pdu{command_status, sequence_number, GenericNack{}}
                 : empty_response(static_cast<std::uint32_t>(entry.request), sequence_number,
                                  command_status);
    }

    if (!entry.internal) {
      emit(ResponseReceived{std::move(pdu), entry.request, entry.user_tag, malformed});
      return;
    }
    switch (entry.request) {
      case CommandId::bind_transmitter:
      case CommandId::bind_receiver:
      case CommandId::bind_transceiver:
        bind_answered(entry, pdu, nack, now);
        return;
      case CommandId::unbind:
        // Whatever the status: we are leaving (smpp-notes §11.6).
        state = BindState::unbound;
        emit(Unbound{false});
        close_with(CloseReason::unbound, "unbind answered");
        return;
      default:  // enquire_link: the answer itself is the news
        return;
    }
  }

  void bind_answered(const WindowEntry& entry, const Pdu& pdu, bool nack, Clock::time_point now) {
    if (nack || pdu.command_status != status::ok) {
      emit(BindFailed{pdu.command_status});
      close_with(CloseReason::bind_failed,
                 std::string(command_name(static_cast<std::uint32_t>(entry.request))) +
                     " refused with status " + hex(pdu.command_status));
      return;
    }
    const BindType type = *bind_type_of(entry.request);
    state = bound_state(type);
    bind_type = type;
    last_activity = now;  // the enquire_link clock starts at bind_resp
    Bound bound{type, {}, std::nullopt};
    if (const BindRespBody* resp = bind_resp_body_of(pdu.body)) {
      bound.peer_system_id = resp->system_id;
      bound.peer_interface_version = resp->tlvs.sc_interface_version;
    }
    emit(std::move(bound));
  }

  // ---- timers ----

  bool enquire_link_armed() const {
    return smpp::is_bound(state) && config.enquire_link_interval.count() > 0 && !window.full() &&
           !window.has_internal(CommandId::enquire_link);
  }

  std::optional<Clock::time_point> next_deadline() const {
    if (state == BindState::closed) return std::nullopt;
    std::optional<Clock::time_point> earliest = window.earliest_deadline();
    const auto consider = [&earliest](Clock::time_point t) {
      if (!earliest || t < *earliest) earliest = t;
    };
    if (bind_deadline) consider(*bind_deadline);
    if (peer_unbind_seq) consider(peer_unbind_deadline);
    if (enquire_link_armed()) consider(last_activity + config.enquire_link_interval);
    return earliest;
  }

  void advance(Clock::time_point now) {
    if (state == BindState::closed) return;
    if (peer_unbind_seq && now >= peer_unbind_deadline) {
      // The host did not answer in time; unbind_resp goes out regardless.
      finish_peer_unbind();
      return;
    }
    if (bind_deadline && now >= *bind_deadline) {
      close_with(CloseReason::bind_timeout, "peer not bound within " + millis(config.bind_timeout));
      return;
    }
    const std::vector<WindowEntry> expired = window.expired(now);
    if (!expired.empty()) {
      std::string detail;
      for (const WindowEntry& e : expired) {
        if (e.internal && bind_type_of(e.request)) {
          close_with(CloseReason::bind_timeout,
                     std::string("no ") + command_name(static_cast<std::uint32_t>(e.request)) +
                         "_resp within " + millis(config.bind_timeout));
          return;
        }
        if (!e.internal) emit(RequestTimedOut{e.sequence_number, e.request, e.user_tag});
        if (detail.empty()) {
          detail = std::string("no response to ") +
                   command_name(static_cast<std::uint32_t>(e.request)) + " seq " +
                   std::to_string(e.sequence_number) + " within " + millis(config.response_timeout);
        }
      }
      close_with(CloseReason::response_timeout, detail);
      return;
    }
    if (enquire_link_armed() && now >= last_activity + config.enquire_link_interval) {
      send(EnquireLink{}, now, config.response_timeout, true, 0);
    }
  }
};

// ---- Session ----------------------------------------------------------------------

Session::Session(SessionConfig config, Clock::time_point now)
    : impl_(std::make_unique<Impl>(config, now)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

void Session::receive(std::span<const std::uint8_t> bytes, Clock::time_point now) {
  impl_->saw(now);
  impl_->receive(bytes, now);
}

std::span<std::uint8_t> Session::prepare(std::size_t min_size) {
  return impl_->framer.prepare(min_size);
}

void Session::commit(std::size_t bytes_read, Clock::time_point now) {
  impl_->saw(now);
  impl_->framer.commit(bytes_read);
  if (impl_->state != BindState::closed) impl_->handle_frames(now);
}

void Session::advance(Clock::time_point now) {
  impl_->saw(now);
  impl_->advance(now);
}

tl::expected<std::uint32_t, SendError> Session::bind(BindType type, const BindBody& body,
                                                     Clock::time_point now) {
  Impl& s = *impl_;
  s.saw(now);
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  const CommandId command = bind_command(type);
  if (!request_allowed(s.config.role, s.state, Direction::send, command)) {
    return tl::make_unexpected(SendError::not_allowed);
  }
  auto sent = s.send(bind_request_body(type, body), now, s.config.bind_timeout, true, 0);
  if (sent) {
    s.state = BindState::binding;
    s.bind_type = type;
  }
  return sent;
}

tl::expected<std::uint32_t, SendError> Session::send_request(Body body, Clock::time_point now,
                                                             std::uint64_t user_tag) {
  Impl& s = *impl_;
  s.saw(now);
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  const CommandId command = command_id_of(body);
  // bind and unbind change the state: they go through bind() and unbind().
  if (bind_type_of(command) || command == CommandId::unbind ||
      !request_allowed(s.config.role, s.state, Direction::send, command)) {
    return tl::make_unexpected(SendError::not_allowed);
  }
  if (response_of(command) && s.window.full()) {
    return tl::make_unexpected(SendError::window_full);
  }
  return s.send(std::move(body), now, s.config.response_timeout, false, user_tag);
}

tl::expected<void, SendError> Session::respond(std::uint32_t sequence_number, CommandId request,
                                               std::uint32_t status, Body resp) {
  Impl& s = *impl_;
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  const auto it = std::find_if(s.unanswered.begin(), s.unanswered.end(), [&](const auto& u) {
    return u.sequence_number == sequence_number && u.request == request;
  });
  if (it == s.unanswered.end()) return tl::make_unexpected(SendError::unknown_request);
  if (command_id_of(resp) != *response_of(request)) {
    return tl::make_unexpected(SendError::wrong_response);
  }
  if (!s.write(Pdu{status, sequence_number, std::move(resp)})) {
    return tl::make_unexpected(SendError::encode_failed);
  }
  s.unanswered.erase(it);
  s.last_activity = std::max(s.last_activity, s.latest);
  if (s.peer_unbind_seq && s.unanswered.empty()) s.finish_peer_unbind();
  return {};
}

tl::expected<void, SendError> Session::respond(std::uint32_t sequence_number, CommandId request,
                                               std::uint32_t status) {
  const auto resp = response_of(request);
  if (!resp) return tl::make_unexpected(SendError::unknown_request);
  return respond(sequence_number, request, status,
                 empty_response(static_cast<std::uint32_t>(request), sequence_number, status).body);
}

tl::expected<void, SendError> Session::accept_bind(std::uint32_t sequence_number,
                                                   const std::string& system_id) {
  Impl& s = *impl_;
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  if (s.config.role != Role::smsc) return tl::make_unexpected(SendError::not_allowed);
  if (s.state != BindState::binding || !s.pending_bind_seq ||
      *s.pending_bind_seq != sequence_number) {
    return tl::make_unexpected(SendError::unknown_request);
  }
  const BindType type = *s.bind_type;
  BindRespBody resp;
  resp.system_id = system_id;
  resp.tlvs.sc_interface_version = kInterfaceVersion34;
  if (!s.write(Pdu{status::ok, sequence_number, bind_response_body(type, std::move(resp))})) {
    return tl::make_unexpected(SendError::encode_failed);
  }
  s.state = bound_state(type);
  s.last_activity = std::max(s.last_activity, s.latest);  // the enquire_link clock starts here
  s.pending_bind_seq.reset();
  s.bind_deadline.reset();
  s.emit(Bound{type, s.pending_bind_body.system_id, s.pending_bind_body.interface_version});
  return {};
}

tl::expected<void, SendError> Session::reject_bind(std::uint32_t sequence_number,
                                                   std::uint32_t status) {
  Impl& s = *impl_;
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  if (s.config.role != Role::smsc) return tl::make_unexpected(SendError::not_allowed);
  if (s.state != BindState::binding || !s.pending_bind_seq ||
      *s.pending_bind_seq != sequence_number) {
    return tl::make_unexpected(SendError::unknown_request);
  }
  if (status == status::ok) return tl::make_unexpected(SendError::not_allowed);
  const BindType type = *s.bind_type;
  s.write(Pdu{status, sequence_number, bind_response_body(type, {})});
  s.close_with(CloseReason::bind_failed, std::string("bind of ") + s.pending_bind_body.system_id +
                                             " refused with status " + hex(status));
  return {};
}

tl::expected<void, SendError> Session::unbind(Clock::time_point now) {
  Impl& s = *impl_;
  s.saw(now);
  if (s.state == BindState::closed) return tl::make_unexpected(SendError::closed);
  if (!request_allowed(s.config.role, s.state, Direction::send, CommandId::unbind)) {
    return tl::make_unexpected(SendError::not_allowed);
  }
  // Not held back by a full window: shutdown must never wait for a slot.
  auto sent = s.send(Unbind{}, now, s.config.response_timeout, true, 0);
  if (!sent) return tl::make_unexpected(sent.error());
  s.state = BindState::unbinding;
  return {};
}

void Session::close() {
  Impl& s = *impl_;
  if (s.state == BindState::unbinding) {
    s.emit(Unbound{false});
    s.close_with(CloseReason::unbound, "connection closed after our unbind");
    return;
  }
  s.close_with(CloseReason::closed_by_host, "closed by the host");
}

std::optional<Event> Session::next_event() {
  if (impl_->events.empty()) return std::nullopt;
  Event event = std::move(impl_->events.front());
  impl_->events.pop_front();
  return event;
}

Bytes Session::take_output() {
  return std::exchange(impl_->output, Bytes{});
}

void Session::take_output(Bytes& out) {
  if (out.empty()) {
    out.swap(impl_->output);
  } else {
    out.insert(out.end(), impl_->output.begin(), impl_->output.end());
  }
  impl_->output.clear();
}

bool Session::has_output() const {
  return !impl_->output.empty();
}
std::optional<Clock::time_point> Session::next_deadline() const {
  return impl_->next_deadline();
}
BindState Session::state() const {
  return impl_->state;
}
Role Session::role() const {
  return impl_->config.role;
}
std::optional<BindType> Session::bind_type() const {
  return impl_->bind_type;
}
bool Session::is_bound() const {
  return smpp::is_bound(impl_->state);
}
std::size_t Session::in_flight() const {
  return impl_->window.size();
}
std::size_t Session::window_free() const {
  return impl_->window.free();
}
std::size_t Session::unanswered() const {
  return impl_->unanswered.size();
}

const char* to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::framing_lost:
      return "framing lost";
    case CloseReason::response_timeout:
      return "response timeout";
    case CloseReason::bind_timeout:
      return "bind timeout";
    case CloseReason::bind_failed:
      return "bind failed";
    case CloseReason::unbound:
      return "unbound";
    case CloseReason::protocol_violation:
      return "protocol violation";
    case CloseReason::closed_by_host:
      return "closed by host";
  }
  return "?";
}

const char* to_string(SendError error) {
  switch (error) {
    case SendError::window_full:
      return "window full";
    case SendError::not_allowed:
      return "not allowed in this state or role";
    case SendError::encode_failed:
      return "PDU cannot be encoded";
    case SendError::closed:
      return "session closed";
    case SendError::unknown_request:
      return "no such request awaiting an answer";
    case SendError::wrong_response:
      return "response type does not match the request";
  }
  return "?";
}

}  // namespace smppgw::smpp
