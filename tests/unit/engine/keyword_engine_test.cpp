// The subscription rules (SPEC §4) as a table a compliance reviewer can read row by row:
// the subscriber's state before, the text they send, and what must happen.
// Test configuration (engine_test_support.cpp): short code 12345 has campaigns `spring`
// (default, keyword SPRING) and `tips` (TIPS, "GO GREEN"); 67890 has `clinic` (CLINIC, its
// only campaign, so its default); 55555 is served but has no campaign. Company-wide terms
// are SPEC §2's defaults.
#include "daemon/engine/keyword_engine.hpp"

#include <gtest/gtest.h>

#include "tests/unit/engine/engine_test_support.hpp"

namespace smppgw::engine {
namespace {

using store::InboxKind;
using store::SubscriptionState;
constexpr auto kSub = SubscriptionState::subscribed;
constexpr auto kOut = SubscriptionState::opted_out;

struct Given {
  // (campaign, state); the i-th record's `since` is t(i + 1), so later rows joined later.
  std::vector<std::pair<std::string, SubscriptionState>> subs;
  bool company = false;                                       // company-wide opt-out (STOP ALL)
  std::optional<std::vector<std::string>> last_stop;          // on 12345
  std::optional<std::pair<std::string, std::string>> recent;  // (short code, campaign)
};

struct Expect {
  InboxKind kind = InboxKind::message;
  std::string campaign;              // the Inbox row's campaign
  std::vector<std::string> changes;  // "+c" subscribe, "-c" opt out, "-*" company-wide
  std::optional<std::vector<std::string>> last_stop;  // recorded for OOPS
  bool clear_last_stop = false;
  std::string reply;  // "<reply kind>:<campaign>", or "" for no reply
};

struct Case {
  std::string why;
  std::string to;
  std::string text;
  Given given;
  Expect expect;
};

SubscriberState state_of(const Given& g, const std::string& phone) {
  SubscriberState s;
  std::int64_t i = 0;
  for (const auto& [campaign, state] : g.subs)
    s.subscriptions.push_back(
        {phone, campaign, state, test::t(++i), store::ChangeSource::sms, "mo:1"});
  if (g.company)
    s.company_opt_out = store::CompanyOptOut{phone, test::t(50), store::ChangeSource::sms, "mo:2"};
  if (g.last_stop) s.last_stop = store::LastStop{phone, "12345", test::t(60), "mo:3", *g.last_stop};
  if (g.recent)
    s.recent_join = store::RecentJoin{phone, g.recent->first, g.recent->second, test::t(70)};
  return s;
}

std::vector<std::string> changes_of(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& c : d.changes) {
    switch (c.op) {
      case SubscriptionAction::Op::subscribe:
        out.push_back("+" + c.campaign);
        break;
      case SubscriptionAction::Op::opt_out:
        out.push_back("-" + c.campaign);
        break;
      case SubscriptionAction::Op::opt_out_company:
        out.push_back("-*");
        break;
    }
  }
  return out;
}

const std::string kFwStop = "\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\xAF\xEF\xBC\xB0";  // ＳＴＯＰ
const std::string kFwStopAll =  // ｓｔｏｐ　ａｌｌ (full-width, ideographic space)
    "\xEF\xBD\x93\xEF\xBD\x94\xEF\xBD\x8F\xEF\xBD\x90\xE3\x80\x80\xEF\xBD\x81\xEF\xBD\x8C\xEF\xBD"
    "\x8C";
const std::string kBoldStop =
    "\xF0\x9D\x90\x92\xF0\x9D\x90\x93\xF0\x9D\x90\x8E\xF0\x9D\x90\x8F";  // 𝐒𝐓𝐎𝐏
const std::string kGrin = "\xF0\x9F\x98\x80";                            // 😀

// Every campaign on 12345 opted out, nothing recorded for OOPS, one confirmation of the
// default campaign: what STOP from a number that never joined does.
Expect stop_fresh(std::string term_kind = "stop_confirmation") {
  return {InboxKind::stop, "spring", {"-spring", "-tips"},
          std::nullopt,    false,    term_kind + ":spring"};
}
Expect message_spring() {
  return {InboxKind::message, "spring", {}, std::nullopt, false, ""};
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      // ---- STOP: equal to a stop term, or beginning with one and then a non-letter ----
      {"plain STOP", "12345", "STOP", {}, stop_fresh()},
      {"trailing dot dropped", "12345", "stop.", {}, stop_fresh()},
      {"leading word, spaces trimmed", "12345", " Stop please ", {}, stop_fresh()},
      {"trailing ! dropped", "12345", "STOP!", {}, stop_fresh()},
      {"several trailing marks", "12345", "stop?!...", {}, stop_fresh()},
      {"newline after", "12345", "STOP\n", {}, stop_fresh()},
      {"END is a stop term", "12345", "END", {}, stop_fresh()},
      {"END. with dot", "12345", "End.", {}, stop_fresh()},
      {"CANCEL", "12345", "cancel", {}, stop_fresh()},
      {"QUIT it: leading word", "12345", "Quit it", {}, stop_fresh()},
      {"REVOKE", "12345", "revoke", {}, stop_fresh()},
      {"UNSUBSCRIBE", "12345", "UNSUBSCRIBE", {}, stop_fresh()},
      {"unsubscribe me: leading word", "12345", "unsubscribe me", {}, stop_fresh()},
      {"opt out (two-word term)", "12345", "opt out", {}, stop_fresh()},
      {"OPT-OUT: a hyphen reads as a space", "12345", "OPT-OUT", {}, stop_fresh()},
      {"Opt_Out: an underscore reads as a space", "12345", "Opt_Out", {}, stop_fresh()},
      {"OPTOUT: one-word form", "12345", "OPTOUT", {}, stop_fresh()},
      {"opt   out!: inner spaces collapse", "12345", "opt   out!", {}, stop_fresh()},
      {"opt out now: two-word leading term", "12345", "opt out now", {}, stop_fresh()},
      {"full-width ＳＴＯＰ", "12345", kFwStop, {}, stop_fresh()},
      {"mathematical bold 𝐒𝐓𝐎𝐏", "12345", kBoldStop, {}, stop_fresh()},
      {"quoted \"STOP\"", "12345", "\"STOP\"", {}, stop_fresh()},
      {"zero-width space before", "12345", "\xE2\x80\x8BSTOP", {}, stop_fresh()},
      {"STOP followed by emoji", "12345", "STOP" + kGrin, {}, stop_fresh()},
      {"STOP2: a digit is a non-letter", "12345", "stop2", {}, stop_fresh()},
      {"Stop by at 5: a visit, the revocation reading overrides the leading word",
       "12345",
       "Stop by at 5",
       {},
       message_spring()},
      {"STOP ALL please: leading word, short-code scope only",
       "12345",
       "STOP ALL please",
       {},
       stop_fresh()},
      {"STOPALL now: leading stop_all word, short-code scope",
       "12345",
       "STOPALL now",
       {},
       stop_fresh()},
      // ---- not STOP ----
      {"Stopping by later? is a message", "12345", "Stopping by later?", {}, message_spring()},
      {"please stop: a stop term with courtesy only", "12345", "please stop", {}, stop_fresh()},
      {"remove me from this list: a revocation phrase",
       "12345",
       "remove me from this list",
       {},
       stop_fresh()},
      {"STOPÉ: a letter follows, one typo from STOP: flagged",
       "12345",
       "STOP\xC3\x89",
       {},
       {InboxKind::possible_opt_out, "spring", {}, std::nullopt, false, ""}},
      {"Cancel my order: a stop term among other words is flagged, nothing changes",
       "12345",
       "Cancel my order",
       {},
       {InboxKind::possible_opt_out, "spring", {}, std::nullopt, false, ""}},
      {"Cyrillic СТОП is not a configured term",
       "12345",
       "\xD0\xA1\xD0\xA2\xD0\x9E\xD0\x9F",
       {},
       message_spring()},
      {"s t o p spelled out", "12345", "s t o p", {}, message_spring()},
      {"ending", "12345", "ending", {}, message_spring()},
      {"Endless summer", "12345", "Endless summer", {}, message_spring()},
      {"emoji only", "12345", kGrin, {}, message_spring()},
      {"empty text", "12345", "", {}, message_spring()},
      {"whitespace only", "12345", " \t \n", {}, message_spring()},
      {"punctuation only", "12345", "?!", {}, message_spring()},
      {"help me: HELP is an exact match only", "12345", "help me", {}, message_spring()},
      // ---- STOP ALL: company-wide ----
      {"STOPALL",
       "12345",
       "STOPALL",
       {},
       {InboxKind::stop_all, "spring", {"-*"}, std::nullopt, false, "stop_confirmation:spring"}},
      {"stop all",
       "12345",
       "stop all",
       {},
       {InboxKind::stop_all, "spring", {"-*"}, std::nullopt, false, "stop_confirmation:spring"}},
      {"STOP-ALL!",
       "12345",
       "STOP-ALL!",
       {},
       {InboxKind::stop_all, "spring", {"-*"}, std::nullopt, false, "stop_confirmation:spring"}},
      {"full-width ｓｔｏｐ　ａｌｌ",
       "12345",
       kFwStopAll,
       {},
       {InboxKind::stop_all, "spring", {"-*"}, std::nullopt, false, "stop_confirmation:spring"}},
      {"STOP ALL while subscribed records what it ended here",
       "12345",
       "STOP ALL",
       {.subs = {{"spring", kSub}, {"clinic", kSub}}, .recent = {{"12345", "spring"}}},
       {InboxKind::stop_all,
        "spring",
        {"-*"},
        std::vector<std::string>{"spring"},
        false,
        "stop_confirmation:spring"}},
      // ---- HELP ----
      {"HELP from a stranger: default campaign's help",
       "12345",
       "HELP",
       {},
       {InboxKind::help, "spring", {}, std::nullopt, false, "help:spring"}},
      {"INFO",
       "12345",
       "info",
       {},
       {InboxKind::help, "spring", {}, std::nullopt, false, "help:spring"}},
      {"Help?",
       "12345",
       "Help?",
       {},
       {InboxKind::help, "spring", {}, std::nullopt, false, "help:spring"}},
      {"HELP answers their most recent campaign",
       "12345",
       "HELP",
       {.subs = {{"tips", kSub}}, .recent = {{"12345", "tips"}}},
       {InboxKind::help, "tips", {}, std::nullopt, false, "help:tips"}},
      {"HELP while opted out of the campaign",
       "12345",
       "HELP",
       {.subs = {{"spring", kOut}, {"tips", kOut}}, .recent = {{"12345", "tips"}}},
       {InboxKind::help, "tips", {}, std::nullopt, false, "help:tips"}},
      {"HELP while opted out company-wide",
       "12345",
       "HELP",
       {.company = true},
       {InboxKind::help, "spring", {}, std::nullopt, false, "help:spring"}},
      // ---- keywords ----
      {"keyword joins",
       "12345",
       "SPRING",
       {},
       {InboxKind::keyword, "spring", {"+spring"}, std::nullopt, false, "join:spring"}},
      {"keyword case and ! folded",
       "12345",
       "spring!",
       {},
       {InboxKind::keyword, "spring", {"+spring"}, std::nullopt, false, "join:spring"}},
      {"second campaign's keyword on the same short code",
       "12345",
       "Tips",
       {},
       {InboxKind::keyword, "tips", {"+tips"}, std::nullopt, false, "join:tips"}},
      {"two-word keyword with a hyphen",
       "12345",
       "go-green",
       {},
       {InboxKind::keyword, "tips", {"+tips"}, std::nullopt, false, "join:tips"}},
      {"two-word keyword as one word",
       "12345",
       "GOGREEN",
       {},
       {InboxKind::keyword, "tips", {"+tips"}, std::nullopt, false, "join:tips"}},
      {"full-width keyword",
       "12345",
       "\xEF\xBC\xB3\xEF\xBC\xB0\xEF\xBC\xB2\xEF\xBC\xA9\xEF\xBC\xAE\xEF\xBC\xA7",
       {},
       {InboxKind::keyword, "spring", {"+spring"}, std::nullopt, false, "join:spring"}},
      {"keyword after STOP ALL lifts the opt-out for that campaign",
       "12345",
       "TIPS",
       {.subs = {{"spring", kOut}, {"tips", kOut}}, .company = true},
       {InboxKind::keyword, "tips", {"+tips"}, std::nullopt, false, "join:tips"}},
      {"keyword again while subscribed: joined again, answered again",
       "12345",
       "TIPS",
       {.subs = {{"tips", kSub}}, .recent = {{"12345", "tips"}}},
       {InboxKind::keyword, "tips", {"+tips"}, std::nullopt, false, "join:tips"}},
      {"keyword after STOP rejoins that campaign only",
       "12345",
       "SPRING",
       {.subs = {{"spring", kOut}, {"tips", kOut}},
        .last_stop = std::vector<std::string>{"spring", "tips"}},
       {InboxKind::keyword, "spring", {"+spring"}, std::nullopt, false, "join:spring"}},
      {"keyword of another short code is a message", "12345", "CLINIC", {}, message_spring()},
      {"keyword on its own short code",
       "67890",
       "CLINIC",
       {},
       {InboxKind::keyword, "clinic", {"+clinic"}, std::nullopt, false, "join:clinic"}},
      {"12345's keyword sent to 67890 is a message there",
       "67890",
       "SPRING",
       {},
       {InboxKind::message, "clinic", {}, std::nullopt, false, ""}},
      // ---- STOP with subscriptions ----
      {"STOP ends every campaign on the short code; confirmation of the latest joined",
       "12345",
       "STOP",
       {.subs = {{"spring", kSub}, {"tips", kSub}}, .recent = {{"12345", "tips"}}},
       {InboxKind::stop,
        "tips",
        {"-spring", "-tips"},
        std::vector<std::string>{"spring", "tips"},
        false,
        "stop_confirmation:tips"}},
      {"STOP also opts out of campaigns never joined there",
       "12345",
       "STOP",
       {.subs = {{"spring", kSub}}, .recent = {{"12345", "spring"}}},
       {InboxKind::stop,
        "spring",
        {"-spring", "-tips"},
        std::vector<std::string>{"spring"},
        false,
        "stop_confirmation:spring"}},
      {"STOP leaves other short codes alone",
       "12345",
       "STOP",
       {.subs = {{"clinic", kSub}}, .recent = {{"67890", "clinic"}}},
       stop_fresh()},
      {"STOP again: nothing changes, the earlier record stays, one more confirmation",
       "12345",
       "STOP",
       {.subs = {{"spring", kOut}, {"tips", kOut}},
        .last_stop = std::vector<std::string>{"spring"},
        .recent = {{"12345", "spring"}}},
       {InboxKind::stop, "spring", {}, std::nullopt, false, "stop_confirmation:spring"}},
      {"STOP under a company-wide opt-out changes nothing",
       "12345",
       "STOP",
       {.company = true},
       {InboxKind::stop, "spring", {}, std::nullopt, false, "stop_confirmation:spring"}},
      {"STOP with a recent join of a campaign no longer configured",
       "12345",
       "STOP",
       {.recent = {{"12345", "retired"}}},
       stop_fresh()},
      {"STOP to 67890 only touches clinic",
       "67890",
       "STOP",
       {.subs = {{"spring", kSub}, {"clinic", kSub}}, .recent = {{"67890", "clinic"}}},
       {InboxKind::stop,
        "clinic",
        {"-clinic"},
        std::vector<std::string>{"clinic"},
        false,
        "stop_confirmation:clinic"}},
      // ---- OOPS / START / UNSTOP ----
      {"OOPS restores what the last STOP ended",
       "12345",
       "OOPS",
       {.subs = {{"spring", kOut}, {"tips", kOut}},
        .last_stop = std::vector<std::string>{"spring"},
        .recent = {{"12345", "spring"}}},
       {InboxKind::resubscribe, "spring", {"+spring"}, std::nullopt, true, "resubscribe:spring"}},
      {"OOPS restores both; one reply, of the latest joined",
       "12345",
       "oops!",
       {.subs = {{"spring", kOut}, {"tips", kOut}},
        .last_stop = std::vector<std::string>{"spring", "tips"},
        .recent = {{"12345", "tips"}}},
       {InboxKind::resubscribe,
        "tips",
        {"+spring", "+tips"},
        std::nullopt,
        true,
        "resubscribe:tips"}},
      {"START is a resubscribe term",
       "12345",
       "START",
       {.subs = {{"tips", kOut}}, .last_stop = std::vector<std::string>{"tips"}},
       {InboxKind::resubscribe, "tips", {"+tips"}, std::nullopt, true, "resubscribe:tips"}},
      {"OOPS after STOP ALL restores this short code's campaigns only",
       "12345",
       "UNSTOP",
       {.subs = {{"spring", kOut}, {"clinic", kOut}},
        .company = true,
        .last_stop = std::vector<std::string>{"spring"}},
       {InboxKind::resubscribe, "spring", {"+spring"}, std::nullopt, true, "resubscribe:spring"}},
      {"OOPS with nothing to restore: recorded and answered with help",
       "12345",
       "OOPS",
       {},
       {InboxKind::resubscribe, "spring", {}, std::nullopt, false, "help:spring"}},
      {"OOPS when the stopped campaign was rejoined since",
       "12345",
       "OOPS",
       {.subs = {{"spring", kSub}},
        .last_stop = std::vector<std::string>{"spring"},
        .recent = {{"12345", "spring"}}},
       {InboxKind::resubscribe, "spring", {}, std::nullopt, false, "help:spring"}},
      {"OOPS on another short code restores nothing there",
       "67890",
       "OOPS",
       {.subs = {{"spring", kOut}}, .last_stop = std::vector<std::string>{"spring"}},
       {InboxKind::resubscribe, "clinic", {}, std::nullopt, false, "help:clinic"}},
      // ---- free text ----
      {"free text from a stranger: default campaign",
       "12345",
       "What time do you open?",
       {},
       message_spring()},
      {"free text: most recently joined campaign, not the default",
       "12345",
       "thanks!",
       {.subs = {{"spring", kSub}, {"tips", kSub}}, .recent = {{"12345", "tips"}}},
       {InboxKind::message, "tips", {}, std::nullopt, false, ""}},
      {"free text after STOP still lands in their campaign",
       "12345",
       "sorry, see you at the store",
       {.subs = {{"tips", kOut}}, .recent = {{"12345", "tips"}}},
       {InboxKind::message, "tips", {}, std::nullopt, false, ""}},
      {"free text under a company-wide opt-out",
       "12345",
       "hello",
       {.company = true},
       message_spring()},
      {"free text on a short code with one campaign",
       "67890",
       "hi",
       {},
       {InboxKind::message, "clinic", {}, std::nullopt, false, ""}},
      // ---- a short code without campaigns ----
      {"message to a short code with no campaign",
       "55555",
       "hello",
       {},
       {InboxKind::message, "", {}, std::nullopt, false, ""}},
      {"STOP to a short code with no campaign: recorded, nothing to confirm with",
       "55555",
       "STOP",
       {},
       {InboxKind::stop, "", {}, std::nullopt, false, ""}},
      {"STOP ALL to a short code with no campaign still opts out company-wide",
       "55555",
       "STOP ALL",
       {},
       {InboxKind::stop_all, "", {"-*"}, std::nullopt, false, ""}},
      {"HELP to a short code with no campaign",
       "55555",
       "HELP",
       {},
       {InboxKind::help, "", {}, std::nullopt, false, ""}},
  };
  return table;
}

