// The SMPP 3.4 wire codec: one complete frame ⇄ one Pdu (pdu.hpp).
// Decoding is liberal (smpp-notes §1, §11.4, §13): bounds-checked over the frame only, never
// throws, accepts over-long C-strings that fit, error responses with or without a body, trailing
// bytes, and integer TLVs of any width 1/2/4; unknown TLVs are kept. Encoding is strict: it
// refuses what a 3.4 peer may reject (over-long strings, sm_length > 254, short_message together
// with message_payload, ...) and then leaves the caller's buffer untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tl/expected.hpp>

#include "protocol/pdu.hpp"

namespace smppgw::smpp {

constexpr std::size_t kHeaderLength = 16;  // smpp-notes §1: 4 × uint32

// Why a frame could not be decoded, and what to answer.
struct DecodeError {
  // True when the 16-octet header was readable; command_id and sequence_number are then the
  // received ones (so the answer can echo the sequence number).
  bool header_read = false;
  std::uint32_t command_id = 0;
  std::uint32_t sequence_number = 0;
  // The command_status to answer with: ESME_RINVCMDID for an unknown command_id,
  // ESME_RINVCMDLEN when the frame length disagrees with command_length, ESME_RINVMSGLEN for a
  // short_message that does not fit, ESME_RINVOPTPARSTREAM / ESME_RINVPARLEN /
  // ESME_RINVOPTPARAMVAL for the TLV part, the field's own status (ESME_RINVSRCADR,
  // ESME_RINVSYSID, ...) for a C-string without its NUL, ESME_RSYSERR otherwise.
  std::uint32_t response_status = status::sys_err;
  std::string message;  // for logs: "submit_sm: source_addr has no terminating NUL"
};

// Why a Pdu cannot be encoded (a bug or bad input on our side, never the peer's).
struct EncodeError {
  std::string message;  // "submit_sm: source_addr is 25 characters, at most 20 allowed"
};

// Decodes one complete frame (command_length == frame.size(), as the Framer delivers it).
tl::expected<Pdu, DecodeError> decode(std::span<const std::uint8_t> frame);

// Appends the wire form of `pdu` to `out` (command_length computed). On error `out` is left as
// it was. An error response (command_status != 0) whose body is empty goes out header-only,
// as 3.4 prescribes for bind_*_resp, submit_sm_resp, data_sm_resp, query_sm_resp and
// submit_multi_resp; deliver_sm_resp always carries its NUL message_id.
tl::expected<void, EncodeError> encode(const Pdu& pdu, Bytes& out);

// The response to `request` with `command_status`, echoing its sequence number: the command's
// own *_resp with an empty body, or generic_nack for commands without a response
// (outbind, alert_notification) and for responses.
Pdu make_response(const Pdu& request, std::uint32_t command_status);

// What to send back for a frame that failed to decode: the command's own *_resp carrying
// error.response_status when the command is a known request with a response type, generic_nack
// otherwise (unknown command_id, outbind, alert_notification, unreadable header: sequence 0).
// Empty when the frame was a known response: a response is never answered.
std::optional<Pdu> error_response(const DecodeError& error);

}  // namespace smppgw::smpp
