// The sans-I/O session (protocol/session.cpp) driven with byte vectors and a fake clock, in
// both roles: the allowed-PDU table as the session applies it (every request in every
// state), bind, window, deadlines, enquire_link, sequence wrap, unbind, bad input.
#include "protocol/session.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "protocol/codec.hpp"
#include "protocol/framer.hpp"

namespace smppgw::smpp {
namespace {

using namespace std::chrono_literals;
using C = CommandId;

// A fixed, arbitrary origin: the session never reads the clock itself.
const Clock::time_point t0 = Clock::time_point{} + 1000h;

Bytes hex_bytes(const std::string& hex) {
  Bytes out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Bytes wire(const Pdu& pdu) {
  Bytes out;
  const auto encoded = encode(pdu, out);
  EXPECT_TRUE(encoded.has_value()) << encoded.error().message;
  return out;
}

Bytes wire(std::uint32_t status, std::uint32_t seq, Body body) {
  return wire(Pdu{status, seq, std::move(body)});
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// What the session wrote, decoded.
std::vector<Pdu> written(Session& s) {
  const Bytes out = s.take_output();
  Framer framer;
  framer.feed(out);
  std::vector<Pdu> pdus;
  while (true) {
    auto frame = framer.next();
    EXPECT_TRUE(frame.has_value());
    if (!frame || !*frame) break;
    auto pdu = decode(**frame);
    EXPECT_TRUE(pdu.has_value()) << pdu.error().message;
    if (pdu) pdus.push_back(*pdu);
  }
  EXPECT_EQ(framer.buffered(), 0u);
  return pdus;
}

std::vector<Event> drain(Session& s) {
  std::vector<Event> events;
  while (auto e = s.next_event()) events.push_back(std::move(*e));
  return events;
}

C command_of(const Pdu& pdu) {
  return command_id_of(pdu.body);
}

template <typename T>
const T* find_event(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (const T* t = std::get_if<T>(&e)) return t;
  }
  return nullptr;
}

template <typename T>
std::size_t count_events(const std::vector<Event>& events) {
  std::size_t n = 0;
  for (const Event& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

SessionConfig esme_config() {
  SessionConfig c;
  c.role = Role::esme;
  c.window = 3;
  c.response_timeout = 5s;
  c.enquire_link_interval = 30s;
  c.bind_timeout = 10s;
  return c;
}

SessionConfig smsc_config() {
  SessionConfig c = esme_config();
  c.role = Role::smsc;
  return c;
}

BindBody esme_credentials() {
  BindBody b;
  b.system_id = "esme1";
  b.password = "pw";
  return b;
}

Body bind_resp_body(BindType type, const std::string& system_id) {
  BindRespBody r;
  r.system_id = system_id;
  r.tlvs.sc_interface_version = 0x34;
  switch (type) {
    case BindType::transmitter:
      return BindTransmitterResp{r};
    case BindType::receiver:
      return BindReceiverResp{r};
    case BindType::transceiver:
      break;
  }
  return BindTransceiverResp{r};
}

SubmitSm sample_submit() {
  SubmitSm sm;
  sm.source = {5, 0, "Test"};
  sm.destination = {1, 1, "447700900123"};
  sm.short_message = {'H', 'e', 'l', 'l', 'o'};
  return sm;
}

DeliverSm sample_deliver() {
  DeliverSm sm;
  sm.source = {1, 1, "447700900123"};
  sm.destination = {0, 0, "12345"};
  sm.short_message = {'S', 'T', 'O', 'P'};
  return sm;
}

// A valid request body for every SMPP 3.4 request.
Body sample_request(C command) {
  switch (command) {
    case C::bind_transmitter:
      return BindTransmitter{esme_credentials()};
    case C::bind_receiver:
      return BindReceiver{esme_credentials()};
    case C::bind_transceiver:
      return BindTransceiver{esme_credentials()};
    case C::outbind:
      return Outbind{"smsc", "pw"};
    case C::submit_sm:
      return sample_submit();
    case C::deliver_sm:
      return sample_deliver();
    case C::data_sm: {
      DataSm d;
      d.source = {1, 1, "447700900123"};
      d.destination = {0, 0, "12345"};
      d.tlvs.message_payload = Bytes{'h', 'i'};
      return d;
    }
    case C::submit_multi: {
      SubmitMulti m;
      m.source = {5, 0, "Test"};
      m.destinations.push_back(MultiDestination{1, {1, 1, "447700900123"}, ""});
      m.short_message = {'h', 'i'};
      return m;
    }
    case C::query_sm:
      return QuerySm{"5F2A01", {5, 0, "Test"}};
    case C::cancel_sm:
      return CancelSm{"", "5F2A01", {5, 0, "Test"}, {1, 1, "447700900123"}};
    case C::replace_sm: {
      ReplaceSm r;
      r.message_id = "5F2A01";
      r.source = {5, 0, "Test"};
      r.short_message = {'h', 'i'};
      return r;
    }
    case C::alert_notification:
      return AlertNotification{{1, 1, "447700900123"}, {0, 0, "12345"}, {}};
    case C::unbind:
      return Unbind{};
    case C::enquire_link:
      return EnquireLink{};
    default:
      break;
  }
  ADD_FAILURE() << "no sample for " << static_cast<std::uint32_t>(command);
  return GenericNack{};
}

constexpr std::array kAllRequests = {
    C::bind_receiver,      C::bind_transmitter, C::query_sm,     C::submit_sm,
    C::deliver_sm,         C::unbind,           C::replace_sm,   C::cancel_sm,
    C::bind_transceiver,   C::outbind,          C::enquire_link, C::submit_multi,
    C::alert_notification, C::data_sm};

// ---- session builders (each checks the way there) --------------------------------

// ESME bound as `type` at t0; the bind used sequence number 1.
Session bound_esme(BindType type, SessionConfig config = esme_config()) {
  Session s(config, t0);
  const auto seq = s.bind(type, esme_credentials(), t0);
  EXPECT_TRUE(seq.has_value());
  s.take_output();
  s.receive(wire(status::ok, *seq, bind_resp_body(type, "SMSC")), t0);
  const auto events = drain(s);
  EXPECT_NE(find_event<Bound>(events), nullptr);
  EXPECT_EQ(s.state(), bound_state(type));
  return s;
}

// SMSC whose peer bound as `type` at t0 with sequence number 1.
Session bound_smsc(BindType type, SessionConfig config = smsc_config()) {
  Session s(config, t0);
  s.receive(wire(status::ok, 1, sample_request(bind_command(type))), t0);
  const auto events = drain(s);
  const auto* requested = find_event<BindRequested>(events);
  EXPECT_NE(requested, nullptr);
  EXPECT_TRUE(s.accept_bind(1, "smppgw").has_value());
  s.take_output();
  drain(s);
  EXPECT_EQ(s.state(), bound_state(type));
  return s;
}

// A session of `role` brought into `state`.
Session in_state(Role role, BindState state) {
  const SessionConfig config = role == Role::esme ? esme_config() : smsc_config();
  switch (state) {
    case BindState::open:
      return Session(config, t0);
    case BindState::binding: {
      Session s(config, t0);
      if (role == Role::esme) {
        EXPECT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
      } else {
        s.receive(wire(status::ok, 1, sample_request(C::bind_transceiver)), t0);
      }
      s.take_output();
      drain(s);
      EXPECT_EQ(s.state(), BindState::binding);
      return s;
    }
    case BindState::bound_tx:
    case BindState::bound_rx:
    case BindState::bound_trx: {
      const BindType type = state == BindState::bound_tx   ? BindType::transmitter
                            : state == BindState::bound_rx ? BindType::receiver
                                                           : BindType::transceiver;
      return role == Role::esme ? bound_esme(type) : bound_smsc(type);
    }
    case BindState::unbinding: {
      Session s = role == Role::esme ? bound_esme(BindType::transceiver)
                                     : bound_smsc(BindType::transceiver);
      EXPECT_TRUE(s.unbind(t0));
      s.take_output();
      EXPECT_EQ(s.state(), BindState::unbinding);
      return s;
    }
    case BindState::unbound: {
      // The peer unbinds while the host still holds one of its requests: unbind_resp waits.
      Session s = role == Role::esme ? bound_esme(BindType::transceiver)
                                     : bound_smsc(BindType::transceiver);
      s.receive(
          wire(status::ok, 500, sample_request(role == Role::esme ? C::deliver_sm : C::submit_sm)),
          t0);
      s.receive(wire(status::ok, 501, Unbind{}), t0);
      EXPECT_TRUE(written(s).empty());
      drain(s);
      EXPECT_EQ(s.state(), BindState::unbound);
      return s;
    }
    case BindState::closed: {
      Session s(config, t0);
      s.close();
      drain(s);
      return s;
    }
  }
  return Session(config, t0);
}

// ---- the allowed-PDU table as the session applies it -------------------------------

// Every 3.4 request, received in every state, by both roles: an allowed one reaches the host
// (or is answered by the session as it should be), a refused one is answered with its
// response carrying ESME_RINVBNDSTS (ESME_RALYBND for a bind when bound), or generic_nack
// when it has no response, and the session stays where it was.
TEST(SessionStateTable, EveryRequestInEveryStateBothRoles) {
  for (Role role : {Role::esme, Role::smsc}) {
    for (BindState state :
         {BindState::open, BindState::binding, BindState::bound_tx, BindState::bound_rx,
          BindState::bound_trx, BindState::unbinding, BindState::unbound, BindState::closed}) {
      for (C command : kAllRequests) {
        SCOPED_TRACE(std::string(to_string(role)) + " in " + to_string(state) + " receives " +
                     command_name(static_cast<std::uint32_t>(command)));
        Session s = in_state(role, state);
        constexpr std::uint32_t seq = 77;
        s.receive(wire(status::ok, seq, sample_request(command)), t0 + 1s);
        const auto out = written(s);
        const auto events = drain(s);

        if (state == BindState::closed) {
          EXPECT_TRUE(out.empty());
          EXPECT_TRUE(events.empty());
          continue;
        }
        const bool allowed = request_allowed(role, state, Direction::receive, command);
        if (!allowed) {
          ASSERT_EQ(out.size(), 1u);
          const Pdu& answer = out[0];
          EXPECT_EQ(answer.sequence_number, seq);
          const auto resp = response_of(command);
          EXPECT_EQ(command_of(answer), resp ? *resp : C::generic_nack);
          const bool already = bind_type_of(command) && is_bound(state);
          EXPECT_EQ(answer.command_status, already ? status::already_bound : status::inv_bnd_sts);
          ASSERT_EQ(events.size(), 1u);
          ASSERT_TRUE(std::holds_alternative<ProtocolError>(events[0]));
          EXPECT_EQ(std::get<ProtocolError>(events[0]).status_sent, answer.command_status);
          EXPECT_EQ(s.state(), state);
          continue;
        }
        switch (command) {
          case C::enquire_link:
            ASSERT_EQ(out.size(), 1u);
            EXPECT_EQ(command_of(out[0]), C::enquire_link_resp);
            EXPECT_EQ(out[0].sequence_number, seq);
            EXPECT_EQ(out[0].command_status, status::ok);
            EXPECT_TRUE(events.empty());
            EXPECT_EQ(s.state(), state);
            break;
          case C::unbind:
            ASSERT_EQ(out.size(), 1u);
            EXPECT_EQ(command_of(out[0]), C::unbind_resp);
            EXPECT_EQ(out[0].sequence_number, seq);
            if (state == BindState::unbinding) {
              EXPECT_TRUE(events.empty());  // still waiting for the answer to our unbind
              EXPECT_EQ(s.state(), BindState::unbinding);
            } else {
              ASSERT_EQ(events.size(), 2u);
              EXPECT_TRUE(std::get<Unbound>(events[0]).by_peer);
              EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::unbound);
            }
            break;
          case C::bind_transmitter:
          case C::bind_receiver:
          case C::bind_transceiver: {
            EXPECT_TRUE(out.empty());
            ASSERT_EQ(events.size(), 1u);
            const auto& requested = std::get<BindRequested>(events[0]);
            EXPECT_EQ(requested.type, *bind_type_of(command));
            EXPECT_EQ(requested.body, esme_credentials());
            EXPECT_EQ(requested.sequence_number, seq);
            EXPECT_EQ(s.state(), BindState::binding);
            break;
          }
          case C::outbind:
            EXPECT_TRUE(out.empty());
            ASSERT_EQ(events.size(), 1u);
            EXPECT_EQ(std::get<OutbindReceived>(events[0]).body.system_id, "smsc");
            break;
          default: {
            EXPECT_TRUE(out.empty());
            ASSERT_EQ(events.size(), 1u);
            const auto& received = std::get<RequestReceived>(events[0]);
            EXPECT_EQ(received.pdu.sequence_number, seq);
            EXPECT_EQ(received.pdu.body, sample_request(command));
            EXPECT_EQ(received.needs_response, command != C::alert_notification);
            EXPECT_EQ(s.state(), state);
            break;
          }
        }
      }
    }
  }
}

// Every request the host might send, in every state, both roles: allowed ones go out with a
// fresh sequence number, the others are refused and write nothing.
TEST(SessionStateTable, SendRequestFollowsTheTable) {
  for (Role role : {Role::esme, Role::smsc}) {
    for (BindState state :
         {BindState::open, BindState::binding, BindState::bound_tx, BindState::bound_rx,
          BindState::bound_trx, BindState::unbinding, BindState::unbound, BindState::closed}) {
      for (C command : kAllRequests) {
        SCOPED_TRACE(std::string(to_string(role)) + " in " + to_string(state) + " sends " +
                     command_name(static_cast<std::uint32_t>(command)));
        Session s = in_state(role, state);
        const auto sent = s.send_request(sample_request(command), t0 + 1s, 42);
        const auto out = written(s);
        const bool via_session = bind_type_of(command) || command == C::unbind;
        if (state == BindState::closed) {
          ASSERT_FALSE(sent);
          EXPECT_EQ(sent.error(), SendError::closed);
        } else if (via_session || !request_allowed(role, state, Direction::send, command)) {
          ASSERT_FALSE(sent);
          EXPECT_EQ(sent.error(), SendError::not_allowed);
          EXPECT_TRUE(out.empty());
        } else {
          ASSERT_TRUE(sent);
          ASSERT_EQ(out.size(), 1u);
          EXPECT_EQ(command_of(out[0]), command);
          EXPECT_EQ(out[0].sequence_number, *sent);
          // Only requests with a response take a window slot.
          EXPECT_EQ(s.in_flight() > 0, response_of(command).has_value());
        }
      }
    }
  }
}

// ---- bind ------------------------------------------------------------------------------

TEST(SessionBind, EsmeBindGoldenBytesAndBound) {
  Session s(esme_config(), t0);
  EXPECT_EQ(s.state(), BindState::open);
  const auto seq = s.bind(BindType::transceiver, esme_credentials(), t0);
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 1u);
  // smpp-notes §12: bind_transceiver "esme1"/"pw", seq 1.
  EXPECT_EQ(s.take_output(),
            hex_bytes("0000001E 00000009 00000000 00000001 65736D65 31007077 00003400 0000"));
  EXPECT_EQ(s.state(), BindState::binding);
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(s.bind(BindType::transceiver, esme_credentials(), t0).error(), SendError::not_allowed);

  // smpp-notes §12: bind_transceiver_resp "SMSC" + sc_interface_version 0x34.
  s.receive(hex_bytes("0000001A 80000009 00000000 00000001 534D5343 00021000 0134"), t0 + 1s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& bound = std::get<Bound>(events[0]);
  EXPECT_EQ(bound.type, BindType::transceiver);
  EXPECT_EQ(bound.peer_system_id, "SMSC");
  EXPECT_EQ(bound.peer_interface_version, 0x34);
  EXPECT_EQ(s.state(), BindState::bound_trx);
  EXPECT_EQ(s.bind_type(), BindType::transceiver);
  EXPECT_TRUE(s.is_bound());
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_EQ(s.next_deadline(), t0 + 1s + 30s);  // enquire_link clock starts at bind_resp
}

TEST(SessionBind, EsmeBindRefusedClosesWithStatus) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::transmitter, esme_credentials(), t0));
  s.take_output();
  // A refusal without body (3.4) is the usual shape.
  s.receive(hex_bytes("00000010 80000002 0000000E 00000001"), t0 + 1s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<BindFailed>(events[0]).status, status::inv_paswd);
  EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::bind_failed);
  EXPECT_TRUE(std::get<Closed>(events[1]).outstanding.empty());
  EXPECT_EQ(s.state(), BindState::closed);
  EXPECT_FALSE(s.next_deadline());
}

