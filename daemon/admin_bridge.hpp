// The daemon's side of the admin server's interface (daemon/admin/admin_context.hpp): the
// configuration in force, the store and writer, the metrics registry, the state of every
// link for /healthz, and the dispatcher wake-up for records queued through the API.
#pragma once

#include <functional>
#include <vector>

#include "daemon/admin/admin_context.hpp"
#include "daemon/services.hpp"

namespace smppgw::daemon {

class AdminBridge final : public admin::AdminContext {
 public:
  using LinkStates = std::function<std::vector<admin::LinkHealth>()>;

  AdminBridge(Services& services, LinkStates link_states)
      : services_(services), link_states_(std::move(link_states)) {}

  admin::AdminSnapshot snapshot() const override;
  store::Store& store() override { return services_.store; }
  store::Writer& writer() override { return services_.writer; }
  admin::MetricsRegistry& metrics() override { return services_.metrics; }
  std::vector<admin::LinkHealth> links() const override { return link_states_(); }
  void outbox_queued(std::string_view short_code) override { services_.wakeup.notify(short_code); }

 private:
  Services& services_;
  LinkStates link_states_;
};

}  // namespace smppgw::daemon
