// The domain values the store keeps (SPEC §4, §6): subscriptions and opt-outs, the Inbox of
// MO texts, the outbox of MT records, and the audit trail of subscription changes. Plain data,
// no backend types: the engine, the admin API and the daemon speak only these.
// Times are passed in by callers (the store never reads a clock), at millisecond precision.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smppgw::store {

// ---- Time -------------------------------------------------------------------------------

// A point in time at millisecond precision, as stored (unix milliseconds, UTC).
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline Timestamp to_timestamp(std::chrono::system_clock::time_point t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}
inline Timestamp timestamp_from_unix_ms(std::int64_t ms) {
  return Timestamp{std::chrono::milliseconds{ms}};
}
inline std::int64_t unix_ms(Timestamp t) {
  return t.time_since_epoch().count();
}

// ---- Enumerations (each has to_string and a parse_* returning nullopt on unknown text) ------

// The stored state of one (phone, campaign) pair. A pair with no record has no state
// (std::optional<SubscriptionState> is empty): never joined, never opted out.
enum class SubscriptionState : std::uint8_t { subscribed = 1, opted_out = 2 };

// Who or what changed a subscription (SPEC §4 "every change of subscription is an audit event").
enum class ChangeSource : std::uint8_t { sms = 1, admin = 2, csv = 3 };

// What an MO was, as decided by the keyword engine (SPEC §4).
enum class InboxKind : std::uint8_t {
  message = 1,
  keyword = 2,
  stop = 3,
  stop_all = 4,
  resubscribe = 5,
  help = 6,
  // A message that may revoke consent in plain words ("is this how I get off the list?"):
  // nothing changes, the Inbox row is flagged for a person (GET /v1/inbox?flag=possible_opt_out).
  possible_opt_out = 7,
};

// Why an MT exists.
enum class OutboxKind : std::uint8_t {
  reply = 1,              // an admin's reply to an Inbox row
  chat = 2,               // "Message this profile" / the chat panel
  broadcast = 3,          // POST /v1/campaigns/{id}/broadcast
  auto_reply = 4,         // replies.join / replies.resubscribe sent by the engine
  stop_confirmation = 5,  // the single confirmation after STOP (allowed while opted out)
  help = 6,               // replies.help (allowed while opted out)
};

// The life cycle of an MT record (SPEC §6 GET /v1/messages/{id}):
// queued → submitted → delivered | failed | expired; queued → suppressed | failed.
enum class OutboxStatus : std::uint8_t {
  queued = 1,
  submitted = 2,
  delivered = 3,
  failed = 4,
  expired = 5,
  suppressed = 6,
};

// The state of one part (segment) of an MT. A record is delivered when every part is
// delivered, failed as soon as one part fails, expired when a part expired and none failed.
enum class PartStatus : std::uint8_t {
  pending = 0,    // not acknowledged by the carrier yet (no carrier message id)
  submitted = 1,  // submit_sm_resp OK: carrier message id known
  delivered = 2,
  failed = 3,
  expired = 4,
};

// The MT text encoding chosen when the record was accepted (SPEC §3).
enum class TextEncoding : std::uint8_t { gsm7 = 1, ucs2 = 2 };

// Direction of a conversation entry.
enum class Direction : std::uint8_t { in = 1, out = 2 };

std::string_view to_string(SubscriptionState s);  // "subscribed" | "opted_out"
std::string_view to_string(ChangeSource s);       // "sms" | "admin" | "csv"
std::string_view to_string(InboxKind k);          // "message" | "keyword" | ...
std::string_view to_string(OutboxKind k);         // "reply" | "chat" | ...
std::string_view to_string(OutboxStatus s);       // "queued" | "submitted" | ...
std::string_view to_string(PartStatus s);         // "pending" | "submitted" | ...
std::string_view to_string(TextEncoding e);       // "gsm7" | "ucs2"
std::string_view to_string(Direction d);          // "in" | "out"

