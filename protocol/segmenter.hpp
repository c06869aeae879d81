// Splits an analyzed MT text into the short_message bodies of its submit_sm PDUs: GSM 03.38
// unpacked septets (data_coding 0) or UCS-2/UTF-16BE (data_coding 8), each part of a long
// message prefixed by the 8-bit-reference concatenation UDH 05 00 03 ref total seq (SPEC §3).
#pragma once

#include <cstdint>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_analysis.hpp"
#include "protocol/text_error.hpp"

namespace smppgw::smpp {

inline constexpr std::uint8_t kDataCodingDefault = 0x00;
inline constexpr std::uint8_t kDataCodingUcs2 = 0x08;

struct SegmentedMessage {
  std::uint8_t data_coding = kDataCodingDefault;
  // OR this into each submit_sm's esm_class: 0x40 (UDHI) when the parts carry a UDH, else 0.
  std::uint8_t esm_class_flags = 0;
  // short_message of each part in order: UDH (when more than one part) + encoded text.
  std::vector<std::vector<std::uint8_t>> parts;
};

// Encodes `analysis` into parts; `reference` is the concatenation reference (the caller
// rotates it per destination). Fails with too_many_segments above 255 parts; the caller's
// max_segments policy is exceeds_max_segments().
tl::expected<SegmentedMessage, TextError> segment(const TextAnalysis& analysis,
                                                  std::uint8_t reference);

}  // namespace smppgw::smpp
