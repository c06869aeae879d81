// Bridges between the admin server's coroutines (one per connection, on the event loop) and
// the threads that do the work: the store writer (completions run on the writer thread) and
// the admin worker pool (CSV parsing, big scans). Every result is posted back to the
// awaiting coroutine's executor, so connection state is only touched by its coroutine.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "store/writer.hpp"

namespace smppgw::admin {

namespace asio = boost::asio;

// g++ 12 mishandles a coroutine parameter passed by value from a temporary whose type is not
// trivially destructible: it is destroyed twice. Boost 1.74's use_awaitable initiation is
// such a coroutine (it takes the initiation object by value), so the initiation below holds
// only pointers into this frame, and the helpers take their arguments by reference to
// objects the caller names (they live in the caller's frame across the co_await).
namespace detail {
template <class T, class Start>
struct CallbackInitiation {
  const Start* start;
  const asio::any_io_executor* executor;
  template <class Handler>
  void operator()(Handler handler) const {
    auto shared = std::make_shared<Handler>(std::move(handler));
    std::function<void(T)> done = [ex = *executor, shared](T value) {
      asio::post(ex, [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
    };
    (*start)(std::move(done));
  }
};
}  // namespace detail

// Awaits a callback-style operation: `start(done)` must call `done(T)` exactly once, from
// any thread. The coroutine resumes on its own executor.
template <class T, class Start>
asio::awaitable<T> await_callback(const Start& start) {
  const asio::any_io_executor ex = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      detail::CallbackInitiation<T, Start>{&start, &ex}, asio::use_awaitable);
}

// Runs `fn()` on the worker pool (where blocking is allowed) and returns its result.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> on_worker(asio::thread_pool& pool, const Fn& fn) {
  using R = std::invoke_result_t<Fn&>;
  auto shared_fn = std::make_shared<Fn>(fn);
  auto start = [&pool, shared_fn](std::function<void(R)> done) {
    asio::post(pool, [shared_fn, done = std::move(done)] { done((*shared_fn)()); });
  };
  co_return co_await await_callback<R>(start);
}

using ApplyFn = std::function<std::error_code(store::WriteTxn&)>;

// Durable writes from the event loop: submits `apply` to the writer without blocking and
// resumes the awaiting coroutine once it is committed ({}) or refused (the error that kept
// it out of the store). A full queue is waited out (Writer::notify_when_space), never spun on.
//
// Why batched: the writer completes a whole group (up to thousands of requests) at once.
// Posting each completion separately costs a handler allocation, a scheduler lock and often
// a thread wake-up per request. Here the writer thread only links the completion into a
// list; the first one of a batch posts one drain, which resumes up to kDrainBatch coroutines
// and re-posts itself for the rest, so both event-loop threads share a large group.
//
// The coroutines run on the io_context itself (no strand): each connection has one
// operation pending at a time, so a resumption never races with another of its handlers.
class DurableWrites : public std::enable_shared_from_this<DurableWrites> {
 public:
  // `wake` is the dispatcher wake-up (AdminContext::outbox_queued).
  DurableWrites(asio::any_io_executor executor, store::Writer& writer,
                std::function<void(std::string_view)> wake);
  ~DurableWrites();
  DurableWrites(const DurableWrites&) = delete;
  DurableWrites& operator=(const DurableWrites&) = delete;

  // Awaits the durable completion of `apply` (see store::WriteRequest for its contract).
  // `apply` is a caller-named object (g++ 12, above); it is moved from once queued.
  asio::awaitable<std::error_code> write(ApplyFn& apply);

  // Records were queued for `short_code`: wakes its dispatcher. Called while resumptions
  // are being drained, the wake is deferred to the end of the drain and made once per short
  // code, instead of once per message (each wake locks, copies and posts).
  void outbox_queued(std::string_view short_code);

  static constexpr std::size_t kDrainBatch = 16;

  // One awaiting coroutine; the writer thread fills `result` and links it into the list.
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void resume() = 0;  // deletes the waiter
    Waiter* next = nullptr;
    std::error_code result;
  };
  void completed(Waiter* w);  // any thread

 private:
  void drain();

  asio::any_io_executor executor_;
  store::Writer& writer_;
  std::function<void(std::string_view)> wake_;
  std::mutex mutex_;
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
  bool drain_posted_ = false;
};

// For worker threads: submits (blocking while the queue is full) and waits for completion.
std::error_code write_durably_blocking(store::Writer& writer, store::WriteRequest request);

}  // namespace smppgw::admin
