#include "conf/config.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "conf/load_config.hpp"

namespace smppgw::conf {
namespace {

Config two_short_codes() {
  return parse_config(R"(company: Acme
smpp:
  links:
    - { name: a, host: h, system_id: s, password: hunter2, short_codes: ["12345", "67890"] }
  listen:
    address: 0.0.0.0:2776
    accounts:
      - { system_id: b, password: listenpw, allow: [10.0.0.0/8], short_codes: ["55555", "12345"] }
campaigns:
  - { id: one, short_code: "12345", keywords: [ONE] }
  - { id: two, short_code: "12345", keywords: [TWO], default: true }
  - { id: three, short_code: "67890" }
  - { id: four, short_code: "67890" }
)",
                      "t.yaml")
      .value();
}

TEST(Config, Lookups) {
  const Config c = two_short_codes();
  EXPECT_EQ(c.find_campaign("two")->id, "two");
  EXPECT_EQ(c.find_campaign("nope"), nullptr);
  EXPECT_EQ(c.find_link("a")->host, "h");
  EXPECT_EQ(c.find_link("b"), nullptr);
  ASSERT_EQ(c.campaigns_on("12345").size(), 2u);
  EXPECT_EQ(c.campaigns_on("12345")[0]->id, "one");
  EXPECT_EQ(c.default_campaign("12345")->id, "two");
  EXPECT_EQ(c.default_campaign("67890"), nullptr);  // two campaigns, none marked
  EXPECT_EQ(c.default_campaign("55555"), nullptr);  // no campaign
  EXPECT_EQ(c.served_short_codes(), (std::vector<std::string>{"12345", "55555", "67890"}));
}

TEST(Config, PrintingNeverShowsPasswords) {
  const Config c = two_short_codes();
  std::ostringstream os;
  os << c;
  const std::string text = os.str();
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("listenpw"), std::string::npos);
  EXPECT_NE(text.find("password: ***"), std::string::npos);
  EXPECT_NE(text.find("company: \"Acme\""), std::string::npos);
  std::ostringstream secret;
  secret << c.smpp.links[0].password;
  EXPECT_EQ(secret.str(), "***");
  EXPECT_EQ(c.smpp.links[0].password.reveal(), "hunter2");
}

TEST(Config, PrintedFormLoadsBackToTheSameValue) {
  const Config c = parse_config(R"(company: Acme
smpp:
  links:
    - { name: a, host: h, system_id: s, password: pw, short_codes: ["12345"], window: 9,
        enquire_link: 45s, reconnect: { min: 250ms, max: 2m } }
campaigns:
  - { id: one, short_code: "12345", keywords: [ONE, "TWO WORDS"] }
)",
                                "t.yaml")
                       .value();
  std::ostringstream os;
  os << c;
  std::string printed = os.str();
  printed.replace(printed.find("password: ***"), 13, "password: pw");
  auto again = parse_config(printed, "t.yaml");
  ASSERT_TRUE(again) << again.error() << printed;
  EXPECT_EQ(*again, c);
}

TEST(ConfigError, OneLinePerDiagnostic) {
  ConfigError e{{{"f.yaml", 3, 7, "first"}, {"f.yaml", 0, 0, "no place"}}};
  EXPECT_EQ(e.to_string(), "f.yaml:3:7: first\nf.yaml: no place\n");
}

}  // namespace
}  // namespace smppgw::conf