std::optional<SubscriptionState> parse_subscription_state(std::string_view s);
std::optional<ChangeSource> parse_change_source(std::string_view s);
std::optional<InboxKind> parse_inbox_kind(std::string_view s);
std::optional<OutboxKind> parse_outbox_kind(std::string_view s);
std::optional<OutboxStatus> parse_outbox_status(std::string_view s);
std::optional<TextEncoding> parse_text_encoding(std::string_view s);

// The stored number of an enumeration back to its value, if the type has it: both backends
// store enumerations as their numbers and check what they read here, so a value added at the
// end of an enumeration (and to its range below) is known to both at once.
template <class E>
struct StoredRange;
template <>
struct StoredRange<SubscriptionState> {
  static constexpr SubscriptionState first = SubscriptionState::subscribed,
                                     last = SubscriptionState::opted_out;
};
template <>
struct StoredRange<ChangeSource> {
  static constexpr ChangeSource first = ChangeSource::sms, last = ChangeSource::csv;
};
template <>
struct StoredRange<InboxKind> {
  static constexpr InboxKind first = InboxKind::message, last = InboxKind::possible_opt_out;
};
template <>
struct StoredRange<OutboxKind> {
  static constexpr OutboxKind first = OutboxKind::reply, last = OutboxKind::help;
};
template <>
struct StoredRange<OutboxStatus> {
  static constexpr OutboxStatus first = OutboxStatus::queued, last = OutboxStatus::suppressed;
};
template <>
struct StoredRange<PartStatus> {
  static constexpr PartStatus first = PartStatus::pending, last = PartStatus::expired;
};
template <>
struct StoredRange<TextEncoding> {
  static constexpr TextEncoding first = TextEncoding::gsm7, last = TextEncoding::ucs2;
};

template <class E>
std::optional<E> from_stored(std::int64_t v) {
  if (v < static_cast<std::int64_t>(StoredRange<E>::first) ||
      v > static_cast<std::int64_t>(StoredRange<E>::last))
    return std::nullopt;
  return static_cast<E>(v);
}

// The campaign id written in audit events and exports for the company-wide scope.
inline constexpr std::string_view kAllCampaigns = "*";

// ---- Subscriptions ----------------------------------------------------------------------

// One (phone, campaign) record. Phones are E.164 ("+14155552671"), normalised by callers.
struct Subscription {
  std::string phone;
  std::string campaign;
  SubscriptionState state = SubscriptionState::subscribed;
  Timestamp since{};                        // when `state` began
  ChangeSource source = ChangeSource::sms;  // who made the change
  std::string changed_by;                   // MO inbox id ("mo:123") or admin request id text
  friend bool operator==(const Subscription&, const Subscription&) = default;
};

// The company-wide opt-out of one phone (STOP ALL, or a Manual Opt-Out with scope "all").
// It covers every campaign, including campaigns added later, for which the phone has no
// Subscription record. An explicit Subscription record (a keyword join after the opt-out)
// takes precedence for its campaign: that is how a join "lifts a company-wide opt-out for
// that campaign only" (SPEC §4). See effective state in WriteTxn::state.
struct CompanyOptOut {
  std::string phone;
  Timestamp since{};
  ChangeSource source = ChangeSource::sms;
  std::string changed_by;
  friend bool operator==(const CompanyOptOut&, const CompanyOptOut&) = default;
};

// What the most recent STOP of a phone on a short code ended: the campaigns that were
// subscribed just before it. OOPS restores exactly these (SPEC §4 "Resubscribe").
struct LastStop {
  std::string phone;
  std::string short_code;
  Timestamp at{};
  std::string changed_by;              // the STOP MO ("mo:123")
  std::vector<std::string> campaigns;  // may be empty: STOP while subscribed to nothing
  friend bool operator==(const LastStop&, const LastStop&) = default;
};

// The campaign a phone joined most recently on a short code (free text and HELP go there).
struct RecentJoin {
  std::string phone;
  std::string short_code;
  std::string campaign;
  Timestamp at{};
  friend bool operator==(const RecentJoin&, const RecentJoin&) = default;
};

