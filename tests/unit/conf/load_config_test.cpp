// Every configuration error: its place (line, column) and its wording, which tells the
// operator what to write instead. Full-message comparisons on purpose: the message is the UI.
#include "conf/load_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smppgw::conf {
namespace {

// A valid file; tests append to it or replace parts of it.
constexpr const char* kLink = R"(company: Acme
smpp:
  links:
    - name: a
      host: 127.0.0.1
      system_id: acme
      password: secret
      short_codes: ["12345"]
)";

std::vector<std::string> errors_of(const std::string& text) {
  auto c = parse_config(text, "t.yaml");
  if (c) return {};
  std::vector<std::string> out;
  for (const auto& d : c.error().diagnostics) out.push_back(d.to_string());
  return out;
}

std::string only_error(const std::string& text) {
  auto e = errors_of(text);
  EXPECT_EQ(e.size(), 1u) << ::testing::PrintToString(e);
  return e.empty() ? "" : e.front();
}

TEST(LoadConfig, MinimalFileGetsSpecDefaults) {
  auto c = parse_config(
      std::string(kLink) + "campaigns:\n  - id: spring\n    short_code: \"12345\"\n", "t.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->company, "Acme");
  EXPECT_EQ(c->default_region, "US");
  EXPECT_EQ(c->state_dir, "/var/lib/smppgw");
  EXPECT_EQ(c->store.map_size, 8 * kGiB);
  EXPECT_EQ(c->store.durability, Durability::fsync);
  EXPECT_EQ(c->admin.listen.to_string(), "127.0.0.1:8080");
  EXPECT_EQ(c->admin.max_upload, 256 * kMiB);
  const LinkConfig& l = c->smpp.links.at(0);
  EXPECT_EQ(l.port, 2775);
  EXPECT_EQ(l.window, 64u);
  EXPECT_EQ(l.enquire_link, std::chrono::seconds(30));
  EXPECT_EQ(l.response_timeout, std::chrono::seconds(10));
  EXPECT_EQ(l.reconnect.min, std::chrono::seconds(1));
  EXPECT_EQ(l.reconnect.max, std::chrono::seconds(60));
  EXPECT_EQ(l.password.reveal(), "secret");
  EXPECT_EQ(c->keywords.stop.front(), "STOP");
  EXPECT_EQ(c->keywords.stop.back(), "OPT OUT");
  EXPECT_EQ(c->keywords.stop_all, (std::vector<std::string>{"STOPALL", "STOP ALL"}));
  EXPECT_EQ(c->keywords.resubscribe, (std::vector<std::string>{"OOPS", "START", "UNSTOP"}));
  EXPECT_EQ(c->keywords.help, (std::vector<std::string>{"HELP", "INFO"}));
  EXPECT_EQ(c->messages.max_segments, 10u);
  const CampaignConfig& k = c->campaigns.at(0);
  EXPECT_EQ(k.name, "spring");
  EXPECT_EQ(k.replies.stop,
            "Acme spring: you are unsubscribed and will get no more messages. Reply OOPS to "
            "resubscribe.");
  EXPECT_EQ(c->default_campaign("12345"), &k);  // the only campaign on its short code
}

TEST(LoadConfig, ExampleAndDevConfigsLoad) {
  for (const char* name : {"/conf/smppgw.example.yaml", "/conf/dev.yaml"}) {
    auto c = load_config(std::string(SMPPGW_SOURCE_DIR) + name);
    ASSERT_TRUE(c) << name << "\n" << c.error();
  }
  auto dev = load_config(std::string(SMPPGW_SOURCE_DIR) + "/conf/dev.yaml").value();
  EXPECT_EQ(dev.state_dir, "./var");
  EXPECT_EQ(dev.admin.listen.to_string(), "127.0.0.1:8080");
  EXPECT_EQ(dev.admin.token_file, "./var/admin.token");
  ASSERT_EQ(dev.smpp.links.size(), 1u);
  EXPECT_EQ(dev.smpp.links[0].name, "demo");
  EXPECT_EQ(dev.smpp.links[0].host, "127.0.0.1");
  EXPECT_EQ(dev.smpp.links[0].port, 2775);
  EXPECT_EQ(dev.smpp.links[0].system_id, "demo");
  EXPECT_EQ(dev.smpp.links[0].password.reveal(), "demo");
  EXPECT_EQ(dev.campaigns_on("12345").size(), 2u);
  EXPECT_EQ(dev.default_campaign("12345")->id, "spring-promo");
  EXPECT_EQ(dev.campaigns_on("67890").size(), 1u);
  auto example = load_config(std::string(SMPPGW_SOURCE_DIR) + "/conf/smppgw.example.yaml").value();
  ASSERT_TRUE(example.smpp.listen.has_value());
  EXPECT_EQ(example.smpp.listen->accounts.at(0).short_codes, std::vector<std::string>{"67890"});
  EXPECT_TRUE(example.smpp.listen->accounts.at(0).allow.at(0).contains("127.0.0.1"));
}

TEST(LoadConfig, UnknownKeySuggestsTheCloseOne) {
  EXPECT_EQ(only_error(std::string(kLink) + "      windw: 8\n"),
            "t.yaml:9:7: unknown key \"windw\" in smpp.links[0]; did you mean \"window\"?");
  EXPECT_EQ(only_error(std::string(kLink) + "compnay_name: x\n"),
            "t.yaml:9:1: unknown key \"compnay_name\" in the top level; the keys allowed here are "
            "company, default_region, state_dir, store, log, admin, smpp, keywords, revocation, "
            "campaigns and messages");
  EXPECT_EQ(only_error(std::string(kLink) + "store: { map_size: 1GiB, durabilty: fsync }\n"),
            "t.yaml:9:26: unknown key \"durabilty\" in store; did you mean \"durability\"?");
}

TEST(LoadConfig, PostgresqlStoreIsReadAndItsPasswordNeverPrinted) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("smppgw-conf-pg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "pgpw";
  std::ofstream(file) << "pg-s3cret\n";
  auto c = parse_config(std::string(kLink) +
                            "store:\n"
                            "  backend: postgresql\n"
                            "  postgresql:\n"
                            "    url: \"postgresql://smppgw@/smppgw?host=/run/postgresql\"\n"
                            "    password_file: " +
                            file.string() +
                            "\n"
                            "    connections: 8\n"
                            "    schema: gw_a\n",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->store.backend, StoreBackend::postgresql);
  EXPECT_EQ(c->store.postgresql.url, "postgresql://smppgw@/smppgw?host=/run/postgresql");
  EXPECT_EQ(c->store.postgresql.password_file, file.string());
  EXPECT_EQ(c->store.postgresql.connections, 8u);
  EXPECT_EQ(c->store.postgresql.schema, "gw_a");
  std::ostringstream printed;
  printed << *c;
  EXPECT_NE(printed.str().find("backend: postgresql"), std::string::npos) << printed.str();
  EXPECT_EQ(printed.str().find("pg-s3cret"), std::string::npos) << printed.str();
  std::filesystem::remove_all(dir);
}

TEST(LoadConfig, PostgresqlStoreErrorsAreLocated) {
  const std::string pg = std::string(kLink) + "store:\n  backend: postgresql\n";
  EXPECT_EQ(only_error(pg),
            "t.yaml:10:3: store: missing key \"postgresql\"; add postgresql: { url: "
            "\"postgresql://smppgw@/smppgw?host=/run/postgresql\" }");
  EXPECT_EQ(only_error(pg + "  postgresql: { url: \"postgresql://gw:pw@db1/gw\" }\n"),
            "t.yaml:11:22: store.postgresql.url: holds a password (user:password@); put it on the "
            "first line of store.postgresql.password_file instead, so that it never appears "
            "where the URL is shown");
  EXPECT_EQ(only_error(pg + "  postgresql: { url: \"host=db1\", connections: 0 }\n"),
            "t.yaml:11:47: store.postgresql.connections: the number of read connections must be "
            "a whole number from 1 to 64; write e.g. connections: 4");
  EXPECT_EQ(only_error(pg + "  map_size: 1GiB\n  postgresql: { url: \"host=db1\" }\n"),
            "t.yaml:11:13: store.map_size: applies to backend lmdb only; PostgreSQL's "
            "durability is the server's (fsync=on, synchronous_commit=on): remove it");
  EXPECT_EQ(only_error(std::string(kLink) + "store: { postgresql: { url: \"host=db1\" } }\n"),
            "t.yaml:9:22: store.postgresql: used only with backend: postgresql; add "
            "\"backend: postgresql\" or remove it");
  EXPECT_EQ(only_error(std::string(kLink) + "store: { backend: oracle }\n"),
            "t.yaml:9:19: store.backend: \"oracle\" is not a store backend; write lmdb or "
            "postgresql");
}

TEST(LoadConfig, RevocationDefaultsAndOverrides) {
  auto c = parse_config(std::string(kLink) + "campaigns: [{ id: x, short_code: \"12345\" }]\n",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->revocation.revoke_all);
  EXPECT_EQ(c->campaigns[0].language, "en");
  ASSERT_EQ(c->revocation.languages.count("es"), 1u);
  const auto& es = c->revocation.languages.at("es").revoke;
  for (const char* w : {"alto", "para", "parar", "cancelar", "baja", "no me envien mas"})
    EXPECT_NE(std::find(es.begin(), es.end(), w), es.end()) << w;
  c = parse_config(std::string(kLink) +
                       "revocation:\n  revoke_all: true\n  languages:\n"
                       "    fr: { revoke: [\"ne plus\"], review: [\"qui est-ce\"] }\n"
                       "    es: { revoke: [ALTO] }\n"
                       "campaigns: [{ id: x, short_code: \"12345\", language: fr }]\n",
                   "t.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->revocation.revoke_all);
  EXPECT_EQ(c->campaigns[0].language, "fr");
  EXPECT_EQ(c->revocation.languages.at("fr").revoke, std::vector<std::string>{"ne plus"});
  EXPECT_EQ(c->revocation.languages.at("es").revoke, std::vector<std::string>{"ALTO"});
  EXPECT_FALSE(c->revocation.languages.at("es").review.empty());  // the default stays
}

TEST(LoadConfig, RevocationErrorsAreLocated) {
  EXPECT_EQ(only_error(std::string(kLink) + "revocation: { revoke_al: true }\n"),
            "t.yaml:9:15: unknown key \"revoke_al\" in revocation; did you mean \"revoke_all\"?");
  EXPECT_EQ(only_error(std::string(kLink) + "revocation: { revoke_all: maybe }\n"),
            "t.yaml:9:27: revocation.revoke_all: expected true or false, found \"maybe\"; write "
            "revoke_all: true or revoke_all: false");
  EXPECT_EQ(only_error(std::string(kLink) + "revocation: { languages: { English: {} } }\n"),
            "t.yaml:9:28: revocation.languages: \"English\" is not a language code; write two or "
            "three lower-case letters such as en or es");
  EXPECT_EQ(
      only_error(std::string(kLink) + "revocation: { languages: { es: { revoke: [\"!\"] } } }\n"),
      "t.yaml:9:43: revocation.languages.es.revoke[0]: \"!\" has no letters or digits once "
      "normalised; write words such as \"remove me\"");
  EXPECT_EQ(only_error(std::string(kLink) +
                       "campaigns: [{ id: x, short_code: \"12345\", language: fr }]\n"),
            "t.yaml:9:53: campaigns[0].language: \"fr\" has no revocation phrases; write one of "
            "en or es, or add it under revocation.languages");
}

TEST(LoadConfig, RepeatedKey) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "company: Other\n"),
      "t.yaml:9:1: key \"company\" appears twice in the top level (first on line 1); keep one");
}

