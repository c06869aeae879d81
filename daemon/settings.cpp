#include "daemon/settings.hpp"

#include <algorithm>

#include "protocol/text_analysis.hpp"

namespace smppgw::daemon {

std::shared_ptr<const Settings> Settings::make(conf::Config config) {
  auto settings = std::make_shared<Settings>();
  settings->phones = std::make_shared<const conf::PhoneNormalizer>(config.default_region);
  settings->config = std::make_shared<const conf::Config>(std::move(config));
  // Reply texts are shaped as the dispatcher will send them (SPEC §3), once per config.
  settings->engine =
      std::make_shared<const engine::KeywordEngine>(settings->config, [](std::string_view text) {
        engine::TextShape shape;
        if (auto analysis = smpp::analyze(text)) {
          shape.text = analysis->text;
          shape.encoding = analysis->encoding == smpp::MessageEncoding::ucs2
                               ? store::TextEncoding::ucs2
                               : store::TextEncoding::gsm7;
          shape.segments = static_cast<std::uint16_t>(std::max<std::size_t>(analysis->segments, 1));
        }
        return shape;
      });
  return settings;
}

}  // namespace smppgw::daemon
