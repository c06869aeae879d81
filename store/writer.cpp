// The store writer: the one thread that changes the store (DESIGN.md §3).
//
// Why one writer: LMDB allows one write transaction at a time, and the keyword engine must
// decide an MO on the subscriber's current state inside the same transaction that records
// it. Serialising all writes on one thread makes every decision see every earlier write,
// with no lock held across the engine's code.
//
// Why groups: "acknowledge after commit" (SPEC §5) needs each MO durable before its
// deliver_sm_resp. One fsync per MO would cap the gateway at a few thousand MO/s; instead the
// writer takes everything queued (up to max_group), runs it in one transaction and pays one
// commit (one fsync pair) for the whole group. While it commits, new requests queue up and
// form the next group, so the group size adapts to the load by itself: one request per
// commit when idle (lowest latency), thousands per commit under a burst.
//
// Why completions wait: a completion runs only after mdb_txn_commit returned, i.e. after
// the data and meta pages were fsynced (Durability::fsync). Nothing a completion tells the
// outside world (an ESME_ROK, an HTTP 2xx) can be lost by a crash after it.
//
// Failure of one request: LMDB's nested transactions would roll back one request alone, but
// they cost an allocation and copy per request and exclude MDB_WRITEMAP. Failures are rare,
// so the writer is optimistic instead: the group runs in one transaction; when a request
// returns an error, the transaction is aborted and the group re-run without that request.
// The same re-run serves MDB_MAP_FULL (grow the map, then re-run). This is why
// WriteRequest::apply must be deterministic and assign, not accumulate, its outputs.
// A request that overflows the transaction by itself (txn_full) fails alone; a group that
// overflows only together is split and committed in two parts.
//
// A server backend (PostgreSQL) cannot read synchronously at B-tree cost: a request that
// reads rows its transaction has not loaded returns data_needed. The writer runs the rest of
// the group anyway, so one pass learns what the whole group needs, has the backend load it in
// one round trip (WriteGroup::load) and re-runs the group in the same transaction; typically
// 2-3 passes (MO → phone state; receipt → carrier id → outbox record). The loads of one
// transaction are bounded (16): a request still asking for rows after them (it reads without
// end, or the backend cannot deliver them) fails alone with backend_error, so the group still
// commits and the writer never spins. A deadlock or serialization failure (conflict) re-runs
// the group in a new transaction, at most 16 times.
//
// Back-pressure: the queue is bounded. try_submit fails when it is full (an SMPP session then
// stops reading, so TCP pushes back to the carrier), notify_when_space tells the caller when
// the queue drained to half, and submit blocks for callers that may block.
#include "store/writer.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "store/write_backend.hpp"

namespace smppgw::store {

struct Writer::Impl {
  Impl(detail::WriteBackend& b, WriterOptions o) : backend(b), options(std::move(o)) {}

  detail::WriteBackend& backend;
  const WriterOptions options;

  mutable std::mutex m;
  std::condition_variable work_cv;   // the writer waits for requests
  std::condition_variable space_cv;  // blocking submitters wait for room
  std::condition_variable done_cv;   // flush() waits for completions
  std::deque<WriteRequest> queue;
  std::vector<std::function<void()>> space_waiters;
  bool closing = false;
  bool exited = false;
  std::uint64_t submitted = 0;  // requests ever queued
  std::uint64_t completed = 0;  // requests ever completed
  WriterStats stats;
  std::thread thread;

  void run();
  // Runs batch[begin, end) to completion: commits what can be committed, sets results.
  void process(std::vector<WriteRequest>& batch, std::vector<std::error_code>& results,
               std::size_t begin, std::size_t end);
  void complete(std::vector<WriteRequest>& batch, const std::vector<std::error_code>& results);
};

namespace {

std::error_code err(StoreErrc e) {
  return make_error_code(e);
}

}  // namespace

void Writer::Impl::run() {
  std::vector<WriteRequest> batch;
  std::vector<std::error_code> results;
  for (;;) {
    std::vector<std::function<void()>> wake;
    bool exit = false;
    {
      std::unique_lock lk(m);
      work_cv.wait(lk, [&] { return !queue.empty() || closing; });
      if (queue.empty()) {
        exit = true;
        exited = true;
        wake.swap(space_waiters);
      } else {
        const std::size_t n = std::min(queue.size(), options.max_group);
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) batch.push_back(std::move(queue[i]));
        queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
        if (queue.size() <= options.queue_capacity / 2) wake.swap(space_waiters);
      }
    }
    space_cv.notify_all();
    for (auto& w : wake) w();
    if (exit) {
      done_cv.notify_all();
      return;
    }

    results.assign(batch.size(), {});
    const auto t0 = std::chrono::steady_clock::now();
    process(batch, results, 0, batch.size());
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    if (options.on_commit) {
      options.on_commit(WriterOptions::CommitInfo{
          batch.size(), std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed)});
    }
    {
      std::lock_guard lk(m);
      stats.requests += batch.size();
      for (const auto& r : results) stats.failed_requests += r ? 1 : 0;
    }
    complete(batch, results);
    {
      std::lock_guard lk(m);
      completed += batch.size();
    }
    done_cv.notify_all();
    batch.clear();
  }
}