TEST(LoadConfig, WrongTypes) {
  EXPECT_EQ(only_error(std::string(kLink) + "      window: [1, 2]\n"),
            "t.yaml:9:15: smpp.links[0].window: the number of outstanding requests must be a whole "
            "number from 1 to 10000; write e.g. window: 64");
  EXPECT_EQ(only_error(std::string(kLink) + "store: fast\n"),
            "t.yaml:9:8: store: expected a mapping of keys (backend, map_size, durability and "
            "postgresql), found a single value; write one \"key: value\" a line");
  EXPECT_EQ(only_error(std::string(kLink) + "campaigns: {id: x}\n"),
            "t.yaml:9:12: campaigns: expected a list of campaigns, found a mapping; write each "
            "campaign as a \"- id: ...\" item");
  EXPECT_EQ(
      only_error(std::string(kLink) + "keywords: { stop: STOP }\n"),
      "t.yaml:9:19: keywords.stop: expected a list such as [\"A\", \"B\"], found a single value; "
      "write e.g. stop: [\"...\"]");
  EXPECT_EQ(only_error(std::string(kLink) + "company2: {}\n").substr(0, 11), "t.yaml:9:1:");
}

TEST(LoadConfig, BadValuesSayWhatToWrite) {
  EXPECT_EQ(only_error(std::string(kLink) + "      window: 0\n"),
            "t.yaml:9:15: smpp.links[0].window: the number of outstanding requests must be a whole "
            "number from 1 to 10000; write e.g. window: 64");
  EXPECT_EQ(
      only_error(std::string(kLink) + "      enquire_link: 30\n"),
      "t.yaml:9:21: smpp.links[0].enquire_link: \"30\" is not a duration; write a number with a "
      "unit: 500ms, 30s, 5m, 1h");
  EXPECT_EQ(
      only_error(std::string(kLink) + "      bind: transciever\n"),
      "t.yaml:9:13: smpp.links[0].bind: \"transciever\" is not a bind mode; write transceiver or "
      "transmitter+receiver (did you mean \"transceiver\"?)");
  EXPECT_EQ(only_error(std::string(kLink) + "store: { map_size: 8 gigs }\n"),
            "t.yaml:9:20: store.map_size: \"8 gigs\" is not a size; write bytes or a number with a "
            "unit: 65536, 64KiB, 256MiB, 8GiB");
  EXPECT_EQ(only_error(std::string(kLink) + "store: { durability: sometimes }\n"),
            "t.yaml:9:22: store.durability: \"sometimes\" is not a durability mode; write fsync or "
            "nosync");
  EXPECT_EQ(
      only_error(std::string(kLink) + "log: { level: verbose }\n"),
      "t.yaml:9:15: log.level: \"verbose\" is not a log level; write trace, debug, info, warn, "
      "error, critical or off");
  EXPECT_EQ(only_error(std::string(kLink) + "default_region: XX\n"),
            "t.yaml:9:17: default_region: \"XX\" is not a region code; write a two-letter ISO 3166 "
            "code such as US or GB");
  EXPECT_EQ(only_error(std::string(kLink) + "default_region: gb\n"),
            "t.yaml:9:17: default_region: \"gb\" is not a region code; write a two-letter ISO 3166 "
            "code such as US or GB (did you mean \"GB\"?)");
  EXPECT_EQ(only_error(std::string(kLink) + "      port: 99999\n"),
            "t.yaml:9:13: smpp.links[0].port: the SMSC's TCP port must be a whole number from 1 to "
            "65535; write e.g. port: 2775");
  std::string long_id = kLink;
  long_id.replace(long_id.find("system_id: acme"), 15, "system_id: a-very-long-system-id");
  EXPECT_EQ(
      only_error(long_id),
      "t.yaml:6:18: smpp.links[0].system_id: is 21 characters; SMPP 3.4 allows at most 15, use "
      "the one the carrier issued");
}

