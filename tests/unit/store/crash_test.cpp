// The crash test of the writer's promise (SPEC §5 "acknowledge after commit"): a child
// process commits MO-shaped requests through the writer and writes the id of every
// completed request to a pipe; the parent SIGKILLs it at a random moment, reopens the store
// and checks that every id the child reported is there with its content — 25 times.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

constexpr int kKillCycles = 25;

std::string text_for(std::uint32_t cycle, std::uint32_t seq) {
  return "mo " + std::to_string(cycle) + "/" + std::to_string(seq);
}

struct Report {
  std::uint64_t inbox_id;
  std::uint32_t cycle;
  std::uint32_t seq;
};

// The child: never returns.
[[noreturn]] void child(const TempDir& dir, int fd, std::uint32_t cycle) {
  auto s = open_store(options_for(dir));
  if (!s) _exit(2);
  WriterOptions wo;
  wo.queue_capacity = 2048;
  auto w = Writer::start(**s, wo);
  if (!w) _exit(3);
  Writer& writer = **w;
  // Two producers, as the event loop threads of the daemon would be.
  auto produce = [&](std::uint32_t first) {
    for (std::uint32_t seq = first;; seq += 2) {
      auto id = std::make_shared<std::uint64_t>(0);
      const std::string phone = "+1415" + std::to_string(5000000 + seq % 5000);
      WriteRequest req;
      req.apply = [=](WriteTxn& txn) -> std::error_code {
        auto st = txn.state(phone, "a");
        if (!st) return st.error();
        NewInboxMessage m{t(seq), phone, "12345", "a", text_for(cycle, seq), InboxKind::keyword,
                          "l"};
        auto got = txn.add_inbox(m);
        if (!got) return got.error();
        *id = *got;
        ChangeContext ctx{t(seq), ChangeSource::sms, "mo:" + std::to_string(*got), "keyword"};
        auto sub = seq % 3 ? txn.subscribe(phone, "a", "12345", ctx) : txn.opt_out(phone, "a", ctx);
        if (!sub) return sub.error();
        NewOutboxMessage reply{t(seq), phone, "12345", "a", "joined", OutboxKind::auto_reply};
        auto out = txn.enqueue_outbox(reply);
        return out ? std::error_code{} : out.error();
      };
      req.complete = [=](std::error_code ec) {
        if (ec) _exit(4);
        Report r{*id, cycle, seq};
        if (write(fd, &r, sizeof r) != sizeof r) _exit(5);
      };
      if (writer.submit(std::move(req))) _exit(6);
    }
  };
  std::thread a(produce, 0), b(produce, 1);
  a.join();
  _exit(7);
}

TEST(CrashTest, EveryReportedCommitSurvivesSigkill) {
  TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::vector<Report> reported;
  std::uint64_t max_id = 0;
  for (int cycle = 0; cycle < kKillCycles; ++cycle) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child(dir, fds[1], static_cast<std::uint32_t>(cycle));
    }
    close(fds[1]);
    // Read reports for a random time, then kill without warning.
    const auto kill_at = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 120)(rng));
    std::string buf;
    char tmp[4096];
    bool killed = false;
    for (;;) {
      if (!killed && std::chrono::steady_clock::now() >= kill_at) {
        kill(pid, SIGKILL);
        killed = true;
      }
      ssize_t n = read(fds[0], tmp, sizeof tmp);  // EOF once the child is dead
      if (n <= 0) break;
      buf.append(tmp, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child exited by itself, status " << status;
    const std::size_t n = buf.size() / sizeof(Report);  // a torn last record is not a report
    for (std::size_t i = 0; i < n; ++i) {
      Report r;
      std::memcpy(&r, buf.data() + i * sizeof r, sizeof r);
      reported.push_back(r);
    }

    // Reopen (recovery is LMDB's: the last durable meta page) and check every report so far.
    auto s = open_store(options_for(dir));
    ASSERT_TRUE(s) << s.error().message();
    for (const auto& r : reported) {
      auto m = (*s)->inbox_message(r.inbox_id);
      ASSERT_TRUE(m && *m) << "cycle " << cycle << ": reported inbox id " << r.inbox_id
                           << " is missing";
      EXPECT_EQ((*m)->text, text_for(r.cycle, r.seq));
      max_id = std::max(max_id, r.inbox_id);
    }
  }
  EXPECT_GT(reported.size(), std::size_t(kKillCycles));  // the children did commit
  auto bad = check_invariants(dir.path());
  for (const auto& b : bad) ADD_FAILURE() << "invariant after crashes: " << b;
  std::printf("crash test: %d kills, %zu reported commits, highest inbox id %llu\n", kKillCycles,
              reported.size(), static_cast<unsigned long long>(max_id));
}

}  // namespace
}  // namespace smppgw::store::test
