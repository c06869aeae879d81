// smppgw-sim's stdout: one JSON object per line, flushed at once, so that a test reading
// the pipe sees each event as it happens (tools/sim/README.md, "Events"). Disabled sinks
// cost nothing: rate mode does not print per-PDU events unless asked.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace smppgw::sim {

class EventSink {
 public:
  EventSink(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}

  [[nodiscard]] bool enabled() const { return enabled_; }

  // Writes `event` as one line; invalid UTF-8 from the peer is replaced, never thrown on.
  void emit(const nlohmann::ordered_json& event);
  // Writes even when per-event output is off (the listening line, the report).
  void emit_always(const nlohmann::ordered_json& event);

  // The line that emit() writes, without the newline (for tests).
  static std::string line_of(const nlohmann::ordered_json& event);

 private:
  std::FILE* out_;
  bool enabled_;
};

}  // namespace smppgw::sim
