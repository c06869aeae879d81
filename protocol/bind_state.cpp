// The allowed-PDU table of smpp-notes §7, one table per role, read top to bottom. A row
// says: this role may send (or receive) this request in these states; anything not listed
// is refused (the session answers a refused request with ESME_RINVBNDSTS or generic_nack).
// Responses are not listed: one is valid whenever it answers an outstanding request.
#include "protocol/bind_state.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace smppgw::smpp {
namespace {

using StateSet = std::uint16_t;

constexpr StateSet in(BindState s) {
  return static_cast<StateSet>(1u << static_cast<unsigned>(s));
}

constexpr StateSet kOpen = in(BindState::open);
constexpr StateSet kTransmit = in(BindState::bound_tx) | in(BindState::bound_trx);
constexpr StateSet kReceive = in(BindState::bound_rx) | in(BindState::bound_trx);
constexpr StateSet kBound = kTransmit | kReceive;
// Every state with a live connection. The peer's enquire_link is answered in all of them,
// before bind too (SMPP 5.0 allows it and peers do it; smpp-notes §11.1).
constexpr StateSet kConnected =
    kOpen | in(BindState::binding) | kBound | in(BindState::unbinding) | in(BindState::unbound);
// Both ends sent unbind at once: the peer's unbind is still answered while ours waits.
constexpr StateSet kBoundOrUnbinding = kBound | in(BindState::unbinding);

constexpr Direction send = Direction::send;
constexpr Direction receive = Direction::receive;

struct Rule {
  CommandId command;
  Direction direction;
  StateSet states;
};

// clang-format off
// ESME role: our links to carriers, smppgw-sim's esme mode.
constexpr Rule kEsmeTable[] = {
    // command                        direction  allowed in
    {CommandId::bind_transmitter,     send,      kOpen},
    {CommandId::bind_receiver,        send,      kOpen},  // also the answer to an outbind
    {CommandId::bind_transceiver,     send,      kOpen},
    {CommandId::outbind,              receive,   kOpen},
    {CommandId::submit_sm,            send,      kTransmit},
    {CommandId::submit_multi,         send,      kTransmit},
    {CommandId::query_sm,             send,      kTransmit},
    {CommandId::cancel_sm,            send,      kTransmit},
    {CommandId::replace_sm,           send,      kTransmit},
    {CommandId::data_sm,              send,      kTransmit},
    {CommandId::data_sm,              receive,   kReceive},
    {CommandId::deliver_sm,           receive,   kReceive},
    {CommandId::alert_notification,   receive,   kReceive},
    {CommandId::enquire_link,         send,      kBound},
    {CommandId::enquire_link,         receive,   kConnected},
    {CommandId::unbind,               send,      kBound},
    {CommandId::unbind,               receive,   kBoundOrUnbinding},
};

// SMSC role: our listener for carriers that bind to us, smppgw-sim's smsc mode.
constexpr Rule kSmscTable[] = {
    // command                        direction  allowed in
    {CommandId::bind_transmitter,     receive,   kOpen},
    {CommandId::bind_receiver,        receive,   kOpen},
    {CommandId::bind_transceiver,     receive,   kOpen},
    {CommandId::outbind,              send,      kOpen},
    {CommandId::submit_sm,            receive,   kTransmit},
    {CommandId::submit_multi,         receive,   kTransmit},
    {CommandId::query_sm,             receive,   kTransmit},
    {CommandId::cancel_sm,            receive,   kTransmit},
    {CommandId::replace_sm,           receive,   kTransmit},
    {CommandId::data_sm,              receive,   kTransmit},
    {CommandId::data_sm,              send,      kReceive},
    {CommandId::deliver_sm,           send,      kReceive},
    {CommandId::alert_notification,   send,      kReceive},
    {CommandId::enquire_link,         send,      kBound},
    {CommandId::enquire_link,         receive,   kConnected},
    {CommandId::unbind,               send,      kBound},
    {CommandId::unbind,               receive,   kBoundOrUnbinding},
};
// clang-format on

// The SMPP 3.4 requests (smpp-notes §2).
constexpr std::array kRequests = {
    CommandId::bind_receiver,      CommandId::bind_transmitter,
    CommandId::query_sm,           CommandId::submit_sm,
    CommandId::deliver_sm,         CommandId::unbind,
    CommandId::replace_sm,         CommandId::cancel_sm,
    CommandId::bind_transceiver,   CommandId::outbind,
    CommandId::enquire_link,       CommandId::submit_multi,
    CommandId::alert_notification, CommandId::data_sm,
};

}  // namespace

bool request_allowed(Role role, BindState state, Direction direction, CommandId command) {
  const auto table =
      role == Role::esme ? std::span<const Rule>(kEsmeTable) : std::span<const Rule>(kSmscTable);
  for (const Rule& rule : table) {
    if (rule.command == command && rule.direction == direction) {
      return (rule.states & in(state)) != 0;
    }
  }
  return false;
}

bool is_known_request(std::uint32_t command_id) {
  return std::any_of(kRequests.begin(), kRequests.end(), [command_id](CommandId c) {
    return static_cast<std::uint32_t>(c) == command_id;
  });
}

std::optional<CommandId> response_of(CommandId request) {
  if (request == CommandId::outbind || request == CommandId::alert_notification ||
      !is_known_request(static_cast<std::uint32_t>(request))) {
    return std::nullopt;
  }
  return static_cast<CommandId>(static_cast<std::uint32_t>(request) | kResponseBit);
}

BindState bound_state(BindType type) {
  switch (type) {
    case BindType::transmitter:
      return BindState::bound_tx;
    case BindType::receiver:
      return BindState::bound_rx;
    case BindType::transceiver:
      return BindState::bound_trx;
  }
  return BindState::closed;
}

std::optional<BindType> bind_type_of(CommandId bind_request) {
  switch (bind_request) {
    case CommandId::bind_transmitter:
      return BindType::transmitter;
    case CommandId::bind_receiver:
      return BindType::receiver;
    case CommandId::bind_transceiver:
      return BindType::transceiver;
    default:
      return std::nullopt;
  }
}

CommandId bind_command(BindType type) {
  switch (type) {
    case BindType::transmitter:
      return CommandId::bind_transmitter;
    case BindType::receiver:
      return CommandId::bind_receiver;
    case BindType::transceiver:
      return CommandId::bind_transceiver;
  }
  return CommandId::bind_transceiver;
}

bool is_bound(BindState state) {
  return (kBound & in(state)) != 0;
}

const char* to_string(Role role) {
  return role == Role::esme ? "esme" : "smsc";
}

const char* to_string(BindType type) {
  switch (type) {
    case BindType::transmitter:
      return "transmitter";
    case BindType::receiver:
      return "receiver";
    case BindType::transceiver:
      return "transceiver";
  }
  return "?";
}

const char* to_string(BindState state) {
  switch (state) {
    case BindState::open:
      return "open";
    case BindState::binding:
      return "binding";
    case BindState::bound_tx:
      return "bound_tx";
    case BindState::bound_rx:
      return "bound_rx";
    case BindState::bound_trx:
      return "bound_trx";
    case BindState::unbinding:
      return "unbinding";
    case BindState::unbound:
      return "unbound";
    case BindState::closed:
      return "closed";
  }
  return "?";
}

}  // namespace smppgw::smpp