// Exact per-campaign counts of Subscription records, maintained inside every write
// transaction (GET /v1/campaigns never scans). Company-wide opt-outs are not counted per
// campaign; they are counted once in Store::company_opt_out_count().
struct CampaignCounts {
  std::string campaign;
  std::uint64_t subscribed = 0;
  std::uint64_t opted_out = 0;
  friend bool operator==(const CampaignCounts&, const CampaignCounts&) = default;
};

// What one subscription operation did.
struct SubscriptionChange {
  std::optional<SubscriptionState> before;  // effective state before (empty: no state)
  SubscriptionState after = SubscriptionState::subscribed;
  bool changed = false;  // false: already in `after`; no record and no audit event written
};

// Context of a change, written into the record and its audit event. The views must stay
// valid while the operation that takes it runs (inside a write request: build it there, or
// capture owned strings; make_opt_out_request copies them).
struct ChangeContext {
  Timestamp at{};
  ChangeSource source = ChangeSource::sms;
  std::string_view ref;     // "mo:<inbox id>" or the admin request id
  std::string_view reason;  // short human text: "STOP", "keyword SPRING", "csv upload"
};

// ---- Inbox ------------------------------------------------------------------------------

// One MO text, whatever its kind (SPEC §4 "Every MO ... is an Inbox row").
struct InboxMessage {
  std::uint64_t id = 0;  // monotonic, assigned by the store (1, 2, 3, ...)
  Timestamp received_at{};
  std::string from;      // subscriber phone, E.164
  std::string to;        // short code
  std::string campaign;  // may be empty when the short code has no default campaign
  std::string text;      // UTF-8
  InboxKind kind = InboxKind::message;
  std::string link;  // the link or listener account it arrived on
  friend bool operator==(const InboxMessage&, const InboxMessage&) = default;
};

// A new Inbox row; the store assigns the id.
struct NewInboxMessage {
  Timestamp received_at{};
  std::string from;
  std::string to;
  std::string campaign;
  std::string text;
  InboxKind kind = InboxKind::message;
  std::string link;
  // 0: the store assigns the next id. Otherwise the id WriteTxn::open_mo_part_set reserved
  // for the concatenated MO this row completes (its parts were answered with it).
  std::uint64_t reserved_id = 0;
};

// ---- Parts of concatenated MO (SPEC §3, §5 "Acknowledge after commit") ----
//
// Each part of a long MO is committed and answered on its own, so that a carrier that waits
// for every response (window 1) sends the next one; the set becomes an Inbox row when its
// last part arrives, or with what arrived when the reassembly timeout passes.

// Identifies a set: the sender (E.164), the short code, the concatenation reference and the
// number of parts (a reference reused with another total is another message).
struct MoPartSetKey {
  std::string from;
  std::string to;
  std::uint16_t reference = 0;
  std::uint8_t total = 0;  // 2..255
  friend bool operator==(const MoPartSetKey&, const MoPartSetKey&) = default;
};

// One part's user data as it arrived (after the UDH), decoded only when the set is whole.
struct MoPart {
  std::uint8_t seq = 0;  // 1..total
  std::uint8_t data_coding = 0;
  std::uint16_t udh_octets = 0;  // the UDH's length: GSM 7-bit packing is aligned past it
  std::string octets;
  Timestamp arrived_at{};
  friend bool operator==(const MoPart&, const MoPart&) = default;
};

enum class MoPartPhase : std::uint8_t {
  pending = 0,    // waiting for more parts; `since` = when the first part was stored
  completed = 1,  // stored as an Inbox row; kept `since` then to recognise a resent part
};

struct MoPartSet {
  MoPartSetKey key;
  MoPartPhase phase = MoPartPhase::pending;
  Timestamp since{};
  std::uint64_t inbox_id = 0;  // reserved when the set opened
  std::string link;            // where the first part arrived
  std::vector<MoPart> parts;   // in seq order, only those that arrived
  friend bool operator==(const MoPartSet&, const MoPartSet&) = default;
};

// GET /v1/inbox: newest first, optionally filtered by campaign and/or phone.
struct InboxQuery {
  std::optional<std::string> campaign;
  std::optional<std::string> phone;
  std::size_t limit = 50;               // 1..kMaxPageLimit
  std::optional<std::uint64_t> before;  // only ids < before
  std::optional<InboxKind> kind;        // only rows of this kind (?flag=possible_opt_out)
};