void Writer::Impl::process(std::vector<WriteRequest>& batch, std::vector<std::error_code>& results,
                           std::size_t begin, std::size_t end) {
  // skip[i]: request i already has its (failure) result and is left out of re-runs; a
  // request with a result on entry failed in an earlier attempt.
  std::vector<char> skip(end - begin, 0);
  for (std::size_t i = begin; i < end; ++i) skip[i - begin] = results[i] ? 1 : 0;
  auto fail_rest = [&](std::error_code ec) {
    for (std::size_t i = begin; i < end; ++i) {
      if (!skip[i - begin]) results[i] = ec;
    }
  };
  auto count_rerun = [&] {
    std::lock_guard lk(m);
    ++stats.reruns;
  };
  // Conflicts (deadlock, serialization failure with another node) re-run the group in a new
  // transaction; bounded, so that two nodes fighting forever still answer their requests.
  constexpr int kMaxConflicts = 16;
  int conflicts = 0;
  auto on_conflict = [&](std::error_code ec) {
    if (ec != StoreErrc::conflict) return false;
    if (++conflicts > kMaxConflicts) return false;
    count_rerun();
    return true;
  };
  for (;;) {
    bool any = false;
    for (char s : skip) any |= !s;
    if (!any) return;  // every request failed alone: nothing to commit

    auto group = backend.begin_group();
    if (!group) return fail_rest(group.error());
    detail::WriteGroup& g = **group;
    constexpr int kMaxLoads = 16;
    int loads = 0;

    // One transaction, one or more attempts: a server backend re-runs the group in the same
    // transaction after loading what a pass asked for (data_needed), or after a request
    // failed alone (restart); LMDB always begins a new transaction.
    enum class Next { commit, rerun, again, done } next;
    // waiting: the requests of this pass whose result waits for a load (they asked for data,
    // or failed once data was asked for).
    std::vector<std::size_t> waiting;
    do {
      next = Next::commit;
      waiting.clear();
      for (std::size_t i = begin; i < end && next == Next::commit; ++i) {
        if (skip[i - begin]) continue;
        const bool wanted = g.wants_data();
        std::error_code ec;
        try {
          ec = batch[i].apply(g.txn());
        } catch (...) {
          ec = err(StoreErrc::request_threw);
        }
        if (auto p = g.poisoned()) {
          g.abort();
          if (p == StoreErrc::map_full) {
            if (auto ge = backend.grow()) {
              fail_rest(ge);
              next = Next::done;
            } else {
              std::lock_guard lk(m);
              ++stats.map_growths;
              ++stats.reruns;
              next = Next::rerun;
            }
          } else if (p == StoreErrc::txn_full) {
            bool first = true;
            for (std::size_t j = begin; j < i; ++j) first &= bool(skip[j - begin]);
            if (first) {
              // Too big on its own: only this request fails.
              results[i] = p;
              skip[i - begin] = 1;
              next = Next::rerun;
            } else {
              // Too big together: commit the part before it, then the rest as its own group.
              process(batch, results, begin, i);
              process(batch, results, i, end);
              return;
            }
          } else if (on_conflict(p)) {
            next = Next::rerun;
          } else {
            fail_rest(p);  // io_error, unavailable, corrupted, ...: the whole group fails
            next = Next::done;
          }
        } else if (ec == StoreErrc::data_needed || (ec && g.wants_data())) {
          // Not a failure: the request runs again once its rows are loaded. A request that
          // failed after an earlier one asked for data may have read that one's partial
          // writes, so its error is only believed in a pass that loads nothing.
          waiting.push_back(i);
        } else if (!wanted && g.wants_data()) {
          waiting.push_back(i);  // it asked for data but returned {} all the same
        } else if (ec) {
          results[i] = ec;
          skip[i - begin] = 1;
          count_rerun();
          if (g.restart()) {
            next = Next::again;
          } else {
            g.abort();
            next = Next::rerun;
          }
        }
      }
      // A data_needed the backend does not know of (wants_data() false) still keeps the
      // request from committing as if it had run: it waits like the others.
      if (next == Next::commit && (g.wants_data() || !waiting.empty())) {
        if (++loads > kMaxLoads) {
          if (waiting.empty()) {
            g.abort();
            fail_rest(err(StoreErrc::backend_error));
            return;
          }
          for (std::size_t i : waiting) {
            results[i] = err(StoreErrc::backend_error);
            skip[i - begin] = 1;
          }
          count_rerun();
          if (g.restart()) {
            next = Next::again;
          } else {
            g.abort();
            next = Next::rerun;
          }
        } else if (auto le = g.load()) {
          g.abort();
          if (on_conflict(le)) {
            next = Next::rerun;
          } else {
            fail_rest(le);
            return;
          }
        } else {
          next = Next::again;
        }
      }
    } while (next == Next::again);
    if (next == Next::done) return;
    if (next == Next::rerun) continue;

    std::error_code ce = g.commit();
    if (!ce) {
      std::lock_guard lk(m);
      ++stats.commits;
      return;
    }
    if (ce == StoreErrc::map_full) {
      if (auto ge = backend.grow()) return fail_rest(ge);
      std::lock_guard lk(m);
      ++stats.map_growths;
      ++stats.reruns;
      continue;
    }
    if (on_conflict(ce)) continue;
    return fail_rest(ce);
  }
}

