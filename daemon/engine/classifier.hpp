// What an MO text is (SPEC §4), from the configured terms and keywords alone: stop, stop_all,
// resubscribe, help, a keyword of a campaign on the short code it was sent to, or a message.
// Built once per configuration (a reload builds a new one); classify() is a few hash lookups.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conf/config.hpp"
#include "daemon/engine/revocation.hpp"
#include "store/types.hpp"

namespace smppgw::engine {

struct Classification {
  store::InboxKind kind = store::InboxKind::message;
  const conf::CampaignConfig* campaign = nullptr;  // keyword only: the campaign it joins
  std::string term;  // the configured term or keyword matched, as written; empty for message
};

// Matching rules, in this order, on the normalised text (conf::normalize_mo_text):
//  1. empty (nothing but spaces, punctuation or invisible characters) → message;
//  2. equal to a stop, stop_all, resubscribe or help term, or to a keyword of a campaign on
//     the MO's short code → that kind. A multi-word term also matches written as one word
//     ("OPTOUT" for "OPT OUT"); a hyphen or underscore reads as a space ("OPT-OUT");
//  3. the plain-language reading of revocation.hpp, with the phrases of the languages of the
//     short code's campaigns (English where it has none): stop (the short-code opt-out, as
//     STOP: "Stop please", "STOP!", "stop2", "STOP ALL now", "please stop", "remove me from
//     this list"), possible_opt_out (a message flagged for review: "cancel my order"), or
//     message ("Stopping by later?", "stop by at 5", a keyword of another short code). It
//     replaces the leading-word rule of SPEC §4 and decides where the two differ ("Stop by
//     at 5" was a STOP by the leading word). Only the exact text is the broader STOP ALL;
//  4. anything else → message.
// The configuration is validated so that no keyword is also a term and no keyword begins with
// a stop term, hence the order of 2 and 3 can never hide a keyword or a STOP.
class Classifier {
 public:
  explicit Classifier(const conf::Config& config);

  [[nodiscard]] Classification classify(std::string_view short_code, std::string_view text) const;

 private:
  struct Term {
    store::InboxKind kind;
    std::string written;
  };
  struct Keyword {
    const conf::CampaignConfig* campaign;
    std::string written;
  };
  std::unordered_map<std::string, Term> terms_;  // normalised form → term
  // short code → normalised keyword → campaign
  std::unordered_map<std::string, std::unordered_map<std::string, Keyword>> keywords_;
  std::vector<Term> leading_;               // stop and stop_all terms, longest first
  std::vector<std::string> leading_forms_;  // their normalised forms, same order
  // One reader per set of languages; short code → its reader (others: the English one).
  std::vector<RevocationReader> readers_;
  std::unordered_map<std::string, std::size_t> reader_of_;
  std::size_t default_reader_ = 0;
};

}  // namespace smppgw::engine