TEST(SessionBind, EsmeBindAnsweredWithGenericNackFails) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::receiver, esme_credentials(), t0));
  s.take_output();
  s.receive(hex_bytes("00000010 80000000 00000003 00000001"), t0 + 1s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<BindFailed>(events[0]).status, status::inv_cmd_id);
  EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::bind_failed);
}

TEST(SessionBind, EsmeBindTimeout) {
  Session s(esme_config(), t0);
  EXPECT_FALSE(s.next_deadline());  // nothing runs before bind
  ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
  ASSERT_EQ(s.next_deadline(), t0 + 10s);
  s.advance(t0 + 10s - 1ms);
  EXPECT_TRUE(drain(s).empty());
  s.advance(t0 + 10s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::bind_timeout);
  EXPECT_EQ(s.state(), BindState::closed);
}

TEST(SessionBind, EsmeBindRespOfAnotherTypeIsAViolation) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
  s.take_output();
  s.receive(wire(status::ok, 1, bind_resp_body(BindType::receiver, "SMSC")), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::protocol_violation);
}

// smpp-notes §11.1: the SMSC flushes a stored MO right behind the bind_resp.
TEST(SessionBind, BindRespAndDeliverSmInOneRead) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::receiver, esme_credentials(), t0));
  s.take_output();
  const Bytes read = concat(wire(status::ok, 1, bind_resp_body(BindType::receiver, "SMSC")),
                            wire(status::ok, 9, sample_deliver()));
  s.receive(read, t0);
  EXPECT_TRUE(written(s).empty());  // no ESME_RINVBNDSTS for the deliver_sm
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<Bound>(events[0]).type, BindType::receiver);
  const auto& mo = std::get<RequestReceived>(events[1]);
  EXPECT_EQ(mo.pdu.sequence_number, 9u);
  EXPECT_EQ(mo.pdu.body, Body{sample_deliver()});
  EXPECT_TRUE(mo.needs_response);
  EXPECT_EQ(s.unanswered(), 1u);
}

