// libFuzzer target for the SMPP framer and codec (protocol/framer.cpp, protocol/codec.cpp).
// The input is read both as one frame and as a byte stream, fed to the framer whole and in
// input-dependent chunks. Every frame is decoded from an exact-size heap copy (so the address
// sanitizer sees any read past the frame) and checked against these invariants:
//  - the two chunkings yield the same frames and the same framing error;
//  - a decode error echoes the header when there is one, and its answer encodes;
//  - what decodes, and then encodes, decodes again to the same Pdu and re-encodes to the
//    same bytes; a refused encode leaves the buffer as it was.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "protocol/codec.hpp"
#include "protocol/framer.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using smppgw::smpp::Bytes;
using smppgw::smpp::Pdu;
namespace smpp = smppgw::smpp;

std::uint32_t load32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

void check_round_trip(const Pdu& pdu) {
  Bytes out = {0xEE};
  const auto encoded = smpp::encode(pdu, out);
  if (!encoded) {
    FUZZ_CHECK(out == Bytes{0xEE});
    FUZZ_CHECK(!encoded.error().message.empty());
    return;
  }
  const Bytes wire(out.begin() + 1, out.end());
  FUZZ_CHECK(wire.size() >= smpp::kHeaderLength);
  FUZZ_CHECK(load32(wire.data()) == wire.size());
  FUZZ_CHECK(load32(wire.data() + 4) == static_cast<std::uint32_t>(smpp::command_id_of(pdu.body)));
  const auto again = smpp::decode(wire);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == pdu);
  Bytes wire2;
  FUZZ_CHECK(smpp::encode(*again, wire2).has_value());
  FUZZ_CHECK(wire2 == wire);
}

void check_frame(std::span<const std::uint8_t> frame) {
  const Bytes copy(frame.begin(), frame.end());  // exact size: over-reads hit the redzone
  const auto decoded = smpp::decode(copy);
  if (!decoded) {
    const smpp::DecodeError& e = decoded.error();
    FUZZ_CHECK(e.response_status != smpp::status::ok);
    FUZZ_CHECK(!e.message.empty());
    if (copy.size() >= smpp::kHeaderLength) {
      FUZZ_CHECK(e.header_read);
      FUZZ_CHECK(e.command_id == load32(copy.data() + 4));
      FUZZ_CHECK(e.sequence_number == load32(copy.data() + 12));
    } else {
      FUZZ_CHECK(!e.header_read);
    }
    if (const std::optional<Pdu> answer = smpp::error_response(e)) {
      FUZZ_CHECK(smpp::is_response(static_cast<std::uint32_t>(smpp::command_id_of(answer->body))));
      check_round_trip(*answer);
      Bytes out;
      FUZZ_CHECK(smpp::encode(*answer, out).has_value());
    }
    return;
  }
  FUZZ_CHECK(copy.size() >= smpp::kHeaderLength);
  FUZZ_CHECK(load32(copy.data()) == copy.size());
  FUZZ_CHECK(static_cast<std::uint32_t>(smpp::command_id_of(decoded->body)) ==
             load32(copy.data() + 4));
  FUZZ_CHECK(decoded->command_status == load32(copy.data() + 8));
  FUZZ_CHECK(decoded->sequence_number == load32(copy.data() + 12));
  check_round_trip(*decoded);
  const Pdu response = smpp::make_response(*decoded, smpp::status::sys_err);
  FUZZ_CHECK(response.sequence_number == decoded->sequence_number);
  Bytes out;
  FUZZ_CHECK(smpp::encode(response, out).has_value());
}

struct Framed {
  std::vector<Bytes> frames;
  std::optional<std::uint32_t> error_sequence;
  bool operator==(const Framed&) const = default;
};

// Feeds `data` in chunks whose sizes come from the data itself (0 = all at once).
Framed frame_stream(const std::uint8_t* data, std::size_t size, bool chunked) {
  smpp::Framer framer;
  Framed result;
  std::size_t at = 0;
  std::size_t step = 0;
  while (at < size && !result.error_sequence) {
    const std::size_t n =
        chunked ? std::min<std::size_t>(size - at, 1 + data[step++ % size] % 23) : size - at;
    framer.feed(std::span<const std::uint8_t>(data + at, n));
    at += n;
    for (;;) {
      auto next = framer.next();
      if (!next) {
        FUZZ_CHECK(next.error().response_status == smpp::status::inv_cmd_len);
        result.error_sequence = next.error().sequence_number;
        auto again = framer.next();  // sticky
        FUZZ_CHECK(!again && again.error().sequence_number == next.error().sequence_number);
        break;
      }
      if (!*next) break;
      FUZZ_CHECK((*next)->size() >= smpp::kMinPduLength);
      FUZZ_CHECK((*next)->size() <= framer.max_pdu_length());
      result.frames.emplace_back((*next)->begin(), (*next)->end());
    }
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_frame(std::span<const std::uint8_t>(data, size));
  const Framed whole = frame_stream(data, size, false);
  const Framed chunked = frame_stream(data, size, true);
  FUZZ_CHECK(whole == chunked);
  for (const Bytes& frame : whole.frames) check_frame(frame);
  return 0;
}
