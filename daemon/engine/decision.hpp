// The inputs and the output of the subscription rules (SPEC §4): one MO, the subscriber's
// state as read inside the write transaction, and the Decision that says what the MO is and
// what it changes. Plain values, so the rules are pure functions that tests drive with
// tables and no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace smppgw::engine {

// One MO as the pipeline hands it over: decoded, reassembled, sender in E.164.
struct MoMessage {
  std::string from;  // subscriber phone, E.164
  std::string to;    // the short code it was sent to
  std::string text;  // UTF-8, as received (the Inbox keeps it so)
  store::Timestamp received_at{};
  std::string link;  // the link or listener account it arrived on
  // 0: the store assigns the Inbox id. A concatenated MO's id was reserved when its first
  // part was stored (store::WriteTxn::open_mo_part_set): its parts were answered with it.
  std::uint64_t inbox_id = 0;
};

// What the rules need to know about the subscriber, read in the same write transaction that
// will apply the decision (so no other MO of theirs can slip in between).
struct SubscriberState {
  std::vector<store::Subscription> subscriptions;       // every record of the phone
  std::optional<store::CompanyOptOut> company_opt_out;  // STOP ALL / Manual Opt-Out "all"
  std::optional<store::LastStop> last_stop;             // on the MO's short code
  std::optional<store::RecentJoin> recent_join;         // on the MO's short code

  // The state that governs (phone, campaign): the campaign's record if there is one (a join
  // after a company-wide opt-out lifts it for that campaign only), else opted_out under a
  // company-wide opt-out, else none. The same rule as store::WriteTxn::state().
  [[nodiscard]] std::optional<store::SubscriptionState> effective(std::string_view campaign) const;
};

// The replies the rules send. join and resubscribe go out as store::OutboxKind::auto_reply;
// stop_confirmation and help keep their own kinds because suppression exempts exactly them.
enum class ReplyKind { join, resubscribe, stop_confirmation, help };

std::string_view to_string(ReplyKind kind);
store::OutboxKind outbox_kind(ReplyKind kind);

struct Reply {
  ReplyKind kind = ReplyKind::help;
  std::string campaign;  // whose replies.* text it is; the outbox record's campaign
  std::string text;
  store::TextEncoding encoding = store::TextEncoding::gsm7;
  std::uint16_t segments = 1;
  friend bool operator==(const Reply&, const Reply&) = default;
};

// One subscription change. The store audits each one itself (source sms, the MO as ref).
struct SubscriptionAction {
  enum class Op {
    subscribe,        // join `campaign` (lifts a company-wide opt-out for it only)
    opt_out,          // opt out of `campaign`
    opt_out_company,  // company-wide opt-out, also of campaigns added later
  };
  Op op = Op::opt_out;
  std::string campaign;  // empty for opt_out_company
  friend bool operator==(const SubscriptionAction&, const SubscriptionAction&) = default;
};

struct Decision {
  store::InboxKind kind = store::InboxKind::message;
  std::string campaign;  // the Inbox row's campaign; empty if the short code has none
  std::string term;      // the configured term or keyword matched, as written ("OPT OUT")
  std::string reason;    // the audit reason: "stop: OPT OUT", "keyword: SPRING", ...
  std::vector<SubscriptionAction> changes;  // applied in order
  // A STOP that ended subscriptions on this short code records them for OOPS.
  std::optional<std::vector<std::string>> record_last_stop;
  bool clear_last_stop = false;  // OOPS restored the last STOP: forget it
  std::vector<Reply> replies;    // at most one (SPEC §4: one confirmation, nothing else)
};

}  // namespace smppgw::engine
