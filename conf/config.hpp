// The daemon's configuration (SPEC §2) as one validated value. It is produced only by
// parse_config()/load_config() (conf/load_config.hpp), which check every rule, so code that
// holds a Config may rely on it: every campaign's short code is served, ids and keywords are
// unique, windows are ≥ 1. The daemon shares it as std::shared_ptr<const Config>; a reload
// builds a new value and swaps the pointer, it never edits one in place.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "conf/cidr.hpp"
#include "conf/endpoint.hpp"
#include "conf/secret.hpp"
#include "conf/units.hpp"

namespace smppgw::conf {

inline constexpr std::uint64_t kKiB = 1024;
inline constexpr std::uint64_t kMiB = 1024 * kKiB;
inline constexpr std::uint64_t kGiB = 1024 * kMiB;

enum class Durability {
  fsync,   // every commit group is flushed to disk before anything is acknowledged
  nosync,  // benchmarks only: a crash may lose acknowledged messages
};

enum class LogLevel { trace, debug, info, warn, error, critical, off };

enum class BindMode {
  transceiver,           // one bind_transceiver carries MO and MT
  transmitter_receiver,  // a bind_transmitter for MT plus a bind_receiver for MO
};

// How MO text with data_coding 0 (the SMSC default alphabet) is decoded (SPEC §3).
enum class Dcs0Charset { gsm7, latin1 };

// Where the store lives: LMDB files under state_dir (embedded, one node; the default) or a
// PostgreSQL server several nodes can share (docs/architecture.md "PostgreSQL backend").
enum class StoreBackend { lmdb, postgresql };

struct PostgresConfig {
  // libpq's forms: "postgresql://smppgw@/smppgw?host=/run/postgresql" (unix socket),
  // "postgresql://smppgw@db1:5432/smppgw?sslmode=verify-full", or "host=db1 dbname=smppgw".
  // Never a password (it belongs in password_file, so no URL can leak it).
  std::string url;
  std::string password_file;  // empty: none (peer/cert authentication, or ~/.pgpass)
  unsigned connections = 4;   // read connections (admin reads, suppression checks); 1..64
  std::string schema;         // the tables' schema (search_path); empty: the server's default
  friend bool operator==(const PostgresConfig&, const PostgresConfig&) = default;
};

struct StoreConfig {
  StoreBackend backend = StoreBackend::lmdb;
  std::uint64_t map_size = 8 * kGiB;          // lmdb
  Durability durability = Durability::fsync;  // lmdb
  PostgresConfig postgresql;                  // backend postgresql
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

struct LogConfig {
  LogLevel level = LogLevel::info;
  friend bool operator==(const LogConfig&, const LogConfig&) = default;
};

struct TlsConfig {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

struct AdminConfig {
  Endpoint listen{"127.0.0.1", 8080};
  // The shared token of the user `admin`; empty when a users file is given and token_file
  // is not (named users only).
  std::string token_file = "/etc/smppgw/admin.token";
  // Named users with roles (issue 17), re-read on SIGHUP; empty: none.
  std::string users_file;
  std::uint64_t max_upload = 256 * kMiB;  // SPEC §2 default; larger bodies get 413
  std::optional<TlsConfig> tls;           // HTTPS when present
  friend bool operator==(const AdminConfig&, const AdminConfig&) = default;
};

struct ReconnectConfig {
  Duration min{std::chrono::seconds(1)};
  Duration max{std::chrono::seconds(60)};
  friend bool operator==(const ReconnectConfig&, const ReconnectConfig&) = default;
};

// A carrier SMSC this daemon binds to (ESME role, SPEC §5).
struct LinkConfig {
  std::string name;
  std::string host;  // name or address; resolved by the daemon at connect time
  std::uint16_t port = 2775;
  std::string system_id;
  Secret password;  // from `password` or the contents of `password_file`
  std::string system_type;
  BindMode bind = BindMode::transceiver;
  std::vector<std::string> short_codes;
  std::uint32_t window = 64;  // outstanding requests
  std::uint32_t max_tps = 0;  // submit_sm PDUs per second; 0 = unlimited
  Duration enquire_link{std::chrono::seconds(30)};
  Duration response_timeout{std::chrono::seconds(10)};
  ReconnectConfig reconnect;
  Dcs0Charset dcs0_charset = Dcs0Charset::gsm7;
  // registered_delivery of submit_sm: 1 = a receipt on final delivery or failure.
  std::uint8_t registered_delivery = 1;
  // Address types of our short code (source of MT) and of subscribers (destination).
  // ton 3 / npi 0 is what most carriers expect for a short code; 1 / 1 is E.164.
  std::uint8_t source_ton = 3;
  std::uint8_t source_npi = 0;
  std::uint8_t dest_ton = 1;
  std::uint8_t dest_npi = 1;