TEST(LoadConfig, ReconnectMinAboveMax) {
  EXPECT_EQ(only_error(std::string(kLink) + "      reconnect: { min: 2m, max: 30s }\n"),
            "t.yaml:9:34: smpp.links[0].reconnect: min (2m) is longer than max (30s); write min ≤ "
            "max, e.g. { min: 1s, max: 60s }");
}

TEST(LoadConfig, AdminListenAddress) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "admin: { listen: localhost:8080 }\n"),
      "t.yaml:9:18: admin.listen: \"localhost:8080\" is not a listen address (not a numeric IPv4 "
      "address); write a numeric address and a port: 127.0.0.1:8080, 0.0.0.0:2776 or "
      "[::1]:8080");
}

TEST(LoadConfig, MissingRequiredKeys) {
  EXPECT_EQ(
      only_error("smpp: { links: [] }\n"),
      "t.yaml:1:1: the file: missing key \"company\"; add company: Acme Health (the name of the "
      "\"all campaigns\" scope)");
  EXPECT_EQ(errors_of("company: A\nsmpp:\n  links:\n    - name: a\n      system_id: x\n      "
                      "password: p\n      short_codes: [\"123\"]\n"),
            std::vector<std::string>{"t.yaml:4:7: smpp.links[0]: missing key \"host\"; add host: "
                                     "127.0.0.1 (the carrier's SMSC address)"});
  EXPECT_EQ(
      errors_of("company: A\nsmpp:\n  links:\n    - name: a\n      host: h\n      system_id: x\n"
                "      short_codes: [\"123\"]\n"),
      std::vector<std::string>{"t.yaml:4:7: smpp.links[0]: missing key \"password\"; add "
                               "password: ... or password_file: /etc/smppgw/<name>.password"});
}