TEST(SessionBind, SameReadFedOneByteAtATime) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
  s.take_output();
  const Bytes read = concat(wire(status::ok, 1, bind_resp_body(BindType::transceiver, "SMSC")),
                            wire(status::ok, 9, sample_deliver()));
  std::vector<Event> events;
  for (std::uint8_t byte : read) {
    s.receive(std::span<const std::uint8_t>(&byte, 1), t0);
    for (auto& e : drain(s)) events.push_back(std::move(e));
  }
  EXPECT_TRUE(written(s).empty());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Bound>(events[0]));
  EXPECT_TRUE(std::holds_alternative<RequestReceived>(events[1]));
}

// Envoy's habit: the same bytes split at every point give the same events and output.
TEST(SessionBind, SameReadSplitAtEveryPoint) {
  const Bytes read = concat(concat(wire(status::ok, 1, bind_resp_body(BindType::transceiver, "S")),
                                   wire(status::ok, 9, sample_deliver())),
                            wire(status::ok, 10, EnquireLink{}));
  for (std::size_t split = 0; split <= read.size(); ++split) {
    SCOPED_TRACE("split at " + std::to_string(split));
    Session s(esme_config(), t0);
    ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
    s.take_output();
    const std::span<const std::uint8_t> all(read);
    s.receive(all.first(split), t0);
    s.receive(all.subspan(split), t0);
    const auto events = drain(s);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<Bound>(events[0]));
    EXPECT_EQ(std::get<RequestReceived>(events[1]).pdu.sequence_number, 9u);
    const auto out = written(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(command_of(out[0]), C::enquire_link_resp);
    EXPECT_EQ(out[0].sequence_number, 10u);
  }
}

