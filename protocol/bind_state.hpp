// SMPP 3.4 bind states and the allowed-PDU table: which requests each role may send and
// receive in each state (smpp-notes §7). The session (session.hpp) consults it for every
// PDU in and out; the table itself is written once, per role, in bind_state.cpp.
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/pdu.hpp"

namespace smppgw::smpp {

// Which end of the bind we are. ESME: our links to carriers, smppgw-sim's esme mode.
// SMSC: our listener for carriers that bind to us, smppgw-sim's smsc mode.
enum class Role : std::uint8_t { esme, smsc };

enum class BindType : std::uint8_t { transmitter, receiver, transceiver };

// The session's states. smpp-notes §7 names OPEN, BOUND_TX/RX/TRX, UNBOUND and CLOSED;
// `binding` and `unbinding` make the waits between request and response explicit.
enum class BindState : std::uint8_t {
  open,       // connected, no bind yet (SMSC: also after an outbind it sent)
  binding,    // ESME: bind sent, bind_resp awaited. SMSC: bind received, host deciding
  bound_tx,   // bound as transmitter
  bound_rx,   // bound as receiver
  bound_trx,  // bound as transceiver
  unbinding,  // we sent unbind, unbind_resp awaited
  unbound,    // unbind received from the peer (unbind_resp sent or about to be)
  closed,     // finished: nothing more is read or written
};
inline constexpr std::size_t kBindStateCount = 8;

enum class Direction : std::uint8_t { send, receive };

// May `role` send (or receive) the request `command` in `state`? Only requests are in the
// table: a response is always allowed when it answers an outstanding request, and
// generic_nack in any state. Unknown command ids are never allowed.
bool request_allowed(Role role, BindState state, Direction direction, CommandId command);

// The response command of a request, or nullopt for a request without one (outbind,
// alert_notification) and for anything that is not a 3.4 request.
std::optional<CommandId> response_of(CommandId request);

// Is `command_id` one of the SMPP 3.4 request ids of smpp-notes §2?
bool is_known_request(std::uint32_t command_id);

// The bound state a successful bind of `type` leads to, and back.
BindState bound_state(BindType type);
std::optional<BindType> bind_type_of(CommandId bind_request);  // nullopt: not a bind
CommandId bind_command(BindType type);
bool is_bound(BindState state);

const char* to_string(Role role);
const char* to_string(BindType type);
const char* to_string(BindState state);

}  // namespace smppgw::smpp
