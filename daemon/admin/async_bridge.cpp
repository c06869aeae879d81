// The writer's completions run on its thread; they only post (await_callback).
#include "daemon/admin/async_bridge.hpp"

#include <future>

#include "store/error.hpp"

namespace smppgw::admin {

asio::awaitable<std::error_code> write_durably(store::Writer& writer, const ApplyFn& apply) {
  // The outcome of one try_submit: queued (then `result` is the completion) or refused.
  struct Try {
    bool queued = false;
    std::error_code result;
  };
  for (;;) {
    auto submit = [&writer, &apply](std::function<void(Try)> done) {
      store::WriteRequest req{apply, [done](std::error_code ec) { done(Try{true, ec}); }};
      if (auto ec = writer.try_submit(std::move(req))) done(Try{false, ec});
    };
    Try t = co_await await_callback<Try>(submit);
    if (t.queued || t.result != store::StoreErrc::queue_full) co_return t.result;
    auto wait_for_space = [&writer](std::function<void(bool)> done) {
      writer.notify_when_space([done] { done(true); });
    };
    co_await await_callback<bool>(wait_for_space);
  }
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
