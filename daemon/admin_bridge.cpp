#include "daemon/admin_bridge.hpp"

namespace smppgw::daemon {

admin::AdminSnapshot AdminBridge::snapshot() const {
  const auto settings = services_.settings.get();
  return {settings->config, settings->phones};
}

}  // namespace smppgw::daemon
