// What a submit_sm (or data_sm) from the peer says, in the terms tests check: addresses as
// E.164 when the TON says international, the text decoded to UTF-8 without its UDH, and the
// concatenation info from the UDH or the SAR TLVs (smpp-notes §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/pdu.hpp"
#include "protocol/user_data_header.hpp"

namespace smppgw::sim {

struct SubmittedMessage {
  std::string from;
  std::string to;
  std::string text;  // UTF-8; hex of the octets for codings that carry no text
  std::optional<smpp::ConcatInfo> concat;
  bool udh_malformed = false;  // UDHI set but the UDH lengths run past the data
};

// "+" + addr for TON 1 (international) when addr has no '+', else addr as sent.
std::string address_text(const smpp::Address& address);

SubmittedMessage describe_submit(const smpp::ShortMessageBody& body);
SubmittedMessage describe_data_sm(const smpp::DataSm& body);

}  // namespace smppgw::sim
