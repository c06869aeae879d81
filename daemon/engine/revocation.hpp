// Plain-language revocation (SPEC §4 "Revocation", 47 CFR 64.1200(a)(10)): whether an MO that
// is no exact term or keyword says "stop texting me". A pure reading of the text; the
// Classifier asks it where it would otherwise answer "message". Built once per configuration.
//
// The text is folded first: conf::normalize_mo_text, then accents dropped ("envíen" →
// "envien"), apostrophes dropped ("don't" → "dont"), runs of three or more equal letters made
// one ("stooop" → "stop"), and split into words at every other non-letter, also between
// letters and digits ("stop2"). Stop-sign emoji (🛑 ⛔ 🚫) are noted, other emoji ignored.
//
// Outcomes and the decisions behind them, tried in this order:
//  1. A revocation phrase of the short code's languages (revocation.languages.*.revoke, e.g.
//     "remove me", "take me off", "no more texts", "dont text me", "leave me alone", "wrong
//     number", "no me envien mas"; "*" is any one word) anywhere → stop. Unless negated: a
//     phrase right after "dont", "do not", "never" or "not" ("please don't remove me") is
//     not read as one.
//  2. Each stop term (keywords.stop and stop_all, in every language: the FCC names the words)
//     anywhere in the text is one of:
//     - negated → not a revocation: "don't stop the deals", "never stop", "do not stop". After
//       "cant"/"cannot"/"couldnt" it is the idiom "I can't stop laughing" (not a revocation),
//       unless texts are named ("I can't stop these texts": flagged, see 4);
//     - an idiom that is not about texts → not a revocation: "stop by", "stop in", "stop
//       over", "stop at", "stop for" (a visit: "stop by at 5" answers "when can I come?"),
//       the noun ("bus stop", "next stop", "the end", "end of the month"), and a stop word
//       followed by another activity ("stop laughing", "quit smoking");
//     - followed within four words by the texts themselves ("stop texting", "stop sending
//       these", "quit messaging me", "end these alerts") → stop, whatever else the message
//       says and even asked as a question ("Can you stop texting me?");
//     - with nothing but courtesy and emphasis around it ("please stop", "I said STOP", "just
//       stop already", "can you stop", "I want to unsubscribe"), in at most 12 words → stop,
//       unless the message asks a question ("Can you please stop?": flagged). The engine
//       sees only this text, not the conversation, so a question is never a definite stop
//       without naming the texts;
//     - asked about ("how do I stop these texts", "what happens if I text stop": "how",
//       "if", "what" or "when" in the four words before it) → flagged, not a stop: the
//       subscriber may be asking what stopping costs them;
//     - anything else ("cancel my order", "stop, what is this") → flagged.
//  3. A one-word revocation phrase (Spanish "ALTO", "PARA", "BAJA") counts only with nothing
//     but courtesy words around it ("Para por favor"): each is also a common word ("para" is
//     "for"), so "para cuando llega" is a message.
//  4. A review phrase (revocation.languages.*.review: "not interested", "who is this",
//     "spam", "how did you get my number") anywhere, a stop term with one typo ("stpo",
//     "unsubscibe": one letter added, dropped, changed or two swapped, in words of four
//     letters or more, real words such as "step" and "shop" excepted), a negated-but-named
//     stop (see 2) or a stop-sign emoji with nothing else → possible_opt_out: an Inbox row
//     flagged for a person, who opts the profile out with one click. A flagged stop term of 2
//     comes first, before the one-word phrases.
//  5. Anything else → message.
// Precision and recall of these rules are measured on tests/unit/engine/revocation_corpus.tsv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"

namespace smppgw::engine {

enum class RevocationOutcome { message, stop, possible_opt_out };

struct RevocationReading {
  RevocationOutcome outcome = RevocationOutcome::message;
  std::string matched;  // the term or phrase that decided, as folded ("remove me"); may be empty
};

class RevocationReader {
 public:
  // `stop_terms`: keywords.stop and keywords.stop_all as written. `languages`: the phrases of
  // the languages that apply (a short code's campaigns' languages).
  RevocationReader(const std::vector<std::string>& stop_terms,
                   const std::vector<const conf::RevocationLanguage*>& languages);

  // `text` as received (the question mark matters, normalisation drops it).
  [[nodiscard]] RevocationReading read(std::string_view text) const;

  // The folded words of `text` (exposed for tests).
  static std::vector<std::string> words(std::string_view text, bool* stop_emoji = nullptr);

 private:
  using Phrase = std::vector<std::string>;
  std::vector<Phrase> stop_terms_;         // multi-word terms as their words too ("opt", "out")
  std::vector<Phrase> revoke_phrases_;     // two or more words
  std::vector<std::string> revoke_words_;  // one-word revoke phrases
  std::vector<Phrase> review_phrases_;
  std::vector<std::string> fuzzy_terms_;  // one-word stop terms of four letters or more
};

}  // namespace smppgw::engine
