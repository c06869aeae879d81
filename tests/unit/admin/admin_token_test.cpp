// AdminToken: file creation (mode 0600, 64 hex digits), reuse, and the bearer check.
#include "daemon/admin/admin_token.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace smppgw::admin {
namespace {

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("smppgw-token-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(AdminToken, CreatesMissingFileWithMode0600) {
  auto path = temp_dir() / "admin.token";
  bool created = false;
  auto token = AdminToken::load_or_create(path.string(), &created);
  ASSERT_TRUE(token) << token.error();
  EXPECT_TRUE(created);
  EXPECT_EQ(token->reveal().size(), 64u);
  EXPECT_EQ(token->reveal().find_first_not_of("0123456789abcdef"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Read back the second time, same token.
  auto again = AdminToken::load_or_create(path.string(), &created);
  ASSERT_TRUE(again);
  EXPECT_FALSE(created);
  EXPECT_EQ(again->reveal(), token->reveal());
}

TEST(AdminToken, TwoCreatedTokensDiffer) {
  auto dir = temp_dir();
  auto a = AdminToken::load_or_create((dir / "a").string());
  auto b = AdminToken::load_or_create((dir / "b").string());
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->reveal(), b->reveal());
}

TEST(AdminToken, ExistingFileIsTrimmed) {
  auto path = temp_dir() / "t";
  std::ofstream(path) << "  s3cret-token \n";
  auto token = AdminToken::load_or_create(path.string());
  ASSERT_TRUE(token);
  EXPECT_EQ(token->reveal(), "s3cret-token");
}

TEST(AdminToken, EmptyFileIsAnError) {
  auto path = temp_dir() / "t";
  std::ofstream(path) << "\n";
  auto token = AdminToken::load_or_create(path.string());
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().find(path.string()), std::string::npos);
}

TEST(AdminToken, MissingDirectoryIsAnError) {
  auto token = AdminToken::load_or_create("/nonexistent-dir-smppgw/admin.token");
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().find("/nonexistent-dir-smppgw/admin.token"), std::string::npos);
}

TEST(AdminToken, AcceptsOnlyTheBearerToken) {
  AdminToken token("abc123");
  EXPECT_TRUE(token.accepts("Bearer abc123"));
  EXPECT_TRUE(token.accepts("bearer abc123"));
  EXPECT_FALSE(token.accepts("Bearer abc124"));
  EXPECT_FALSE(token.accepts("Bearer abc1234"));
  EXPECT_FALSE(token.accepts("Bearer abc12"));
  EXPECT_FALSE(token.accepts("Bearer "));
  EXPECT_FALSE(token.accepts("Basic abc123"));
  EXPECT_FALSE(token.accepts(""));
  EXPECT_FALSE(token.accepts("abc123"));
}

TEST(ConstantTimeEqual, ComparesBytes) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_FALSE(constant_time_equal("same", "Same"));
  EXPECT_FALSE(constant_time_equal("same", "sam"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), "a"));
}

}  // namespace
}  // namespace smppgw::admin