// admin.users_file: must be readable at load (its lines and mode are the daemon's to check);
// without token_file beside it there is no shared token.
TEST(LoadConfig, AdminUsersFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("smppgw-users-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = (dir / "admin.users").string();
  std::ofstream(file) << "# none yet\n";
  auto named = parse_config(std::string(kLink) + "admin: { users_file: " + file + " }\n", "t.yaml");
  ASSERT_TRUE(named) << named.error();
  EXPECT_EQ(named->admin.users_file, file);
  EXPECT_TRUE(named->admin.token_file.empty());
  std::ostringstream printed;
  printed << *named;
  EXPECT_NE(printed.str().find("users_file: \"" + file + "\""), std::string::npos);
  EXPECT_EQ(printed.str().find("token_file"), std::string::npos);

  auto both = parse_config(std::string(kLink) + "admin: { users_file: " + file +
                               ", token_file: /etc/smppgw/admin.token }\n",
                           "t.yaml");
  ASSERT_TRUE(both) << both.error();
  EXPECT_EQ(both->admin.token_file, "/etc/smppgw/admin.token");
  auto plain = parse_config(kLink, "t.yaml");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->admin.token_file, "/etc/smppgw/admin.token");
  EXPECT_TRUE(plain->admin.users_file.empty());

  EXPECT_EQ(
      only_error(std::string(kLink) + "admin: { users_file: " + (dir / "none").string() + " }\n"),
      "t.yaml:9:22: admin.users_file: cannot read \"" + (dir / "none").string() +
          "\" (No such file or directory); create it (mode 0600) with lines from smppgwd "
          "--new-admin-token");
  EXPECT_EQ(only_error(std::string(kLink) + "admin: { users_file: \"\" }\n"),
            "t.yaml:9:22: admin.users_file: must not be empty; write e.g. users_file: "
            "/etc/smppgw/admin.users");
  std::filesystem::remove_all(dir);
}