  friend bool operator==(const LinkConfig&, const LinkConfig&) = default;
};

// A carrier that binds to us (SMSC role, SPEC §5).
struct ListenAccount {
  std::string system_id;
  Secret password;
  std::vector<Cidr> allow;  // source addresses allowed to bind; empty = none
  std::vector<std::string> short_codes;
  std::uint32_t max_binds = 4;
  friend bool operator==(const ListenAccount&, const ListenAccount&) = default;
};

struct ListenConfig {
  Endpoint address{"0.0.0.0", 2776};
  std::vector<ListenAccount> accounts;
  friend bool operator==(const ListenConfig&, const ListenConfig&) = default;
};

struct SmppConfig {
  std::vector<LinkConfig> links;
  std::optional<ListenConfig> listen;
  friend bool operator==(const SmppConfig&, const SmppConfig&) = default;
};

// The company-wide terms of SPEC §4, as written (the engine normalises them).
struct KeywordsConfig {
  std::vector<std::string> stop{"STOP", "UNSUBSCRIBE", "CANCEL", "END",
                                "QUIT", "REVOKE",      "OPTOUT", "OPT OUT"};
  std::vector<std::string> stop_all{"STOPALL", "STOP ALL"};
  std::vector<std::string> resubscribe{"OOPS", "START", "UNSTOP"};
  std::vector<std::string> help{"HELP", "INFO"};
  friend bool operator==(const KeywordsConfig&, const KeywordsConfig&) = default;
};

// Plain-language revocation (SPEC §4 "Revocation"): the phrases, beyond the stop terms, that
// the engine reads as "stop texting me", per language. Phrases are matched word by word on
// the folded text (daemon/engine/revocation.hpp); "*" stands for any one word.
struct RevocationLanguage {
  std::vector<std::string> revoke;  // an opt-out, exactly as STOP
  std::vector<std::string> review;  // an Inbox message flagged possible_opt_out
  friend bool operator==(const RevocationLanguage&, const RevocationLanguage&) = default;
};

// The English and Spanish defaults (config.cpp); an operator's list for a language replaces
// that language's defaults, an operator's language is added.
std::map<std::string, RevocationLanguage> default_revocation_languages();

struct RevocationConfig {
  // Off: a stop ends the campaigns of its short code (SPEC §4). On: any stop ends every
  // campaign of the company, as STOP ALL does (the FCC's "revoke-all" scope).
  bool revoke_all = false;
  std::map<std::string, RevocationLanguage> languages = default_revocation_languages();
  friend bool operator==(const RevocationConfig&, const RevocationConfig&) = default;
};

struct CampaignReplies {
  std::string join;
  std::string help;
  std::string stop;
  std::string resubscribe;
  friend bool operator==(const CampaignReplies&, const CampaignReplies&) = default;
};

struct CampaignConfig {
  std::string id;  // stable key in the store; never reuse one for another program
  std::string name;
  std::string short_code;
  std::vector<std::string> keywords;
  bool is_default = false;      // free text from numbers in no campaign on the short code
  std::string language = "en";  // a key of revocation.languages: how its subscribers write
  CampaignReplies replies;
  friend bool operator==(const CampaignConfig&, const CampaignConfig&) = default;
};

// Text limits (SPEC §3).
struct MessagesConfig {
  std::uint32_t max_segments = 10;  // an MT needing more parts is refused
  // How long the first part of a concatenated MO waits for the others before the set is
  // dropped; carriers deliver the parts of one message within seconds.
  Duration reassembly_timeout{std::chrono::seconds(60)};
  friend bool operator==(const MessagesConfig&, const MessagesConfig&) = default;
};

struct Config {
  std::string source;  // the file name it was read from (for messages)
  std::string company;
  std::string default_region = "US";
  std::string state_dir = "/var/lib/smppgw";
  StoreConfig store;
  LogConfig log;
  AdminConfig admin;
  SmppConfig smpp;
  KeywordsConfig keywords;
  RevocationConfig revocation;
  std::vector<CampaignConfig> campaigns;
  MessagesConfig messages;

  // Lookups over the validated value; linear scans (a config has tens of entries).
  [[nodiscard]] const CampaignConfig* find_campaign(std::string_view id) const;
  [[nodiscard]] const LinkConfig* find_link(std::string_view name) const;
  // The campaigns on one short code, in configuration order.
  [[nodiscard]] std::vector<const CampaignConfig*> campaigns_on(std::string_view short_code) const;
  // The campaign marked `default: true` on the short code; if none is marked and the short
  // code has exactly one campaign, that one; else nullptr.
  [[nodiscard]] const CampaignConfig* default_campaign(std::string_view short_code) const;
  // Every short code served by a link or a listener account, sorted, without repeats.
  [[nodiscard]] std::vector<std::string> served_short_codes() const;

  friend bool operator==(const Config&, const Config&) = default;
};

const char* to_string(Durability d);
const char* to_string(StoreBackend b);
const char* to_string(LogLevel l);
const char* to_string(BindMode b);
const char* to_string(Dcs0Charset c);

// A readable dump (YAML-like) for --check-config and debug logs. Passwords print as "***".
std::ostream& operator<<(std::ostream& os, const Config& config);
std::ostream& operator<<(std::ostream& os, const LinkConfig& link);

}  // namespace smppgw::conf
