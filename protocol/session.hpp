// The sans-I/O SMPP 3.4 session (DESIGN.md §2), for both roles: fed bytes and the current
// time, it returns events, bytes to write and the next time it must be woken. It owns the
// bind state, sequence numbers, the window of outstanding requests with their deadlines,
// enquire_link scheduling and unbind. No sockets, no threads, no clock reads.
//
// The I/O layer is a thin loop around it (one strand per session; not thread-safe):
//
//   Session s(config, now);
//   s.bind(BindType::transceiver, body, now);            // ESME; the SMSC waits for one
//   loop:
//     read some bytes      -> s.receive(bytes, now)      (or the timer fired -> s.advance(now))
//     while (auto e = s.next_event()) act on *e;          // may call respond/send_request/...
//     write s.take_output() (if not empty)
//     arm a timer at s.next_deadline() (if any)
//     on Closed: write what take_output() still returns, then close the socket.
//   socket EOF/error -> s.close(), drain events (one Closed listing what is outstanding).
//
// What the session answers by itself (the host never sees these as requests):
//   enquire_link            -> enquire_link_resp, in every state but closed (the peer's
//                              enquire_link before bind is answered too, smpp-notes §11.1)
//   unbind                  -> unbind_resp once the host has answered every request it was
//                              given (acknowledge-after-commit must not be cut off; waits at
//                              most response_timeout), then Unbound{by_peer} and Closed
//   unknown command_id      -> generic_nack ESME_RINVCMDID (+ ProtocolError event)
//   request not allowed in this state or role (bind_state.cpp)
//                           -> its response with ESME_RINVBNDSTS (ESME_RALYBND for a bind
//                              when already bound), generic_nack when it has no response
//                              type (+ ProtocolError event); the session goes on
//   complete frame, body not decodable
//                           -> its response (or generic_nack) with the decode error's
//                              status (+ ProtocolError event); the session goes on
//   lost framing (command_length < 16 or > max_pdu_size)
//                           -> generic_nack ESME_RINVCMDLEN, then Closed{framing_lost}
//   a response for no outstanding request -> ProtocolError event, otherwise ignored
// Timers: enquire_link after enquire_link_interval without any PDU in or out, only while
// bound and only when the window has room (it takes a window slot); a request whose
// response is missing after response_timeout means a dead connection (SPEC §5):
// RequestTimedOut events, then Closed{response_timeout}. A bind_resp missing after
// bind_timeout gives Closed{bind_timeout}; the SMSC role likewise closes a connection that
// is not bound bind_timeout after construction (session_init_timer).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/bind_state.hpp"
#include "protocol/pdu.hpp"

