#include "protocol/delivery_receipt.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace smppgw::smpp {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

enum class Field { id, sub, dlvrd, submit_date, done_date, stat, err, text };

struct KeyName {
  std::string_view name;  // lower case; ' ' also matches '_' and runs of spaces
  Field field;
};

constexpr std::array<KeyName, 8> kKeys = {{
    {"id", Field::id},
    {"sub", Field::sub},
    {"dlvrd", Field::dlvrd},
    {"submit date", Field::submit_date},
    {"done date", Field::done_date},
    {"stat", Field::stat},
    {"err", Field::err},
    {"text", Field::text},
}};

// Length of "key:" (with optional spaces before the colon) at `pos`, or 0.
std::size_t match_key(std::string_view s, std::size_t pos, std::string_view key) {
  std::size_t i = pos;
  for (char k : key) {
    if (k == ' ') {
      if (i >= s.size() || !(s[i] == ' ' || s[i] == '_')) return 0;
      while (i < s.size() && (s[i] == ' ' || s[i] == '_')) ++i;
      continue;
    }
    if (i >= s.size() || lower(s[i]) != k) return 0;
    ++i;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size() || s[i] != ':') return 0;
  return i + 1 - pos;
}

std::optional<unsigned> parse_count(std::string_view s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_number(std::string_view s, int base) {
  // Zero padding is common ("0000255"); from_chars handles it. Reject signs and empties.
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool has_hex_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const char l = lower(c);
    return l >= 'a' && l <= 'f';
  });
}

}  // namespace

std::optional<MessageState> message_state_from_value(std::uint8_t value) {
  if (value > static_cast<std::uint8_t>(MessageState::skipped)) return std::nullopt;
  return static_cast<MessageState>(value);
}

MessageState message_state_from_stat(std::string_view stat) {
  struct Name {
    std::string_view text;
    MessageState state;
  };
  static constexpr std::array<Name, 17> kNames = {{
      {"DELIVRD", MessageState::delivered},
      {"DELIVERED", MessageState::delivered},
      {"EXPIRED", MessageState::expired},
      {"DELETED", MessageState::deleted},
      {"UNDELIV", MessageState::undeliverable},
      {"UNDELIVERABLE", MessageState::undeliverable},
      {"ACCEPTD", MessageState::accepted},
      {"ACCEPTED", MessageState::accepted},
      {"UNKNOWN", MessageState::unknown},
      {"REJECTD", MessageState::rejected},
      {"REJECTED", MessageState::rejected},
      {"ENROUTE", MessageState::enroute},
      {"SCHEDULED", MessageState::scheduled},
      {"SKIPPED", MessageState::skipped},
      {"FAILED", MessageState::undeliverable},
      {"UNDELIVRD", MessageState::undeliverable},
      {"ACKED", MessageState::accepted},
  }};
  stat = trim(stat);
  for (const auto& n : kNames) {
    if (iequals(stat, n.text)) return n.state;
  }
  return MessageState::unknown;
}

std::string_view stat_code(MessageState state) {
  switch (state) {
    case MessageState::scheduled:
      return "SCHEDULED";
    case MessageState::enroute:
      return "ENROUTE";
    case MessageState::delivered:
      return "DELIVRD";
    case MessageState::expired:
      return "EXPIRED";
    case MessageState::deleted:
      return "DELETED";
    case MessageState::undeliverable:
      return "UNDELIV";
    case MessageState::accepted:
      return "ACCEPTD";
    case MessageState::unknown:
      return "UNKNOWN";
    case MessageState::rejected:
      return "REJECTD";
    case MessageState::skipped:
      return "SKIPPED";
  }
  return "UNKNOWN";
}

