// The admin operations that go through the subscription rules, as write requests so that the
// check and the write happen in one transaction (no MT can slip past an opt-out that commits
// in between):
//  - "Opt out profile" (SPEC §6 POST /v1/inbox/{id}/opt-out): the sender of an Inbox row out
//    of the row's campaign, audited with source admin.
//  - accepting an MT for a subscriber (reply, chat, "Message this profile"): refused while
//    the subscriber is opted out of its campaign (409 opted_out), else queued.
// Nobody can opt a subscriber back in here: there is deliberately no admin subscribe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include "store/write_txn.hpp"
#include "store/writer.hpp"

namespace smppgw::engine {

struct ProfileOptOut {
  std::string phone;     // E.164, from the Inbox row
  std::string campaign;  // the row's campaign; must not be empty
  store::Timestamp at{};
  std::string request_id;  // the audit reference (admin request id)
  store::ChangeSource source = store::ChangeSource::admin;
};

struct ProfileOptOutResult {
  bool changed = false;  // false: already opted out (nothing written)
  std::optional<store::SubscriptionState> before;
};

// Inside an open write transaction. invalid_argument for an empty phone or campaign.
store::Result<ProfileOptOutResult> apply_profile_opt_out(store::WriteTxn& txn,
                                                         const ProfileOptOut& request);

store::WriteRequest make_profile_opt_out_request(
    ProfileOptOut request, std::function<void(std::error_code, const ProfileOptOutResult&)> done);

// An MT an admin (or a program) wants to send to one subscriber.
struct OutgoingMessage {
  std::string to;        // E.164
  std::string from;      // the campaign's short code
  std::string campaign;  // suppression is per campaign
  std::string text;      // UTF-8, shortcodes expanded
  store::OutboxKind kind = store::OutboxKind::reply;
  store::TextEncoding encoding = store::TextEncoding::gsm7;
  std::uint16_t segments = 1;
  store::Timestamp at{};
  std::string sent_by;  // the admin user who posted it (kept on the record)
};

struct Acceptance {
  bool accepted = false;  // false: opted out of the campaign → 409, nothing queued
  std::uint64_t outbox_id = 0;
  std::optional<store::SubscriptionState> state;  // the state the check saw
};

// Inside an open write transaction: the suppression check (engine::suppressed) and, if it
// passes, enqueue_outbox — a refusal writes nothing and is not an error.
store::Result<Acceptance> apply_accept_message(store::WriteTxn& txn,
                                               const OutgoingMessage& message);

store::WriteRequest make_accept_message_request(
    OutgoingMessage message, std::function<void(std::error_code, const Acceptance&)> done);

}  // namespace smppgw::engine