TEST(KeywordEngineRules, Table) {
  const auto engine = test::test_engine();
  ASSERT_GE(cases().size(), 60u);
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.why + " — text \"" + c.text + "\" to " + c.to);
    const MoMessage mo{"+14155552671", c.to, c.text, test::t(100), "a"};
    const Decision d = engine->decide(mo, state_of(c.given, mo.from));
    EXPECT_EQ(d.kind, c.expect.kind) << store::to_string(d.kind);
    EXPECT_EQ(d.campaign, c.expect.campaign);
    EXPECT_EQ(changes_of(d), c.expect.changes);
    EXPECT_EQ(d.record_last_stop, c.expect.last_stop);
    EXPECT_EQ(d.clear_last_stop, c.expect.clear_last_stop);
    ASSERT_LE(d.replies.size(), 1u);  // SPEC §4: one reply at most
    const std::string reply =
        d.replies.empty() ? ""
                          : std::string(to_string(d.replies[0].kind)) + ":" + d.replies[0].campaign;
    EXPECT_EQ(reply, c.expect.reply);
  }
}

TEST(KeywordEngineRules, RepliesCarryTheCampaignTextAndItsShape) {
  const auto engine = test::test_engine();
  const MoMessage mo{"+14155552671", "12345", "TIPS", test::t(1), "a"};
  const Decision d = engine->decide(mo, {});
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].text, "joined tips");
  EXPECT_EQ(d.replies[0].encoding, store::TextEncoding::gsm7);
  EXPECT_EQ(d.replies[0].segments, 1);
  EXPECT_EQ(outbox_kind(d.replies[0].kind), store::OutboxKind::auto_reply);
  EXPECT_EQ(d.term, "TIPS");
  EXPECT_EQ(d.reason, "keyword: TIPS");
  const Decision stop =
      engine->decide({"+14155552671", "12345", "unsubscribe me", test::t(2), "a"}, {});
  EXPECT_EQ(stop.term, "UNSUBSCRIBE");
  EXPECT_EQ(stop.reason, "stop: UNSUBSCRIBE");
  EXPECT_EQ(stop.replies.at(0).text, "stopped spring");
  EXPECT_EQ(outbox_kind(stop.replies.at(0).kind), store::OutboxKind::stop_confirmation);
  const Decision help = engine->decide({"+14155552671", "12345", "HELP", test::t(3), "a"}, {});
  EXPECT_EQ(outbox_kind(help.replies.at(0).kind), store::OutboxKind::help);
}

