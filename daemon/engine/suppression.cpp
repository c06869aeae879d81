// Suppression (SPEC §4).
#include "daemon/engine/suppression.hpp"

namespace smppgw::engine {

bool exempt_from_suppression(store::OutboxKind kind) {
  return kind == store::OutboxKind::stop_confirmation || kind == store::OutboxKind::help;
}

bool suppressed(store::OutboxKind kind, std::optional<store::SubscriptionState> effective) {
  return effective == store::SubscriptionState::opted_out && !exempt_from_suppression(kind);
}

bool suppressed(store::OutboxKind kind, std::optional<store::SubscriptionState> record,
                bool company_opt_out) {
  const std::optional<store::SubscriptionState> effective =
      record
          ? record
          : (company_opt_out ? std::optional(store::SubscriptionState::opted_out) : std::nullopt);
  return suppressed(kind, effective);
}

}  // namespace smppgw::engine
