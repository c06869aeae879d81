// The one store writer (DESIGN.md §3): a thread that drains a bounded queue of write
// requests, runs each group in one transaction, commits it with one fsync and only then
// completes the group's requests. "Acknowledge after commit" (SPEC §5) is built on it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>

#include "store/error.hpp"
#include "store/store.hpp"
#include "store/write_txn.hpp"

namespace smppgw::store {

// A write request.
//
// apply: runs on the writer thread inside the group's write transaction. Returns {} to keep
//   its writes, or an error to have them rolled back alone (the other requests of the group
//   still commit). It must be a deterministic function of the transaction's state and its
//   captured inputs, because it can run MORE THAN ONCE: when the map grows (MDB_MAP_FULL) or
//   another request of its group fails, the group's transaction is rolled back and re-run.
//   Outputs it writes outside the transaction (ids, decisions) must therefore be assigned,
//   never accumulated. It must not block, sleep or do I/O. An exception it throws counts as
//   a failure (request_threw). A "business" refusal that writes nothing (opted out → 409) is
//   best returned as {} with the answer in captured state: an error costs a group re-run.
//
// complete: runs on the writer thread exactly once, after the group's commit is durable
//   (durability fsync) with {} — or with the error that kept the request from committing
//   (its own error, or the group's commit/backend error: io_error, disk_full, ...). Nothing
//   of a failed request is in the store. It must be short and must not submit to the writer
//   blocking (Writer::submit); callers on an event loop post back to their own executor
//   (asio::post(strand, ...)). It may be empty.
struct WriteRequest {
  std::function<std::error_code(WriteTxn&)> apply;
  std::function<void(std::error_code)> complete;
};

struct WriterOptions {
  std::size_t queue_capacity = 65536;  // requests waiting; try_submit fails beyond this
  std::size_t max_group = 8192;        // requests per transaction at most
  // Called on the writer thread after every commit (for the commit latency histogram).
  struct CommitInfo {
    std::size_t requests = 0;             // requests in the group (failed ones included)
    std::chrono::nanoseconds duration{};  // begin of transaction → durable commit
  };
  std::function<void(const CommitInfo&)> on_commit;
};

struct WriterStats {
  std::uint64_t commits = 0;   // committed groups
  std::uint64_t requests = 0;  // requests completed (successes and failures)
  std::uint64_t failed_requests = 0;
  std::uint64_t reruns = 0;  // group re-runs (failed request or map growth)
  std::uint64_t map_growths = 0;
  std::size_t queue_depth = 0;
  double mean_group_size() const { return commits ? double(requests) / double(commits) : 0.0; }
};

class Writer {
 public:
  // Starts the writer thread over `store` (which must outlive the writer). One writer per
  // store: a second start fails with invalid_argument.
  static Result<std::unique_ptr<Writer>> start(Store& store, WriterOptions options = {});

  // Drains and completes everything queued, then joins the thread (see shutdown()).
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a request without blocking (event-loop threads). Returns {} when queued — the
  // request was moved from and its completion will run. Returns queue_full or shutting_down
  // without touching `req` (the caller still owns it and may retry it later, e.g. from
  // notify_when_space). Cost: one mutex acquisition.
  std::error_code try_submit(WriteRequest&& req);

  // Queues a request, blocking while the queue is full (threads that may block: CSV upload
  // workers, tests, benchmarks). Returns {} when queued, or shutting_down (req untouched).
  // Never call it from a completion (the writer thread would wait for itself).
  std::error_code submit(WriteRequest&& req);

  // Calls `on_space` once, on the writer thread, as soon as the queue has room again (it
  // dropped to half its capacity or below), or at once on the calling thread if it has room
  // now. Also called (once) at shutdown so that nobody waits for ever; try_submit then
  // reports shutting_down. Typical use: an SMPP session whose try_submit failed stops
  // reading and posts its resumption from here.
  void notify_when_space(std::function<void()> on_space);

  // Stops taking requests (try_submit/submit → shutting_down), runs and completes every
  // request already queued, and joins the thread. Idempotent. Must not be called from a
  // completion.
  void shutdown();

  // Blocks until every request queued before the call has completed. For tests and orderly
  // shutdown paths; never on the event loop.
  void flush();

  WriterStats stats() const;
  std::size_t queue_depth() const;
  std::size_t queue_capacity() const;

 private:
  struct Impl;
  explicit Writer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace smppgw::store