TEST(LoadConfig, PasswordFileIsReadAndNeverPrinted) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("smppgw-conf-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "pw";
  std::ofstream(file) << "s3cret\n";
  std::string text = kLink;
  text.replace(text.find("      password: secret\n"), 23,
               "      password_file: " + file.string() + "\n");
  auto c = parse_config(text, "t.yaml");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->smpp.links[0].password.reveal(), "s3cret");
  std::ostringstream printed;
  printed << *c;
  EXPECT_EQ(printed.str().find("s3cret"), std::string::npos);
  EXPECT_NE(printed.str().find("password: ***"), std::string::npos);

  text = kLink;
  text.replace(text.find("      password: secret\n"), 23,
               "      password_file: " + (dir / "missing").string() + "\n");
  EXPECT_EQ(only_error(text), "t.yaml:7:22: smpp.links[0].password_file: cannot read \"" +
                                  (dir / "missing").string() +
                                  "\" (No such file or directory); create it (mode 0600) with the "
                                  "password on its first line, or write password: instead");
  EXPECT_EQ(
      only_error(std::string(kLink) + "      password_file: /x\n"),
      "t.yaml:9:7: smpp.links[0]: both password and password_file are given; keep one of them");
  std::filesystem::remove_all(dir);
}

TEST(LoadConfig, LongPasswordIsRefusedWithoutShowingIt) {
  std::string text = kLink;
  text.replace(text.find("secret"), 6, "muchtoolongpw");
  const std::string e = only_error(text);
  EXPECT_EQ(e,
            "t.yaml:7:17: smpp.links[0].password: the password is 13 characters; SMPP 3.4 allows "
            "at most 8, use the one the carrier issued");
  EXPECT_EQ(e.find("muchtoolongpw"), std::string::npos);
}

