// The LMDB tables of the store and its schema version (private to store/). Opening creates
// the named databases, records the version in a fresh environment, refuses files written by
// a newer binary and runs the forward migrations from an older one, all in one transaction.
#pragma once

#include <cstdint>
#include <system_error>

#include "store/lmdb/env.hpp"

namespace smppgw::store::lmdb {

// Version of the table layout and record encodings this binary writes. Bump it with every
// layout change and add the step to kMigrations in schema.cpp.
//   1: per-phone data in six tables (subs, last_stop, recent_join, inbox/outbox/audit by phone)
//   2: per-phone data co-located in `phones` (see below)
//   3: audit_bulk, one row for the audit events of a Manual Opt-Out chunk (audit_bulk.hpp)
//   4: one subscription record, in `subscriptions` keyed campaign\0phone (see below), instead
//      of a record in `phones` plus a copy of its state in subs_by_campaign
//   5: mo_parts and mo_parts_due, the parts of concatenated MO committed one by one
//   6: inbox_flagged, the Inbox rows of kind possible_opt_out (GET /v1/inbox?flag=...)
//   7: every audit event carries the hash of the one before it (store/audit_chain.hpp)
//   8: an outbox record names the admin user who posted it (records.hpp, kOutboxSentBy)
inline constexpr std::uint32_t kSchemaVersion = 8;

// Every table (named database); key → value layouts are in keys.hpp / records.hpp.
//
// Why `phones` holds everything keyed by phone: an MO reads and writes one subscriber's
// recent join, last STOP and the entries that list its inbox, outbox and audit rows. In
// separate tables that is a random B-tree page dirtied (and written at commit) per table per
// MO; with the phone first in one table it is one, so small groups — the daemon's
// groups are bounded by the SMPP windows — write a fraction of the bytes per MO. Rows that
// grow without bound (inbox, outbox, audit) stay in id-keyed tables, where new rows append.
//
// Why subscriptions are keyed campaign first: a broadcast and the opted-out export read a
// campaign's records in order, and a (phone, campaign) lookup is one point read either way.
// A phone's subscriptions are read by asking each campaign that has records (the keys of
// `counts`, a handful), so no second copy keyed by phone is needed: every subscription
// change is one write, not two (the Manual Opt-Out's and a keyword MO's main cost).
struct Tables {
  MDB_dbi meta = 0;               // name → value (schema_version, company_count, ...)
  MDB_dbi phones = 0;             // phone\0<tag>... (keys::phone_tag) → per-tag record
  MDB_dbi subscriptions = 0;      // campaign\0phone → Subscription
  MDB_dbi company = 0;            // phone → CompanyOptOut
  MDB_dbi counts = 0;             // campaign → subscribed, opted_out (absent: no records)
  MDB_dbi inbox = 0;              // be64(id) → InboxMessage
  MDB_dbi inbox_by_campaign = 0;  // campaign\0be64(id) → ""
  MDB_dbi inbox_flagged = 0;      // be64(id) → "" (rows of kind possible_opt_out only)
  MDB_dbi outbox = 0;             // be64(id) → OutboxMessage
  MDB_dbi outbox_pending = 0;     // short_code\0be64(id) → "" (queued records only)
  MDB_dbi carrier_ids = 0;        // link\0carrier_message_id → outbox id, part
  MDB_dbi audit = 0;              // be64(id) → AuditEvent
  MDB_dbi audit_bulk = 0;         // be64(first id) → a chunk's events (audit_bulk.hpp)
  // from\0to\0be16(reference)u8(total)u8(seq) → seq 0: the set (phase, since, reserved
  // inbox id, link); seq 1..total: a part as it arrived (keys::mo_part).
  MDB_dbi mo_parts = 0;
  MDB_dbi mo_parts_due = 0;  // u8(phase)be64(since ms)<set key> → "": expiry in time order
};
inline constexpr unsigned kTableCount = 15;
// Named databases the environment can open: the tables plus those of older layouts, which
// a migration opens to copy and drop.
inline constexpr unsigned kMaxDbs = 32;

// Meta keys.
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaCompanyCount = "company_count";
inline constexpr std::string_view kMetaLastBroadcast = "last_broadcast_id";
// "pending\0<short_code>" → u64: the short code's queued records (entries of outbox_pending),
// kept with every change so that the queue-depth metric is one read, not a range scan. Absent
// means zero.
inline constexpr std::string_view kMetaPending = "pending";
// The highest Inbox id reserved for a concatenated MO (WriteTxn::open_mo_part_set): the
// next id handed out is above it and above the last row, even after a restart.
inline constexpr std::string_view kMetaInboxReserved = "inbox_reserved";

// Opens every table inside `txn` (a write transaction), then checks and migrates the schema.
// Returns schema_too_new, corrupted (unreadable version) or a backend error.
std::error_code open_schema(Txn& txn, Tables& tables, std::uint32_t& version_found);

}  // namespace smppgw::store::lmdb
