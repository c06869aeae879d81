// The writer's completions run on its thread; they only post (await_callback).
#include "daemon/admin/async_bridge.hpp"

#include <future>
#include <string>
#include <vector>

#include "store/error.hpp"

namespace smppgw::admin {

namespace {

// The awaiting coroutine's handler, resumed by DurableWrites::drain on the event loop.
template <class Handler>
struct HandlerWaiter final : DurableWrites::Waiter {
  explicit HandlerWaiter(Handler&& h) : handler(std::move(h)) {}
  void resume() override {
    Handler h = std::move(handler);
    const std::error_code r = result;
    delete this;
    h(r);
  }
  Handler handler;
};

// Pointers only: see the note on g++ 12 in async_bridge.hpp.
struct SubmitInitiation {
  DurableWrites* self;
  store::Writer* writer;
  ApplyFn* apply;
  template <class Handler>
  void operator()(Handler handler) const {
    auto* waiter = new HandlerWaiter<Handler>(std::move(handler));
    // Two raw pointers: small and trivially copyable, so std::function stores the completion
    // without allocating. The waiter lives until drain() resumes it.
    store::WriteRequest req{std::move(*apply), [self = self, waiter](std::error_code ec) {
                              waiter->result = ec;
                              self->completed(waiter);
                            }};
    if (auto ec = writer->try_submit(std::move(req))) {
      // Not queued: the request is untouched, so `apply` can be tried again.
      *apply = std::move(req.apply);
      waiter->result = ec;
      self->completed(waiter);
    }
  }
};

// The DurableWrites draining on this thread, and the short codes whose wake it deferred.
thread_local DurableWrites* draining = nullptr;
thread_local std::vector<std::string> deferred_wakes;

}  // namespace

DurableWrites::DurableWrites(asio::any_io_executor executor, store::Writer& writer,
                             std::function<void(std::string_view)> wake)
    : executor_(std::move(executor)), writer_(writer), wake_(std::move(wake)) {}

DurableWrites::~DurableWrites() = default;

asio::awaitable<std::error_code> DurableWrites::write(ApplyFn& apply) {
  for (;;) {
    std::error_code ec =
        co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::error_code)>(
            SubmitInitiation{this, &writer_, &apply}, asio::use_awaitable);
    if (ec != store::StoreErrc::queue_full) co_return ec;
    store::Writer& writer = writer_;
    auto wait_for_space = [&writer](std::function<void(bool)> done) {
      writer.notify_when_space([done] { done(true); });
    };
    co_await await_callback<bool>(wait_for_space);
  }
}

void DurableWrites::completed(Waiter* w) {
  bool post = false;
  {
    std::lock_guard lock(mutex_);
    w->next = nullptr;
    if (tail_) {
      tail_->next = w;
    } else {
      head_ = w;
    }
    tail_ = w;
    if (!drain_posted_) post = drain_posted_ = true;
  }
  if (post) asio::post(executor_, [self = shared_from_this()] { self->drain(); });
}

void DurableWrites::drain() {
  Waiter* batch = nullptr;
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    batch = head_;
    Waiter* last = head_;
    for (std::size_t i = 1; last && i < kDrainBatch; ++i) {
      if (!last->next) break;
      last = last->next;
    }
    if (last) {
      head_ = last->next;
      last->next = nullptr;
      if (!head_) tail_ = nullptr;
    }
    more = head_ != nullptr;
    drain_posted_ = more;
  }
  // The rest goes back to the scheduler first, so the other event-loop thread can take it
  // while this one resumes its share.
  if (more) asio::post(executor_, [self = shared_from_this()] { self->drain(); });
  draining = this;
  while (batch) {
    Waiter* next = batch->next;
    batch->resume();
    batch = next;
  }
  draining = nullptr;
  for (const auto& code : deferred_wakes) wake_(code);
  deferred_wakes.clear();
}

void DurableWrites::outbox_queued(std::string_view short_code) {
  if (draining != this) {
    wake_(short_code);
    return;
  }
  for (const auto& code : deferred_wakes) {
    if (code == short_code) return;
  }
  deferred_wakes.emplace_back(short_code);
}

std::error_code write_durably_blocking(store::Writer& writer, store::WriteRequest request) {
  auto promise = std::make_shared<std::promise<std::error_code>>();
  auto future = promise->get_future();
  auto complete = std::move(request.complete);
  request.complete = [promise, complete](std::error_code ec) {
    if (complete) complete(ec);
    promise->set_value(ec);
  };
  if (auto ec = writer.submit(std::move(request))) return ec;
  return future.get();
}

}  // namespace smppgw::admin
