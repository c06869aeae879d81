// The users file (issue 17): its lines and their errors (file:line), the mode and owner
// rules, the token file's user, sign-in by token hash, and appending a new user's line.
#include "daemon/admin/admin_users.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace smppgw::admin {
namespace {

namespace fs = std::filesystem;

const std::string kAliceToken = "alice-token";
const std::string kCarolToken = "carol-token";

std::string two_users() {
  return "# the support desk\n"
         "\n" +
         users_file_line("alice", Role::agent, kAliceToken) + "\n" + "  " +
         users_file_line("carol", Role::viewer, kCarolToken) + "  \r\n";
}

fs::path temp_dir() {
  auto dir =
      fs::temp_directory_path() / ("smppgw-users-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AdminUsers, Sha256IsTheStandardDigest) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AdminUsers, ParsesLinesCommentsAndBlanks) {
  auto users = AdminUsers::parse(two_users(), "/etc/smppgw/admin.users");
  ASSERT_TRUE(users) << users.error();
  ASSERT_EQ(users->users().size(), 2u);
  EXPECT_EQ(users->users()[0].name, "alice");
  EXPECT_EQ(users->users()[0].role, Role::agent);
  EXPECT_EQ(users->users()[0].token_sha256, sha256_hex(kAliceToken));
  EXPECT_EQ(users->users()[1].name, "carol");
  EXPECT_EQ(users->users()[1].role, Role::viewer);
}

// Each malformed line is refused with its file and line number and what to fix.
TEST(AdminUsers, MalformedLinesNameFileAndLine) {
  const std::string hash = sha256_hex("x");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"alice agent", "f:1: expected \"NAME ROLE SHA256\" (three words), found 2"},
      {"# c\nalice boss " + hash, "f:2: the role \"boss\" is not one of viewer, agent, admin"},
      {"al/ice agent " + hash, "f:1: the name \"al/ice\" is not valid"},
      {"alice agent " + kAliceToken, "f:1: the third word must be the SHA-256"},
      {"alice agent " + std::string(64, 'A'), "f:1: the third word must be the SHA-256"},
      {"admin admin " + hash, "f:1: the name \"admin\" is the user of admin.token_file"},
      {"bob agent " + hash + "\nbob viewer " + sha256_hex("y"),
       "f:2: the user \"bob\" is listed twice"},
      {"bob agent " + hash + "\nann viewer " + hash,
       "f:2: this token hash is also the one of \"bob\""},
      {std::string(65, 'a') + " agent " + hash, "f:1: the name"},
  };
  for (const auto& [text, want] : cases) {
    auto users = AdminUsers::parse(text, "f");
    ASSERT_FALSE(users) << text;
    EXPECT_EQ(users.error().rfind(want, 0), 0u) << users.error();
  }
}

TEST(AdminUsers, SignsInByTokenHash) {
  auto users = AdminUsers::parse(two_users(), "f");
  ASSERT_TRUE(users);
  ASSERT_TRUE(users->add_token_user(AdminToken("shared-token")));
  auto alice = users->authenticate("Bearer " + kAliceToken);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->role, Role::agent);
  auto admin = users->authenticate("bearer  shared-token ");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->name, "admin");
  EXPECT_EQ(admin->role, Role::admin);
  EXPECT_FALSE(users->authenticate("Bearer " + sha256_hex(kAliceToken)));  // the hash is no token
  EXPECT_FALSE(users->authenticate("Bearer nope"));
  EXPECT_FALSE(users->authenticate("Basic " + kAliceToken));
  EXPECT_FALSE(users->authenticate(""));
}

TEST(AdminUsers, TheTokenUserNeedsAToken) {
  AdminUsers users;
  EXPECT_FALSE(users.add_token_user(AdminToken("")));
  EXPECT_FALSE(users.authenticate("Bearer "));
}

TEST(AdminUsers, AccessRules) {
  EXPECT_FALSE(users_file_access_problem(S_IFREG | 0600, 1000, 1000));
  EXPECT_FALSE(users_file_access_problem(S_IFREG | 0640, 0, 1000));
  EXPECT_FALSE(users_file_access_problem(S_IFREG | 0400, 0, 1000));
  auto others = users_file_access_problem(S_IFREG | 0644, 1000, 1000);
  ASSERT_TRUE(others);
  EXPECT_NE(others->find("has mode 0644"), std::string::npos) << *others;
  EXPECT_NE(others->find("chmod it to 0600"), std::string::npos) << *others;
  EXPECT_TRUE(users_file_access_problem(S_IFREG | 0660, 1000, 1000));
  EXPECT_TRUE(users_file_access_problem(S_IFREG | 0602, 1000, 1000));
  auto owner = users_file_access_problem(S_IFREG | 0600, 1001, 1000);
  ASSERT_TRUE(owner);
  EXPECT_NE(owner->find("owned by uid 1001"), std::string::npos) << *owner;
}

TEST(AdminUsers, LoadChecksTheModeBeforeReading) {
  const auto dir = temp_dir();
  const auto path = (dir / "admin.users").string();
  std::ofstream(path) << two_users();
  fs::permissions(path, fs::perms(0644));
  auto refused = AdminUsers::load(path);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find(path + " (admin.users_file) has mode 0644"), std::string::npos)
      << refused.error();
  fs::permissions(path, fs::perms(0600));
  auto loaded = AdminUsers::load(path);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->users().size(), 2u);
  auto missing = AdminUsers::load((dir / "none").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot read"), std::string::npos);
  fs::remove_all(dir);
}

TEST(AdminUsers, AppendCreatesThenAddsAndRefusesADuplicate) {
  const auto dir = temp_dir();
  const auto path = (dir / "admin.users").string();
  ASSERT_TRUE(append_users_file_line(path, "alice", users_file_line("alice", Role::agent, "t1")));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms(0600));
  // A last line without its newline is completed before the next is added.
  { std::ofstream(path, std::ios::app) << "# no newline"; }
  ASSERT_TRUE(append_users_file_line(path, "bob", users_file_line("bob", Role::admin, "t2")));
  auto dup = append_users_file_line(path, "bob", users_file_line("bob", Role::viewer, "t3"));
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().find("already lists \"bob\""), std::string::npos);
  auto users = AdminUsers::load(path);
  ASSERT_TRUE(users) << users.error();
  ASSERT_EQ(users->users().size(), 2u);
  EXPECT_EQ(users->authenticate("Bearer t2")->name, "bob");
  fs::permissions(path, fs::perms(0666));
  EXPECT_FALSE(append_users_file_line(path, "eve", users_file_line("eve", Role::admin, "t4")));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace smppgw::admin
