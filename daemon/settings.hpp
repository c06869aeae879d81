// The configuration in force and what is derived from it (the phone normaliser of its
// default_region, the keyword engine of its campaigns). A SIGHUP reload builds a new Settings and
// swaps the pointer; work already under way finishes with the Settings it started with.
#pragma once

#include <memory>
#include <mutex>

#include "conf/config.hpp"
#include "conf/phone_number.hpp"
#include "daemon/engine/keyword_engine.hpp"

namespace smppgw::daemon {

// One configuration in force and what is derived from it. Immutable: a reload builds a new
// one, and work already under way finishes with the one it started with.
struct Settings {
  std::shared_ptr<const conf::Config> config;
  std::shared_ptr<const conf::PhoneNormalizer> phones;
  std::shared_ptr<const engine::KeywordEngine> engine;  // the rules of this configuration

  static std::shared_ptr<const Settings> make(conf::Config config);
};

// The current Settings, read by any thread (one mutex acquisition; C++20's
// atomic<shared_ptr> is not in g++ 12's library).
class SettingsHolder {
 public:
  explicit SettingsHolder(std::shared_ptr<const Settings> initial) : current_(std::move(initial)) {}
  [[nodiscard]] std::shared_ptr<const Settings> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void set(std::shared_ptr<const Settings> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Settings> current_;
};

}  // namespace smppgw::daemon
