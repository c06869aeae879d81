// daemon/migrate_store: the command on two LMDB stores — a copy verified table by table, a
// destination with rows refused with nothing written, the same store on both sides refused.
#include "daemon/migrate_store.hpp"

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "store/writer.hpp"
#include "tests/unit/store/export_sample.hpp"

namespace smppgw::daemon {
namespace {

namespace fs = std::filesystem;

class MigrateStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("smppgw-migrate-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // A configuration whose LMDB store is in dir_/name.
  std::string config(const std::string& name) {
    const fs::path path = dir_ / (name + ".yaml");
    std::ofstream(path) << "company: Acme\n"
                        << "default_region: US\n"
                        << "state_dir: " << (dir_ / name).string() << "\n"
                        << "store: { map_size: 64MiB }\n"
                        << "admin: { listen: 127.0.0.1:0, token_file: " << (dir_ / "token").string()
                        << " }\n"
                        << "smpp:\n  links:\n    - name: carrier\n      host: 127.0.0.1\n"
                        << "      port: 2775\n      system_id: acme\n      password: secret\n"
                        << "      short_codes: [\"12345\"]\n"
                        << "campaigns:\n  - id: spring\n    name: Spring\n"
                        << "    short_code: \"12345\"\n    keywords: [SPRING]\n";
    return path.string();
  }
  void fill(const std::string& name) {
    store::StoreOptions o;
    o.state_dir = dir_ / name;
    o.map_size = 64ull << 20;
    auto s = store::open_store(o);
    ASSERT_TRUE(s);
    auto w = store::Writer::start(**s);
    ASSERT_TRUE(w);
    std::promise<std::error_code> done;
    ASSERT_FALSE((*w)->submit(
        {store::test::write_sample, [&done](std::error_code ec) { done.set_value(ec); }}));
    ASSERT_FALSE(done.get_future().get());
  }
  fs::path dir_;
};

TEST_F(MigrateStore, CopiesAndVerifies) {
  const auto from = config("a"), to = config("b");
  fill("a");
  std::ostringstream out, err;
  ASSERT_EQ(migrate_store(from, to, out, err), 0) << out.str() << err.str();
  EXPECT_NE(out.str().find("audit: 19 rows, verified"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("verified\n"), std::string::npos);
  EXPECT_EQ(err.str(), "");
}

TEST_F(MigrateStore, RefusesADestinationWithRows) {
  const auto from = config("a"), to = config("b");
  fill("a");
  fill("b");
  std::ostringstream out, err;
  EXPECT_EQ(migrate_store(from, to, out, err), 1);
  EXPECT_NE(err.str().find("is not empty (subscriptions has rows)"), std::string::npos)
      << err.str();
  EXPECT_EQ(out.str().find("copying"), std::string::npos);
}

TEST_F(MigrateStore, RefusesTheSameStoreAndBadConfigurations) {
  const auto from = config("a");
  std::ostringstream out, err;
  EXPECT_EQ(migrate_store(from, from, out, err), 1);
  EXPECT_NE(err.str().find("the same store"), std::string::npos) << err.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(migrate_store(from, (dir_ / "missing.yaml").string(), out2, err2), 1);
  EXPECT_NE(err2.str().find("missing.yaml"), std::string::npos) << err2.str();
}

}  // namespace
}  // namespace smppgw::daemon
