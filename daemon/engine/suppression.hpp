// The suppression rule of SPEC §4, used by every MT path (admin replies and chat when they are
// accepted, the engine's own replies, broadcasts, and the dispatcher again right before a
// submit): no MT reaches a subscriber who is opted out of its campaign, except the single
// STOP confirmation and HELP answers.
#pragma once

#include <optional>

#include "store/types.hpp"

namespace smppgw::engine {

// The two kinds an opted-out subscriber may still receive.
bool exempt_from_suppression(store::OutboxKind kind);

// `effective` is the state that governs (phone, campaign), as store::WriteTxn::state() and
// store::Store::state() return it. Never joined (empty) is not opted out: a reply to someone
// who texted the short code without joining is allowed.
bool suppressed(store::OutboxKind kind, std::optional<store::SubscriptionState> effective);

// The same from the raw parts: the (phone, campaign) record's state, if any, and whether the
// phone has a company-wide opt-out. A record wins over the company-wide opt-out (a keyword
// join lifts it for that campaign only).
bool suppressed(store::OutboxKind kind, std::optional<store::SubscriptionState> record,
                bool company_opt_out);

}  // namespace smppgw::engine