TEST(KeywordEngineRules, RepliesAreSentAsTheShaperRendersThem) {
  // The daemon's shaper expands :name: shortcodes; the outbox must hold the expanded text.
  int calls = 0;
  const KeywordEngine engine(test::test_config(), [&calls](std::string_view text) {
    ++calls;
    return TextShape{"[" + std::string(text) + "]", store::TextEncoding::ucs2, 2};
  });
  EXPECT_EQ(calls, 12);  // every reply text of the configuration, once
  const Decision d = engine.decide({"+14155552671", "67890", "CLINIC", test::t(1), "a"}, {});
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].text, "[joined clinic]");
  EXPECT_EQ(d.replies[0].encoding, store::TextEncoding::ucs2);
  EXPECT_EQ(d.replies[0].segments, 2);
  EXPECT_EQ(calls, 12);  // deciding shapes nothing
}

TEST(KeywordEngineRules, DecisionDependsOnlyOnItsInputs) {
  const auto engine = test::test_engine();
  const MoMessage mo{"+14155552671", "12345", "STOP", test::t(1), "a"};
  Given g{.subs = {{"spring", kSub}, {"tips", kSub}}, .recent = {{"12345", "spring"}}};
  const Decision a = engine->decide(mo, state_of(g, mo.from));
  const Decision b = engine->decide(mo, state_of(g, mo.from));
  EXPECT_EQ(changes_of(a), changes_of(b));
  EXPECT_EQ(a.replies, b.replies);
  // The most recently joined ended campaign answers, whatever recent_join says.
  EXPECT_EQ(a.replies.at(0).campaign, "tips");
}

