// Configuration file → validated Config (SPEC §2).
//
// Reading happens in two passes. The first walks the YAML tree section by section: every
// mapping is checked for unknown and repeated keys, every value for its type and range, and
// the place (line, column) of each value that a later rule may refer to is kept. The second
// pass checks the rules that span sections (campaign ids and keywords unique, every campaign's
// short code served, one default per short code). Every problem is collected, so an operator
// fixes a file in one round, and each message ends with what to write instead.
#include "conf/load_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include "conf/mo_text.hpp"
#include "conf/phone_number.hpp"
#include "conf/postgres_url.hpp"

namespace smppgw::conf {
namespace {

// SMPP 3.4 §5.2: C-Octet String field sizes including the terminating NUL.
constexpr std::size_t kMaxSystemId = 15;
constexpr std::size_t kMaxPassword = 8;
constexpr std::size_t kMaxSystemType = 12;
// More outstanding requests than this is a misconfiguration, not a carrier agreement.
constexpr std::uint32_t kMaxWindow = 10'000;
// A concatenated message has at most 255 parts (one-octet part count in the UDH).
constexpr std::uint32_t kMaxSegmentsLimit = 255;

struct Place {
  int line = 0;
  int column = 0;
};

Place place_of(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

std::string quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The allowed word closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string_view> closest(std::string_view word,
                                        const std::vector<std::string_view>& allowed) {
  const std::string w = lower(word);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view candidate : allowed) {
    const std::size_t d = edit_distance(w, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  const std::size_t limit = w.size() <= 4 ? 1 : (w.size() <= 8 ? 2 : 3);
  if (best && best_distance <= limit) return best;
  return std::nullopt;
}

std::string join(const std::vector<std::string_view>& words, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? last_sep : std::string_view(", ");
    out += words[i];
  }
  return out;
}

const char* type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
      return "no value";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "something else";
}

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void add(Place p, std::string message) {
    items_.push_back(ConfigDiagnostic{file_, p.line, p.column, std::move(message)});
  }
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }

