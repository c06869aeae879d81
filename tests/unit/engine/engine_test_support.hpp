// Shared by the engine's tests: the test configuration (three short codes: two campaigns on
// 12345, one on 67890, none on 55555), a text shaper, fixed times, and a temporary state_dir.
#pragma once

#include <filesystem>
#include <memory>

#include "conf/config.hpp"
#include "daemon/engine/keyword_engine.hpp"

namespace smppgw::engine::test {

std::shared_ptr<const conf::Config> test_config();
std::shared_ptr<const KeywordEngine> test_engine();

// GSM 7-bit for ASCII text, UCS-2 otherwise; 160/153 and 70/67 per part. Enough for tests;
// the daemon passes protocol::analyze().
TextShape test_shaper(std::string_view text);

// t(5) is 5 seconds after a fixed epoch.
store::Timestamp t(std::int64_t seconds);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace smppgw::engine::test
