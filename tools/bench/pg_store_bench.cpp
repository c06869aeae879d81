// Store benchmarks on the PostgreSQL backend: prints {"bench":NAME,"value":N,"unit":U} lines
// (the median of --runs runs, 3 by default) on stdout, the individual runs on stderr. It
// starts a throwaway cluster of its own with tools/pg-cluster (fsync=on, synchronous_commit=on:
// the durable settings) and stops it at the end; without PostgreSQL installed it says so on
// stderr and prints nothing.
//
//   pg_store_mo_commit  durable keyword-MO write requests per second through the writer, from
//                       4 producer threads, the request of store_bench's store_mo_commit: read
//                       the subscription, write an Inbox row, change the subscription (an audit
//                       event) and enqueue one reply. Goal (issue 13): >= 10,000/s.
//   pg_store_group_size mean requests per commit during pg_store_mo_commit.
//   pg_optout_csv_1m_s  seconds to apply a 1,000,000-phone Manual Opt-Out of one campaign, from
//                       the rows in upload order to the last committed chunk (sorted, chunks of
//                       kOptOutChunkPhones, two in flight as the admin upload sends them).
//                       Goal: <= 10 s.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/bulk.hpp"
#include "store/postgres/store.hpp"
#include "store/writer.hpp"
#include "tools/bench/keyword_mo_load.hpp"
#include "tools/bench/median.hpp"

namespace {

using smppgw::bench::median;
using namespace smppgw::store;
using smppgw::bench::run_keyword_mos;
using Clock = std::chrono::steady_clock;

constexpr int kProducers = 4;
constexpr std::uint64_t kPhones = 100000;

// The throwaway cluster: tools/pg-cluster start DIR prints its URL; the password is DIR/password.
class Cluster {
 public:
  static std::optional<Cluster> start() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "smppgw-pg-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return std::nullopt;
    std::filesystem::remove(tmpl);  // pg-cluster creates it
    const std::string cmd = std::string(SMPPGW_PG_CLUSTER) + " start " + tmpl + " 2>&1";
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out, last;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) {
      out += buf;
      last = buf;
    }
    if (pclose(p) != 0 || last.rfind("postgresql://", 0) != 0) {
      std::fprintf(stderr, "pg_store_bench: skipped: PostgreSQL cannot be started here (%s)\n",
                   out.empty() ? "no output" : out.c_str());
      return std::nullopt;
    }
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r')) last.pop_back();
    return Cluster(tmpl, last);
  }
  Cluster(Cluster&& o) noexcept : dir_(std::move(o.dir_)), url_(std::move(o.url_)) {
    o.dir_.clear();
  }
  ~Cluster() {
    if (dir_.empty()) return;
    const std::string cmd = std::string(SMPPGW_PG_CLUSTER) + " stop " + dir_ + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
      std::fprintf(stderr, "pg-cluster stop %s failed\n", dir_.c_str());
  }
  postgres::ConnectOptions connect() const { return {url_, dir_ + "/password"}; }

 private:
  Cluster(std::string dir, std::string url) : dir_(std::move(dir)), url_(std::move(url)) {}
  std::string dir_, url_;
};

// A store in a fresh schema of the cluster, and its writer.
class BenchStore {
 public:
  BenchStore(const Cluster& cluster, int run) {
    static int n = 0;
    postgres::StoreOptions o{cluster.connect(),
                             "bench_" + std::to_string(run) + "_" + std::to_string(n++), 4};
    auto s = postgres::open_store(o);
    if (!s) {
      std::fprintf(stderr, "open_store: %s\n", s.error().message.c_str());
      std::exit(1);
    }
    store_ = std::move(*s);
    auto w = Writer::start(*store_);
    if (!w) std::exit(1);
    writer_ = std::move(*w);
  }
  Writer& writer() { return *writer_; }

 private:
  std::unique_ptr<Store> store_;
  std::unique_ptr<Writer> writer_;
};

std::string phone_of(std::uint64_t n) {
  return "+1415" + std::to_string(2000000 + n);
}