TEST(SessionBind, SmscAcceptsBind) {
  Session s(smsc_config(), t0);
  s.receive(wire(status::ok, 3, sample_request(C::bind_transmitter)), t0 + 1s);
  auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto requested = std::get<BindRequested>(events[0]);
  EXPECT_EQ(requested.type, BindType::transmitter);
  EXPECT_EQ(requested.body.system_id, "esme1");
  EXPECT_EQ(requested.body.password, "pw");
  EXPECT_EQ(s.state(), BindState::binding);

  EXPECT_EQ(s.accept_bind(4, "smppgw").error(), SendError::unknown_request);
  ASSERT_TRUE(s.accept_bind(3, "smppgw"));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::bind_transmitter_resp);
  EXPECT_EQ(out[0].sequence_number, 3u);
  EXPECT_EQ(out[0].command_status, status::ok);
  const auto& resp = std::get<BindTransmitterResp>(out[0].body);
  EXPECT_EQ(resp.system_id, "smppgw");
  EXPECT_EQ(resp.tlvs.sc_interface_version, 0x34);
  events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Bound>(events[0]).peer_system_id, "esme1");
  EXPECT_EQ(s.state(), BindState::bound_tx);
  // The session_init timer is off once bound.
  s.advance(t0 + 11s);
  EXPECT_EQ(s.state(), BindState::bound_tx);
}

TEST(SessionBind, SmscRejectsBindAndCloses) {
  Session s(smsc_config(), t0);
  s.receive(wire(status::ok, 1, sample_request(C::bind_transceiver)), t0);
  drain(s);
  EXPECT_EQ(s.reject_bind(1, status::ok).error(), SendError::not_allowed);
  ASSERT_TRUE(s.reject_bind(1, status::inv_paswd));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::bind_transceiver_resp);
  EXPECT_EQ(out[0].command_status, status::inv_paswd);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::bind_failed);
}

TEST(SessionBind, SmscClosesAConnectionThatNeverBinds) {
  Session s(smsc_config(), t0);
  ASSERT_EQ(s.next_deadline(), t0 + 10s);
  // The peer's enquire_link before bind is answered but does not bind it.
  s.receive(wire(status::ok, 1, EnquireLink{}), t0 + 5s);
  EXPECT_EQ(command_of(written(s).at(0)), C::enquire_link_resp);
  s.advance(t0 + 10s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::bind_timeout);
}

TEST(SessionBind, EsmeAnswersOutbindWithBind) {
  Session s(esme_config(), t0);
  s.receive(wire(status::ok, 1, Outbind{"smsc", "secret"}), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<OutbindReceived>(events[0]).body.password, "secret");
  ASSERT_TRUE(s.bind(BindType::receiver, esme_credentials(), t0));
  EXPECT_EQ(command_of(written(s).at(0)), C::bind_receiver);
}

// ---- window and deadlines ----------------------------------------------------------------

TEST(SessionWindow, FullWindowRefusesAndResponsesFreeSlots) {
  Session s = bound_esme(BindType::transmitter);
  EXPECT_EQ(s.window_free(), 3u);
  const auto a = s.send_request(sample_submit(), t0, 101);
  const auto b = s.send_request(sample_submit(), t0, 102);
  const auto c = s.send_request(sample_submit(), t0, 103);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*b, *a + 1);
  EXPECT_EQ(*c, *b + 1);
  EXPECT_EQ(s.in_flight(), 3u);
  EXPECT_EQ(s.window_free(), 0u);
  const auto refused = s.send_request(sample_submit(), t0, 104);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), SendError::window_full);
  EXPECT_EQ(written(s).size(), 3u);  // the refused one wrote nothing

  // Responses out of order free their own slot and carry the request's tag.
  s.receive(wire(status::ok, *b, SubmitSmResp{"MSG-B", {}}), t0 + 1s);
  auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& resp = std::get<ResponseReceived>(events[0]);
  EXPECT_EQ(resp.user_tag, 102u);
  EXPECT_EQ(resp.request, C::submit_sm);
  EXPECT_EQ(std::get<SubmitSmResp>(resp.pdu.body).message_id, "MSG-B");
  EXPECT_FALSE(resp.body_malformed);
  EXPECT_EQ(s.in_flight(), 2u);
  EXPECT_EQ(s.window_free(), 1u);
  EXPECT_TRUE(s.send_request(sample_submit(), t0 + 1s, 104));
  EXPECT_EQ(s.window_free(), 0u);
}

