// Shared by the engine's tests: the test configuration (three short codes: two campaigns on
// 12345, one on 67890, none on 55555), a text shaper, fixed times, a temporary state_dir and
// the fixture of the write-request tests (a real store there with its real writer).
#pragma once

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "conf/config.hpp"
#include "daemon/engine/keyword_engine.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"

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

// A store in a temporary state_dir with its writer running, open for each test. close() and
// open() again reopen it on the same directory, as a restart does.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void TearDown() override { close(); }
  void open();
  void close();

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Writer> writer_;
};

}  // namespace smppgw::engine::test
