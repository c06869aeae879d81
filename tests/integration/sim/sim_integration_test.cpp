// smppgw-sim smsc and smppgw-sim esme against each other over 127.0.0.1, driven the way the
// daemon's integration tests drive the sim: control commands on stdin, JSON events on stdout.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/sim/child_process.hpp"

namespace smppgw::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kSim = SMPPGW_SIM_PATH;

// A running smppgw-sim whose stdout is read as JSON events.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> args) {
    args.insert(args.begin(), kSim);
    proc_ = std::make_unique<ChildProcess>(args);
  }

  // The next event called `name` (and matching `pred`), skipping others (kept in history).
  json expect(const std::string& name, const std::function<bool(const json&)>& pred = {},
              std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto line = proc_->read_line(std::max(left, 0ms));
      if (!line) {
        ADD_FAILURE() << "no '" << name << "' event; stderr: " << proc_->stderr_text();
        return json::object();
      }
      json event = json::parse(*line, nullptr, false);
      EXPECT_FALSE(event.is_discarded()) << "not JSON: " << *line;
      history_.push_back(event);
      if (event.value("event", "") == name && (!pred || pred(event))) return event;
    }
  }

  // Reads until `n` events called `name` have been seen in all (earlier ones included).
  std::vector<json> expect_total(const std::string& name, std::size_t n,
                                 std::chrono::milliseconds timeout = 10s) {
    while (seen(name).size() < n) {
      if (expect(name, {}, timeout).empty()) break;
    }
    return seen(name);
  }

  // Events called `name` among those read so far.
  std::vector<json> seen(const std::string& name) const {
    std::vector<json> out;
    for (const auto& e : history_) {
      if (e.value("event", "") == name) out.push_back(e);
    }
    return out;
  }

  void command(const std::string& line) { ASSERT_TRUE(proc_->write_line(line)); }
  std::optional<std::string> raw_line(std::chrono::milliseconds timeout = 10s) {
    return proc_->read_line(timeout);
  }
  std::optional<int> wait(std::chrono::milliseconds timeout = 20s) { return proc_->wait(timeout); }
  ChildProcess& process() { return *proc_; }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::vector<json> history_;
};