void Writer::Impl::complete(std::vector<WriteRequest>& batch,
                            const std::vector<std::error_code>& results) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].complete) continue;
    try {
      batch[i].complete(results[i]);
    } catch (...) {
      // A completion must not throw; the writer cannot answer for it, and must keep serving
      // the other requests.
    }
  }
}

// ---- Writer ----

Writer::Writer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<Writer>> Writer::start(Store& store, WriterOptions options) {
  if (options.queue_capacity == 0 || options.max_group == 0) {
    return fail(StoreErrc::invalid_argument);
  }
  detail::WriteBackend& backend = store.write_backend();
  if (!backend.claim_writer()) return fail(StoreErrc::invalid_argument);
  auto impl = std::make_unique<Impl>(backend, std::move(options));
  Impl* raw = impl.get();
  std::unique_ptr<Writer> w(new Writer(std::move(impl)));
  raw->thread = std::thread([raw] { raw->run(); });
  return w;
}

Writer::~Writer() {
  shutdown();
}

std::error_code Writer::try_submit(WriteRequest&& req) {
  {
    std::lock_guard lk(impl_->m);
    if (impl_->closing) return err(StoreErrc::shutting_down);
    if (impl_->queue.size() >= impl_->options.queue_capacity) return err(StoreErrc::queue_full);
    impl_->queue.push_back(std::move(req));
    ++impl_->submitted;
  }
  impl_->work_cv.notify_one();
  return {};
}

std::error_code Writer::submit(WriteRequest&& req) {
  {
    std::unique_lock lk(impl_->m);
    impl_->space_cv.wait(
        lk, [&] { return impl_->closing || impl_->queue.size() < impl_->options.queue_capacity; });
    if (impl_->closing) return err(StoreErrc::shutting_down);
    impl_->queue.push_back(std::move(req));
    ++impl_->submitted;
  }
  impl_->work_cv.notify_one();
  return {};
}

void Writer::notify_when_space(std::function<void()> on_space) {
  {
    std::lock_guard lk(impl_->m);
    if (!impl_->exited && !impl_->closing && impl_->queue.size() >= impl_->options.queue_capacity) {
      impl_->space_waiters.push_back(std::move(on_space));
      return;
    }
  }
  on_space();
}

void Writer::shutdown() {
  {
    std::lock_guard lk(impl_->m);
    impl_->closing = true;
  }
  impl_->work_cv.notify_all();
  impl_->space_cv.notify_all();
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
    impl_->backend.release_writer();
  }
}

void Writer::flush() {
  std::unique_lock lk(impl_->m);
  const std::uint64_t target = impl_->submitted;
  impl_->done_cv.wait(lk, [&] { return impl_->completed >= target || impl_->exited; });
}

WriterStats Writer::stats() const {
  std::lock_guard lk(impl_->m);
  WriterStats s = impl_->stats;
  s.queue_depth = impl_->queue.size();
  return s;
}

std::size_t Writer::queue_depth() const {
  std::lock_guard lk(impl_->m);
  return impl_->queue.size();
}

std::size_t Writer::queue_capacity() const {
  return impl_->options.queue_capacity;
}

}  // namespace smppgw::store
