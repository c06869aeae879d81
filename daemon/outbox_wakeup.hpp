// Wakes the dispatchers of a short code when records join its outbox queue (an admin reply,
// an auto-reply committed with an MO, a broadcast chunk), so MT leaves at once instead of at
// the next poll. Dispatchers subscribe with the short codes they serve; notify() calls their
// wake functions, which only post to their strands. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::daemon {

class OutboxWakeup {
 public:
  using Wake = std::function<void()>;

  // Returns a token for unsubscribe(). `wake` must be cheap and thread-safe (a post).
  std::uint64_t subscribe(std::vector<std::string> short_codes, Wake wake);
  void unsubscribe(std::uint64_t token);

  // New records are queued for `short_code`.
  void notify(std::string_view short_code) const;
  // Something changed for every queue (a broadcast of unknown short code, a reload).
  void notify_all() const;

 private:
  struct Subscriber {
    std::vector<std::string> short_codes;
    Wake wake;
  };
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t next_token_ = 1;
};

}  // namespace smppgw::daemon
