// The allowed-PDU table (protocol/bind_state.cpp) checked against smpp-notes §7, written
// here a second time in another shape: per state, the requests each role may send and
// receive. A slip in either copy (ajankovic/smpp #10 listed deliver_sm_resp for deliver_sm)
// makes the two disagree.
#include "protocol/bind_state.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace smppgw::smpp {
namespace {

using C = CommandId;
using S = BindState;

constexpr std::array kAllStates = {S::open,      S::binding,   S::bound_tx, S::bound_rx,
                                   S::bound_trx, S::unbinding, S::unbound,  S::closed};

constexpr std::array kAllRequests = {
    C::bind_receiver,      C::bind_transmitter, C::query_sm,     C::submit_sm,
    C::deliver_sm,         C::unbind,           C::replace_sm,   C::cancel_sm,
    C::bind_transceiver,   C::outbind,          C::enquire_link, C::submit_multi,
    C::alert_notification, C::data_sm};

using Set = std::set<CommandId>;

// smpp-notes §7, "Allowed PDUs by state", from the ESME's side. enquire_link from the peer is
// answered in every connected state (§11.1); a crossing unbind is answered while ours waits.
Set esme_sends(S state) {
  switch (state) {
    case S::open:
      return {C::bind_transmitter, C::bind_receiver, C::bind_transceiver};
    case S::bound_tx:
      return {C::submit_sm,  C::submit_multi, C::query_sm,     C::cancel_sm,
              C::replace_sm, C::data_sm,      C::enquire_link, C::unbind};
    case S::bound_rx:
      return {C::enquire_link, C::unbind};
    case S::bound_trx:
      return {C::submit_sm,  C::submit_multi, C::query_sm,     C::cancel_sm,
              C::replace_sm, C::data_sm,      C::enquire_link, C::unbind};
    default:
      return {};
  }
}

Set esme_receives(S state) {
  switch (state) {
    case S::open:
      return {C::outbind, C::enquire_link};
    case S::binding:
    case S::unbound:
      return {C::enquire_link};
    case S::bound_tx:
      return {C::enquire_link, C::unbind};
    case S::bound_rx:
    case S::bound_trx:
      return {C::deliver_sm, C::data_sm, C::alert_notification, C::enquire_link, C::unbind};
    case S::unbinding:
      return {C::enquire_link, C::unbind};
    case S::closed:
      return {};
  }
  return {};
}

Set smsc_sends(S state) {
  switch (state) {
    case S::open:
      return {C::outbind};
    case S::bound_tx:
      return {C::enquire_link, C::unbind};
    case S::bound_rx:
    case S::bound_trx:
      return {C::deliver_sm, C::data_sm, C::alert_notification, C::enquire_link, C::unbind};
    default:
      return {};
  }
}

Set smsc_receives(S state) {
  switch (state) {
    case S::open:
      return {C::bind_transmitter, C::bind_receiver, C::bind_transceiver, C::enquire_link};
    case S::binding:
    case S::unbound:
      return {C::enquire_link};
    case S::bound_tx:
    case S::bound_trx:
      return {C::submit_sm,  C::submit_multi, C::query_sm,     C::cancel_sm,
              C::replace_sm, C::data_sm,      C::enquire_link, C::unbind};
    case S::bound_rx:
      return {C::enquire_link, C::unbind};
    case S::unbinding:
      return {C::enquire_link, C::unbind};
    case S::closed:
      return {};
  }
  return {};
}

void expect_table(Role role, Direction direction, Set (*expected)(S)) {
  for (S state : kAllStates) {
    const Set allowed = expected(state);
    for (C command : kAllRequests) {
      EXPECT_EQ(request_allowed(role, state, direction, command), allowed.count(command) == 1)
          << to_string(role) << (direction == Direction::send ? " sends " : " receives ")
          << command_name(static_cast<std::uint32_t>(command)) << " in " << to_string(state);
    }
  }
}

TEST(BindStateTable, EsmeSendsPerSmppNotes) {
  expect_table(Role::esme, Direction::send, esme_sends);
}
TEST(BindStateTable, EsmeReceivesPerSmppNotes) {
  expect_table(Role::esme, Direction::receive, esme_receives);
}
TEST(BindStateTable, SmscSendsPerSmppNotes) {
  expect_table(Role::smsc, Direction::send, smsc_sends);
}
TEST(BindStateTable, SmscReceivesPerSmppNotes) {
  expect_table(Role::smsc, Direction::receive, smsc_receives);
}

// What one role may send in a bound state, the other accepts in the same state: a bound
// pair never refuses each other's traffic.
TEST(BindStateTable, BoundRolesAgreeWithEachOther) {
  for (S state : {S::bound_tx, S::bound_rx, S::bound_trx}) {
    for (C command : kAllRequests) {
      EXPECT_EQ(request_allowed(Role::esme, state, Direction::send, command),
                request_allowed(Role::smsc, state, Direction::receive, command))
          << command_name(static_cast<std::uint32_t>(command)) << " in " << to_string(state);
      EXPECT_EQ(request_allowed(Role::smsc, state, Direction::send, command),
                request_allowed(Role::esme, state, Direction::receive, command))
          << command_name(static_cast<std::uint32_t>(command)) << " in " << to_string(state);
    }
  }
}

TEST(BindStateTable, ResponsesAndUnknownIdsAreNotRequests) {
  for (S state : kAllStates) {
    for (Role role : {Role::esme, Role::smsc}) {
      for (Direction d : {Direction::send, Direction::receive}) {
        EXPECT_FALSE(request_allowed(role, state, d, C::submit_sm_resp));
        EXPECT_FALSE(request_allowed(role, state, d, C::generic_nack));
        EXPECT_FALSE(request_allowed(role, state, d, static_cast<C>(0x00000111)));
      }
    }
  }
}

TEST(BindState, KnownRequestsAreThe34Set) {
  for (C command : kAllRequests) EXPECT_TRUE(is_known_request(static_cast<std::uint32_t>(command)));
  // Reserved ranges of smpp-notes §2, SMPP 5.0 broadcast_sm, and responses.
  for (std::uint32_t id : {0x00000000u, 0x0000000Au, 0x0000000Cu, 0x00000014u, 0x00000016u,
                           0x00000020u, 0x00000022u, 0x00000100u, 0x00000101u, 0x00000104u,
                           0x00000111u, 0x00010200u, 0x80000004u, 0x80000000u}) {
    EXPECT_FALSE(is_known_request(id)) << std::hex << id;
  }
}

TEST(BindState, ResponseOfEachRequest) {
  for (C command : kAllRequests) {
    const auto response = response_of(command);
    if (command == C::outbind || command == C::alert_notification) {
      EXPECT_FALSE(response) << command_name(static_cast<std::uint32_t>(command));
    } else {
      ASSERT_TRUE(response) << command_name(static_cast<std::uint32_t>(command));
      EXPECT_EQ(static_cast<std::uint32_t>(*response),
                static_cast<std::uint32_t>(command) | kResponseBit);
    }
  }
  EXPECT_EQ(response_of(C::deliver_sm), C::deliver_sm_resp);
  EXPECT_FALSE(response_of(C::deliver_sm_resp));
  EXPECT_FALSE(response_of(C::generic_nack));
}

TEST(BindState, BindTypesMapToTheirStatesAndCommands) {
  EXPECT_EQ(bound_state(BindType::transmitter), S::bound_tx);
  EXPECT_EQ(bound_state(BindType::receiver), S::bound_rx);
  EXPECT_EQ(bound_state(BindType::transceiver), S::bound_trx);
  for (BindType t : {BindType::transmitter, BindType::receiver, BindType::transceiver}) {
    EXPECT_EQ(bind_type_of(bind_command(t)), t);
  }
  EXPECT_EQ(bind_command(BindType::transceiver), C::bind_transceiver);
  EXPECT_FALSE(bind_type_of(C::submit_sm));
  EXPECT_FALSE(bind_type_of(C::bind_transceiver_resp));
}

TEST(BindState, OnlyTheThreeBoundStatesAreBound) {
  for (S state : kAllStates) {
    const bool bound = state == S::bound_tx || state == S::bound_rx || state == S::bound_trx;
    EXPECT_EQ(is_bound(state), bound) << to_string(state);
  }
}

}  // namespace
}  // namespace smppgw::smpp