TEST(SessionWindow, ErrorStatusResponseStillFreesTheSlot) {
  Session s = bound_esme(BindType::transceiver);
  const auto seq = s.send_request(sample_submit(), t0, 7);
  ASSERT_TRUE(seq);
  s.receive(wire(status::throttled, *seq, SubmitSmResp{}), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<ResponseReceived>(events[0]).pdu.command_status, status::throttled);
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(SessionWindow, GenericNackIsMatchedToItsRequest) {
  Session s = bound_esme(BindType::transceiver);
  const auto first = s.send_request(sample_submit(), t0, 1);
  const auto second = s.send_request(sample_submit(), t0, 2);
  ASSERT_TRUE(first && second);
  s.receive(wire(status::inv_cmd_len, *second, GenericNack{}), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& resp = std::get<ResponseReceived>(events[0]);
  EXPECT_EQ(resp.user_tag, 2u);
  EXPECT_EQ(resp.request, C::submit_sm);
  EXPECT_EQ(resp.pdu.command_status, status::inv_cmd_len);
  EXPECT_TRUE(std::holds_alternative<GenericNack>(resp.pdu.body));
  EXPECT_EQ(s.in_flight(), 1u);
}

TEST(SessionWindow, UnexpectedResponseIsReportedAndIgnored) {
  Session s = bound_esme(BindType::transceiver);
  const auto seq = s.send_request(sample_submit(), t0, 1);
  ASSERT_TRUE(seq);
  s.take_output();
  s.receive(wire(status::ok, *seq + 100, SubmitSmResp{"X", {}}), t0);  // unknown seq
  s.receive(wire(status::ok, *seq, DeliverSmResp{}), t0);              // right seq, wrong command
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ProtocolError>(events[0]));
  EXPECT_TRUE(std::holds_alternative<ProtocolError>(events[1]));
  EXPECT_FALSE(std::get<ProtocolError>(events[0]).status_sent);
  EXPECT_TRUE(written(s).empty());  // a response is never answered
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_TRUE(s.is_bound());
}

TEST(SessionWindow, MalformedResponseBodyCompletesTheRequest) {
  Session s = bound_esme(BindType::transceiver);
  const auto seq = s.send_request(sample_submit(), t0, 5);
  ASSERT_TRUE(seq);
  // submit_sm_resp whose message_id has no NUL.
  Bytes frame = hex_bytes("00000013 80000004 00000000");
  frame.push_back(static_cast<std::uint8_t>(*seq >> 24));
  frame.push_back(static_cast<std::uint8_t>(*seq >> 16));
  frame.push_back(static_cast<std::uint8_t>(*seq >> 8));
  frame.push_back(static_cast<std::uint8_t>(*seq));
  frame.insert(frame.end(), {'A', 'B', 'C'});
  s.receive(frame, t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ProtocolError>(events[0]));
  const auto& resp = std::get<ResponseReceived>(events[1]);
  EXPECT_TRUE(resp.body_malformed);
  EXPECT_EQ(resp.user_tag, 5u);
  EXPECT_TRUE(std::holds_alternative<SubmitSmResp>(resp.pdu.body));
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(SessionDeadline, MissingResponseClosesWithEveryOutstandingTag) {
  Session s = bound_esme(BindType::transmitter);
  const auto a = s.send_request(sample_submit(), t0, 11);
  const auto b = s.send_request(sample_submit(), t0, 12);
  const auto c = s.send_request(sample_submit(), t0 + 2s, 13);
  ASSERT_TRUE(a && b && c);
  s.receive(wire(status::ok, *a, SubmitSmResp{"A", {}}), t0 + 1s);
  drain(s);
  ASSERT_EQ(s.next_deadline(), t0 + 5s);  // b's response deadline
  s.advance(t0 + 5s - 1ms);
  EXPECT_TRUE(drain(s).empty());
  s.advance(t0 + 5s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  const auto& timed_out = std::get<RequestTimedOut>(events[0]);
  EXPECT_EQ(timed_out.sequence_number, *b);
  EXPECT_EQ(timed_out.user_tag, 12u);
  EXPECT_EQ(timed_out.request, C::submit_sm);
  const auto& closed = std::get<Closed>(events[1]);
  EXPECT_EQ(closed.reason, CloseReason::response_timeout);
  EXPECT_EQ(closed.outstanding,
            (std::vector<OutstandingRequest>{{*b, C::submit_sm, 12}, {*c, C::submit_sm, 13}}));
  EXPECT_EQ(s.state(), BindState::closed);
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_EQ(s.send_request(sample_submit(), t0 + 6s, 14).error(), SendError::closed);
  // Nothing is read after Closed.
  s.receive(wire(status::ok, *c, SubmitSmResp{"C", {}}), t0 + 6s);
  EXPECT_TRUE(drain(s).empty());
}

TEST(SessionDeadline, CloseListsOutstandingInSendOrder) {
  Session s = bound_esme(BindType::transceiver);
  ASSERT_TRUE(s.send_request(sample_submit(), t0, 31));
  ASSERT_TRUE(s.send_request(sample_submit(), t0, 32));
  s.close();
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& closed = std::get<Closed>(events[0]);
  EXPECT_EQ(closed.reason, CloseReason::closed_by_host);
  ASSERT_EQ(closed.outstanding.size(), 2u);
  EXPECT_EQ(closed.outstanding[0].user_tag, 31u);
  EXPECT_EQ(closed.outstanding[1].user_tag, 32u);
  s.close();  // idempotent
  EXPECT_TRUE(drain(s).empty());
}

// ---- enquire_link ------------------------------------------------------------------------

TEST(SessionEnquireLink, NeverBeforeBindResp) {
  Session s(esme_config(), t0);
  s.advance(t0 + 1h);
  EXPECT_TRUE(written(s).empty());
  ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0 + 1h));
  s.take_output();
  s.advance(t0 + 1h + 9s);  // bind_resp still awaited: no enquire_link
  EXPECT_TRUE(written(s).empty());
  EXPECT_EQ(s.next_deadline(), t0 + 1h + 10s);  // only the bind timeout runs
}

TEST(SessionEnquireLink, SentAfterIdleIntervalOnlyAndCountsInWindow) {
  Session s = bound_esme(BindType::transceiver);
  ASSERT_EQ(s.next_deadline(), t0 + 30s);
  // Traffic postpones it.
  s.receive(wire(status::ok, 40, sample_deliver()), t0 + 20s);
  drain(s);
  ASSERT_TRUE(s.respond(40, C::deliver_sm, status::ok));
  s.take_output();
  ASSERT_EQ(s.next_deadline(), t0 + 50s);
  s.advance(t0 + 49s);
  EXPECT_TRUE(written(s).empty());
  s.advance(t0 + 50s);
  auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::enquire_link);
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(s.window_free(), 2u);
  EXPECT_EQ(s.next_deadline(), t0 + 55s);  // its response deadline; no second enquire_link
  s.advance(t0 + 54s);
  EXPECT_TRUE(written(s).empty());

  s.receive(wire(status::ok, out[0].sequence_number, EnquireLinkResp{}), t0 + 51s);
  EXPECT_TRUE(drain(s).empty());  // the session's own request: no event
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_EQ(s.next_deadline(), t0 + 81s);
}

