// The crash tests of the writer's promise (SPEC §5 "acknowledge after commit"): a child
// process commits requests through the writer and writes a report of every completed one to
// a pipe; the parent SIGKILLs it at a random moment, reopens the store and checks that
// everything the child reported is there — 25 times per test. One test commits MO-shaped
// requests, the other Manual Opt-Out chunks (one audit_bulk row each) beside MOs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <thread>

#include "store/bulk.hpp"
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
        const std::string ref = "mo:" + std::to_string(*got);  // the context only views it
        ChangeContext ctx{t(seq), ChangeSource::sms, ref, "keyword"};
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

// A Manual Opt-Out chunk the opt-out child reported as durable.
struct ChunkReport {
  std::uint32_t cycle;
  std::uint32_t chunk;
};

constexpr std::uint32_t kChunkPhones = 500;

std::string chunk_phone(std::uint32_t cycle, std::uint32_t chunk, std::uint32_t i) {
  return "+1650" + std::to_string(1000000 + cycle * 200000 + chunk * kChunkPhones + i);
}
std::string chunk_ref(std::uint32_t cycle, std::uint32_t chunk) {
  return "chunk " + std::to_string(cycle) + "/" + std::to_string(chunk);
}

// The opt-out child: MO-shaped requests from one thread (unreported, they only interleave
// single audit events with the chunks' bulk rows) and opt-out chunks from another, every
// third one company-wide; reports each chunk once its completion says it is durable.
[[noreturn]] void opt_out_child(const TempDir& dir, int fd, std::uint32_t cycle) {
  auto s = open_store(options_for(dir));
  if (!s) _exit(2);
  auto w = Writer::start(**s);
  if (!w) _exit(3);
  Writer& writer = **w;
  std::thread mo([&] {
    for (std::uint32_t seq = 0;; ++seq) {
      const std::string phone = "+1415" + std::to_string(6000000 + seq % 3000);
      WriteRequest req;
      req.apply = [=](WriteTxn& txn) -> std::error_code {
        ChangeContext ctx{t(seq), ChangeSource::sms, "mo", "keyword"};
        auto sub = seq % 2 ? txn.subscribe(phone, "a", "12345", ctx) : txn.opt_out(phone, "a", ctx);
        return sub ? std::error_code{} : sub.error();
      };
      if (writer.submit(std::move(req))) _exit(6);
    }
  });
  for (std::uint32_t chunk = 0; chunk < 400; ++chunk) {
    OptOutBatch batch;
    if (chunk % 3) batch.campaign = "a";
    for (std::uint32_t i = 0; i < kChunkPhones; ++i) {
      batch.phones.push_back(chunk_phone(cycle, chunk, i));
    }
    const std::string ref = chunk_ref(cycle, chunk);  // copied by make_opt_out_request
    batch.context = ChangeContext{t(chunk), ChangeSource::csv, ref, "csv upload"};
    auto req = make_opt_out_request(std::move(batch), [=](Result<OptOutBatchResult> r) {
      if (!r || r->opted_out != kChunkPhones) _exit(4);
      ChunkReport report{cycle, chunk};
      if (write(fd, &report, sizeof report) != sizeof report) _exit(5);
    });
    if (writer.submit(std::move(req))) _exit(6);
  }
  mo.join();
  _exit(7);
}

// Runs `body(fd)` in a child process (it must never return), reads what it writes to `fd`
// for a random 5-120 ms, SIGKILLs it and returns the whole reports read (a torn last one is
// not a report).
template <class R>
std::vector<R> run_until_killed(std::mt19937& rng, const std::function<void(int)>& body) {
  std::vector<R> out;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe";
    return out;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork";
    return out;
  }
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
    _exit(7);
  }
  close(fds[1]);
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
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child exited by itself, status " << status;
  for (std::size_t i = 0; i < buf.size() / sizeof(R); ++i) {
    R r;
    std::memcpy(&r, buf.data() + i * sizeof r, sizeof r);
    out.push_back(r);
  }
  return out;
}

TEST(CrashTest, EveryReportedCommitSurvivesSigkill) {
  TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::vector<Report> reported;
  std::uint64_t max_id = 0;
  for (int cycle = 0; cycle < kKillCycles; ++cycle) {
    auto got = run_until_killed<Report>(
        rng, [&](int fd) { child(dir, fd, static_cast<std::uint32_t>(cycle)); });
    reported.insert(reported.end(), got.begin(), got.end());

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

TEST(CrashTest, EveryReportedOptOutChunkSurvivesSigkill) {
  TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::size_t chunks = 0;
  for (int cycle = 0; cycle < kKillCycles; ++cycle) {
    auto got = run_until_killed<ChunkReport>(
        rng, [&](int fd) { opt_out_child(dir, fd, static_cast<std::uint32_t>(cycle)); });
    chunks += got.size();
    auto s = open_store(options_for(dir));
    ASSERT_TRUE(s) << s.error().message();
    for (const auto& r : got) {
      // Every phone of the chunk is opted out, and its audit event is readable with the
      // chunk's context.
      std::vector<std::string> phones;
      std::vector<Store::StateQuery> queries;
      for (std::uint32_t i = 0; i < kChunkPhones; ++i) {
        phones.push_back(chunk_phone(r.cycle, r.chunk, i));
      }
      for (const auto& p : phones) queries.push_back({p, "a"});
      auto states = (*s)->states(queries);
      ASSERT_TRUE(states);
      for (std::size_t i = 0; i < phones.size(); ++i) {
        ASSERT_EQ((*states)[i], SubscriptionState::opted_out)
            << "cycle " << cycle << ": " << phones[i] << " of reported "
            << chunk_ref(r.cycle, r.chunk);
      }
      auto audit = (*s)->audit_page(AuditQuery{phones[kChunkPhones / 2], 5, std::nullopt});
      ASSERT_TRUE(audit);
      ASSERT_FALSE(audit->events.empty()) << chunk_ref(r.cycle, r.chunk);
      EXPECT_EQ(audit->events.front().ref, chunk_ref(r.cycle, r.chunk));
      EXPECT_EQ(audit->events.front().source, ChangeSource::csv);
    }
  }
  EXPECT_GT(chunks, std::size_t(kKillCycles));  // the children did commit chunks
  auto bad = check_invariants(dir.path());
  for (const auto& b : bad) ADD_FAILURE() << "invariant after crashes: " << b;
  std::printf("opt-out crash test: %d kills, %zu reported chunks of %u phones\n", kKillCycles,
              chunks, kChunkPhones);
}

}  // namespace
}  // namespace smppgw::store::test
