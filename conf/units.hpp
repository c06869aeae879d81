// Durations ("500ms", "30s", "5m", "1h") and sizes ("64KiB", "8GiB", plain bytes) as they are
// written in the configuration (SPEC §2). Parsing returns a sentence for the operator on error.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smppgw::conf {

using Duration = std::chrono::milliseconds;

// "250ms", "30s", "5m", "1h", also combined "1m30s". A bare number is refused: the unit is
// what makes a timeout readable, and "30" could mean seconds or milliseconds.
tl::expected<Duration, std::string> parse_duration(std::string_view text);

// "1048576", "512B", "64KiB", "256MiB", "8GiB", "1TiB" (powers of 1024) and "64KB", "8GB"
// (powers of 1000). Overflow of 64 bits is an error.
tl::expected<std::uint64_t, std::string> parse_size(std::string_view text);

// The shortest exact spelling: 1500ms → "1500ms", 60000ms → "1m", 1048576 → "1MiB".
std::string format_duration(Duration d);
std::string format_size(std::uint64_t bytes);

}  // namespace smppgw::conf