struct InboxPage {
  std::vector<InboxMessage> messages;        // newest first
  std::optional<std::uint64_t> next_before;  // pass as `before` for the next page; empty: end
};

// The largest `limit` any page query accepts (bounds the work of one read transaction).
inline constexpr std::size_t kMaxPageLimit = 1000;

// ---- Outbox -----------------------------------------------------------------------------

// One part of an MT as the carrier knows it.
struct OutboxPart {
  PartStatus status = PartStatus::pending;
  std::string link;                // the link that submitted it (receipts are per link)
  std::string carrier_message_id;  // from submit_sm_resp as the carrier wrote it (older
                                   // records: its canonical form); empty while pending
  std::string error;               // carrier error/status text when failed or expired
  std::string receipt_key;         // the carrier_ids key receipts find it by (the id's
                                   // canonical form); empty when it is carrier_message_id
  friend bool operator==(const OutboxPart&, const OutboxPart&) = default;
};

// The carrier_ids key of a part (link\0key): its receipt key, or the id itself.
inline std::string_view receipt_key(const OutboxPart& p) {
  return p.receipt_key.empty() ? std::string_view(p.carrier_message_id)
                               : std::string_view(p.receipt_key);
}

// One MT record.
struct OutboxMessage {
  std::uint64_t id = 0;  // monotonic, assigned by the store
  Timestamp created_at{};
  Timestamp updated_at{};
  std::string to;    // subscriber phone, E.164
  std::string from;  // short code
  std::string campaign;
  std::string text;  // UTF-8, shortcodes already expanded
  OutboxKind kind = OutboxKind::reply;
  OutboxStatus status = OutboxStatus::queued;
  TextEncoding encoding = TextEncoding::gsm7;
  std::uint16_t segments = 1;     // == parts.size()
  std::vector<OutboxPart> parts;  // one per segment
  std::string error;              // why failed/expired/suppressed (human text)
  std::optional<std::uint64_t> broadcast_id;
  std::uint32_t attempts = 0;  // how many times the dispatcher was told to retry it
  // The admin user who posted it through the API (a reply, chat or broadcast); empty for
  // what the gateway sends on its own (confirmations, HELP and keyword answers).
  std::string sent_by;
  friend bool operator==(const OutboxMessage&, const OutboxMessage&) = default;
};

// A new MT; the store assigns the id, sets created_at = updated_at = at and one pending
// part per segment.
struct NewOutboxMessage {
  Timestamp at{};
  std::string to;
  std::string from;  // short code: the record joins that short code's pending queue
  std::string campaign;
  std::string text;
  OutboxKind kind = OutboxKind::reply;
  TextEncoding encoding = TextEncoding::gsm7;
  std::uint16_t segments = 1;  // 1..255
  std::optional<std::uint64_t> broadcast_id;
  std::string sent_by;  // OutboxMessage::sent_by
};

// Store::phone_outbox: newest first; next_before is the cursor of the next page, if any.
struct OutboxPage {
  std::vector<OutboxMessage> messages;
  std::optional<std::uint64_t> next_before;
};

// What a delivery receipt did (WriteTxn::apply_receipt).
struct ReceiptOutcome {
  std::uint64_t outbox_id = 0;
  std::uint16_t part = 0;
  OutboxStatus status = OutboxStatus::submitted;  // the record's status after the receipt
  bool status_changed = false;
};

// ---- Conversation -----------------------------------------------------------------------

// One entry of a chat thread (GET /v1/conversations/{phone}).
struct ConversationEntry {
  Direction direction = Direction::in;
  std::uint64_t id = 0;  // inbox id (in) or outbox id (out)
  Timestamp at{};        // received_at (in) or created_at (out)
  std::string campaign;
  std::string text;
  std::optional<OutboxStatus> status;  // out only
  friend bool operator==(const ConversationEntry&, const ConversationEntry&) = default;
};

