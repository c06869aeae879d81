// Splits an SMPP byte stream into complete frames (one PDU each), whatever the chunking of the
// reads: a PDU split across reads, many PDUs in one read. It only looks at command_length; a
// length outside [16, max] means the stream is out of sync (SPEC §5: generic_nack
// ESME_RINVCMDLEN, then close), and the framer stays failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tl/expected.hpp>

#include "protocol/pdu.hpp"

namespace smppgw::smpp {

// SPEC §5: "command_length under 16 or over 64 KiB" is lost framing. 64 KiB is also gosmpp's
// MAX_PDU_LEN (smpp-notes §7) and holds a full message_payload TLV of 64 KiB minus headers.
constexpr std::size_t kDefaultMaxPduLength = 64 * 1024;
constexpr std::size_t kMinPduLength = 16;  // the header alone (smpp-notes §1)

// Lost framing. Answer with generic_nack `response_status` echoing `sequence_number`, then
// close the connection.
struct FramingError {
  std::uint32_t command_length = 0;
  std::uint32_t command_id = 0;
  std::uint32_t sequence_number = 0;
  std::uint32_t response_status = status::inv_cmd_len;
  std::string message;
};

// One complete PDU, command_length octets long; valid until the next feed() or prepare().
using Frame = std::span<const std::uint8_t>;

class Framer {
 public:
  explicit Framer(std::size_t max_pdu_length = kDefaultMaxPduLength);

  // Copies a received chunk in. Invalidates frames returned earlier.
  void feed(std::span<const std::uint8_t> chunk);

  // Zero-copy alternative to feed(): a writable area of at least `min_size` octets to read
  // the socket into, then commit() the number of octets actually read. Invalidates frames
  // returned earlier.
  std::span<std::uint8_t> prepare(std::size_t min_size);
  void commit(std::size_t n);

  // The next complete frame; std::nullopt when more bytes are needed. The frame's 16-octet
  // header is read in full before command_length is judged, so the error can echo the
  // sequence number. Once an error is returned, every later call returns it again.
  tl::expected<std::optional<Frame>, FramingError> next();

  // Octets received but not yet returned as frames.
  std::size_t buffered() const { return end_ - begin_; }
  std::size_t max_pdu_length() const { return max_pdu_length_; }

 private:
  void make_room(std::size_t n);

  std::size_t max_pdu_length_;
  Bytes buffer_;
  std::size_t begin_ = 0;  // first unconsumed octet
  std::size_t end_ = 0;    // one past the last received octet
  std::optional<FramingError> error_;
};

}  // namespace smppgw::smpp
