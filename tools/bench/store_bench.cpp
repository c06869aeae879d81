// Store benchmarks: prints {"bench":NAME,"value":N,"unit":U} lines (the median of --runs
// runs, 3 by default; 5 for the opt-out figures, which take a second each and vary most from
// run to run on a shared VM) on stdout and the individual runs on stderr.
//
//   store_mo_commit   durable (fsync) MO-shaped write requests per second through the writer,
//                     from 4 producer threads. Each request reads the subscription, writes an
//                     Inbox row, changes the subscription (so an audit event is appended) and
//                     enqueues one reply — what the keyword engine does for a keyword MO.
//   store_group_size  mean requests per commit during store_mo_commit.
//   store_mo_commit_32k  the same with the writer's groups allowed to reach 32,768 requests
//                     (WriterOptions::max_group; 8,192 by default): what larger groups buy,
//                     beside lmdb_floor_mo_commit_32k.
//   store_optout_1m   seconds to apply a 1,000,000-phone Manual Opt-Out of one campaign, from
//                     the rows in upload order to the last durable chunk: SortedPhoneList
//                     (sort + exact duplicate count), then chunks of kOptOutChunkPhones through
//                     the writer, two in flight as the admin upload sends them.
//   store_optout_1m_all  the same upload opting out of every campaign (company-wide scope, the
//                     admin page's default).
//   store_mt_submitted  the MT path's write per submit_sm_resp (record_part_submitted), one
//                     request each, as the dispatcher submits them: responses/s.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/bulk.hpp"
#include "store/store.hpp"
#include "store/writer.hpp"
#include "tools/bench/keyword_mo_load.hpp"
#include "tools/bench/median.hpp"

