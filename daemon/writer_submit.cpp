#include "daemon/writer_submit.hpp"

#include <memory>

namespace smppgw::daemon {

void submit_from_loop(store::Writer& writer, Strand strand, store::WriteRequest request) {
  // try_submit moves from `request` only when it queued it.
  const auto ec = writer.try_submit(std::move(request));
  if (!ec) return;
  if (ec != store::StoreErrc::queue_full) {
    request.complete(ec);
    return;
  }
  auto pending = std::make_shared<store::WriteRequest>(std::move(request));
  writer.notify_when_space([&writer, strand, pending] {
    asio::post(strand, [&writer, pending] {
      if (auto again = writer.try_submit(std::move(*pending)); again) pending->complete(again);
    });
  });
}

}  // namespace smppgw::daemon
