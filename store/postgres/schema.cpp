// The migration list and the one transaction that applies it: lock, read the version, apply
// the missing steps, record the version, commit. The lock is transaction-scoped, so a node
// that dies mid-migration releases it with its rolled-back transaction.
#include "store/postgres/schema.hpp"

#include <array>
#include <string>
#include <vector>

namespace smppgw::store::postgres {
namespace {

constexpr std::array<std::string_view, 1> kVersion1 = {
    "CREATE TABLE smppgw_meta (key text PRIMARY KEY, value text NOT NULL)",
};

// Version 2: the store's tables. Times are unix milliseconds (bigint) as Timestamp stores them,
// enumerations their numeric values (store/types.hpp), free texts bytea (an MO may carry any
// bytes; PostgreSQL's text refuses NUL and invalid UTF-8), identifiers (phones, campaigns, short
// codes, links, carrier ids) COLLATE "C": ordered by bytes as LMDB orders its keys, whatever the
// database's locale, so both backends page, export and broadcast in the same order. Keys and
// indexes follow the queries:
//   subscriptions      (phone, campaign) → record; the partial indexes by (campaign, phone) per
//                      state serve subscribed_phones/broadcasts and the opted-out export
//   company_opt_outs   phone → the company-wide opt-out
//   campaign_counts    campaign → exact counts (no scan for GET /v1/campaigns); a row exists
//                      only while a count is non-zero
//   counters           name → value: last ids (inbox_id, outbox_id, audit_id, broadcast_id),
//                      company_opt_outs (their count); a group that needs ids locks the row
//   last_stops, recent_joins   (phone, short code) → what OOPS restores, where free text goes
//   inbox              id → row; (phone, id) and (campaign, id) serve pages and conversations,
//                      the partial index inbox_flagged (kind 7, possible_opt_out) the review list
//   outbox             id → record with its parts as parallel arrays (one row per MT: a
//                      broadcast writes one row per recipient); (phone, id) for conversations;
//                      the partial index (short_code, id) WHERE status = 1 is the pending queue
//   pending_counts     short code → queued records (queue depth, one lookup)
//   carrier_ids        (link, receipt key) → (outbox id, part): receipts find their part
//   audit              id → event; (phone, id) for a phone's trail
//   mo_part_sets, mo_parts     the parts of concatenated MO; (phase, since) orders expiry
constexpr std::array<std::string_view, 23> kVersion2 = {
    "CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL)",
    "INSERT INTO counters (name, value) VALUES ('inbox_id', 0), ('outbox_id', 0), "
    "('audit_id', 0), ('broadcast_id', 0), ('company_opt_outs', 0)",
    "CREATE TABLE subscriptions (phone text COLLATE \"C\" NOT NULL, campaign text COLLATE \"C\" "
    "NOT NULL, "
    "state smallint NOT NULL, since bigint NOT NULL, source smallint NOT NULL, "
    "changed_by text NOT NULL, PRIMARY KEY (phone, campaign))",
    "CREATE INDEX subscriptions_subscribed ON subscriptions (campaign, phone) WHERE state = 1",
    "CREATE INDEX subscriptions_opted_out ON subscriptions (campaign, phone) WHERE state = 2",
    "CREATE TABLE company_opt_outs (phone text COLLATE \"C\" PRIMARY KEY, since bigint NOT NULL, "
    "source smallint NOT NULL, changed_by text NOT NULL)",
    "CREATE TABLE campaign_counts (campaign text COLLATE \"C\" PRIMARY KEY, subscribed bigint NOT "
    "NULL, "
    "opted_out bigint NOT NULL)",
    "CREATE TABLE last_stops (phone text COLLATE \"C\" NOT NULL, short_code text COLLATE \"C\" NOT "
    "NULL, at bigint NOT NULL, "
    "changed_by text NOT NULL, campaigns text[] NOT NULL, PRIMARY KEY (phone, short_code))",
    "CREATE TABLE recent_joins (phone text COLLATE \"C\" NOT NULL, short_code text COLLATE \"C\" "
    "NOT NULL, "
    "campaign text COLLATE \"C\" NOT NULL, at bigint NOT NULL, PRIMARY KEY (phone, short_code))",
    "CREATE TABLE inbox (id bigint PRIMARY KEY, received_at bigint NOT NULL, phone text COLLATE "
    "\"C\" NOT NULL, "
    "short_code text COLLATE \"C\" NOT NULL, campaign text COLLATE \"C\" NOT NULL, text bytea NOT "
    "NULL, "
    "kind smallint NOT NULL, link text COLLATE \"C\" NOT NULL)",
    "CREATE INDEX inbox_by_phone ON inbox (phone, id)",
    "CREATE INDEX inbox_by_campaign ON inbox (campaign, id)",
    "CREATE INDEX inbox_flagged ON inbox (id) WHERE kind = 7",
    "CREATE TABLE outbox (id bigint PRIMARY KEY, created_at bigint NOT NULL, "
    "updated_at bigint NOT NULL, phone text COLLATE \"C\" NOT NULL, short_code text COLLATE \"C\" "
    "NOT NULL, "
    "campaign text COLLATE \"C\" NOT NULL, text bytea NOT NULL, kind smallint NOT NULL, "
    "status smallint NOT NULL, encoding smallint NOT NULL, segments smallint NOT NULL, "
    "error text NOT NULL, broadcast_id bigint, attempts integer NOT NULL, "
    "part_status smallint[] NOT NULL, part_link text[] NOT NULL, "
    "part_carrier_id text[] NOT NULL, part_error text[] NOT NULL, "
    "part_receipt_key text[] NOT NULL)",
    "CREATE INDEX outbox_by_phone ON outbox (phone, id)",
    "CREATE INDEX outbox_pending ON outbox (short_code, id) WHERE status = 1",
    "CREATE TABLE pending_counts (short_code text COLLATE \"C\" PRIMARY KEY, queued bigint NOT "
    "NULL)",
    "CREATE TABLE carrier_ids (link text COLLATE \"C\" NOT NULL, receipt_key text COLLATE \"C\" "
    "NOT NULL, "
    "outbox_id bigint NOT NULL, part smallint NOT NULL, PRIMARY KEY (link, receipt_key))",
    "CREATE TABLE audit (id bigint PRIMARY KEY, at bigint NOT NULL, phone text COLLATE \"C\" NOT "
    "NULL, "
    "campaign text COLLATE \"C\" NOT NULL, from_state smallint, to_state smallint NOT NULL, "
    "source smallint NOT NULL, ref text NOT NULL, reason text NOT NULL)",
    "CREATE INDEX audit_by_phone ON audit (phone, id)",
    "CREATE TABLE mo_part_sets (phone text COLLATE \"C\" NOT NULL, short_code text COLLATE \"C\" "
    "NOT NULL, "
    "reference integer NOT NULL, total smallint NOT NULL, phase smallint NOT NULL, "
    "since bigint NOT NULL, inbox_id bigint NOT NULL, link text COLLATE \"C\" NOT NULL, "
    "PRIMARY KEY (phone, short_code, reference, total))",
    "CREATE INDEX mo_part_sets_due ON mo_part_sets (phase, since)",
    "CREATE TABLE mo_parts (phone text COLLATE \"C\" NOT NULL, short_code text COLLATE \"C\" NOT "
    "NULL, "
    "reference integer NOT NULL, total smallint NOT NULL, seq smallint NOT NULL, "
    "data_coding smallint NOT NULL, udh_octets integer NOT NULL, octets bytea NOT NULL, "
    "arrived_at bigint NOT NULL, PRIMARY KEY (phone, short_code, reference, total, seq))",
};

// Version 3: the audit hash chain (store/audit_chain.hpp). Events written before it get their
// prev_hash here, in id order, by the same canonical encoding computed in SQL: be64 id, be64
// at, be16 from_state (-1 = none, which int2send writes as 0xffff), be16 to_state, be16
// source, then each text as be32 byte length and its UTF-8 bytes. One pass over the table at
// upgrade; the write path sets the column on every new event.
constexpr std::array<std::string_view, 3> kVersion3 = {
    "ALTER TABLE audit ADD COLUMN prev_hash bytea",
    "DO $$ DECLARE h bytea := decode(repeat('00', 32), 'hex'); r record; "
    "BEGIN FOR r IN SELECT * FROM audit ORDER BY id LOOP "
    "UPDATE audit SET prev_hash = h WHERE id = r.id; "
    "h := sha256(h || int8send(r.id) || int8send(r.at) || int2send(coalesce(r.from_state, "
    "(-1)::smallint)) "
    "|| int2send(r.to_state) || int2send(r.source) "
    "|| int4send(octet_length(convert_to(r.phone, 'UTF8'))) || convert_to(r.phone, 'UTF8') "
    "|| int4send(octet_length(convert_to(r.campaign, 'UTF8'))) || convert_to(r.campaign, 'UTF8') "
    "|| int4send(octet_length(convert_to(r.ref, 'UTF8'))) || convert_to(r.ref, 'UTF8') "
    "|| int4send(octet_length(convert_to(r.reason, 'UTF8'))) || convert_to(r.reason, 'UTF8')); "
    "END LOOP; END $$",
    "ALTER TABLE audit ALTER COLUMN prev_hash SET NOT NULL",
};

// Version 4: an outbox record names the admin user who posted it (OutboxMessage::sent_by);
// records written before it did not say, and keep the empty name. A constant default: no
// table rewrite.
constexpr std::array<std::string_view, 1> kVersion4 = {
    "ALTER TABLE outbox ADD COLUMN sent_by text NOT NULL DEFAULT ''",
};

constexpr std::array<Migration, 4> kMigrations = {{
    {1, kVersion1},
    {2, kVersion2},
    {3, kVersion3},
    {4, kVersion4},
}};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int schema_version() {
  return kMigrations.back().version;
}

PgResult<SchemaState> ensure_schema(Connection& conn) {
  // Everything up to the read of the version in one round trip; the lock waits for a node that
  // is migrating, and the version read afterwards (a new snapshot under READ COMMITTED) sees
  // its commit.
  const std::array<Statement, 3> start = {{
      {"BEGIN", {}},
      {"SELECT pg_advisory_xact_lock($1)", {std::to_string(kSchemaLockKey)}},
      {"SELECT to_regclass('smppgw_meta') IS NOT NULL", {}},
  }};
  auto started = conn.pipeline(start);
  if (!started) {
    (void)conn.exec({"ROLLBACK", {}});
    return tl::unexpected(std::move(started.error()));
  }
  SchemaState state;
  if ((*started)[2].rows.at(0).at(0) == std::optional<std::string>("t")) {
    auto read = conn.exec({"SELECT value FROM smppgw_meta WHERE key = 'schema_version'", {}});
    if (!read || read->rows.empty() || !read->rows[0][0]) {
      (void)conn.exec({"ROLLBACK", {}});
      if (!read) return tl::unexpected(std::move(read.error()));
      return pg_fail(StoreErrc::corrupted, "smppgw_meta on PostgreSQL at " + conn.server() +
                                               " has no schema_version: the database was not "
                                               "created by smppgwd");
    }
    try {
      state.found = std::stoi(*read->rows[0][0]);
    } catch (const std::exception&) {
      (void)conn.exec({"ROLLBACK", {}});
      return pg_fail(StoreErrc::corrupted, "smppgw_meta on PostgreSQL at " + conn.server() +
                                               " holds schema_version '" + *read->rows[0][0] +
                                               "', not a number");
    }
  }
  if (state.found > schema_version()) {
    (void)conn.exec({"ROLLBACK", {}});
    return pg_fail(StoreErrc::schema_too_new,
                   "the database on PostgreSQL at " + conn.server() + " has schema version " +
                       std::to_string(state.found) + ", newer than this smppgwd's " +
                       std::to_string(schema_version()) + ": upgrade smppgwd");
  }

  std::vector<Statement> steps;
  for (const Migration& m : kMigrations) {
    if (m.version <= state.found) continue;
    for (std::string_view sql : m.statements) steps.push_back({std::string(sql), {}});
    steps.push_back({"INSERT INTO smppgw_meta (key, value) VALUES ($1, now()::text)",
                     {"migrated_to." + std::to_string(m.version)}});
  }
  if (!steps.empty()) {
    steps.push_back(
        {"INSERT INTO smppgw_meta (key, value) VALUES ('schema_version', $1) "
         "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
         {std::to_string(schema_version())}});
  }
  steps.push_back({"COMMIT", {}});
  auto applied = conn.pipeline(steps);
  if (!applied) {
    (void)conn.exec({"ROLLBACK", {}});
    Error e = std::move(applied.error());
    e.message = "migrating the schema from version " + std::to_string(state.found) + " to " +
                std::to_string(schema_version()) + ": " + e.message;
    return tl::unexpected(std::move(e));
  }
  state.version = schema_version();
  return state;
}

}  // namespace smppgw::store::postgres