TEST(LoadConfig, CampaignShortCodeMustBeServed) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "campaigns:\n  - id: x\n    short_code: \"67890\"\n"),
      "t.yaml:11:17: campaigns[0].short_code: \"67890\" is not served by any link or listener "
      "account; add it to the short_codes of a link in smpp.links (or of an smpp.listen account)");
  // A listener account serving it is enough.
  auto c = parse_config(
      std::string(kLink) +
          "  listen:\n    address: 0.0.0.0:2776\n    accounts:\n      - { system_id: b, "
          "password: p, allow: [10.0.0.0/8], short_codes: [\"67890\"] }\n"
          "campaigns:\n  - id: x\n    short_code: \"67890\"\n",
      "t.yaml");
  ASSERT_TRUE(c) << c.error();
}

TEST(LoadConfig, DuplicateCampaignId) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "campaigns:\n  - id: x\n    short_code: \"12345\"\n  - id: "
                                      "x\n    short_code: \"12345\"\n"),
      "t.yaml:12:9: campaigns[1].id: \"x\" is already the id of campaigns[0] (line 10); choose "
      "another id");
}

TEST(LoadConfig, DuplicateKeywordOnOneShortCode) {
  const std::string head = std::string(kLink).replace(std::string(kLink).find("[\"12345\"]"), 9,
                                                      "[\"12345\", \"67890\"]");
  EXPECT_EQ(
      only_error(head + "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [JOIN]\n"
                        "  - id: y\n    short_code: \"12345\"\n    keywords: [\"join!\"]\n"),
      "t.yaml:15:16: campaigns[1].keywords[0]: \"join!\" is already a keyword of campaign \"x\" on "
      "short code 12345 (campaigns[0].keywords[0], line 12); a keyword must be unique on its "
      "short code");
  // The same keyword on another short code is fine.
  EXPECT_TRUE(errors_of(head +
                        "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [JOIN]\n"
                        "  - id: y\n    short_code: \"67890\"\n    keywords: [JOIN]\n")
                  .empty());
  // One-word and two-word spellings are the same keyword.
  EXPECT_EQ(
      errors_of(head + "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [\"GO "
                       "GREEN\"]\n  - id: y\n    short_code: \"12345\"\n    keywords: [GOGREEN]\n")
          .size(),
      1u);
}

TEST(LoadConfig, KeywordClashingWithATerm) {
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [Help]\n"),
      "t.yaml:12:16: campaigns[0].keywords[0]: \"Help\" is a help term (keywords.help[0]), so "
      "texting it would not join the campaign; choose another keyword");
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [opt-out]\n"),
      "t.yaml:12:16: campaigns[0].keywords[0]: \"opt-out\" is a stop term (keywords.stop[7]), so "
      "texting it would not join the campaign; choose another keyword");
  EXPECT_EQ(
      only_error(
          std::string(kLink) +
          "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [\"STOP NOW\"]\n"),
      "t.yaml:12:16: campaigns[0].keywords[0]: \"STOP NOW\" begins with the stop term \"STOP\", so "
      "texting it opts the subscriber out; choose another keyword");
  // A word that merely starts with the letters of a stop term is fine.
  EXPECT_TRUE(
      errors_of(std::string(kLink) +
                "campaigns:\n  - id: x\n    short_code: \"12345\"\n    keywords: [ENDURANCE]\n")
          .empty());
}

TEST(LoadConfig, TermWithTwoMeanings) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "keywords:\n  help: [HELP, stop]\n"),
      "t.yaml:10:16: keywords.help[1]: \"stop\" is also a stop term (keywords.stop[0] by default); "
      "a term can have one meaning only, remove one of them");
}

TEST(LoadConfig, OneDefaultPerShortCode) {
  EXPECT_EQ(only_error(std::string(kLink) +
                       "campaigns:\n  - id: x\n    short_code: \"12345\"\n    default: true\n"
                       "  - id: y\n    short_code: \"12345\"\n    default: yes\n"),
            "t.yaml:15:14: campaigns[1].default: campaign \"x\" (line 12) is already the default "
            "on short "
            "code 12345; at most one campaign per short code may say default: true");
}

TEST(LoadConfig, ReservedAndMalformedCampaignIds) {
  EXPECT_EQ(
      only_error(std::string(kLink) + "campaigns:\n  - id: all\n    short_code: \"12345\"\n"),
      "t.yaml:10:9: campaigns[0].id: \"all\" means every campaign of the company in the admin API; "
      "choose another id");
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "campaigns:\n  - id: spring promo\n    short_code: \"12345\"\n"),
      "t.yaml:10:9: campaigns[0].id: \"spring promo\" is not a valid campaign id; use letters, "
      "digits, '-', '_' or '.', e.g. spring-promo");
  EXPECT_EQ(
      only_error(std::string(kLink) + "campaigns:\n  - id: x\n    short_code: \"12-345\"\n"),
      "t.yaml:11:17: campaigns[0].short_code: \"12-345\" is not a short code; write 3 to 15 digits "
      "in quotes, e.g. \"12345\"");
}