// An answer the host sends later (after its store commit) is traffic too: it counts at the
// latest time the session was given.
TEST(SessionEnquireLink, LateAnswerCountsAsActivity) {
  Session s = bound_esme(BindType::receiver);
  s.receive(wire(status::ok, 40, sample_deliver()), t0 + 20s);
  drain(s);
  s.advance(t0 + 25s);
  EXPECT_TRUE(written(s).empty());
  ASSERT_TRUE(s.respond(40, C::deliver_sm, status::ok));
  s.take_output();
  EXPECT_EQ(s.next_deadline(), t0 + 55s);
}

TEST(SessionEnquireLink, NotSentWhileWindowIsFull) {
  Session s = bound_esme(BindType::transceiver);
  SessionConfig c = esme_config();
  for (std::uint64_t tag = 0; tag < c.window; ++tag) {
    ASSERT_TRUE(s.send_request(sample_submit(), t0, tag));
  }
  s.take_output();
  EXPECT_EQ(s.next_deadline(), t0 + 5s);  // only the responses' deadline
}

TEST(SessionEnquireLink, MissingEnquireLinkRespClosesTheLink) {
  Session s = bound_esme(BindType::transceiver);
  s.advance(t0 + 30s);
  ASSERT_EQ(command_of(written(s).at(0)), C::enquire_link);
  s.advance(t0 + 35s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& closed = std::get<Closed>(events[0]);
  EXPECT_EQ(closed.reason, CloseReason::response_timeout);
  EXPECT_TRUE(closed.outstanding.empty());
}

TEST(SessionEnquireLink, SmscSendsToo) {
  Session s = bound_smsc(BindType::transceiver);
  s.advance(t0 + 30s);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::enquire_link);
}

// ---- sequence numbers --------------------------------------------------------------------

TEST(SessionSequence, WrapsFrom7FFFFFFFToOne) {
  SessionConfig c = esme_config();
  c.first_sequence_number = 0x7FFFFFFE;
  Session s = bound_esme(BindType::transmitter, c);  // the bind took 0x7FFFFFFE
  const auto a = s.send_request(sample_submit(), t0, 1);
  const auto b = s.send_request(sample_submit(), t0, 2);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 0x7FFFFFFFu);
  EXPECT_EQ(*b, 1u);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sequence_number, 0x7FFFFFFFu);
  EXPECT_EQ(out[1].sequence_number, 1u);
  s.receive(wire(status::ok, 1, SubmitSmResp{"B", {}}), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<ResponseReceived>(events[0]).user_tag, 2u);
}

TEST(SessionSequence, AnySequenceNumberAcceptedOnReceive) {
  Session s = bound_esme(BindType::receiver);
  for (std::uint32_t seq : {0u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu}) {
    s.receive(wire(status::ok, seq, sample_deliver()), t0);
    const auto events = drain(s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<RequestReceived>(events[0]).pdu.sequence_number, seq);
    ASSERT_TRUE(s.respond(seq, C::deliver_sm, status::ok));
    const auto out = written(s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].sequence_number, seq);
  }
}

// ---- respond -----------------------------------------------------------------------------

TEST(SessionRespond, OutOfOrderAnswers) {
  Session s = bound_esme(BindType::receiver);
  for (std::uint32_t seq : {5u, 6u, 7u}) s.receive(wire(status::ok, seq, sample_deliver()), t0);
  EXPECT_EQ(count_events<RequestReceived>(drain(s)), 3u);
  EXPECT_EQ(s.unanswered(), 3u);
  ASSERT_TRUE(s.respond(7, C::deliver_sm, status::ok, DeliverSmResp{}));
  ASSERT_TRUE(s.respond(5, C::deliver_sm, status::x_t_appn));
  ASSERT_TRUE(s.respond(6, C::deliver_sm, status::ok));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].sequence_number, 7u);
  EXPECT_EQ(out[1].sequence_number, 5u);
  EXPECT_EQ(out[1].command_status, status::x_t_appn);
  EXPECT_EQ(out[2].sequence_number, 6u);
  for (const Pdu& p : out) EXPECT_EQ(command_of(p), C::deliver_sm_resp);
  EXPECT_EQ(s.unanswered(), 0u);
  EXPECT_EQ(s.respond(5, C::deliver_sm, status::ok).error(), SendError::unknown_request);
}

TEST(SessionRespond, RefusesWrongRequestOrBody) {
  Session s = bound_smsc(BindType::transceiver);
  s.receive(wire(status::ok, 9, sample_submit()), t0);
  drain(s);
  EXPECT_EQ(s.respond(9, C::deliver_sm, status::ok).error(), SendError::unknown_request);
  EXPECT_EQ(s.respond(10, C::submit_sm, status::ok).error(), SendError::unknown_request);
  EXPECT_EQ(s.respond(9, C::submit_sm, status::ok, DeliverSmResp{}).error(),
            SendError::wrong_response);
  SubmitSmResp too_long{std::string(100, 'x'), {}};  // message_id is C(65)
  EXPECT_EQ(s.respond(9, C::submit_sm, status::ok, too_long).error(), SendError::encode_failed);
  EXPECT_TRUE(written(s).empty());
  EXPECT_EQ(s.unanswered(), 1u);  // still answerable
  ASSERT_TRUE(s.respond(9, C::submit_sm, status::ok, SubmitSmResp{"ID9", {}}));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<SubmitSmResp>(out[0].body).message_id, "ID9");
}

