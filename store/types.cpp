// Text names of the store's enumerations: the words the admin API and the CSV export show.
#include "store/types.hpp"

#include <array>
#include <utility>

namespace smppgw::store {
namespace {

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, n] : table) {
    if (e == v) return n;
  }
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> parse_of(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view s) {
  for (const auto& [e, n] : table) {
    if (n == s) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<SubscriptionState, std::string_view>, 2> kStates{{
    {SubscriptionState::subscribed, "subscribed"},
    {SubscriptionState::opted_out, "opted_out"},
}};
constexpr std::array<std::pair<ChangeSource, std::string_view>, 3> kSources{{
    {ChangeSource::sms, "sms"},
    {ChangeSource::admin, "admin"},
    {ChangeSource::csv, "csv"},
}};
constexpr std::array<std::pair<InboxKind, std::string_view>, 7> kInboxKinds{{
    {InboxKind::message, "message"},
    {InboxKind::keyword, "keyword"},
    {InboxKind::stop, "stop"},
    {InboxKind::stop_all, "stop_all"},
    {InboxKind::resubscribe, "resubscribe"},
    {InboxKind::help, "help"},
    {InboxKind::possible_opt_out, "possible_opt_out"},
}};
constexpr std::array<std::pair<OutboxKind, std::string_view>, 6> kOutboxKinds{{
    {OutboxKind::reply, "reply"},
    {OutboxKind::chat, "chat"},
    {OutboxKind::broadcast, "broadcast"},
    {OutboxKind::auto_reply, "auto_reply"},
    {OutboxKind::stop_confirmation, "stop_confirmation"},
    {OutboxKind::help, "help"},
}};
constexpr std::array<std::pair<OutboxStatus, std::string_view>, 6> kStatuses{{
    {OutboxStatus::queued, "queued"},
    {OutboxStatus::submitted, "submitted"},
    {OutboxStatus::delivered, "delivered"},
    {OutboxStatus::failed, "failed"},
    {OutboxStatus::expired, "expired"},
    {OutboxStatus::suppressed, "suppressed"},
}};
constexpr std::array<std::pair<PartStatus, std::string_view>, 5> kPartStatuses{{
    {PartStatus::pending, "pending"},
    {PartStatus::submitted, "submitted"},
    {PartStatus::delivered, "delivered"},
    {PartStatus::failed, "failed"},
    {PartStatus::expired, "expired"},
}};
constexpr std::array<std::pair<TextEncoding, std::string_view>, 2> kEncodings{{
    {TextEncoding::gsm7, "gsm7"},
    {TextEncoding::ucs2, "ucs2"},
}};
constexpr std::array<std::pair<Direction, std::string_view>, 2> kDirections{{
    {Direction::in, "in"},
    {Direction::out, "out"},
}};

}  // namespace

std::string_view to_string(SubscriptionState s) {
  return name_of(kStates, s);
}
std::string_view to_string(ChangeSource s) {
  return name_of(kSources, s);
}
std::string_view to_string(InboxKind k) {
  return name_of(kInboxKinds, k);
}
std::string_view to_string(OutboxKind k) {
  return name_of(kOutboxKinds, k);
}
std::string_view to_string(OutboxStatus s) {
  return name_of(kStatuses, s);
}
std::string_view to_string(PartStatus s) {
  return name_of(kPartStatuses, s);
}
std::string_view to_string(TextEncoding e) {
  return name_of(kEncodings, e);
}
std::string_view to_string(Direction d) {
  return name_of(kDirections, d);
}

std::optional<SubscriptionState> parse_subscription_state(std::string_view s) {
  return parse_of(kStates, s);
}
std::optional<ChangeSource> parse_change_source(std::string_view s) {
  return parse_of(kSources, s);
}
std::optional<InboxKind> parse_inbox_kind(std::string_view s) {
  return parse_of(kInboxKinds, s);
}
std::optional<OutboxKind> parse_outbox_kind(std::string_view s) {
  return parse_of(kOutboxKinds, s);
}
std::optional<OutboxStatus> parse_outbox_status(std::string_view s) {
  return parse_of(kStatuses, s);
}
std::optional<TextEncoding> parse_text_encoding(std::string_view s) {
  return parse_of(kEncodings, s);
}

}  // namespace smppgw::store
