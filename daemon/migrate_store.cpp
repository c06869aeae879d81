// The store copy of smppgwd --migrate-store: open both stores as the daemon does
// (open_configured_store), refuse a destination holding anything, copy each table in chunks
// (each chunk one write request through the destination's Writer), reopen the destination
// and compare both stores' digests. The daemon must not run on either store meanwhile: each
// chunk is its own read, so writes during the copy would make the two sides differ.
#include "daemon/migrate_store.hpp"

#include <future>
#include <memory>
#include <vector>

#include "conf/load_config.hpp"
#include "daemon/open_store.hpp"
#include "store/writer.hpp"

namespace smppgw::daemon {
namespace {

constexpr std::size_t kChunkRows = 10000;

// A row's fields, each length-prefixed, hashed (FNV-1a, then a final mix so that sums of
// hashes of similar rows do not cancel).
class RowHash {
 public:
  RowHash& str(std::string_view s) {
    num(s.size());
    for (unsigned char c : s) byte(c);
    return *this;
  }
  RowHash& num(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(v >> (8 * i)));
    return *this;
  }
  RowHash& time(store::Timestamp t) { return num(static_cast<std::uint64_t>(store::unix_ms(t))); }
  template <class E>
  RowHash& e(E v) {
    return num(static_cast<std::uint64_t>(v));
  }
  template <class E>
  RowHash& opt(const std::optional<E>& v) {
    num(v.has_value());
    return v ? num(static_cast<std::uint64_t>(*v)) : *this;
  }
  std::uint64_t value() const {
    std::uint64_t z = h_ + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  void byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ull;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

std::uint64_t row_hash(const store::ExportRow& row) {
  using namespace store;
  RowHash h;
  h.num(row.index());
  std::visit(
      Overloaded{
          [&](const Subscription& s) {
            h.str(s.phone).str(s.campaign).e(s.state).time(s.since).e(s.source).str(s.changed_by);
          },
          [&](const CompanyOptOut& c) {
            h.str(c.phone).time(c.since).e(c.source).str(c.changed_by);
          },
          [&](const LastStop& s) {
            h.str(s.phone).str(s.short_code).time(s.at).str(s.changed_by).num(s.campaigns.size());
            for (const auto& c : s.campaigns) h.str(c);
          },
          [&](const RecentJoin& j) { h.str(j.phone).str(j.short_code).str(j.campaign).time(j.at); },
          [&](const CampaignCounts& c) { h.str(c.campaign).num(c.subscribed).num(c.opted_out); },
          [&](const PendingCount& p) { h.str(p.short_code).num(p.queued); },
          [&](const InboxMessage& m) {
            h.num(m.id)
                .time(m.received_at)
                .str(m.from)
                .str(m.to)
                .str(m.campaign)
                .str(m.text)
                .e(m.kind)
                .str(m.link);
          },
          [&](const OutboxMessage& m) {
            h.num(m.id)
                .time(m.created_at)
                .time(m.updated_at)
                .str(m.to)
                .str(m.from)
                .str(m.campaign)
                .str(m.text)
                .e(m.kind)
                .e(m.status)
                .e(m.encoding)
                .num(m.segments)
                .str(m.error)
                .opt(m.broadcast_id)
                .num(m.attempts)
                .num(m.parts.size());
            for (const auto& p : m.parts) {
              h.e(p.status).str(p.link).str(p.carrier_message_id).str(p.error).str(p.receipt_key);
            }
          },
          [&](const CarrierIdRow& c) {
            h.str(c.link).str(c.receipt_key).num(c.outbox_id).num(c.part);
          },
          [&](const AuditEvent& e) {
            h.num(e.id)
                .time(e.at)
                .str(e.phone)
                .str(e.campaign)
                .opt(e.from_state)
                .e(e.to_state)
                .e(e.source)
                .str(e.ref)
                .str(e.reason);
          },
          [&](const MoPartSet& s) {
            h.str(s.key.from)
                .str(s.key.to)
                .num(s.key.reference)
                .num(s.key.total)
                .e(s.phase)
                .time(s.since)
                .num(s.inbox_id)
                .str(s.link)
                .num(s.parts.size());
            for (const auto& p : s.parts) {
              h.num(p.seq).num(p.data_coding).num(p.udh_octets).str(p.octets).time(p.arrived_at);
            }
          },
          [&](const StoreCounters& c) {
            h.num(c.inbox).num(c.outbox).num(c.audit).num(c.broadcast).num(c.company_opt_outs);
          },
      },
      row);
  return h.value();
}

// Whether the store has no row in any table and all counters zero.
store::Result<std::optional<std::string>> first_nonempty(const store::Store& s) {
  for (auto t : store::kExportTables) {
    auto chunk = s.export_rows(t, std::nullopt, 1);
    if (!chunk) return tl::make_unexpected(chunk.error());
    if (t == store::ExportTable::counters) {
      if (!chunk->rows.empty() &&
          std::get<store::StoreCounters>(chunk->rows.front()) != store::StoreCounters{}) {
        return std::optional<std::string>("counters");
      }
    } else if (!chunk->rows.empty()) {
      return std::optional<std::string>(std::string(store::to_string(t)));
    }
  }
  return std::optional<std::string>{};
}

// Copies every table; returns the rows copied per table, or the first error with the table.
std::error_code copy_store(const store::Store& from, store::Store& to, std::ostream& err,
                           std::map<store::ExportTable, std::uint64_t>& copied) {
  auto writer = store::Writer::start(to);
  if (!writer) {
    err << "smppgwd: cannot start the destination's writer: " << writer.error().message() << "\n";
    return writer.error();
  }
  for (auto t : store::kExportTables) {
    std::optional<std::string> cursor;
    do {
      auto chunk = from.export_rows(t, cursor, kChunkRows);
      if (!chunk) {
        err << "smppgwd: reading " << store::to_string(t)
            << " from the source failed: " << chunk.error().message() << "\n";
        return chunk.error();
      }
      cursor = std::move(chunk->next);
      if (chunk->rows.empty()) break;
      auto rows = std::make_shared<std::vector<store::ExportRow>>(std::move(chunk->rows));
      std::promise<std::error_code> done;
      auto result = done.get_future();
      store::WriteRequest req;
      req.apply = [rows](store::WriteTxn& txn) { return txn.import_rows(*rows); };
      req.complete = [&done](std::error_code ec) { done.set_value(ec); };
      if (auto ec = (*writer)->submit(std::move(req))) return ec;
      if (auto ec = result.get()) {
        err << "smppgwd: writing " << store::to_string(t)
            << " to the destination failed: " << ec.message() << "\n";
        return ec;
      }
      copied[t] += rows->size();
    } while (cursor);
  }
  (*writer)->shutdown();
  return {};
}

}  // namespace

store::Result<StoreDigest> digest_store(const store::Store& s, std::size_t chunk) {
  StoreDigest d;
  for (auto t : store::kExportTables) {
    TableDigest& td = d.tables[t];
    std::optional<std::string> cursor;
    do {
      auto c = s.export_rows(t, cursor, chunk);
      if (!c) return tl::make_unexpected(c.error());
      for (const auto& row : c->rows) {
        ++td.rows;
        td.digest += row_hash(row);
        if (const auto* sub = std::get_if<store::Subscription>(&row)) {
          auto& n = d.per_campaign[sub->campaign];
          ++(sub->state == store::SubscriptionState::subscribed ? n.first : n.second);
        }
      }
      cursor = std::move(c->next);
    } while (cursor);
  }
  return d;
}

int migrate_store(const std::string& from_config, const std::string& to_config, std::ostream& out,
                  std::ostream& err) {
  auto from_conf = conf::load_config(from_config);
  auto to_conf = conf::load_config(to_config);
  for (const auto* c : {&from_conf, &to_conf}) {
    if (!*c) {
      err << c->error().to_string();
      return 1;
    }
  }
  const std::string from_name = describe_store(*from_conf), to_name = describe_store(*to_conf);
  if (from_conf->store.backend == to_conf->store.backend &&
      (from_conf->store.backend == conf::StoreBackend::lmdb
           ? from_conf->state_dir == to_conf->state_dir
           : from_conf->store.postgresql.url == to_conf->store.postgresql.url &&
                 from_conf->store.postgresql.schema == to_conf->store.postgresql.schema)) {
    err << "smppgwd: --migrate-store: source and destination are the same store (" << from_name
        << ")\n";
    return 1;
  }
  auto from = open_configured_store(*from_conf);
  if (!from) {
    err << "smppgwd: source: " << from.error().message << "\n";
    return 1;
  }
  auto to = open_configured_store(*to_conf);
  if (!to) {
    err << "smppgwd: destination: " << to.error().message << "\n";
    return 1;
  }
  auto busy = first_nonempty(**to);
  if (!busy) {
    err << "smppgwd: destination " << to_name << ": " << busy.error().message() << "\n";
    return 1;
  }
  if (*busy) {
    err << "smppgwd: destination " << to_name << " is not empty (" << **busy
        << " has rows): nothing written; migrate into an empty store\n";
    return 1;
  }
  out << "copying " << from_name << " -> " << to_name << "\n";
  std::map<store::ExportTable, std::uint64_t> copied;
  if (copy_store(**from, **to, err, copied)) {
    err << "smppgwd: the copy is incomplete: clear the destination before trying again\n";
    return 1;
  }
  // Verified as the daemon would open it next: reopened, so what LMDB derives at open (the
  // last ids) is compared too.
  to->reset();
  to = open_configured_store(*to_conf);
  if (!to) {
    err << "smppgwd: reopening the destination: " << to.error().message << "\n";
    return 1;
  }
  auto a = digest_store(**from);
  auto b = digest_store(**to);
  if (!a || !b) {
    err << "smppgwd: verification read failed: " << (!a ? a.error() : b.error()).message() << "\n";
    return 1;
  }
  int mismatches = 0;
  for (auto t : store::kExportTables) {
    const TableDigest& x = a->tables[t];
    const TableDigest& y = b->tables[t];
    const bool same = x == y;
    (same ? out : err) << "  " << store::to_string(t) << ": " << x.rows << " rows"
                       << (same ? ", verified" : "") << "\n";
    if (!same) {
      ++mismatches;
      err << "smppgwd: MISMATCH in " << store::to_string(t) << ": source " << x.rows
          << " rows (digest " << std::hex << x.digest << "), destination " << std::dec << y.rows
          << " rows (digest " << std::hex << y.digest << std::dec << ")\n";
    }
  }
  for (const auto& [campaign, n] : a->per_campaign) {
    auto it = b->per_campaign.find(campaign);
    if (it == b->per_campaign.end() || it->second != n) {
      ++mismatches;
      err << "smppgwd: MISMATCH in campaign " << campaign << ": source " << n.first
          << " subscribed / " << n.second << " opted out, destination "
          << (it == b->per_campaign.end()
                  ? std::string("none")
                  : std::to_string(it->second.first) + " / " + std::to_string(it->second.second))
          << "\n";
    }
  }
  for (const auto& [campaign, n] : b->per_campaign) {
    if (!a->per_campaign.count(campaign)) {
      ++mismatches;
      err << "smppgwd: MISMATCH: campaign " << campaign << " only in the destination\n";
    }
  }
  if (mismatches) {
    err << "smppgwd: " << mismatches << " difference(s): the destination is not a copy\n";
    return 1;
  }
  out << "  campaigns: " << a->per_campaign.size() << ", counts per campaign verified\n";
  out << "done: " << from_name << " copied to " << to_name << " and verified\n";
  return 0;
}

}  // namespace smppgw::daemon