TEST(KeywordEngineRules, RevokeAllMakesEveryStopCompanyWide) {
  auto config = std::make_shared<conf::Config>(*test::test_config());
  config->revocation.revoke_all = true;
  const KeywordEngine engine(config, test::test_shaper);
  Given g{.subs = {{"spring", kSub}}, .recent = {{"12345", "spring"}}};
  for (const char* text : {"STOP", "please stop texting me", "remove me"}) {
    SCOPED_TRACE(text);
    const MoMessage mo{"+14155552671", "12345", text, test::t(1), "a"};
    const Decision d = engine.decide(mo, state_of(g, mo.from));
    EXPECT_EQ(d.kind, InboxKind::stop);
    ASSERT_EQ(d.changes.size(), 1u);
    EXPECT_EQ(d.changes[0].op, SubscriptionAction::Op::opt_out_company);
    ASSERT_EQ(d.replies.size(), 1u);  // one confirmation, as STOP
    EXPECT_EQ(d.replies[0].kind, ReplyKind::stop_confirmation);
    EXPECT_EQ(d.record_last_stop, std::vector<std::string>{"spring"});
  }
  // A flagged text changes nothing and sends nothing.
  const MoMessage mo{"+14155552671", "12345", "who is this", test::t(1), "a"};
  const Decision d = engine.decide(mo, state_of(g, mo.from));
  EXPECT_EQ(d.kind, InboxKind::possible_opt_out);
  EXPECT_EQ(d.campaign, "spring");
  EXPECT_TRUE(d.changes.empty());
  EXPECT_TRUE(d.replies.empty());
}

TEST(SubscriberState, EffectiveStateFollowsTheStoreRule) {
  SubscriberState s;
  EXPECT_EQ(s.effective("spring"), std::nullopt);
  s.company_opt_out = store::CompanyOptOut{"+1", test::t(1), store::ChangeSource::sms, ""};
  EXPECT_EQ(s.effective("spring"), kOut);
  s.subscriptions.push_back({"+1", "spring", kSub, test::t(2), store::ChangeSource::sms, ""});
  EXPECT_EQ(s.effective("spring"), kSub);  // a join lifts it for that campaign only
  EXPECT_EQ(s.effective("tips"), kOut);
}

}  // namespace
}  // namespace smppgw::engine