// An smsc with --control stdin; the first line gives the port.
struct Smsc : SimProcess {
  explicit Smsc(std::vector<std::string> extra = {}) : SimProcess(with_base(std::move(extra))) {
    const auto line = raw_line();
    EXPECT_TRUE(line.has_value());
    const json first = json::parse(line.value_or("{}"), nullptr, false);
    EXPECT_EQ(first.value("event", ""), "listening") << line.value_or("");
    port = first.value("port", 0);
    EXPECT_GT(port, 0);
  }
  static std::vector<std::string> with_base(std::vector<std::string> extra) {
    std::vector<std::string> args{"smsc", "--listen", "127.0.0.1:0", "--control", "stdin"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  int port = 0;
};

std::vector<std::string> esme_args(const Smsc& smsc, std::vector<std::string> extra) {
  std::vector<std::string> args{"esme",       "--connect", smsc.address(), "--system-id", "acme",
                                "--password", "secret",    "--events",     "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(SimIntegration, ListeningIsTheFirstLineExactly) {
  ChildProcess p({kSim, "smsc", "--listen", "127.0.0.1:0", "--control", "stdin"});
  const auto line = p.read_line(10s);
  ASSERT_TRUE(line);
  const json j = json::parse(*line);
  EXPECT_EQ(*line, R"({"event":"listening","port":)" + std::to_string(j["port"].get<int>()) + "}");
  p.close_stdin();  // end of stdin is quit
  EXPECT_EQ(p.wait(10s), 0);
}

TEST(SimIntegration, BadCommandLineExits2AndNamesTheOption) {
  ChildProcess p({kSim, "smsc", "--listen", "127.0.0.1:0", "--receipt-stat", "GREAT"});
  EXPECT_EQ(p.wait(10s), 2);
  EXPECT_NE(p.stderr_text().find("--receipt-stat"), std::string::npos) << p.stderr_text();
}

TEST(SimIntegration, CredentialsAreChecked) {
  Smsc smsc({"--system-id", "acme", "--password", "secret"});
  SimProcess wrong(
      {"esme", "--connect", smsc.address(), "--system-id", "acme", "--password", "nope"});
  EXPECT_EQ(wrong.wait(), 1);
  EXPECT_NE(wrong.process().stderr_text().find("0000000E"), std::string::npos)
      << wrong.process().stderr_text();
  const auto rejected = smsc.expect("bind_rejected");
  EXPECT_EQ(rejected["status"], 0x0E);
  EXPECT_EQ(rejected["system_id"], "acme");

  SimProcess right(esme_args(smsc, {"--count", "3"}));
  const auto bound = smsc.expect("bound");
  EXPECT_EQ(bound["system_id"], "acme");
  EXPECT_EQ(bound["bind"], "transceiver");
  EXPECT_EQ(right.wait(), 0);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, SubmitsAreAckedAndReceiptsFollow) {
  Smsc smsc({"--receipt-delay", "100ms", "--receipt-stat", "UNDELIV", "--receipt-stat-every", "4",
             "--id-format", "hex", "--receipt-id-format", "dec"});
  SimProcess esme(esme_args(smsc, {"--count", "20", "--registered-delivery", "1", "--linger", "2s",
                                   "--to-prefix", "+1415555", "--text", "Hi €"}));
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    const auto s = smsc.expect("submit_sm");
    EXPECT_EQ(s["from"], "12345");
    EXPECT_EQ(s["to"], "+141555500" + std::string(i < 10 ? "0" : "") + std::to_string(i));
    EXPECT_EQ(s["text"], "Hi €");
    EXPECT_EQ(s["data_coding"], 0);
    EXPECT_TRUE(s["udh"].is_null());
    EXPECT_EQ(s["status"], 0);
    ids.insert(s["message_id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 20U);
  int undeliv = 0;
  const auto acks = smsc.expect_total("deliver_sm_resp", 20);
  ASSERT_EQ(acks.size(), 20U);
  for (const auto& r : acks) {
    EXPECT_TRUE(r["mo_id"].is_null());
    EXPECT_EQ(r["status"], 0);
    EXPECT_EQ(ids.count(r["receipt_for"].get<std::string>()), 1U);
  }
  for (const auto& r : smsc.seen("receipt")) undeliv += r["stat"] == "UNDELIV" ? 1 : 0;
  EXPECT_EQ(undeliv, 5);  // every 4th of 20

  // The esme saw the receipts, with the id written in decimal.
  for (int i = 0; i < 20; ++i) {
    const auto d = esme.expect("deliver_sm");
    EXPECT_EQ(d["esm_class"], 4);
    EXPECT_NE(d["text"].get<std::string>().find("id:26843545"), std::string::npos) << d;
  }
  const auto report = esme.expect("report");
  EXPECT_EQ(report["submits_ok"], 20);
  EXPECT_EQ(report["deliver_sm"], 20);
  EXPECT_GT(report["submit_latency_ms"]["max"].get<double>(), 0.0);
  EXPECT_EQ(esme.wait(), 0);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, MoFromControlCommandsIsEncodedLikeACarrier) {
  Smsc smsc;
  smsc.command("mo +14155550100 12345 SPRING");  // before any bind: queued
  EXPECT_EQ(smsc.expect("mo_queued")["mo_id"], 1);
  SimProcess esme(esme_args(smsc, {"--count", "1", "--linger", "3s"}));
  smsc.expect("bound");
  smsc.command("mo +14155550101 12345 Привет 😀");
  smsc.command("mo +14155550102 12345 " + std::string(200, 'x'));
  smsc.command("mo-raw 48656c6c6f 0 0 +14155550103 12345");

  const auto first = esme.expect("deliver_sm");
  EXPECT_EQ(first["from"], "+14155550100");
  EXPECT_EQ(first["to"], "12345");
  EXPECT_EQ(first["text"], "SPRING");
  EXPECT_EQ(first["data_coding"], 0);
  const auto ucs2 = esme.expect("deliver_sm");
  EXPECT_EQ(ucs2["data_coding"], 8);
  EXPECT_EQ(ucs2["text"], "Привет 😀");
  const auto part1 = esme.expect("deliver_sm");
  const auto part2 = esme.expect("deliver_sm");
  EXPECT_EQ(part1["esm_class"], 0x40);
  EXPECT_EQ(part1["text"].get<std::string>() + part2["text"].get<std::string>(),
            std::string(200, 'x'));
  EXPECT_EQ(esme.expect("deliver_sm")["text"], "Hello");

  const auto long_mo = smsc.expect("mo", [](const json& e) { return e["mo_id"] == 3; });
  EXPECT_EQ(long_mo["parts"], 2);
  EXPECT_EQ(long_mo["seq"].size(), 2U);
  const auto acks = smsc.expect_total("deliver_sm_resp", 5);
  ASSERT_EQ(acks.size(), 5U);
  for (const auto& r : acks) {
    EXPECT_EQ(r["status"], 0);
    EXPECT_FALSE(r["mo_id"].is_null());
  }
  smsc.command("stats");
  const auto stats = smsc.expect("stats");
  EXPECT_EQ(stats["mo_sent"], 5);
  EXPECT_EQ(stats["mo_acked"], 5);
  EXPECT_EQ(stats["bound"], 1);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
  EXPECT_EQ(esme.wait(), 0);
}

TEST(SimIntegration, BadControlLinesAreReportedAndChangeNothing) {
  Smsc smsc;
  smsc.command("mo +1415");
  EXPECT_NE(smsc.expect("error")["message"].get<std::string>().find("usage"), std::string::npos);
  smsc.command("receipt A0000000 DELIVRD");
  EXPECT_NE(smsc.expect("error")["message"].get<std::string>().find("no submit_sm"),
            std::string::npos);
  smsc.command("");
  smsc.command("stats");
  const auto stats = smsc.expect("stats");
  EXPECT_EQ(stats["mo_sent"], 0);
  EXPECT_EQ(stats["queued"], 0);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, SubmitStatusThrottlesEveryKth) {
  Smsc smsc({"--submit-status", "0x58", "--every", "2"});
  SimProcess esme(esme_args(smsc, {"--count", "10"}));
  const auto report = esme.expect("report");
  EXPECT_EQ(report["submits_ok"], 5);
  EXPECT_EQ(report["submits_failed"], 5);
  int throttled = 0;
  for (int i = 0; i < 10; ++i) {
    const auto s = smsc.expect("submit_sm");
    if (s["status"] == 0x58) {
      ++throttled;
      EXPECT_TRUE(s["message_id"].is_null());
    }
  }
  EXPECT_EQ(throttled, 5);
  // Switch back at run time.
  smsc.command("set submit-status 0");
  SimProcess again(esme_args(smsc, {"--count", "4"}));
  EXPECT_EQ(again.expect("report")["submits_ok"], 4);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, ReceiptCommandAndDrop) {
  Smsc smsc;
  SimProcess esme(esme_args(smsc, {"--count", "1", "--linger", "10s"}));
  const auto submit = smsc.expect("submit_sm");
  const std::string id = submit["message_id"];
  smsc.command("receipt " + id + " REJECTD 042");
  const auto d = esme.expect("deliver_sm");
  EXPECT_EQ(d["esm_class"], 4);
  EXPECT_NE(d["text"].get<std::string>().find("stat:REJECTD err:042"), std::string::npos) << d;
  EXPECT_EQ(smsc.expect("deliver_sm_resp")["receipt_for"], id);

  smsc.command("drop");
  smsc.expect("disconnected");
  const auto closed = esme.expect("closed");
  EXPECT_EQ(esme.wait(), 0);  // its one submit was answered before the drop
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, UnansweredMoIsRedeliveredAfterRebind) {
  // An esme that binds as transmitter cannot take MO; the MO waits for a receiver.
  Smsc smsc;
  SimProcess tx(esme_args(smsc, {"--count", "1", "--bind", "transmitter", "--linger", "1s"}));
  smsc.expect("bound");
  smsc.command("mo +14155550100 12345 STOP");
  EXPECT_EQ(smsc.expect("mo_queued")["mo_id"], 1);
  EXPECT_EQ(tx.wait(), 0);
  SimProcess trx(esme_args(smsc, {"--count", "1", "--linger", "2s"}));
  EXPECT_EQ(trx.expect("deliver_sm")["text"], "STOP");
  EXPECT_EQ(smsc.expect("deliver_sm_resp")["mo_id"], 1);
  smsc.command("quit");
  EXPECT_EQ(smsc.wait(), 0);
}

TEST(SimIntegration, RateModeKeepsTheRateAndReports) {
  Smsc smsc({"--mo-rate", "2000", "--mo-count", "1000", "--mo-window", "50", "--exit-when-done",
             "--json", "--mo-from", "+14155500000"});
  // No --events for this esme: nobody reads its stdout while the MO flow.
  SimProcess esme({"esme", "--connect", smsc.address(), "--system-id", "acme", "--password",
                   "secret", "--count", "1", "--linger", "20s", "--json"});
  const auto report = smsc.expect("report", {}, 30s);
  EXPECT_EQ(report["mo_sent"], 1000);
  EXPECT_EQ(report["mo_ok"], 1000);
  // 1000 MO at 2000/s take about half a second; never much faster than asked.
  EXPECT_LE(report["mo_per_s"].get<double>(), 2000 * 1.1);
  EXPECT_GT(report["mo_latency_ms"]["p99"].get<double>(), 0.0);
  EXPECT_EQ(smsc.wait(), 0);
  std::set<std::string> phones;
  for (const auto& mo : smsc.seen("mo")) phones.insert(mo["from"].get<std::string>());
  EXPECT_EQ(phones.size(), 1000U);
  EXPECT_EQ(phones.count("+14155500999"), 1U);
  EXPECT_EQ(esme.expect("report")["deliver_sm"], 1000);
  EXPECT_EQ(esme.wait(), 0);
}

TEST(SimIntegration, SignalStopsTheSmscWithAReport) {
  ChildProcess p({kSim, "smsc", "--listen", "127.0.0.1:0", "--json"});
  ASSERT_TRUE(p.read_line(10s));
  p.signal(SIGTERM);
  const auto report = p.read_line(10s);
  ASSERT_TRUE(report);
  EXPECT_EQ(json::parse(*report)["event"], "report");
  EXPECT_EQ(p.wait(10s), 0);
  EXPECT_NE(p.stderr_text().find("smsc: mo 0 sent"), std::string::npos);
}

}  // namespace
}  // namespace smppgw::testing
