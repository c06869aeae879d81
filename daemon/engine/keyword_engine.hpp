// The subscription rules of SPEC §4 as a pure function: (MO, the subscriber's state) →
// Decision. No I/O and no clock: the MO's received_at is the time of everything it changes.
// One KeywordEngine per configuration; a reload builds a new one. Thread-safe (immutable).
//
// The rules, and the decisions taken where SPEC §4 leaves room:
//  - STOP (a stop term, or plain words that mean it: Classifier, revocation.hpp) opts the
//    subscriber out of every campaign on the short code (also those never
//    joined, so nothing from that short code reaches them) and records the campaigns it ended
//    for OOPS. A STOP that ends nothing (already opted out) leaves the earlier record alone, so
//    that OOPS after "STOP, STOP" still restores what the first STOP ended. One confirmation
//    (replies.stop) of the campaign they were in: the most recently joined one among those it
//    ended, else their most recent join on the short code, else its default, else its first.
//  - With revocation.revoke_all on, every stop (a term or plain words) is the company-wide
//    opt-out of STOP ALL below: one campaign's subscriber ends every campaign of the company.
//  - A possible_opt_out (revocation.hpp) is a message (below) whose Inbox row is flagged:
//    nothing changes and nothing is sent until a person opts the profile out.
//  - STOP ALL is the company-wide opt-out (campaigns added later included). It also records
//    what it ended on this short code, so OOPS here restores those campaigns only (the
//    company-wide opt-out stays for the rest). One confirmation, chosen as for STOP.
//  - OOPS (resubscribe) rejoins exactly the campaigns the last STOP ended that are still on
//    the short code and opted out now; one replies.resubscribe. Nothing to restore: recorded
//    and answered with replies.help (SPEC), and nothing changes.
//  - A keyword joins its campaign (lifting a company-wide opt-out for it only) and sends
//    replies.join, also when already subscribed (the subscriber asked again).
//  - HELP sends replies.help of their most recent campaign on the short code, else the
//    default, else the first; also while opted out.
//  - Anything else is a message of their most recently joined campaign on the short code,
//    else of its default campaign (none: the row has no campaign). Nothing is sent.
//  - "Default" of a short code: the campaign marked default, or its only campaign.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "conf/config.hpp"
#include "daemon/engine/classifier.hpp"
#include "daemon/engine/decision.hpp"

namespace smppgw::engine {

// How an MT text will be sent (SPEC §3): the daemon passes a function over
// protocol::analyze(); the engine does not depend on the protocol layer.
struct TextShape {
  std::string text;  // as it will be sent: `:name:` emoji shortcodes expanded
  store::TextEncoding encoding = store::TextEncoding::gsm7;
  std::uint16_t segments = 1;
};
using TextShaper = std::function<TextShape(std::string_view utf8)>;

class KeywordEngine {
 public:
  // Shapes every reply text of `config` once with `shaper`, so deciding costs no text work.
  KeywordEngine(std::shared_ptr<const conf::Config> config, const TextShaper& shaper);

  [[nodiscard]] Decision decide(const MoMessage& mo, const SubscriberState& state) const;

  [[nodiscard]] const Classifier& classifier() const { return classifier_; }
  [[nodiscard]] const conf::Config& config() const { return *config_; }

 private:
  struct Context;
  [[nodiscard]] Reply reply(ReplyKind kind, const conf::CampaignConfig& campaign) const;

  std::shared_ptr<const conf::Config> config_;
  Classifier classifier_;
  std::unordered_map<std::string, TextShape> shapes_;  // reply text → shape
};

}  // namespace smppgw::engine
