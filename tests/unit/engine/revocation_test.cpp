#include "daemon/engine/revocation.hpp"

#include <gtest/gtest.h>

namespace smppgw::engine {
namespace {

RevocationReader english() {
  static const conf::RevocationConfig defaults;
  return RevocationReader({"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
                           "OPT OUT", "STOPALL", "STOP ALL"},
                          {&defaults.languages.at("en")});
}

RevocationReader spanish() {
  static const conf::RevocationConfig defaults;
  return RevocationReader({"STOP"}, {&defaults.languages.at("es")});
}

RevocationOutcome outcome(const RevocationReader& r, std::string_view text) {
  return r.read(text).outcome;
}

TEST(Revocation, FoldsAccentsApostrophesRunsAndDigits) {
  EXPECT_EQ(RevocationReader::words("Don\xE2\x80\x99t  ENVÍEN stooop2"),
            (std::vector<std::string>{"dont", "envien", "stop", "2"}));
  bool emoji = false;
  EXPECT_TRUE(RevocationReader::words("\xF0\x9F\x9B\x91", &emoji).empty());
  EXPECT_TRUE(emoji);
}

TEST(Revocation, StopTermsAnywhereWithCourtesy) {
  const auto r = english();
  EXPECT_EQ(outcome(r, "please stop"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "I said STOP!!"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "I want to unsubscribe"), RevocationOutcome::stop);
  EXPECT_EQ(r.read("please stop").matched, "stop");
}

TEST(Revocation, NamingTheTextsIsAStopEvenInAQuestion) {
  const auto r = english();
  EXPECT_EQ(outcome(r, "Can you stop texting me?"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "Hey I never signed up, stop sending me these messages"),
            RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "Can you please stop?"), RevocationOutcome::possible_opt_out);
}

TEST(Revocation, PhrasesAndTheirNegation) {
  const auto r = english();
  EXPECT_EQ(outcome(r, "remove me from this list"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "take my number off your list"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "please don't take me off the list"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "don't remove me"), RevocationOutcome::message);
}

TEST(Revocation, NegationAndIdiomsAreNotRevocations) {
  const auto r = english();
  EXPECT_EQ(outcome(r, "don't stop the deals"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "please don't stop texting me"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "I can't stop laughing"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "Can I stop by at 5?"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "where is the bus stop"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "end of the month works"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "I quit smoking"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "i can't stop these texts"), RevocationOutcome::possible_opt_out);
}

TEST(Revocation, OtherContentTyposReviewPhrasesAndEmojiAreFlagged) {
  const auto r = english();
  EXPECT_EQ(outcome(r, "Cancel my order"), RevocationOutcome::possible_opt_out);
  EXPECT_EQ(outcome(r, "stpo"), RevocationOutcome::possible_opt_out);
  EXPECT_EQ(outcome(r, "step 2 done"), RevocationOutcome::message);  // a real word
  EXPECT_EQ(outcome(r, "who is this"), RevocationOutcome::possible_opt_out);
  EXPECT_EQ(outcome(r, "\xF0\x9F\x9B\x91"), RevocationOutcome::possible_opt_out);
  EXPECT_EQ(outcome(r, "\xF0\x9F\x91\x8D"), RevocationOutcome::message);  // 👍
}

TEST(Revocation, SpanishOneWordPhrasesOnlyAlone) {
  const auto r = spanish();
  EXPECT_EQ(outcome(r, "PARA"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "Baja por favor"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(r, "para mañana?"), RevocationOutcome::message);
  EXPECT_EQ(outcome(r, "No me envíen más"), RevocationOutcome::stop);
  EXPECT_EQ(outcome(english(), "PARA"), RevocationOutcome::message);  // not an English phrase
}

}  // namespace
}  // namespace smppgw::engine
