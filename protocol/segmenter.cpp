#include "protocol/segmenter.hpp"

#include <string_view>
#include <utility>

#include "protocol/gsm7.hpp"
#include "protocol/ucs2.hpp"
#include "protocol/user_data_header.hpp"

namespace smppgw::smpp {

tl::expected<SegmentedMessage, TextError> segment(const TextAnalysis& analysis,
                                                  std::uint8_t reference) {
  if (analysis.segments > kMaxUdhSegments) {
    return tl::unexpected(TextError{TextErrc::too_many_segments, 0});
  }
  SegmentedMessage out;
  const bool gsm7 = analysis.encoding == MessageEncoding::gsm7;
  out.data_coding = gsm7 ? kDataCodingDefault : kDataCodingUcs2;
  const bool concatenated = analysis.segments > 1;
  if (concatenated) out.esm_class_flags = kEsmClassUdhi;
  const std::string_view text = analysis.text;
  const auto total = static_cast<std::uint8_t>(analysis.segments);
  for (std::size_t i = 0; i < analysis.segments; ++i) {
    const std::size_t start = analysis.part_starts[i];
    const std::size_t end = i + 1 < analysis.segments ? analysis.part_starts[i + 1] : text.size();
    auto encoded = gsm7 ? gsm7_encode(text.substr(start, end - start))
                        : ucs2_encode(text.substr(start, end - start));
    if (!encoded) {
      TextError e = encoded.error();
      e.offset += start;
      return tl::unexpected(e);
    }
    std::vector<std::uint8_t> part;
    if (concatenated) {
      part = concat_udh_8bit(reference, total, static_cast<std::uint8_t>(i + 1));
    }
    part.insert(part.end(), encoded->begin(), encoded->end());
    out.parts.push_back(std::move(part));
  }
  return out;
}

}  // namespace smppgw::smpp
