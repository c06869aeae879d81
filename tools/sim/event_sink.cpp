#include "tools/sim/event_sink.hpp"

namespace smppgw::sim {

std::string EventSink::line_of(const nlohmann::ordered_json& event) {
  return event.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void EventSink::emit(const nlohmann::ordered_json& event) {
  if (enabled_) emit_always(event);
}

void EventSink::emit_always(const nlohmann::ordered_json& event) {
  std::string line = line_of(event);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace smppgw::sim