TEST(SessionRespond, AlertNotificationNeedsNoAnswer) {
  Session s = bound_esme(BindType::receiver);
  s.receive(wire(status::ok, 3, sample_request(C::alert_notification)), t0);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(std::get<RequestReceived>(events[0]).needs_response);
  EXPECT_EQ(s.unanswered(), 0u);
  EXPECT_EQ(s.respond(3, C::alert_notification, status::ok).error(), SendError::unknown_request);
}

// ---- unbind ------------------------------------------------------------------------------

TEST(SessionUnbind, OursCompletesOnUnbindResp) {
  Session s = bound_esme(BindType::transceiver);
  const auto submit = s.send_request(sample_submit(), t0, 21);
  ASSERT_TRUE(submit);
  s.take_output();
  ASSERT_TRUE(s.unbind(t0 + 1s));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::unbind);
  EXPECT_EQ(s.state(), BindState::unbinding);
  EXPECT_EQ(s.send_request(sample_submit(), t0 + 1s, 22).error(), SendError::not_allowed);
  EXPECT_EQ(s.unbind(t0 + 1s).error(), SendError::not_allowed);

  // The submit in flight still completes; a crossing deliver_sm is refused.
  s.receive(wire(status::ok, *submit, SubmitSmResp{"S", {}}), t0 + 2s);
  s.receive(wire(status::ok, 60, sample_deliver()), t0 + 2s);
  auto answer = written(s);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].command_status, status::inv_bnd_sts);
  auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<ResponseReceived>(events[0]).user_tag, 21u);
  EXPECT_TRUE(std::holds_alternative<ProtocolError>(events[1]));

  s.receive(wire(status::ok, out[0].sequence_number, UnbindResp{}), t0 + 3s);
  events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(std::get<Unbound>(events[0]).by_peer);
  EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::unbound);
  EXPECT_EQ(s.state(), BindState::closed);
}

TEST(SessionUnbind, OursTimesOut) {
  Session s = bound_smsc(BindType::transceiver);
  ASSERT_TRUE(s.unbind(t0));
  s.advance(t0 + 5s);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::response_timeout);
}

TEST(SessionUnbind, UnbindIsNotHeldBackByAFullWindow) {
  Session s = bound_esme(BindType::transceiver);
  for (std::uint64_t tag = 0; tag < 3; ++tag) ASSERT_TRUE(s.send_request(sample_submit(), t0, tag));
  EXPECT_TRUE(s.unbind(t0));
}

TEST(SessionUnbind, PeersIsAnsweredAtOnceWhenNothingIsHeld) {
  Session s = bound_smsc(BindType::transmitter);
  const auto probe = s.send_request(EnquireLink{}, t0, 99);
  ASSERT_TRUE(probe);
  s.take_output();
  s.receive(wire(status::ok, 12, Unbind{}), t0 + 1s);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::unbind_resp);
  EXPECT_EQ(out[0].sequence_number, 12u);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::get<Unbound>(events[0]).by_peer);
  const auto& closed = std::get<Closed>(events[1]);
  EXPECT_EQ(closed.reason, CloseReason::unbound);
  EXPECT_EQ(closed.outstanding, (std::vector<OutstandingRequest>{{*probe, C::enquire_link, 99}}));
}

// Acknowledge-after-commit: the MO's answer goes out before unbind_resp.
TEST(SessionUnbind, PeersWaitsForTheHostsAnswers) {
  Session s = bound_esme(BindType::receiver);
  s.receive(concat(wire(status::ok, 30, sample_deliver()), wire(status::ok, 31, Unbind{})), t0);
  EXPECT_TRUE(written(s).empty());
  auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<RequestReceived>(events[0]));
  EXPECT_EQ(s.state(), BindState::unbound);
  EXPECT_EQ(s.next_deadline(), t0 + 5s);

  ASSERT_TRUE(s.respond(30, C::deliver_sm, status::ok));
  const auto out = written(s);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(command_of(out[0]), C::deliver_sm_resp);
  EXPECT_EQ(command_of(out[1]), C::unbind_resp);
  EXPECT_EQ(out[1].sequence_number, 31u);
  events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::get<Unbound>(events[0]).by_peer);
  EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::unbound);
}

TEST(SessionUnbind, PeersIsAnsweredAnywayAfterResponseTimeout) {
  Session s = bound_esme(BindType::receiver);
  s.receive(concat(wire(status::ok, 30, sample_deliver()), wire(status::ok, 31, Unbind{})), t0);
  drain(s);
  s.advance(t0 + 5s);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::unbind_resp);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<Closed>(events[1]).reason, CloseReason::unbound);
  EXPECT_EQ(s.respond(30, C::deliver_sm, status::ok).error(), SendError::closed);
}

// ---- bad input ---------------------------------------------------------------------------

TEST(SessionBadInput, MalformedBodyIsAnsweredAndTheSessionGoesOn) {
  Session s = bound_smsc(BindType::transceiver);
  // submit_sm whose service_type has no NUL: a complete frame, body not decodable.
  s.receive(hex_bytes("00000013 00000004 00000000 00000021 414243"), t0);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::submit_sm_resp);
  EXPECT_EQ(out[0].sequence_number, 0x21u);
  EXPECT_NE(out[0].command_status, status::ok);
  auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& error = std::get<ProtocolError>(events[0]);
  EXPECT_EQ(error.status_sent, out[0].command_status);
  EXPECT_EQ(error.sequence_number, 0x21u);
  EXPECT_FALSE(error.detail.empty());
  EXPECT_EQ(s.unanswered(), 0u);

  EXPECT_EQ(s.state(), BindState::bound_trx);
  s.receive(wire(status::ok, 0x22, sample_submit()), t0);
  events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<RequestReceived>(events[0]));
}

TEST(SessionBadInput, UnknownCommandGetsGenericNack) {
  Session s = bound_esme(BindType::transceiver);
  s.receive(hex_bytes("00000010 00000111 00000000 00000007"), t0);  // 5.0 broadcast_sm
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::generic_nack);
  EXPECT_EQ(out[0].command_status, status::inv_cmd_id);
  EXPECT_EQ(out[0].sequence_number, 7u);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<ProtocolError>(events[0]).command_id, 0x111u);
  EXPECT_TRUE(s.is_bound());
}