TEST(LoadConfig, ListenerAccountChecks) {
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "  listen:\n    address: 0.0.0.0:2776\n    accounts:\n      - { system_id: b, "
                 "password: p, allow: [10.0.0.1/8], short_codes: [\"12345\"] }\n"),
      "t.yaml:12:46: smpp.listen.accounts[0].allow[0]: \"10.0.0.1/8\" is not an address block "
      "(address bits are set below the prefix length); write it as 203.0.113.0/24, "
      "127.0.0.1/32 or 2001:db8::/32");
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "  listen:\n    address: 0.0.0.0\n    accounts:\n      - { system_id: b, "
                 "password: p, allow: [10.0.0.0/8], short_codes: [\"12345\"] }\n"),
      "t.yaml:10:14: smpp.listen.address: \"0.0.0.0\" is not a listen address (no port); write a "
      "numeric address and a port: 127.0.0.1:8080, 0.0.0.0:2776 or [::1]:8080");
  EXPECT_EQ(
      only_error(
          std::string(kLink) +
          "  listen:\n    address: 0.0.0.0:2776\n    accounts:\n"
          "      - { system_id: b, password: p, allow: [10.0.0.0/8], short_codes: [\"1\"] }\n"),
      "t.yaml:12:73: smpp.listen.accounts[0].short_codes[0]: \"1\" is not a short code; write 3 to "
      "15 digits in quotes, e.g. \"12345\"");
}

TEST(LoadConfig, DuplicateLinkName) {
  EXPECT_EQ(
      only_error(std::string(kLink) +
                 "    - name: a\n      host: h\n      system_id: s\n      password: p\n      "
                 "short_codes: [\"12345\"]\n"),
      "t.yaml:9:13: smpp.links[1].name: \"a\" is already the name of smpp.links[0] (line 4); give "
      "each link its own name");
}

TEST(LoadConfig, SyntaxErrorHasItsPlace) {
  const std::string e = only_error("company: [unclosed\n");
  EXPECT_EQ(e.rfind("t.yaml:2:1: YAML syntax error: ", 0), 0u) << e;
}

TEST(LoadConfig, EmptyAndMissingFiles) {
  EXPECT_EQ(only_error(""), "t.yaml:1:1: the file is empty; start from conf/smppgw.example.yaml");
  auto c = load_config("/nonexistent/smppgw.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().to_string(),
            "/nonexistent/smppgw.yaml: cannot read the configuration file (No such file or "
            "directory); give its path with --config, e.g. --config /etc/smppgw/smppgw.yaml\n");
}

TEST(LoadConfig, CrossSectionRulesRunAlongsideOtherErrors) {
  EXPECT_EQ(
      errors_of(std::string(kLink) +
                "      windw: 3\ncampaigns:\n  - { id: x, short_code: \"67890\" }\n"),
      (std::vector<std::string>{
          "t.yaml:9:7: unknown key \"windw\" in smpp.links[0]; did you mean \"window\"?",
          "t.yaml:11:26: campaigns[0].short_code: \"67890\" is not served by any link or listener "
          "account; add it to the short_codes of a link in smpp.links (or of an smpp.listen "
          "account)"}));
  // A short code already reported as malformed is not also reported as unserved.
  EXPECT_EQ(errors_of(std::string(kLink) + "campaigns:\n  - { id: x, short_code: \"1\" }\n").size(),
            1u);
}

TEST(LoadConfig, AllProblemsAreReportedInFileOrder) {
  auto e = errors_of(std::string(kLink) + "      window: 0\n      bind: x\nlog: { level: loud }\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].substr(0, 11), "t.yaml:9:15");
  EXPECT_EQ(e[1].substr(0, 12), "t.yaml:10:13");
  EXPECT_EQ(e[2].substr(0, 12), "t.yaml:11:15");
}

}  // namespace
}  // namespace smppgw::conf
