// RFC 3339 UTC times for the admin API (SPEC §6): "2026-11-25T19:40:00.123Z", always with
// milliseconds so every time in a response has one shape.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace smppgw::admin {

std::string format_rfc3339(std::chrono::system_clock::time_point t);
// Milliseconds since the Unix epoch (how the store keeps times).
std::string format_rfc3339_ms(std::int64_t unix_ms);

}  // namespace smppgw::admin
