// What an MT text costs on the air (SPEC §3): shortcodes expanded, GSM 03.38 when every
// character is in the basic or extension table (extension characters count 2) else UCS-2
// (characters outside the BMP count 2), and the split into parts — 160/153 septets or
// 70/67 units — that the segmenter then encodes. `remaining` is what the chat window shows.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "protocol/text_error.hpp"

namespace smppgw::smpp {

enum class MessageEncoding { gsm7, ucs2 };

// Limits of one SMS (140 octets of user data; smpp-notes §9a): a single message, and each part
// of a concatenated one after its 6-octet 8-bit-reference UDH.
inline constexpr std::size_t kGsm7SingleSeptets = 160;
inline constexpr std::size_t kGsm7PartSeptets = 153;
inline constexpr std::size_t kUcs2SingleUnits = 70;
inline constexpr std::size_t kUcs2PartUnits = 67;
// SPEC §2/§3 max_segments default; the 8-bit UDH cannot number more than 255 parts.
inline constexpr std::size_t kDefaultMaxSegments = 10;
inline constexpr std::size_t kMaxUdhSegments = 255;

struct TextAnalysis {
  std::string text;  // UTF-8, shortcodes expanded: what will be sent
  MessageEncoding encoding = MessageEncoding::gsm7;
  std::size_t units = 0;      // septets (gsm7) or UTF-16 code units (ucs2)
  std::size_t segments = 0;   // parts needed; 0 for an empty text
  std::size_t remaining = 0;  // units still free in the last part (160/70 for an empty text)
  // Byte offset in `text` where each part starts (size == segments). Boundaries fall between
  // characters, so an escape pair or a surrogate pair is never split; a part may therefore
  // hold one unit less than the limit.
  std::vector<std::size_t> part_starts;

  // Units one part holds for this encoding and part count (160/153 or 70/67).
  std::size_t part_capacity() const;
};

struct AnalyzeOptions {
  bool expand_shortcodes = true;
};

// Analyzes a UTF-8 text. Fails only on invalid UTF-8 (the error names the byte).
tl::expected<TextAnalysis, TextError> analyze(std::string_view utf8, AnalyzeOptions options = {});

// SPEC §3: a message over max_segments is refused. Also true past the 255 parts an 8-bit
// reference UDH can number, whatever max_segments says.
bool exceeds_max_segments(const TextAnalysis& analysis,
                          std::size_t max_segments = kDefaultMaxSegments);

}  // namespace smppgw::smpp
