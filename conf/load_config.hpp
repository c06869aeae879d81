// Reading a configuration file (SPEC §2) into a validated Config. Unknown keys, wrong types,
// bad values and cross-reference errors (duplicate campaign ids or keywords, a short code no
// link serves, ...) are all collected and returned together with their file positions.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "conf/config.hpp"
#include "conf/config_error.hpp"

namespace smppgw::conf {

// Default path of SPEC §2.
inline constexpr const char* kDefaultConfigPath = "/etc/smppgw/smppgw.yaml";

// Reads and validates the file at `path`. Also reads every `password_file` it names (paths
// relative to the working directory, like state_dir). Nothing else touches the disk.
tl::expected<Config, ConfigError> load_config(const std::string& path);

// The same for text already in memory; `name` is the file name used in diagnostics.
tl::expected<Config, ConfigError> parse_config(std::string_view text, std::string_view name);

}  // namespace smppgw::conf
