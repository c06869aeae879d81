// libFuzzer target for the configuration loader (conf/load_config.cpp, through parse_config,
// its in-memory entry point): any YAML text, valid or not. Invariants:
//  - parse_config returns a Config or an error; no exception escapes;
//  - an error has diagnostics, each naming the file, with a non-empty message, a place that is
//    0:0 or inside the text (1-based), in file order; to_string() has one line per diagnostic;
//  - a Config keeps the rules its header promises: unique campaign ids, every campaign's short
//    code served, a link found by its name, windows >= 1, the default campaign on its short
//    code; it prints, and a diff against itself changes nothing;
//  - parsing is deterministic: the same text gives the same Config or the same diagnostics.
// The loader also reads the files a config names (password_file, TLS files). Inputs that name
// anything but a plain file in the working directory there are skipped (a device could block
// or never end), judged on the parsed tree so that YAML escapes cannot hide a path.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "conf/config_diff.hpp"
#include "conf/load_config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace conf = smppgw::conf;
using smppgw::fuzz::as_text;

constexpr std::string_view kName = "fuzz.yaml";

// A file name the loader may open: a plain name in the working directory. Anything else (an
// absolute path, a "..", a directory part) might lead to a device that blocks or never ends.
bool plain_file_name(const YAML::Node& value) {
  if (!value.IsScalar()) return true;  // not a path: the loader reports the type
  const std::string& s = value.Scalar();
  if (s.find("..") != std::string::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool names_only_plain_files(const YAML::Node& node, int depth = 0) {
  if (depth > 200) return false;  // not worth walking; the loader still gets other inputs
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!names_only_plain_files(item, depth + 1)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key.find("file") != std::string::npos && !plain_file_name(kv.second)) return false;
      if (!names_only_plain_files(kv.second, depth + 1)) return false;
    }
  }
  return true;
}

bool safe_to_load(std::string_view text) {
  try {
    return names_only_plain_files(YAML::Load(std::string(text)));
  } catch (const YAML::Exception&) {
    return true;  // the loader stops at the same syntax error, before reading any file
  }
}

void check_error(const conf::ConfigError& e, std::string_view text) {
  FUZZ_CHECK(!e.diagnostics.empty());
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (std::size_t i = 0; i < e.diagnostics.size(); ++i) {
    const conf::ConfigDiagnostic& d = e.diagnostics[i];
    FUZZ_CHECK(d.file == kName);
    FUZZ_CHECK(!d.message.empty());
    FUZZ_CHECK(d.line >= 0 && d.column >= 0 && (d.line == 0) == (d.column == 0));
    FUZZ_CHECK(d.line <= lines);
    FUZZ_CHECK(!d.to_string().empty() && d.to_string().find(d.message) != std::string::npos);
    if (i > 0) {
      const auto& p = e.diagnostics[i - 1];
      FUZZ_CHECK(p.line < d.line || (p.line == d.line && p.column <= d.column));
    }
  }
  const std::string all = e.to_string();
  FUZZ_CHECK(static_cast<std::size_t>(std::count(all.begin(), all.end(), '\n')) >=
             e.diagnostics.size());
}

void check_config(const conf::Config& c) {
  FUZZ_CHECK(c.source == kName);
  FUZZ_CHECK(!c.company.empty());
  const auto served = c.served_short_codes();
  FUZZ_CHECK(std::is_sorted(served.begin(), served.end()));
  FUZZ_CHECK(std::adjacent_find(served.begin(), served.end()) == served.end());
  std::set<std::string> ids;
  for (const auto& campaign : c.campaigns) {
    FUZZ_CHECK(ids.insert(campaign.id).second);
    FUZZ_CHECK(c.find_campaign(campaign.id) == &campaign);
    FUZZ_CHECK(std::binary_search(served.begin(), served.end(), campaign.short_code));
    const auto on = c.campaigns_on(campaign.short_code);
    FUZZ_CHECK(std::find(on.begin(), on.end(), &campaign) != on.end());
    if (const auto* d = c.default_campaign(campaign.short_code)) {
      FUZZ_CHECK(d->short_code == campaign.short_code);
    }
  }
  for (const auto& link : c.smpp.links) {
    FUZZ_CHECK(c.find_link(link.name) == &link);
    FUZZ_CHECK(link.window >= 1);
  }
  std::ostringstream dump;
  dump << c;
  FUZZ_CHECK(!dump.str().empty());
  const conf::LinkChanges same = conf::diff_links(c, c);
  FUZZ_CHECK(same.added.empty() && same.removed.empty() && same.changed.empty());
  FUZZ_CHECK(same.unchanged.size() == c.smpp.links.size());
  FUZZ_CHECK(!same.listener_changed && same.restart_required.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text({data, size});
  if (!safe_to_load(text)) return 0;
  try {
    const auto first = conf::parse_config(text, kName);
    const auto second = conf::parse_config(text, kName);
    FUZZ_CHECK(first.has_value() == second.has_value());
    if (first) {
      FUZZ_CHECK(*first == *second);
      check_config(*first);
    } else {
      FUZZ_CHECK(first.error().diagnostics == second.error().diagnostics);
      check_error(first.error(), text);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped parse_config: %s\n", e.what());
    FUZZ_CHECK(false);
  }
  return 0;
}
