#include "daemon/logging.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

using namespace smppgw::daemon;

TEST(Logging, SyslogPriorities) {
  EXPECT_EQ(syslog_priority(spdlog::level::debug), 7);
  EXPECT_EQ(syslog_priority(spdlog::level::info), 6);
  EXPECT_EQ(syslog_priority(spdlog::level::warn), 4);
  EXPECT_EQ(syslog_priority(spdlog::level::err), 3);
  EXPECT_EQ(syslog_priority(spdlog::level::critical), 2);
}

TEST(Logging, JournalDetectionNeedsStderrsOwnStream) {
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journal());
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(stderr_is_journal());
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  ::setenv("JOURNAL_STREAM", other.c_str(), 1);
  EXPECT_FALSE(stderr_is_journal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(stderr_is_journal());
  ::unsetenv("JOURNAL_STREAM");
}

TEST(Logging, JournalLinesCarryPriorityPrefix) {
  testing::internal::CaptureStderr();
  init_logging(true);
  spdlog::warn("link {} down", "carrier-a");
  spdlog::error("store full");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("<4>link carrier-a down\n"), std::string::npos) << out;
  EXPECT_NE(out.find("<3>store full\n"), std::string::npos) << out;
}

TEST(Logging, PlainLinesHaveNoPrefix) {
  testing::internal::CaptureStderr();
  init_logging(false);
  spdlog::info("hello");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find('<'), std::string::npos) << out;
  EXPECT_NE(out.find("info hello"), std::string::npos) << out;
}

TEST(Logging, ParseLevel) {
  EXPECT_EQ(parse_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_level("error"), spdlog::level::err);
  EXPECT_EQ(parse_level("nonsense"), spdlog::level::info);
}