TEST(SessionBadInput, LengthUnder16LosesFramingAndCloses) {
  Session s = bound_esme(BindType::transceiver);
  ASSERT_TRUE(s.send_request(sample_submit(), t0, 55));
  s.take_output();
  s.receive(hex_bytes("00000008 00000004 00000000 00000009"), t0);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(command_of(out[0]), C::generic_nack);
  EXPECT_EQ(out[0].command_status, status::inv_cmd_len);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& closed = std::get<Closed>(events[0]);
  EXPECT_EQ(closed.reason, CloseReason::framing_lost);
  ASSERT_EQ(closed.outstanding.size(), 1u);
  EXPECT_EQ(closed.outstanding[0].user_tag, 55u);
  s.receive(wire(status::ok, 1, EnquireLink{}), t0);
  EXPECT_TRUE(written(s).empty());
  EXPECT_TRUE(drain(s).empty());
}

TEST(SessionBadInput, LengthOverMaximumLosesFraming) {
  SessionConfig c = smsc_config();
  c.max_pdu_size = 1024;
  Session s(c, t0);
  s.receive(hex_bytes("00000401 00000004 00000000 00000003"), t0);
  const auto out = written(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_status, status::inv_cmd_len);
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Closed>(events[0]).reason, CloseReason::framing_lost);
}

TEST(SessionUnbind, ConnectionClosedWhileOurUnbindWaitsCountsAsUnbound) {
  Session s = bound_esme(BindType::transceiver);
  ASSERT_TRUE(s.send_request(sample_submit(), t0, 8));
  ASSERT_TRUE(s.unbind(t0));
  s.close();
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(std::get<Unbound>(events[0]).by_peer);
  const auto& closed = std::get<Closed>(events[1]);
  EXPECT_EQ(closed.reason, CloseReason::unbound);
  EXPECT_EQ(closed.outstanding.size(), 1u);
}

TEST(SessionBind, BindAnswersAreForTheSmscOnly) {
  Session esme(esme_config(), t0);
  EXPECT_EQ(esme.accept_bind(1, "x").error(), SendError::not_allowed);
  EXPECT_EQ(esme.reject_bind(1, status::bind_fail).error(), SendError::not_allowed);
  Session smsc(smsc_config(), t0);
  EXPECT_EQ(smsc.accept_bind(1, "x").error(), SendError::unknown_request);  // no bind yet
  EXPECT_EQ(smsc.bind(BindType::transceiver, esme_credentials(), t0).error(),
            SendError::not_allowed);
  smsc.receive(wire(status::ok, 1, sample_request(C::bind_receiver)), t0);
  drain(smsc);
  EXPECT_EQ(smsc.accept_bind(1, std::string(20, 'x')).error(), SendError::encode_failed);
  EXPECT_EQ(smsc.state(), BindState::binding);
  ASSERT_TRUE(smsc.accept_bind(1, "smppgw"));
  EXPECT_EQ(smsc.state(), BindState::bound_rx);
}

TEST(SessionOutput, ZeroCopyReceive) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::receiver, esme_credentials(), t0));
  s.take_output();
  const Bytes read = concat(wire(status::ok, 1, bind_resp_body(BindType::receiver, "SMSC")),
                            wire(status::ok, 2, sample_deliver()));
  // Two socket reads, split inside the second PDU.
  const std::size_t split = read.size() - 5;
  auto area = s.prepare(split);
  ASSERT_GE(area.size(), split);
  std::copy(read.begin(), read.begin() + static_cast<std::ptrdiff_t>(split), area.begin());
  s.commit(split, t0);
  auto events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Bound>(events[0]));
  area = s.prepare(5);
  std::copy(read.end() - 5, read.end(), area.begin());
  s.commit(5, t0);
  events = drain(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<RequestReceived>(events[0]).pdu.sequence_number, 2u);
}

// Never assert on network input: valid PDUs with bytes flipped at random, in both roles,
// leave the session either going on or closed, with its accounting intact.
TEST(SessionBadInput, MutatedTrafficNeverBreaksTheSession) {
  std::uint32_t rng = 12345;
  const auto next = [&rng] {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
  };
  for (Role role : {Role::esme, Role::smsc}) {
    for (int round = 0; round < 300; ++round) {
      Session s = role == Role::esme ? bound_esme(BindType::transceiver)
                                     : bound_smsc(BindType::transceiver);
      Bytes traffic;
      for (C command : kAllRequests) {
        const Bytes pdu = wire(status::ok, next() % 1000, sample_request(command));
        traffic.insert(traffic.end(), pdu.begin(), pdu.end());
      }
      for (int flips = 0; flips < 4; ++flips) {
        traffic[next() % traffic.size()] ^= static_cast<std::uint8_t>(1u << (next() % 8));
      }
      std::size_t at = 0;
      while (at < traffic.size()) {
        const std::size_t n = std::min<std::size_t>(1 + next() % 64, traffic.size() - at);
        s.receive(std::span<const std::uint8_t>(traffic).subspan(at, n), t0);
        at += n;
        drain(s);
        s.take_output();
      }
      EXPECT_LE(s.in_flight(), esme_config().window + 1);
      if (s.state() != BindState::closed) {
        // Still open: close() ends it with exactly one Closed.
        s.close();
        const auto events = drain(s);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_TRUE(std::holds_alternative<Closed>(events[0]));
      }
    }
  }
}

TEST(SessionOutput, TakeOutputAppendsToCallerBuffer) {
  Session s(esme_config(), t0);
  ASSERT_TRUE(s.bind(BindType::transceiver, esme_credentials(), t0));
  Bytes buffer = {0xAA};
  EXPECT_TRUE(s.has_output());
  s.take_output(buffer);
  EXPECT_FALSE(s.has_output());
  ASSERT_EQ(buffer.size(), 1u + 30u);
  EXPECT_EQ(buffer[0], 0xAA);
  EXPECT_EQ(buffer[1 + 7], 0x09);  // command_id bind_transceiver
}

}  // namespace
}  // namespace smppgw::smpp
