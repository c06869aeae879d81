// Bridges between the admin server's coroutines (each on its connection's strand) and the
// threads that do the work: the store writer (completions run on the writer thread) and
// the admin worker pool (CSV parsing, big scans). Every result is posted back to the
// awaiting coroutine's executor, so connection state is only touched on its strand.
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

// Submits `apply` to the writer without blocking the event loop and awaits its durable
// completion: {} once committed, or the error that kept it out of the store. A full queue
// is waited out (Writer::notify_when_space), never spun on.
using ApplyFn = std::function<std::error_code(store::WriteTxn&)>;
asio::awaitable<std::error_code> write_durably(store::Writer& writer, const ApplyFn& apply);

// For worker threads: submits (blocking while the queue is full) and waits for completion.
std::error_code write_durably_blocking(store::Writer& writer, store::WriteRequest request);

}  // namespace smppgw::admin