namespace {

using smppgw::bench::median;

using namespace smppgw::store;
using smppgw::bench::run_keyword_mos;
using Clock = std::chrono::steady_clock;

// CPU seconds used by the whole process (all threads): on a shared machine the wall-clock
// figure depends on the load, this one much less.
// Bytes this process has handed to write() so far (/proc/self/io wchar): LMDB writes every
// page a commit dirtied, so this over a run is the write amplification of the schema.
double written_bytes() {
  std::FILE* f = std::fopen("/proc/self/io", "r");
  if (!f) return 0;
  char line[128];
  double v = 0;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long n = 0;
    if (std::sscanf(line, "wchar: %llu", &n) == 1) v = double(n);
  }
  std::fclose(f);
  return v;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

constexpr int kProducers = 4;
// Distinct subscribers the MO traffic comes from (--phones).
std::uint64_t g_phones = 100000;
// Writer's max_group for the MO run (--max-group); 0 keeps WriterOptions' default.
std::size_t g_max_group = 0;

std::filesystem::path make_dir() {
  const char* base = std::getenv("SMPPGW_BENCH_DIR");
  std::string tmpl =
      ((base ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
       "smppgw-store-bench-XXXXXX")
          .string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return tmpl;
}

std::unique_ptr<Store> open(const std::filesystem::path& dir) {
  StoreOptions o;
  o.state_dir = dir;
  o.map_size = 4ull << 30;
  // SMPPGW_BENCH_NOSYNC=1 measures the CPU side alone (not a reported figure).
  o.durability = std::getenv("SMPPGW_BENCH_NOSYNC") ? Durability::nosync : Durability::fsync;
  auto s = open_store(o);
  if (!s) {
    std::fprintf(stderr, "open_store: %s\n", s.error().message().c_str());
    std::exit(1);
  }
  return std::move(*s);
}

// A store and its writer in a fresh directory, removed at the end (kept with
// SMPPGW_BENCH_KEEP). writer_cpu() is the writer thread's CPU time at its last commit: the
// writer is the part that cannot be spread over cores, so its CPU per request bounds the
// throughput.
class BenchStore {
 public:
  explicit BenchStore(std::size_t max_group = 0) : dir_(make_dir()), store_(open(dir_)) {
    WriterOptions wo;
    wo.on_commit = [this](const WriterOptions::CommitInfo&) {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      writer_cpu_ = double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    };
    if (max_group) wo.max_group = max_group;
    auto w = Writer::start(*store_, wo);
    if (!w) std::exit(1);
    writer_ = std::move(*w);
  }
  ~BenchStore() {
    writer_.reset();
    store_.reset();
    if (!std::getenv("SMPPGW_BENCH_KEEP")) std::filesystem::remove_all(dir_);
  }
  BenchStore(const BenchStore&) = delete;
  BenchStore& operator=(const BenchStore&) = delete;
  Writer& writer() { return *writer_; }
  double writer_cpu() const { return writer_cpu_.load(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::atomic<double> writer_cpu_{0};
  std::unique_ptr<Writer> writer_;
};

std::string phone_of(std::uint64_t n) {
  return "+1415" + std::to_string(2000000 + n);
}

struct MoResult {
  double per_second;
  double group_size;
};

MoResult run_mo_commit(std::uint64_t total, std::size_t max_group) {
  MoResult result{};
  {
    BenchStore bench(max_group);
    Writer& writer = bench.writer();
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    const double w0 = written_bytes();
    run_keyword_mos(writer, total, g_phones, kProducers, phone_of, "store_mo_commit");
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    const double written = written_bytes() - w0;
    auto stats = writer.stats();
    result = {double(total) / secs, stats.mean_group_size()};
    std::fprintf(stderr,
                 "  mo_commit: %llu requests in %.3f s, %llu commits, %.2f us CPU/request "
                 "(writer thread %.2f us), %.0f bytes written/request\n",
                 static_cast<unsigned long long>(total), secs,
                 static_cast<unsigned long long>(stats.commits), cpu * 1e6 / double(total),
                 bench.writer_cpu() * 1e6 / double(total), written / double(total));
  }
  return result;
}

// The MT path's write after each submit_sm_resp (Dispatcher): record_part_submitted — the
// record read, its part marked submitted, the (link, carrier id) index entry, the record
// leaving the pending queue — one write request per response. The dispatcher does not wait
// for these writes to send more (the SMPP window is freed by the response itself), so up to
// kMtOutstanding are queued, and groups grow when the writer falls behind. Not an issue
// target: it shows how much of the MT budget the store takes.
constexpr std::size_t kMtOutstanding = 16384;
struct MtResult {
  double per_second;
  double writer_us;
};

MtResult run_mt_submitted(std::uint64_t total, std::size_t outstanding_max) {
  MtResult result{};
  {
    BenchStore bench;
    Writer& writer = bench.writer();
    // The queued broadcast: `total` one-part records.
    constexpr std::uint64_t kChunk = 10000;
    for (std::uint64_t at = 0; at < total; at += kChunk) {
      WriteRequest req;
      req.apply = [at, n = std::min(kChunk, total - at)](WriteTxn& txn) -> std::error_code {
        NewOutboxMessage m{timestamp_from_unix_ms(1'700'000'000'000),
                           "",
                           "12345",
                           "spring",
                           "Acme: spring sale today, 20% off everything.",
                           OutboxKind::broadcast};
        for (std::uint64_t i = 0; i < n; ++i) {
          m.to = phone_of(at + i);
          if (auto id = txn.enqueue_outbox(m); !id) return id.error();
        }
        return {};
      };
      if (writer.submit(std::move(req))) std::exit(1);
    }
    writer.flush();
    const double cpu_before = bench.writer_cpu();
    std::mutex m;
    std::condition_variable cv;
    std::size_t outstanding = 0;
    std::uint64_t failed = 0;
    const auto t0 = Clock::now();
    for (std::uint64_t id = 1; id <= total; ++id) {
      {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return outstanding < outstanding_max; });
        ++outstanding;
      }
      WriteRequest req;
      char carrier_id[17];
      std::snprintf(carrier_id, sizeof carrier_id, "%016llx",
                    static_cast<unsigned long long>(0x5F2A000000ull + id));
      req.apply = [id, cid = std::string(carrier_id)](WriteTxn& txn) -> std::error_code {
        auto r = txn.record_part_submitted(id, 0, "carrier-a", cid, cid,
                                           timestamp_from_unix_ms(1'700'000'001'000));
        return r ? std::error_code{} : r.error();
      };
      req.complete = [&](std::error_code ec) {
        std::lock_guard lk(m);
        if (ec) ++failed;
        --outstanding;
        cv.notify_one();
      };
      if (writer.submit(std::move(req))) std::exit(1);
    }
    writer.flush();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (failed) {
      std::fprintf(stderr, "store_mt_submitted: %llu failed\n",
                   static_cast<unsigned long long>(failed));
      std::exit(1);
    }
    result = {double(total) / secs, (bench.writer_cpu() - cpu_before) * 1e6 / double(total)};
    std::fprintf(
        stderr,
        "  mt_submitted: %llu responses in %.3f s (%zu outstanding), writer thread %.2f us "
        "CPU/response\n",
        static_cast<unsigned long long>(total), secs, outstanding_max, result.writer_us);
  }
  return result;
}

// `campaign` empty: the company-wide scope ("all"), the admin page's default.
double run_optout(std::uint64_t phones, std::optional<std::string> campaign) {
  double secs = 0;
  {
    BenchStore bench;
    Writer& writer = bench.writer();
    // The rows as the CSV reader hands them over: normalised E.164 text, upload order.
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
    const double c0 = cpu_seconds();
    const double wc0 = bench.writer_cpu();
    const double w0 = written_bytes();
    // Collect the upload (8 bytes a row), sort, drop duplicates, then apply sorted chunks
    // with two in flight, as the admin upload does (daemon/admin/optout_upload.hpp): the
    // next chunk is cut and queued while the writer commits the current one, and after a
    // failed chunk nothing more is sent.
    SortedPhoneList list;
    for (const auto& row : rows) list.add(row);
    const std::uint64_t duplicates = list.finish();
    const double sorted_after = std::chrono::duration<double>(Clock::now() - t0).count();
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
      chunk.campaign = campaign;
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
    secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    const double writer_cpu = bench.writer_cpu() - wc0;
    const double written = written_bytes() - w0;
    std::fprintf(stderr,
                 "  optout (%s): %llu rows, %llu opted out, %llu duplicates, %llu chunks, %.3f s "
                 "(sorted after %.3f s), %.3f s CPU (writer %.3f s), %.0f bytes written/phone\n",
                 campaign ? campaign->c_str() : "all", static_cast<unsigned long long>(phones),
                 static_cast<unsigned long long>(progress.opted_out),
                 static_cast<unsigned long long>(duplicates),
                 static_cast<unsigned long long>(progress.applied_chunks), secs, sorted_after, cpu,
                 writer_cpu, written / double(phones));
  }
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  int optout_runs = 5;
  std::uint64_t mo_total = 400000;
  std::uint64_t optout_phones = 1000000;
  std::uint64_t mt_total = 200000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--runs") runs = optout_runs = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--mo") mo_total = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--max-group") g_max_group = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--phones")
      g_phones = std::max<std::uint64_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (a == "--optout") optout_phones = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--mt") mt_total = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::vector<double> rate, group, rate_32k, optout, mt;
  for (int r = 0; r < runs; ++r) {
    auto mo = run_mo_commit(mo_total, g_max_group);
    rate.push_back(mo.per_second);
    group.push_back(mo.group_size);
  }
  for (int r = 0; r < runs; ++r) rate_32k.push_back(run_mo_commit(mo_total, 32768).per_second);
  for (int r = 0; r < optout_runs; ++r) optout.push_back(run_optout(optout_phones, "spring"));
  std::vector<double> optout_all;
  for (int r = 0; r < optout_runs; ++r)
    optout_all.push_back(run_optout(optout_phones, std::nullopt));
  if (mt_total) {
    for (int r = 0; r < runs; ++r)
      mt.push_back(run_mt_submitted(mt_total, kMtOutstanding).per_second);
  }
  std::printf("{\"bench\":\"store_mo_commit\",\"value\":%.0f,\"unit\":\"req/s\"}\n", median(rate));
  std::printf("{\"bench\":\"store_group_size\",\"value\":%.1f,\"unit\":\"req/commit\"}\n",
              median(group));
  std::printf("{\"bench\":\"store_mo_commit_32k\",\"value\":%.0f,\"unit\":\"req/s\"}\n",
              median(rate_32k));
  std::printf("{\"bench\":\"store_optout_1m\",\"value\":%.3f,\"unit\":\"s\"}\n", median(optout));
  std::printf("{\"bench\":\"store_optout_1m_all\",\"value\":%.3f,\"unit\":\"s\"}\n",
              median(optout_all));
  if (!mt.empty()) {
    std::printf("{\"bench\":\"store_mt_submitted\",\"value\":%.0f,\"unit\":\"resp/s\"}\n",
                median(mt));
  }
  return 0;
}