// ---- Audit ------------------------------------------------------------------------------

// The SHA-256 of an audit event (store/audit_chain.hpp).
using AuditHash = std::array<std::uint8_t, 32>;

// One subscription change (SPEC §4): written by the store itself for every change, never
// by callers directly, so no change can go unaudited.
struct AuditEvent {
  std::uint64_t id = 0;  // monotonic
  Timestamp at{};
  std::string phone;
  std::string campaign;  // or kAllCampaigns ("*") for the company-wide opt-out
  std::optional<SubscriptionState> from_state;  // empty: no state before
  SubscriptionState to_state = SubscriptionState::opted_out;
  ChangeSource source = ChangeSource::sms;
  std::string ref;     // "mo:<inbox id>" or request id
  std::string reason;  // "STOP", "keyword SPRING", "csv upload", ...
  // The hash of the event before it (zeros for the first), set by the store as it writes the
  // event. Empty only in a row that lost it — the chain check reports that event.
  std::optional<AuditHash> prev_hash;
  friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

// Where the chain first fails to hold (GET /v1/audit/verify).
struct AuditChainBreak {
  std::uint64_t id = 0;  // the event whose prev_hash does not match its predecessor
  std::string problem;   // "prev_hash does not match event 41", "id 42 missing", ...
  friend bool operator==(const AuditChainBreak&, const AuditChainBreak&) = default;
};

struct AuditChainReport {
  std::uint64_t events = 0;               // checked, in id order
  AuditHash head{};                       // hash of the last event (zeros for none)
  std::optional<AuditChainBreak> broken;  // empty: the chain holds
  friend bool operator==(const AuditChainReport&, const AuditChainReport&) = default;
};

// GET /v1/audit?phone= : newest first.
struct AuditQuery {
  std::optional<std::string> phone;
  std::size_t limit = 50;  // 1..kMaxPageLimit
  std::optional<std::uint64_t> before;
};

struct AuditPage {
  std::vector<AuditEvent> events;  // newest first
  std::optional<std::uint64_t> next_before;
};

// ---- Exports and bulk operations ---------------------------------------------------------

// One row of GET /v1/opt-outs.csv (phone,campaign,since,source). Company-wide opt-outs
// appear with campaign kAllCampaigns.
struct OptOutRow {
  std::string phone;
  std::string campaign;
  Timestamp since{};
  ChangeSource source = ChangeSource::csv;
  friend bool operator==(const OptOutRow&, const OptOutRow&) = default;
};

// One chunk of a Manual Opt-Out (SPEC §6 POST /v1/opt-outs), applied as one write request.
struct OptOutBatch {
  std::optional<std::string> campaign;  // empty: company-wide ("all")
  std::vector<std::string> phones;      // E.164, already validated and de-duplicated
  ChangeContext context;                // source csv or admin; ref = the request id
};

// Exact counts of one applied chunk. opted_out + already_opted_out == phones.size().
struct OptOutBatchResult {
  std::uint64_t opted_out = 0;          // phones whose state changed (one audit event each)
  std::uint64_t already_opted_out = 0;  // phones already opted out of the scope
};

// One chunk of a broadcast: up to `limit` subscribers of `campaign` with phone > `after`.
struct BroadcastChunk {
  std::uint64_t broadcast_id = 0;  // from WriteTxn::next_broadcast_id()
  std::string campaign;
  std::string short_code;
  std::string text;
  TextEncoding encoding = TextEncoding::gsm7;
  std::uint16_t segments = 1;
  Timestamp at{};
  std::string sent_by;  // the admin user who posted the broadcast (OutboxMessage::sent_by)
  std::string after;    // exclusive phone cursor; empty for the first chunk
  std::size_t limit = 10000;
};

struct BroadcastChunkResult {
  std::uint64_t recipients = 0;           // outbox records enqueued by this chunk
  std::uint64_t suppressed = 0;           // opted-out records of the campaign, skipped: reported by
                                          // the first chunk (after == "") only, so sums are exact
  std::optional<std::string> next_after;  // empty: the campaign is done
};

}  // namespace smppgw::store
