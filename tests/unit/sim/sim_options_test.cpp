#include "tools/sim/sim_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace smppgw::sim {
namespace {

tl::expected<SimOptions, std::string> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "smppgw-sim");
  return parse_sim_options(args);
}

TEST(SimOptions, SmscDefaults) {
  auto o = parse({"smsc", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(o) << o.error();
  const auto& s = std::get<SmscOptions>(*o);
  EXPECT_EQ(s.listen.port, 0);
  EXPECT_FALSE(s.system_id);
  EXPECT_EQ(s.id_format, IdFormat::hex);
  EXPECT_FALSE(s.receipts);
  EXPECT_FALSE(s.events);
  EXPECT_FALSE(s.mo_rate);
}

TEST(SmscOptions, Everything) {
  auto o = parse({"smsc",
                  "--listen",
                  "127.0.0.1:2775",
                  "--system-id",
                  "demo",
                  "--password",
                  "demo",
                  "--id-format",
                  "dec",
                  "--receipt-delay",
                  "2s",
                  "--receipt-stat",
                  "UNDELIV",
                  "--receipt-stat-every",
                  "3",
                  "--submit-status",
                  "0x58",
                  "--every",
                  "4",
                  "--mo",
                  "+14155550100>12345:STOP",
                  "--mo",
                  "+1>2:a:b",
                  "--mo-rate",
                  "500",
                  "--mo-count",
                  "1000",
                  "--mo-window",
                  "50",
                  "--exit-when-done",
                  "--control",
                  "stdin",
                  "--json",
                  "--drop-after",
                  "7"});
  ASSERT_TRUE(o) << o.error();
  const auto& s = std::get<SmscOptions>(*o);
  EXPECT_EQ(s.system_id, "demo");
  EXPECT_EQ(s.id_format, IdFormat::dec);
  EXPECT_TRUE(s.receipts);
  EXPECT_EQ(s.receipt_delay, std::chrono::milliseconds(2000));
  EXPECT_EQ(s.receipt_stat, "UNDELIV");
  EXPECT_EQ(s.receipt_stat_every, 3U);
  EXPECT_EQ(s.submit_status, 0x58U);
  EXPECT_EQ(s.submit_status_every, 4U);
  ASSERT_EQ(s.mo.size(), 2U);
  EXPECT_EQ(s.mo[0], (MoSpec{"+14155550100", "12345", "STOP"}));
  EXPECT_EQ(s.mo[1], (MoSpec{"+1", "2", "a:b"}));
  EXPECT_DOUBLE_EQ(*s.mo_rate, 500.0);
  EXPECT_EQ(s.mo_count, 1000U);
  EXPECT_EQ(s.mo_window, 50U);
  EXPECT_TRUE(s.exit_when_done);
  EXPECT_TRUE(s.control_stdin);
  EXPECT_TRUE(s.events);
  EXPECT_TRUE(s.json);
  EXPECT_EQ(s.drop_after, 7U);
}

TEST(SmscOptions, MoFile) {
  const auto path =
      std::filesystem::temp_directory_path() / ("sim_mo_" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream f(path);
    f << "# comment\n\n+14155550100>12345:JOIN\r\n+14155550101>12345:hello world\n";
  }
  auto o =
      parse({"smsc", "--listen", "127.0.0.1:0", "--mo", "+1>2:first", "--mo-file", path.string()});
  ASSERT_TRUE(o) << o.error();
  const auto& s = std::get<SmscOptions>(*o);
  ASSERT_EQ(s.mo.size(), 3U);
  EXPECT_EQ(s.mo[1], (MoSpec{"+14155550100", "12345", "JOIN"}));
  EXPECT_EQ(s.mo[2].text, "hello world");

  {
    std::ofstream f(path);
    f << "+14155550100 12345 JOIN\n";
  }
  auto bad = parse({"smsc", "--listen", "127.0.0.1:0", "--mo-file", path.string()});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find(":1:"), std::string::npos) << bad.error();
  std::filesystem::remove(path);
  auto missing = parse({"smsc", "--listen", "127.0.0.1:0", "--mo-file", path.string()});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot open"), std::string::npos);
}

TEST(SmscOptions, Errors) {
  auto e = [](std::vector<std::string> args) {
    auto o = parse(std::move(args));
    EXPECT_FALSE(o);
    return o ? std::string() : o.error();
  };
  EXPECT_NE(e({"smsc"}).find("--listen"), std::string::npos);
  EXPECT_NE(e({"smsc", "--listen"}).find("needs a value"), std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--frobnicate"}).find("unknown option"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--receipt-stat", "OK"}).find("unknown stat"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--every", "0"}).find("--every"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--exit-when-done"}).find("--mo-count"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--control", "tcp"}).find("stdin"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--mo", "nope"}).find("FROM>TO:TEXT"),
            std::string::npos);
  EXPECT_NE(e({"smsc", "--listen", "127.0.0.1:0", "--password", "123456789"}).find("at most 8"),
            std::string::npos);
  EXPECT_NE(e({"relay"}).find("unknown mode"), std::string::npos);
  EXPECT_NE(e({}).find("missing mode"), std::string::npos);
}

TEST(EsmeOptions, ParsesAndChecks) {
  auto o = parse({"esme",
                  "--connect",
                  "127.0.0.1:2775",
                  "--system-id",
                  "X",
                  "--password",
                  "Y",
                  "--bind",
                  "transmitter",
                  "--rate",
                  "1000",
                  "--count",
                  "50",
                  "--window",
                  "10",
                  "--from",
                  "12345",
                  "--to-prefix",
                  "+1415555",
                  "--connections",
                  "2"});
  ASSERT_TRUE(o) << o.error();
  const auto& e = std::get<EsmeOptions>(*o);
  EXPECT_EQ(e.bind, BindKind::transmitter);
  EXPECT_DOUBLE_EQ(e.rate, 1000.0);
  EXPECT_EQ(e.count, 50U);
  EXPECT_EQ(e.window, 10U);
  EXPECT_EQ(e.connections, 2U);
  EXPECT_EQ(e.to_prefix, "+1415555");

  EXPECT_FALSE(parse({"esme", "--connect", "127.0.0.1:2775"}));
  EXPECT_FALSE(parse({"esme", "--connect", "127.0.0.1:0", "--system-id", "X", "--password", "Y"}));
  EXPECT_FALSE(parse({"esme", "--connect", "127.0.0.1:1", "--system-id", "X", "--password", "Y",
                      "--to-prefix", "+1234567890123456", "--to-width", "6"}));
  EXPECT_FALSE(parse({"esme", "--connect", "127.0.0.1:1", "--system-id", "X", "--password", "Y",
                      "--bind", "receiver"}));
}

TEST(SimOptions, Help) {
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse({"--help"}).value()));
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse({"smsc", "-h"}).value()));
  EXPECT_NE(std::string(sim_usage()).find("smppgw-sim smsc"), std::string::npos);
}

}  // namespace
}  // namespace smppgw::sim