DeliveryOutcome delivery_outcome(MessageState state) {
  switch (state) {
    case MessageState::scheduled:
    case MessageState::enroute:
      return DeliveryOutcome::pending;
    case MessageState::delivered:
    case MessageState::accepted:
      return DeliveryOutcome::delivered;
    case MessageState::expired:
      return DeliveryOutcome::expired;
    case MessageState::deleted:
    case MessageState::undeliverable:
    case MessageState::unknown:
    case MessageState::rejected:
    case MessageState::skipped:
      return DeliveryOutcome::failed;
  }
  return DeliveryOutcome::failed;
}

tl::expected<DeliveryReceipt, TextError> parse_delivery_receipt(std::string_view s) {
  struct Found {
    Field field;
    std::size_t key_start;
    std::size_t value_start;
  };
  std::vector<Found> found;
  for (std::size_t pos = 0; pos < s.size(); ++pos) {
    if (pos > 0 && !is_space(s[pos - 1])) continue;  // keys start a word
    for (const auto& key : kKeys) {
      const std::size_t n = match_key(s, pos, key.name);
      if (n == 0) continue;
      found.push_back({key.field, pos, pos + n});
      pos += n - 1;
      break;
    }
    // The text field is free-form and last: whatever follows belongs to it.
    if (!found.empty() && found.back().field == Field::text) break;
  }

  DeliveryReceipt r;
  bool have_id = false;
  std::array<bool, kKeys.size()> seen{};
  for (std::size_t i = 0; i < found.size(); ++i) {
    const Found& f = found[i];
    auto& already = seen[static_cast<std::size_t>(f.field)];
    if (already) continue;  // the first occurrence of a key wins
    already = true;
    const std::size_t end = i + 1 < found.size() ? found[i + 1].key_start : s.size();
    const std::string_view raw = s.substr(f.value_start, end - f.value_start);
    const std::string_view value = trim(raw);
    switch (f.field) {
      case Field::id:
        r.id = std::string(value);
        have_id = true;
        break;
      case Field::sub:
        r.submitted = parse_count(value);
        break;
      case Field::dlvrd:
        r.delivered = parse_count(value);
        break;
      case Field::submit_date:
        r.submit_date = std::string(value);
        break;
      case Field::done_date:
        r.done_date = std::string(value);
        break;
      case Field::stat:
        r.stat = std::string(value);
        r.state = message_state_from_stat(value);
        break;
      case Field::err:
        r.error = std::string(value);
        break;
      case Field::text: {
        // Keep the text as sent apart from the separator space after "text:".
        std::string_view t = raw;
        if (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        r.text = std::string(t);
        break;
      }
    }
  }
  if (!have_id || r.id.empty()) return tl::unexpected(TextError{TextErrc::invalid_receipt, 0});
  return r;
}

std::string canonical_message_id(std::string_view id, MessageIdFormat format) {
  id = trim(id);
  std::optional<std::uint64_t> number;
  switch (format) {
    case MessageIdFormat::automatic:
      number = parse_number(id, has_hex_letter(id) ? 16 : 10);
      break;
    case MessageIdFormat::hexadecimal:
      number = parse_number(id, 16);
      break;
    case MessageIdFormat::decimal:
      number = parse_number(id, 10);
      break;
    case MessageIdFormat::opaque:
      break;
  }
  if (number) return std::to_string(*number);
  return to_lower(id);
}

std::vector<std::string> message_id_candidates(std::string_view id) {
  std::vector<std::string> out;
  const auto add = [&out](std::string c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
  };
  add(canonical_message_id(id, MessageIdFormat::opaque));
  add(canonical_message_id(id, MessageIdFormat::automatic));
  add(canonical_message_id(id, MessageIdFormat::decimal));
  add(canonical_message_id(id, MessageIdFormat::hexadecimal));
  return out;
}

bool message_ids_match(std::string_view a, std::string_view b) {
  if (trim(a) == trim(b)) return true;
  const auto ca = message_id_candidates(a);
  const auto cb = message_id_candidates(b);
  return std::any_of(ca.begin(), ca.end(), [&cb](const std::string& c) {
    return std::find(cb.begin(), cb.end(), c) != cb.end();
  });
}

}  // namespace smppgw::smpp