namespace smppgw::smpp {

using Clock = std::chrono::steady_clock;

// Defaults follow smpp-notes §7 (typical timer values) and SPEC §5 (64 KiB frames).
inline constexpr std::uint32_t kDefaultWindow = 10;
inline constexpr std::chrono::milliseconds kDefaultResponseTimeout{10'000};
inline constexpr std::chrono::milliseconds kDefaultEnquireLinkInterval{30'000};
inline constexpr std::chrono::milliseconds kDefaultBindTimeout{10'000};
inline constexpr std::uint32_t kDefaultMaxPduSize = 64 * 1024;
inline constexpr std::uint8_t kInterfaceVersion34 = 0x34;

struct SessionConfig {
  Role role = Role::esme;
  // Most requests of ours outstanding at once, enquire_link included. At least 1.
  std::uint32_t window = kDefaultWindow;
  std::chrono::milliseconds response_timeout = kDefaultResponseTimeout;
  // Idle time (no PDU in or out) after which an enquire_link is sent; 0 disables it.
  std::chrono::milliseconds enquire_link_interval = kDefaultEnquireLinkInterval;
  // ESME: time for the bind_resp. SMSC: time from construction until the peer is bound.
  std::chrono::milliseconds bind_timeout = kDefaultBindTimeout;
  // Frames above this command_length mean lost framing (SPEC §5).
  std::uint32_t max_pdu_size = kDefaultMaxPduSize;
  // First sequence number we use (1..0x7FFFFFFF); tests set it near the wrap.
  std::uint32_t first_sequence_number = 1;
};

// ---- events (drained with next_event() after every input) ---------------------------

// SMSC: a peer asks to bind. Check the credentials, then accept_bind() or reject_bind().
struct BindRequested {
  BindType type;
  BindBody body;
  std::uint32_t sequence_number;
};

// ESME: the peer SMSC opened the connection and sent outbind; answer with bind().
struct OutbindReceived {
  Outbind body;
};

// The session is bound. ESME: a bind_resp OK arrived. SMSC: after accept_bind().
// peer_system_id is the other end's system_id (SMSC's from bind_resp; ESME's from bind).
// peer_interface_version: sc_interface_version TLV of the bind_resp (ESME) or the
// bind's interface_version (SMSC); nullopt when the bind_resp had none.
struct Bound {
  BindType type;
  std::string peer_system_id;
  std::optional<std::uint8_t> peer_interface_version;
};

// ESME: the bind was refused (bind_resp or generic_nack with this status). Closed follows.
struct BindFailed {
  std::uint32_t status;
};

// A request from the peer that the host handles. If needs_response, the host must answer
// it with respond() (after its store commit, in any order); alert_notification has no
// response (needs_response == false).
struct RequestReceived {
  Pdu pdu;
  bool needs_response;
};

// The response to a request the host sent with send_request(). pdu.command_status is the
// peer's status; pdu.body is the response body, or GenericNack when the peer answered with
// generic_nack. body_malformed: the response body could not be decoded (a ProtocolError
// event precedes this one); pdu.body is then the empty response body and the status is the
// one from the header.
struct ResponseReceived {
  Pdu pdu;
  CommandId request;
  std::uint64_t user_tag;
  bool body_malformed = false;
};

// A request of the host got no response within response_timeout. Informational: Closed
// follows in the same drain and lists this request again among `outstanding`.
struct RequestTimedOut {
  std::uint32_t sequence_number;
  CommandId request;
  std::uint64_t user_tag;
};

// The bind ended by unbind: by_peer (the peer sent unbind and we answered) or ours
// (our unbind got its unbind_resp). Closed{unbound} follows.
struct Unbound {
  bool by_peer;
};

// A request of the host (from send_request) that has no response yet.
struct OutstandingRequest {
  std::uint32_t sequence_number;
  CommandId request;
  std::uint64_t user_tag;
  friend bool operator==(const OutstandingRequest&, const OutstandingRequest&) = default;
};

enum class CloseReason : std::uint8_t {
  framing_lost,        // command_length < 16 or > max_pdu_size; generic_nack sent
  response_timeout,    // a response (enquire_link's, unbind's or the host's) is missing
  bind_timeout,        // not bound within bind_timeout
  bind_failed,         // ESME: bind refused; SMSC: the host called reject_bind()
  unbound,             // unbind exchanged, either way
  protocol_violation,  // e.g. a bind_resp of another bind type than the bind we sent
  closed_by_host,      // close() was called (socket closed or shutting down)
};
const char* to_string(CloseReason reason);

// The last event of a session. Write the remaining output, then close the socket.
// `outstanding` lists every request of the host still without a response (sent with
// send_request, in send order): re-queue their user_tags — their fate is unknown.
struct Closed {
  CloseReason reason;
  std::string detail;
  std::vector<OutstandingRequest> outstanding;
};

// Informational, for logs: the peer sent something wrong that the session answered
// (status_sent is the status of the response or generic_nack sent, if any) or ignored.
// The session goes on.
struct ProtocolError {
  std::uint32_t command_id;
  std::uint32_t sequence_number;
  std::optional<std::uint32_t> status_sent;
  std::string detail;
};

using Event = std::variant<BindRequested, OutbindReceived, Bound, BindFailed, RequestReceived,
                           ResponseReceived, RequestTimedOut, Unbound, Closed, ProtocolError>;

// ---- host errors (our misuse or a full window; never network input) ----------------

enum class SendError : std::uint8_t {
  window_full,      // in_flight() == window; wait for a response to free a slot
  not_allowed,      // the role may not send this command in this state (bind_state.cpp),
                    // or it is a response / bind / unbind (use respond/bind/unbind)
  encode_failed,    // the body violates a field limit; nothing was sent
  closed,           // the session is closed
  unknown_request,  // respond()/accept_bind()/reject_bind(): nothing awaits an answer with
                    // this sequence number (and command)
  wrong_response,   // respond(): the body is not the response type of the request
};
const char* to_string(SendError error);

class Session {
 public:
  // `now` starts the SMSC's bind timer and the idle clock.
  Session(SessionConfig config, Clock::time_point now);

  // ---- inputs ----

  // Bytes read from the socket, in any chunking. PDUs are handled strictly in order: a
  // bind_resp switches the state before the next PDU of the same read (smpp-notes §11.1).
  // After Closed, further bytes are ignored.
  void receive(std::span<const std::uint8_t> bytes, Clock::time_point now);

  // Zero-copy alternative to receive() (added after the first version; receive() stays):
  // read the socket straight into prepare(n), a writable area of at least n octets, then
  // commit(bytes_read, now), which handles them exactly like receive().
  std::span<std::uint8_t> prepare(std::size_t min_size);
  void commit(std::size_t bytes_read, Clock::time_point now);

  // Timers: response deadlines, bind timeout, enquire_link, delayed unbind_resp. Call at
  // (or after) next_deadline(); calling it early does nothing harmful.
  void advance(Clock::time_point now);

  // ESME: send bind_transmitter/receiver/transceiver (state open). Returns its sequence
  // number. The outcome arrives as Bound, or BindFailed + Closed, or Closed{bind_timeout}.
  tl::expected<std::uint32_t, SendError> bind(BindType type, const BindBody& body,
                                              Clock::time_point now);

  // Send a request allowed for our role in this state (submit_sm, deliver_sm, data_sm,
  // query_sm, ...; also enquire_link, outbind, alert_notification). Requests with a
  // response take a window slot until the response or Closed; their ResponseReceived
  // carries `user_tag`. Returns the sequence number used.
  tl::expected<std::uint32_t, SendError> send_request(Body body, Clock::time_point now,
                                                      std::uint64_t user_tag);

  // Answer a RequestReceived (needs_response) by its sequence number and command. `resp`
  // must be the request's response type (e.g. DeliverSmResp for deliver_sm); the second
  // form sends the empty response body. Allowed in any state but closed and in any order.
  tl::expected<void, SendError> respond(std::uint32_t sequence_number, CommandId request,
                                        std::uint32_t status, Body resp);
  tl::expected<void, SendError> respond(std::uint32_t sequence_number, CommandId request,
                                        std::uint32_t status);

  // SMSC: answer the pending BindRequested. accept_bind sends bind_*_resp OK with our
  // system_id and sc_interface_version 0x34, then emits Bound. reject_bind sends the
  // bind_*_resp with `status` (e.g. status::inv_paswd), then emits Closed{bind_failed}.
  // Errors: not_allowed (ESME role, or reject with ESME_ROK), unknown_request (no bind
  // pending with this sequence number), encode_failed (system_id over 15 characters).
  tl::expected<void, SendError> accept_bind(std::uint32_t sequence_number,
                                            const std::string& system_id);
  tl::expected<void, SendError> reject_bind(std::uint32_t sequence_number, std::uint32_t status);

  // Send unbind (any bound state). Unbound + Closed{unbound} follow its unbind_resp, or
  // Closed{response_timeout} if it does not come. In flight requests may still complete.
  tl::expected<void, SendError> unbind(Clock::time_point now);

  // The connection is gone or the host stops: emits Closed{closed_by_host} listing the
  // outstanding requests (no-op when already closed). Queued output stays readable.
  // While our unbind waits for its answer, a closed connection counts as the unbind done
  // (peers hang up right after unbind_resp, smpp-notes §11.6): Unbound + Closed{unbound}.
  void close();

  // ---- outputs ----

  std::optional<Event> next_event();
  // Bytes to write, in order. The first form moves them out; the second appends them to
  // `out`. Either way the session's buffer is empty afterwards.
  Bytes take_output();
  void take_output(Bytes& out);
  bool has_output() const;
  // When advance() must be called next; nullopt when no timer runs (e.g. closed).
  std::optional<Clock::time_point> next_deadline() const;

  BindState state() const;
  Role role() const;
  std::optional<BindType> bind_type() const;  // set once a bind is under way
  bool is_bound() const;
  // Our requests without response (the host's and the session's own), free window slots.
  std::size_t in_flight() const;
  std::size_t window_free() const;
  // Peer requests handed to the host (RequestReceived) and not yet answered by respond().
  std::size_t unanswered() const;

  // Move-only (the state lives behind a pointer so this header stays small and stable).
  // A moved-from Session may only be assigned to or destroyed.
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smppgw::smpp