  ConfigError take() {
    std::stable_sort(items_.begin(), items_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return ConfigError{std::move(items_)};
  }

 private:
  std::string file_;
  std::vector<ConfigDiagnostic> items_;
};

// A YAML mapping under validation. Construction reports a non-mapping, unknown keys (with a
// suggestion when one is close) and repeated keys; the typed readers report wrong types and
// values. Every reader leaves its output untouched when the key is absent or wrong, so the
// defaults of config.hpp stay in force.
class Section {
 public:
  Section(Diagnostics& d, const YAML::Node& node, std::string path,
          std::vector<std::string_view> allowed, Place fallback = {})
      : d_(d), path_(std::move(path)), allowed_(std::move(allowed)) {
    place_ = node.IsDefined() ? place_of(node.Mark()) : fallback;
    if (place_.line == 0) place_ = fallback;
    if (!node.IsMap()) {
      if (!node.IsNull())
        d_.add(place_, (path_.empty() ? std::string("the file") : path_) +
                           ": expected a mapping of keys (" + join(allowed_, " and ") +
                           "), found " + type_name(node) + "; write one \"key: value\" a line");
      return;
    }
    ok_ = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      const Place kp = place_of(key.Mark());
      if (!key.IsScalar()) {
        d_.add(kp, where() + "a key must be a plain word; write one \"key: value\" a line");
        continue;
      }
      const std::string& name = key.Scalar();
      if (std::find(allowed_.begin(), allowed_.end(), name) == allowed_.end()) {
        std::string msg =
            "unknown key " + quote(name) + " in " + (path_.empty() ? "the top level" : path_);
        if (auto guess = closest(name, allowed_))
          msg += "; did you mean " + quote(*guess) + "?";
        else
          msg += "; the keys allowed here are " + join(allowed_, " and ");
        d_.add(kp, std::move(msg));
        continue;
      }
      if (entries_.count(name) != 0) {
        d_.add(kp, "key " + quote(name) + " appears twice in " +
                       (path_.empty() ? "the top level" : path_) + " (first on line " +
                       std::to_string(entries_[name].key.line) + "); keep one");
        continue;
      }
      Place vp = place_of(it->second.Mark());
      if (vp.line == 0) vp = kp;
      entries_[name] = Entry{it->second, kp, vp};
    }
  }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] Place place() const { return place_; }
  [[nodiscard]] bool has(std::string_view key) const {
    return entries_.count(std::string(key)) != 0;
  }
  [[nodiscard]] YAML::Node node(std::string_view key) const {
    auto it = entries_.find(std::string(key));
    return it == entries_.end() ? YAML::Node(YAML::NodeType::Undefined) : it->second.value;
  }
  [[nodiscard]] Place value_place(std::string_view key) const {
    auto it = entries_.find(std::string(key));
    return it == entries_.end() ? place_ : it->second.value_place;
  }
  [[nodiscard]] Place key_place(std::string_view key) const {
    auto it = entries_.find(std::string(key));
    return it == entries_.end() ? place_ : it->second.key;
  }
  [[nodiscard]] std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

  // "missing key" is reported at the mapping itself.
  bool require(std::string_view key, std::string_view example) {
    if (!ok_ || has(key)) return true;
    d_.add(place_, (path_.empty() ? std::string("the file") : path_) + ": missing key " +
                       quote(key) + "; add " + std::string(example));
    return false;
  }

  // A scalar, read as text.
  bool string(std::string_view key, std::string& out) {
    const YAML::Node n = node(key);
    if (!n.IsDefined()) return false;
    if (!n.IsScalar()) {
      wrong_type(key, n, "a text");
      return false;
    }
    out = n.Scalar();
    return true;
  }

  bool non_empty_string(std::string_view key, std::string& out, std::string_view example) {
    std::string v;
    if (!string(key, v)) return false;
    if (v.empty()) {
      d_.add(value_place(key), path(key) + ": must not be empty; write e.g. " + std::string(key) +
                                   ": " + std::string(example));
      return false;
    }
    out = std::move(v);
    return true;
  }

  // A list of scalars; `places` receives each item's place.
  bool string_list(std::string_view key, std::vector<std::string>& out,
                   std::vector<Place>* places = nullptr) {
    const YAML::Node n = node(key);
    if (!n.IsDefined()) return false;
    if (!n.IsSequence()) {
      wrong_type(key, n, "a list such as [\"A\", \"B\"]");
      return false;
    }
    std::vector<std::string> items;
    std::vector<Place> item_places;
    bool good = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const YAML::Node item = n[i];
      Place p = place_of(item.Mark());
      if (p.line == 0) p = value_place(key);
      if (!item.IsScalar()) {
        d_.add(p, path(key) + "[" + std::to_string(i) + "]: expected a text, found " +
                      type_name(item) + "; write each item as a quoted text");
        good = false;
        continue;
      }
      items.push_back(item.Scalar());
      item_places.push_back(p);
    }
    if (!good) return false;
    out = std::move(items);
    if (places) *places = std::move(item_places);
    return true;
  }

  template <typename T>
  bool number(std::string_view key, T& out, std::uint64_t min, std::uint64_t max,
              std::string_view meaning, std::string_view example) {
    const YAML::Node n = node(key);
    if (!n.IsDefined()) return false;
    const auto complain = [&] {
      d_.add(value_place(key), path(key) + ": " + std::string(meaning) +
                                   " must be a whole number from " + std::to_string(min) + " to " +
                                   std::to_string(max) + "; write e.g. " + std::string(key) + ": " +
                                   std::string(example));
    };
    if (!n.IsScalar()) {
      complain();
      return false;
    }
    const std::string& s = n.Scalar();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) {
      complain();
      return false;
    }
    out = static_cast<T>(v);
    return true;
  }

  bool boolean(std::string_view key, bool& out) {
    const YAML::Node n = node(key);
    if (!n.IsDefined()) return false;
    const std::string v = n.IsScalar() ? lower(n.Scalar()) : std::string();
    if (v == "true" || v == "yes") {
      out = true;
      return true;
    }
    if (v == "false" || v == "no") {
      out = false;
      return true;
    }
    d_.add(value_place(key), path(key) + ": expected true or false, found " +
                                 (n.IsScalar() ? quote(n.Scalar()) : std::string(type_name(n))) +
                                 "; write " + std::string(key) + ": true or " + std::string(key) +
                                 ": false");
    return false;
  }

  bool duration(std::string_view key, Duration& out, Duration min) {
    std::string text;
    if (!string(key, text)) return false;
    auto d = parse_duration(text);
    if (!d) {
      d_.add(value_place(key), path(key) + ": " + d.error());
      return false;
    }
    if (*d < min) {
      d_.add(value_place(key), path(key) + ": must be at least " + format_duration(min) +
                                   "; write e.g. " + std::string(key) + ": 30s");
      return false;
    }
    out = *d;
    return true;
  }

  bool size(std::string_view key, std::uint64_t& out, std::uint64_t min) {
    std::string text;
    if (!string(key, text)) return false;
    auto s = parse_size(text);
    if (!s) {
      d_.add(value_place(key), path(key) + ": " + s.error());
      return false;
    }
    if (*s < min) {
      d_.add(value_place(key), path(key) + ": must be at least " + format_size(min) +
                                   "; write a larger size such as 64MiB");
      return false;
    }
    out = *s;
    return true;
  }

  template <typename E>
  bool choice(std::string_view key, E& out,
              const std::vector<std::pair<std::string_view, E>>& values, std::string_view what) {
    std::string text;
    if (!string(key, text)) return false;
    std::vector<std::string_view> names;
    for (const auto& [name, value] : values) {
      if (name == text) {
        out = value;
        return true;
      }
      names.push_back(name);
    }
    std::string msg = path(key) + ": " + quote(text) + " is not " + std::string(what) + "; write " +
                      join(names, " or ");
    if (auto guess = closest(text, names)) msg += " (did you mean " + quote(*guess) + "?)";
    d_.add(value_place(key), std::move(msg));
    return false;
  }

  void error(std::string_view key, std::string message) {
    d_.add(value_place(key), path(key) + ": " + std::move(message));
  }

 private:
  struct Entry {
    YAML::Node value;
    Place key;
    Place value_place;
  };

  [[nodiscard]] std::string where() const { return path_.empty() ? "" : path_ + ": "; }

  void wrong_type(std::string_view key, const YAML::Node& n, std::string_view expected) {
    d_.add(value_place(key), path(key) + ": expected " + std::string(expected) + ", found " +
                                 type_name(n) + "; write e.g. " + std::string(key) + ": " +
                                 (expected.rfind("a list", 0) == 0 ? "[\"...\"]" : "\"...\""));
  }

  Diagnostics& d_;
  std::string path_;
  std::vector<std::string_view> allowed_;
  Place place_;
  bool ok_ = false;
  std::map<std::string, Entry> entries_;
};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool valid_short_code(std::string_view s) {
  return s.size() >= 3 && s.size() <= 15 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Where each value that a cross-section rule may refer to was written.
struct LinkPlaces {
  Place name;
  std::vector<Place> short_codes;
};
struct AccountPlaces {
  Place system_id;
  std::vector<Place> short_codes;
};
struct CampaignPlaces {
  Place id;
  Place short_code;
  Place is_default;
  Place language;
  std::vector<Place> keywords;
};
struct TermPlaces {
  std::vector<Place> stop, stop_all, resubscribe, help;
};

class ConfigReader {
 public:
  explicit ConfigReader(std::string_view name) : d_(std::string(name)) { config_.source = name; }

  tl::expected<Config, ConfigError> read(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      d_.add(place_of(e.mark), "YAML syntax error: " + e.msg +
                                   "; check indentation, quotes and the \"key: value\" form here");
      return tl::unexpected(d_.take());
    }
    if (!root.IsDefined() || root.IsNull()) {
      d_.add({1, 1}, "the file is empty; start from conf/smppgw.example.yaml");
      return tl::unexpected(d_.take());
    }
    read_top(root);
    cross_check();
    if (!d_.empty()) return tl::unexpected(d_.take());
    return std::move(config_);
  }

 private:
  void read_top(const YAML::Node& root) {
    Section top(d_, root, "",
                {"company", "default_region", "state_dir", "store", "log", "admin", "smpp",
                 "keywords", "revocation", "campaigns", "messages"},
                {1, 1});
    if (!top.ok()) return;
    top.require("company", "company: Acme Health (the name of the \"all campaigns\" scope)");
    top.non_empty_string("company", config_.company, "Acme Health");
    if (top.string("default_region", config_.default_region) &&
        !is_supported_region(config_.default_region)) {
      std::string msg = quote(config_.default_region) +
                        " is not a region code; write a two-letter ISO 3166 code such as US or GB";
      const std::string upper = [&] {
        std::string u = config_.default_region;
        for (char& c : u)
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        return u;
      }();
      if (upper != config_.default_region && is_supported_region(upper))
        msg += " (did you mean " + quote(upper) + "?)";
      top.error("default_region", std::move(msg));
    }
    top.non_empty_string("state_dir", config_.state_dir, "/var/lib/smppgw");
    if (top.has("store"))
      read_store(Section(d_, top.node("store"), "store",
                         {"backend", "map_size", "durability", "postgresql"},
                         top.value_place("store")));
    if (top.has("log"))
      read_log(Section(d_, top.node("log"), "log", {"level"}, top.value_place("log")));
    if (top.has("admin"))
      read_admin(Section(d_, top.node("admin"), "admin",
                         {"listen", "token_file", "users_file", "max_upload", "tls"},
                         top.value_place("admin")));
    if (top.has("smpp"))
      read_smpp(
          Section(d_, top.node("smpp"), "smpp", {"links", "listen"}, top.value_place("smpp")));
    if (top.has("keywords"))
      read_keywords(Section(d_, top.node("keywords"), "keywords",
                            {"stop", "stop_all", "resubscribe", "help"},
                            top.value_place("keywords")));
    if (top.has("revocation"))
      read_revocation(Section(d_, top.node("revocation"), "revocation", {"revoke_all", "languages"},
                              top.value_place("revocation")));
    if (top.has("campaigns")) read_campaigns(top);
    if (top.has("messages"))
      read_messages(Section(d_, top.node("messages"), "messages",
                            {"max_segments", "reassembly_timeout"}, top.value_place("messages")));
  }

  void read_store(Section s) {
    if (!s.ok()) return;
    s.choice<StoreBackend>("backend", config_.store.backend,
                           {{"lmdb", StoreBackend::lmdb}, {"postgresql", StoreBackend::postgresql}},
                           "a store backend");
    s.size("map_size", config_.store.map_size, 1 * kMiB);
    s.choice<Durability>("durability", config_.store.durability,
                         {{"fsync", Durability::fsync}, {"nosync", Durability::nosync}},
                         "a durability mode");
    if (config_.store.backend == StoreBackend::postgresql) {
      // The LMDB keys mean nothing to a server: a leftover would mislead whoever reads the file.
      for (std::string_view key : {"map_size", "durability"}) {
        if (s.has(key))
          s.error(key,
                  "applies to backend lmdb only; PostgreSQL's durability is the "
                  "server's (fsync=on, synchronous_commit=on): remove it");
      }
      s.require("postgresql",
                "postgresql: { url: \"postgresql://smppgw@/smppgw?host=/run/postgresql\" }");
      if (s.has("postgresql"))
        read_postgresql(Section(d_, s.node("postgresql"), "store.postgresql",
                                {"url", "password_file", "connections", "schema"},
                                s.value_place("postgresql")));
    } else if (s.has("postgresql")) {
      s.error("postgresql",
              "used only with backend: postgresql; add \"backend: postgresql\" "
              "or remove it");
    }
  }

  void read_postgresql(Section s) {
    if (!s.ok()) return;
    PostgresConfig& pg = config_.store.postgresql;
    s.require("url", "url: \"postgresql://smppgw@/smppgw?host=/run/postgresql\"");
    if (s.non_empty_string("url", pg.url, "\"postgresql://smppgw@/smppgw?host=/run/postgresql\"")) {
      if (auto problem = postgres_url_problem(pg.url)) {
        s.error("url", *problem);
        pg.url.clear();
      }
    }
    if (s.has("password_file") &&
        s.non_empty_string("password_file", pg.password_file, "/etc/smppgw/postgresql.password")) {
      (void)read_file(s, "password_file", pg.password_file,
                      "create it (mode 0600, readable by the service user) with the password on "
                      "its first line");
    }
    s.number("connections", pg.connections, 1, 64, "the number of read connections", "4");
    if (s.has("schema") && s.non_empty_string("schema", pg.schema, "smppgw") &&
        !valid_sql_name(pg.schema)) {
      s.error("schema", quote(pg.schema) +
                            " is not a plain name; use letters, digits and _ (at most 63, not "
                            "starting with a digit)");
    }
  }

  void read_log(Section s) {
    if (!s.ok()) return;
    s.choice<LogLevel>("level", config_.log.level,
                       {{"trace", LogLevel::trace},
                        {"debug", LogLevel::debug},
                        {"info", LogLevel::info},
                        {"warn", LogLevel::warn},
                        {"error", LogLevel::error},
                        {"critical", LogLevel::critical},
                        {"off", LogLevel::off}},
                       "a log level");
  }

  void read_endpoint(Section& s, std::string_view key, Endpoint& out) {
    std::string text;
    if (!s.string(key, text)) return;
    auto e = parse_endpoint(text);
    if (!e)
      s.error(key, e.error());
    else
      out = *e;
  }

  // Reads a file the operator named (password_file, TLS files): its first line for secrets.
  std::optional<std::string> read_file(Section& s, std::string_view key, const std::string& path,
                                       std::string_view instead) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      s.error(key, "cannot read " + quote(path) + " (" + std::strerror(errno) + "); " +
                       std::string(instead));
      return std::nullopt;
    }
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
  }

  void read_admin(Section s) {
    if (!s.ok()) return;
    read_endpoint(s, "listen", config_.admin.listen);
    s.non_empty_string("token_file", config_.admin.token_file, "/etc/smppgw/admin.token");
    if (s.non_empty_string("users_file", config_.admin.users_file, "/etc/smppgw/admin.users")) {
      // Its mode, owner and lines are checked when the daemon loads it (start and SIGHUP).
      (void)read_file(s, "users_file", config_.admin.users_file,
                      "create it (mode 0600) with lines from smppgwd --new-admin-token");
      // Named users only, unless the shared token is asked for as well.
      if (!s.has("token_file")) config_.admin.token_file.clear();
    }
    s.size("max_upload", config_.admin.max_upload, 1 * kKiB);
    if (s.has("tls")) {
      Section t(d_, s.node("tls"), "admin.tls", {"cert_file", "key_file"}, s.value_place("tls"));
      if (!t.ok()) return;
      TlsConfig tls;
      t.require("cert_file", "cert_file: /etc/smppgw/admin.crt (a PEM certificate chain)");
      t.require("key_file", "key_file: /etc/smppgw/admin.key (its PEM private key)");
      const bool have = t.non_empty_string("cert_file", tls.cert_file, "/etc/smppgw/admin.crt") &
                        t.non_empty_string("key_file", tls.key_file, "/etc/smppgw/admin.key");
      if (!have) return;
      read_file(t, "cert_file", tls.cert_file, "give a readable PEM certificate file");
      read_file(t, "key_file", tls.key_file,
                "give a PEM private key file the daemon's user can read");
      config_.admin.tls = std::move(tls);
    }
  }

  // `password` or `password_file`, exactly one of them.
  void read_password(Section& s, Secret& out) {
    const bool inline_pw = s.has("password");
    const bool file_pw = s.has("password_file");
    if (inline_pw && file_pw) {
      d_.add(s.key_place("password_file"),
             s.path() + ": both password and password_file are given; keep one of them");
      return;
    }
    if (!inline_pw && !file_pw) {
      s.require("password", "password: ... or password_file: /etc/smppgw/<name>.password");
      return;
    }
    std::string pw;
    if (inline_pw) {
      if (!s.string("password", pw)) return;
    } else {
      std::string path;
      if (!s.non_empty_string("password_file", path, "/etc/smppgw/carrier.password")) return;
      auto text = read_file(s, "password_file", path,
                            "create it (mode 0600) with the password on its first line, or write "
                            "password: instead");
      if (!text) return;
      pw = text->substr(0, text->find_first_of("\r\n"));
    }
    if (pw.size() > kMaxPassword) {
      // The length is safe to report; the password itself never appears in a message.
      s.error(inline_pw ? "password" : "password_file",
              "the password is " + std::to_string(pw.size()) +
                  " characters; SMPP 3.4 allows at most 8, use the one the carrier issued");
      return;
    }
    out = Secret(std::move(pw));
  }

  void read_short_codes(Section& s, std::vector<std::string>& out, std::vector<Place>& places,
                        bool required) {
    if (required) s.require("short_codes", "short_codes: [\"12345\"]");
    if (!s.string_list("short_codes", out, &places)) return;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!valid_short_code(out[i]))
        d_.add(places[i],
               s.path("short_codes") + "[" + std::to_string(i) + "]: " + quote(out[i]) +
                   " is not a short code; write 3 to 15 digits in quotes, e.g. \"12345\"");
    }
    if (required && out.empty())
      s.error("short_codes", "is empty; list the short codes this link serves, e.g. [\"12345\"]");
  }

  void read_smpp(Section s) {
    if (!s.ok()) return;
    if (s.has("links")) {
      const YAML::Node links = s.node("links");
      if (!links.IsSequence()) {
        s.error("links", std::string("expected a list of links, found ") + type_name(links) +
                             "; write each link as a \"- name: ...\" item");
      } else {
        for (std::size_t i = 0; i < links.size(); ++i)
          read_link(links[i], i, s.value_place("links"));
      }
    }
    if (s.has("listen"))
      read_listen(Section(d_, s.node("listen"), "smpp.listen", {"address", "accounts"},
                          s.value_place("listen")));
  }

  void read_link(const YAML::Node& node, std::size_t index, Place fallback) {
    Section s(d_, node, "smpp.links[" + std::to_string(index) + "]",
              {"name",
               "host",
               "port",
               "system_id",
               "password",
               "password_file",
               "system_type",
               "bind",
               "short_codes",
               "window",
               "max_tps",
               "enquire_link",
               "response_timeout",
               "reconnect",
               "dcs0_charset",
               "registered_delivery",
               "source_ton",
               "source_npi",
               "dest_ton",
               "dest_npi"},
              fallback);
    if (!s.ok()) return;
    LinkConfig link;
    LinkPlaces places;
    s.require("name", "name: carrier-a");
    if (s.non_empty_string("name", link.name, "carrier-a") && !valid_id(link.name))
      s.error(
          "name",
          quote(link.name) +
              " is not a valid link name; use letters, digits, '-', '_' or '.', e.g. carrier-a");
    places.name = s.value_place("name");
    s.require("host", "host: 127.0.0.1 (the carrier's SMSC address)");
    s.non_empty_string("host", link.host, "smsc.example.net");
    s.number("port", link.port, 1, 65535, "the SMSC's TCP port", "2775");
    s.require("system_id", "system_id: <the ESME system_id the carrier issued>");
    if (s.non_empty_string("system_id", link.system_id, "acme") &&
        link.system_id.size() > kMaxSystemId)
      s.error("system_id",
              "is " + std::to_string(link.system_id.size()) +
                  " characters; SMPP 3.4 allows at most 15, use the one the carrier issued");
    read_password(s, link.password);
    if (s.string("system_type", link.system_type) && link.system_type.size() > kMaxSystemType)
      s.error("system_type",
              "is " + std::to_string(link.system_type.size()) +
                  " characters; SMPP 3.4 allows at most 12, write \"\" if the carrier "
                  "did not ask for one");
    s.choice<BindMode>("bind", link.bind,
                       {{"transceiver", BindMode::transceiver},
                        {"transmitter+receiver", BindMode::transmitter_receiver}},
                       "a bind mode");
    read_short_codes(s, link.short_codes, places.short_codes, true);
    s.number("window", link.window, 1, kMaxWindow, "the number of outstanding requests", "64");
    s.number("max_tps", link.max_tps, 0, 1'000'000, "submits per second (0 = unlimited)", "100");
    s.duration("enquire_link", link.enquire_link, std::chrono::seconds(1));
    s.duration("response_timeout", link.response_timeout, std::chrono::milliseconds(100));
    if (s.has("reconnect")) {
      Section r(d_, s.node("reconnect"), s.path("reconnect"), {"min", "max"},
                s.value_place("reconnect"));
      if (r.ok()) {
        r.duration("min", link.reconnect.min, std::chrono::milliseconds(10));
        r.duration("max", link.reconnect.max, std::chrono::milliseconds(10));
        if (link.reconnect.min > link.reconnect.max)
          d_.add(r.has("max") ? r.value_place("max") : r.value_place("min"),
                 r.path() + ": min (" + format_duration(link.reconnect.min) +
                     ") is longer than max (" + format_duration(link.reconnect.max) +
                     "); write min ≤ max, e.g. { min: 1s, max: 60s }");
      }
    }
    s.choice<Dcs0Charset>("dcs0_charset", link.dcs0_charset,
                          {{"gsm7", Dcs0Charset::gsm7}, {"latin1", Dcs0Charset::latin1}},
                          "a character set for data_coding 0");
    s.number("registered_delivery", link.registered_delivery, 0, 255,
             "the submit_sm registered_delivery byte", "1");
    s.number("source_ton", link.source_ton, 0, 6, "a type of number", "3");
    s.number("source_npi", link.source_npi, 0, 18, "a numbering plan", "0");
    s.number("dest_ton", link.dest_ton, 0, 6, "a type of number", "1");
    s.number("dest_npi", link.dest_npi, 0, 18, "a numbering plan", "1");
    config_.smpp.links.push_back(std::move(link));
    link_places_.push_back(std::move(places));
  }

  void read_listen(Section s) {
    if (!s.ok()) return;
    ListenConfig listen;
    s.require("address", "address: 0.0.0.0:2776");
    read_endpoint(s, "address", listen.address);
    s.require("accounts",
              "accounts: [ { system_id: ..., password: ..., allow: [...], short_codes: [...] } ]");
    if (s.has("accounts")) {
      const YAML::Node accounts = s.node("accounts");
      if (!accounts.IsSequence()) {
        s.error("accounts", std::string("expected a list of accounts, found ") +
                                type_name(accounts) +
                                "; write each account as a \"- system_id: ...\" item");
      } else {
        for (std::size_t i = 0; i < accounts.size(); ++i) {
          Section a(d_, accounts[i], "smpp.listen.accounts[" + std::to_string(i) + "]",
                    {"system_id", "password", "password_file", "allow", "short_codes", "max_binds"},
                    s.value_place("accounts"));
          if (!a.ok()) continue;
          ListenAccount account;
          AccountPlaces places;
          a.require("system_id", "system_id: carrier-b");
          if (a.non_empty_string("system_id", account.system_id, "carrier-b") &&
              account.system_id.size() > kMaxSystemId)
            a.error("system_id", "is " + std::to_string(account.system_id.size()) +
                                     " characters; SMPP 3.4 allows at most 15");
          places.system_id = a.value_place("system_id");
          read_password(a, account.password);
          a.require("allow", "allow: [203.0.113.0/24] (the carrier's source addresses)");
          std::vector<std::string> blocks;
          std::vector<Place> block_places;
          if (a.string_list("allow", blocks, &block_places)) {
            if (blocks.empty())
              a.error("allow",
                      "is empty, so no address may bind; list the carrier's addresses, e.g. "
                      "[203.0.113.0/24]");
            for (std::size_t k = 0; k < blocks.size(); ++k) {
              auto cidr = Cidr::parse(blocks[k]);
              if (!cidr)
                d_.add(block_places[k],
                       a.path("allow") + "[" + std::to_string(k) + "]: " + cidr.error());
              else
                account.allow.push_back(*cidr);
            }
          }
          read_short_codes(a, account.short_codes, places.short_codes, true);
          a.number("max_binds", account.max_binds, 1, 1000, "the number of simultaneous binds",
                   "4");
          listen.accounts.push_back(std::move(account));
          account_places_.push_back(std::move(places));
        }
      }
    }
    config_.smpp.listen = std::move(listen);
  }

  void read_keywords(Section s) {
    if (!s.ok()) return;
    const auto read = [&](std::string_view key, std::vector<std::string>& out,
                          std::vector<Place>& places) {
      if (s.string_list(key, out, &places) && out.empty())
        s.error(key, "is empty; list at least one term, e.g. [\"" +
                         std::string(key == "stop"       ? "STOP"
                                     : key == "stop_all" ? "STOP ALL"
                                     : key == "help"     ? "HELP"
                                                         : "OOPS") +
                         "\"]");
    };
    read("stop", config_.keywords.stop, term_places_.stop);
    read("stop_all", config_.keywords.stop_all, term_places_.stop_all);
    read("resubscribe", config_.keywords.resubscribe, term_places_.resubscribe);
    read("help", config_.keywords.help, term_places_.help);
  }

  // revocation.languages maps a language code to its phrases; a language written here
  // replaces that language's defaults (write both lists, or the other stays the default).
  void read_revocation(Section s) {
    if (!s.ok()) return;
    s.boolean("revoke_all", config_.revocation.revoke_all);
    if (!s.has("languages")) return;
    const YAML::Node langs = s.node("languages");
    if (!langs.IsMap()) {
      s.error("languages", std::string("expected a mapping of language codes, found ") +
                               type_name(langs) +
                               "; write e.g. languages: { es: { revoke: [ALTO] } }");
      return;
    }
    for (auto it = langs.begin(); it != langs.end(); ++it) {
      const Place kp = place_of(it->first.Mark());
      const std::string code = it->first.IsScalar() ? it->first.Scalar() : std::string();
      const bool valid =
          code.size() >= 2 && code.size() <= 3 &&
          std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      if (!valid) {
        d_.add(kp, "revocation.languages: " + quote(code) +
                       " is not a language code; write two or three lower-case letters such as "
                       "en or es");
        continue;
      }
      const std::string path = "revocation.languages." + code;
      Section l(d_, it->second, path, {"revoke", "review"}, kp);
      if (!l.ok()) continue;
      RevocationLanguage phrases;
      if (auto d = config_.revocation.languages.find(code); d != config_.revocation.languages.end())
        phrases = d->second;
      std::vector<Place> places;
      for (const auto& [key, out] :
           {std::pair<std::string_view, std::vector<std::string>*>{"revoke", &phrases.revoke},
            {"review", &phrases.review}}) {
        if (!l.string_list(key, *out, &places)) continue;
        for (std::size_t i = 0; i < out->size(); ++i)
          if (normalize_mo_text((*out)[i]).empty())
            d_.add(i < places.size() ? places[i] : l.value_place(key),
                   path + "." + std::string(key) + "[" + std::to_string(i) +
                       "]: " + quote((*out)[i]) +
                       " has no letters or digits once normalised; write words such as "
                       "\"remove me\"");
      }
      config_.revocation.languages[code] = std::move(phrases);
    }
  }

  void read_campaigns(Section& top) {
    const YAML::Node list = top.node("campaigns");
    if (!list.IsSequence()) {
      top.error("campaigns", std::string("expected a list of campaigns, found ") + type_name(list) +
                                 "; write each campaign as a \"- id: ...\" item");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      Section s(d_, list[i], "campaigns[" + std::to_string(i) + "]",
                {"id", "name", "short_code", "keywords", "default", "language", "replies"},
                top.value_place("campaigns"));
      if (!s.ok()) continue;
      CampaignConfig c;
      CampaignPlaces places;
      s.require("id", "id: spring-promo (a stable identifier)");
      if (s.non_empty_string("id", c.id, "spring-promo")) {
        if (!valid_id(c.id))
          s.error("id", quote(c.id) +
                            " is not a valid campaign id; use letters, digits, '-', '_' "
                            "or '.', e.g. spring-promo");
        else if (lower(c.id) == "all")
          s.error("id",
                  "\"all\" means every campaign of the company in the admin API; choose "
                  "another id");
      }
      places.id = s.value_place("id");
      if (!s.non_empty_string("name", c.name, "Spring Promo")) c.name = c.id;
      s.require("short_code", "short_code: \"12345\"");
      if (s.non_empty_string("short_code", c.short_code, "\"12345\"") &&
          !valid_short_code(c.short_code))
        s.error("short_code",
                quote(c.short_code) +
                    " is not a short code; write 3 to 15 digits in quotes, e.g. \"12345\"");
      places.short_code = s.value_place("short_code");
      s.string_list("keywords", c.keywords, &places.keywords);
      s.boolean("default", c.is_default);
      places.is_default = s.value_place("default");
      s.non_empty_string("language", c.language, "en");
      places.language = s.value_place("language");
      if (s.has("replies")) {
        Section r(d_, s.node("replies"), s.path("replies"), {"join", "help", "stop", "resubscribe"},
                  s.value_place("replies"));
        if (r.ok()) {
          r.non_empty_string("join", c.replies.join, "\"Acme: you joined. Reply STOP to cancel.\"");
          r.non_empty_string("help", c.replies.help,
                             "\"Acme: help at 800-555-0100. Reply STOP to cancel.\"");
          r.non_empty_string("stop", c.replies.stop,
                             "\"Acme: you are unsubscribed. Reply OOPS to resubscribe.\"");
          r.non_empty_string("resubscribe", c.replies.resubscribe,
                             "\"Acme: you are subscribed again. Reply STOP to cancel.\"");
        }
      }
      config_.campaigns.push_back(std::move(c));
      campaign_places_.push_back(std::move(places));
    }
  }

  void read_messages(Section s) {
    if (!s.ok()) return;
    s.number("max_segments", config_.messages.max_segments, 1, kMaxSegmentsLimit,
             "the number of parts of one MT", "10");
    s.duration("reassembly_timeout", config_.messages.reassembly_timeout, std::chrono::seconds(1));
  }

  // Replies an operator did not write: plain texts that satisfy carrier rules (name the
  // program, say how to get help and how to stop).
  void default_replies() {
    const std::string& resub = config_.keywords.resubscribe.front();
    for (auto& c : config_.campaigns) {
      const std::string who = config_.company + " " + c.name;
      if (c.replies.join.empty())
        c.replies.join = who + ": you are subscribed. Reply HELP for help, STOP to cancel.";
      if (c.replies.help.empty())
        c.replies.help = who + ": reply STOP to cancel, " + resub + " to resubscribe.";
      if (c.replies.stop.empty())
        c.replies.stop = who + ": you are unsubscribed and will get no more messages. Reply " +
                         resub + " to resubscribe.";
      if (c.replies.resubscribe.empty())
        c.replies.resubscribe = who + ": you are subscribed again. Reply STOP to cancel.";
    }
  }

  // Rules that span sections. They run even when a section had errors (so that one round of
  // --check-config shows everything), skipping values that were missing or already reported.
  void cross_check() {
    // Link names and listener system_ids are unique.
    for (std::size_t i = 0; i < config_.smpp.links.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (!config_.smpp.links[i].name.empty() &&
            config_.smpp.links[i].name == config_.smpp.links[j].name)
          d_.add(link_places_[i].name,
                 "smpp.links[" + std::to_string(i) +
                     "].name: " + quote(config_.smpp.links[i].name) +
                     " is already the name of smpp.links[" + std::to_string(j) + "] (line " +
                     std::to_string(link_places_[j].name.line) + "); give each link its own name");
    if (config_.smpp.listen) {
      const auto& accounts = config_.smpp.listen->accounts;
      for (std::size_t i = 0; i < accounts.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (!accounts[i].system_id.empty() && accounts[i].system_id == accounts[j].system_id)
            d_.add(account_places_[i].system_id,
                   "smpp.listen.accounts[" + std::to_string(i) +
                       "].system_id: " + quote(accounts[i].system_id) +
                       " is already used by smpp.listen.accounts[" + std::to_string(j) +
                       "] (line " + std::to_string(account_places_[j].system_id.line) +
                       "); give each account its own system_id");
    }

    check_terms();

    const std::vector<std::string> served = config_.served_short_codes();
    std::map<std::string, std::size_t> default_of;  // short code → campaign index
    for (std::size_t i = 0; i < config_.campaigns.size(); ++i) {
      const CampaignConfig& c = config_.campaigns[i];
      const CampaignPlaces& p = campaign_places_[i];
      const std::string path = "campaigns[" + std::to_string(i) + "]";
      for (std::size_t j = 0; j < i && !c.id.empty(); ++j)
        if (config_.campaigns[j].id == c.id) {
          d_.add(p.id, path + ".id: " + quote(c.id) + " is already the id of campaigns[" +
                           std::to_string(j) + "] (line " +
                           std::to_string(campaign_places_[j].id.line) + "); choose another id");
          break;
        }
      if (valid_short_code(c.short_code) &&
          !std::binary_search(served.begin(), served.end(), c.short_code))
        d_.add(p.short_code,
               path + ".short_code: " + quote(c.short_code) +
                   " is not served by any link or listener account; add it to the "
                   "short_codes of a link in smpp.links (or of an smpp.listen account)");
      if (c.is_default) {
        auto [it, fresh] = default_of.emplace(c.short_code, i);
        if (!fresh)
          d_.add(p.is_default, path + ".default: campaign " +
                                   quote(config_.campaigns[it->second].id) + " (line " +
                                   std::to_string(campaign_places_[it->second].is_default.line) +
                                   ") is already the default on short code " + c.short_code +
                                   "; at most one campaign per short code may say default: true");
      }
      if (config_.revocation.languages.count(c.language) == 0) {
        std::vector<std::string_view> known;
        for (const auto& [code, phrases] : config_.revocation.languages) known.push_back(code);
        d_.add(p.language, path + ".language: " + quote(c.language) +
                               " has no revocation phrases; write one of " + join(known, " or ") +
                               ", or add it under revocation.languages");
      }
      check_campaign_keywords(i);
    }
    if (d_.empty()) default_replies();
  }

  struct Term {
    std::string normalized;
    std::string category;  // "stop", "keyword of campaign ...", ...
    std::string path;
    Place place;
    std::string short_code;  // campaign keywords only
  };

  // The company-wide terms: each normalised form (and its one-word form) has one meaning.
  void check_terms() {
    const auto add = [&](const std::vector<std::string>& terms, const std::vector<Place>& places,
                         std::string_view category) {
      for (std::size_t i = 0; i < terms.size(); ++i) {
        const std::string path =
            "keywords." + std::string(category) + "[" + std::to_string(i) + "]";
        const Place place = i < places.size() ? places[i] : Place{};
        const std::string n = normalize_mo_text(terms[i]);
        if (n.empty()) {
          d_.add(place, path + ": " + quote(terms[i]) +
                            " has no letters or digits once normalised; write a word such as STOP");
          continue;
        }
        for (const std::string& form : {n, compact_term(n)}) {
          const Term* other = find_term(form);
          if (other != nullptr && other->category != category) {
            const std::string where =
                other->place.line > 0 ? other->path + ", line " + std::to_string(other->place.line)
                                      : other->path + " by default";
            d_.add(place, path + ": " + quote(terms[i]) + " is also a " + other->category +
                              " term (" + where +
                              "); a term can have one meaning only, remove one of them");
            break;
          }
          if (other == nullptr)
            terms_.push_back(Term{form, std::string(category), path, place, {}});
        }
      }
    };
    add(config_.keywords.stop, term_places_.stop, "stop");
    add(config_.keywords.stop_all, term_places_.stop_all, "stop_all");
    add(config_.keywords.resubscribe, term_places_.resubscribe, "resubscribe");
    add(config_.keywords.help, term_places_.help, "help");
  }

  const Term* find_term(std::string_view normalized) const {
    for (const Term& t : terms_)
      if (t.normalized == normalized) return &t;
    return nullptr;
  }

  // A campaign keyword must be reachable: not a company-wide term, not a word that STOP's
  // leading-word rule catches first, and unique on its short code.
  void check_campaign_keywords(std::size_t index) {
    const CampaignConfig& c = config_.campaigns[index];
    const CampaignPlaces& p = campaign_places_[index];
    for (std::size_t k = 0; k < c.keywords.size(); ++k) {
      const std::string path =
          "campaigns[" + std::to_string(index) + "].keywords[" + std::to_string(k) + "]";
      const Place place = k < p.keywords.size() ? p.keywords[k] : p.id;
      const std::string n = normalize_mo_text(c.keywords[k]);
      if (n.empty()) {
        d_.add(place, path + ": " + quote(c.keywords[k]) +
                          " has no letters or digits once normalised; write a word such as SPRING");
        continue;
      }
      bool clash = false;
      for (const std::string& form : {n, compact_term(n)}) {
        if (const Term* t = find_term(form)) {
          d_.add(place, path + ": " + quote(c.keywords[k]) + " is a " + t->category + " term (" +
                            t->path +
                            "), so texting it would not join the campaign; choose another keyword");
          clash = true;
          break;
        }
      }
      if (clash) continue;
      for (const std::string& stop : config_.keywords.stop) {
        const std::string s = normalize_mo_text(stop);
        if (!s.empty() && n.size() > s.size() && n.compare(0, s.size(), s) == 0 &&
            !letter_at(n, s.size())) {
          d_.add(place, path + ": " + quote(c.keywords[k]) + " begins with the stop term " +
                            quote(stop) +
                            ", so texting it opts the subscriber out; choose another keyword");
          clash = true;
          break;
        }
      }
      if (clash) continue;
      const std::string category =
          "keyword of campaign " + quote(c.id) + " on short code " + c.short_code;
      for (const std::string& form : {n, compact_term(n)}) {
        auto it = std::find_if(keywords_.begin(), keywords_.end(), [&](const Term& t) {
          return t.normalized == form && t.short_code == c.short_code;
        });
        if (it != keywords_.end()) {
          d_.add(place, path + ": " + quote(c.keywords[k]) + " is already a " + it->category +
                            " (" + it->path + ", line " + std::to_string(it->place.line) +
                            "); a keyword must be unique on its short code");
          clash = true;
          break;
        }
      }
      if (clash) continue;
      keywords_.push_back(Term{n, category, path, place, c.short_code});
      if (compact_term(n) != n)
        keywords_.push_back(Term{compact_term(n), category, path, place, c.short_code});
    }
  }

  Diagnostics d_;
  Config config_;
  std::vector<LinkPlaces> link_places_;
  std::vector<AccountPlaces> account_places_;
  std::vector<CampaignPlaces> campaign_places_;
  TermPlaces term_places_;
  std::vector<Term> terms_;
  std::vector<Term> keywords_;
};

}  // namespace

tl::expected<Config, ConfigError> parse_config(std::string_view text, std::string_view name) {
  return ConfigReader(name).read(text);
}

tl::expected<Config, ConfigError> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = std::strerror(errno);
    return tl::unexpected(ConfigError{{ConfigDiagnostic{
        path, 0, 0,
        "cannot read the configuration file (" + why +
            "); give its path with --config, e.g. --config /etc/smppgw/smppgw.yaml"}}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace smppgw::conf