struct MoResult {
  double per_second;
  double group_size;
};

MoResult run_mo_commit(const Cluster& cluster, int run, std::uint64_t total) {
  BenchStore bench(cluster, run);
  Writer& writer = bench.writer();
  const auto t0 = Clock::now();
  run_keyword_mos(writer, total, kPhones, kProducers, phone_of, "pg_store_mo_commit");
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto stats = writer.stats();
  std::fprintf(stderr, "  pg mo_commit: %llu requests in %.3f s, %llu commits, %llu reruns\n",
               static_cast<unsigned long long>(total), secs,
               static_cast<unsigned long long>(stats.commits),
               static_cast<unsigned long long>(stats.reruns));
  return {double(total) / secs, stats.mean_group_size()};
}

double run_optout(const Cluster& cluster, int run, std::uint64_t phones) {
  BenchStore bench(cluster, run);
  Writer& writer = bench.writer();
  std::vector<std::string> rows;
  rows.reserve(phones);
  std::uint64_t x = 88172645463325252ull;
  for (std::uint64_t i = 0; i < phones; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rows.push_back("+1" + std::to_string(2000000000ull + (i * 7919 + x % 7) % 8000000000ull));
  }
  const auto t0 = Clock::now();
  SortedPhoneList list;
  for (const auto& row : rows) list.add(row);
  const std::uint64_t duplicates = list.finish();
  constexpr std::size_t kInFlight = 2;
  OptOutProgress progress;
  std::mutex m;
  std::condition_variable cv;
  std::size_t in_flight = 0;
  std::uint64_t index = 0;
  const ChangeContext context{timestamp_from_unix_ms(1'700'000'000'000), ChangeSource::csv,
                              "req-bench", "csv upload"};
  for (std::size_t at = 0; at < list.size(); at += kOptOutChunkPhones) {
    OptOutBatch chunk;
    chunk.campaign = "spring";
    chunk.context = context;
    chunk.phones = list.slice(at, at + kOptOutChunkPhones);
    const std::size_t n = chunk.phones.size();
    {
      std::unique_lock lk(m);
      cv.wait(lk, [&] { return in_flight < kInFlight; });
      if (progress.failed_chunk) break;
      ++in_flight;
    }
    auto req = make_opt_out_request(std::move(chunk), [&, i = index++, n](auto r) {
      std::lock_guard lk(m);
      progress.add(i, n, r);
      --in_flight;
      cv.notify_all();
    });
    if (writer.submit(std::move(req))) std::exit(1);
  }
  {
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return in_flight == 0; });
  }
  if (progress.failed_chunk) {
    std::fprintf(stderr, "chunk failed: %s\n", progress.error.message().c_str());
    std::exit(1);
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr, "  pg optout: %llu rows, %llu opted out, %llu duplicates, %.3f s\n",
               static_cast<unsigned long long>(phones),
               static_cast<unsigned long long>(progress.opted_out),
               static_cast<unsigned long long>(duplicates), secs);
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::uint64_t mo_total = 200000;
  std::uint64_t optout_phones = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--mo") mo_total = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--optout") optout_phones = std::strtoull(argv[i + 1], nullptr, 10);
  }
  auto cluster = Cluster::start();
  if (!cluster) return 0;
  std::vector<double> rate, group, optout;
  for (int r = 0; r < runs; ++r) {
    auto mo = run_mo_commit(*cluster, r, mo_total);
    rate.push_back(mo.per_second);
    group.push_back(mo.group_size);
  }
  for (int r = 0; r < runs; ++r) optout.push_back(run_optout(*cluster, r, optout_phones));
  std::printf("{\"bench\":\"pg_store_mo_commit\",\"value\":%.0f,\"unit\":\"req/s\"}\n",
              median(rate));
  std::printf("{\"bench\":\"pg_store_group_size\",\"value\":%.1f,\"unit\":\"req/commit\"}\n",
              median(group));
  std::printf("{\"bench\":\"pg_optout_csv_1m_s\",\"value\":%.3f,\"unit\":\"s\"}\n", median(optout));
  return 0;
}
