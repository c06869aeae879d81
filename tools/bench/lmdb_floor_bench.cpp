// What LMDB itself does on this machine for the MO shape of store_mo_commit, with none of the
// store's indexes: the ceiling any LMDB schema can reach here, measured beside the store's
// own figure so that the two can be compared on the same disk and load.
//
// Per MO, straight on the LMDB C API from one thread: one read of the subscription, one
// write of it (a random key among --phones subscribers), and four appends (the Inbox row, the
// audit event, the outbox record and its pending-queue entry), values the size of the
// store's. A group of --group MOs is one transaction, committed with fsync like the writer's.
//
//   lmdb_floor_mo_commit        MO/s at the writer's default group (8,192)
//   lmdb_floor_mo_commit_32k    MO/s at groups of 32,768
//   lmdb_floor_mo_commit_index  MO/s at 8,192 with the four per-MO secondary-index writes the
//                               store's queries need (the Inbox, outbox and audit entries of
//                               the phone, and the campaign's subscriber index)
//   lmdb_floor_mo_commit_bucketed  the same, the phone's three entries keyed by a bucket of
//                               16,384 ids first (a time-ordered per-phone index: a group's
//                               entries land in one small key range instead of all over)
//   lmdb_floor_optout_1m        seconds for the Manual Opt-Out shape of store_optout_1m: a
//                               million sorted new phones in chunks of 25,000 (one commit
//                               each); per phone one read of its subscription and two
//                               writes (the subscription, keyed campaign\0phone, and the
//                               phone's audit entry), and one audit row per chunk
//
// Prints the median of --runs runs (3) on stdout, every run on stderr. --only-optout 1 runs
// the opt-out figure alone; --mo and --phones set the MO runs' size (400,000 MOs, 100,000
// subscribers).
#include <lmdb.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/bench/median.hpp"

namespace {

using smppgw::bench::median;

// Where the per-MO index entries go.
enum class Index { none, phone_major, bucketed };

struct Shape {
  std::uint64_t group = 8192;
  Index index = Index::none;
};

std::uint64_t g_total = 400000;
std::uint64_t g_phones = 100000;
bool g_only_optout = false;

void be64(char* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

[[noreturn]] void die(const char* what, int rc) {
  std::fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc));
  std::exit(1);
}

void check(const char* what, int rc) {
  if (rc != 0) die(what, rc);
}

MDB_val val(const void* p, std::size_t n) {
  return MDB_val{n, const_cast<void*>(p)};
}

// An environment in a new directory (under $SMPPGW_BENCH_DIR if set), closed and removed at
// the end of the run.
struct FreshEnv {
  std::string dir;
  MDB_env* env = nullptr;
  FreshEnv() {
    const char* base = std::getenv("SMPPGW_BENCH_DIR");
    dir = ((base ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
           "smppgw-lmdb-floor-XXXXXX")
              .string();
    if (!mkdtemp(dir.data())) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    check("env_create", mdb_env_create(&env));
    check("maxdbs", mdb_env_set_maxdbs(env, 8));
    check("mapsize", mdb_env_set_mapsize(env, 4ull << 30));
    check("env_open", mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0640));
  }
  ~FreshEnv() {
    mdb_env_close(env);
    std::filesystem::remove_all(dir);
  }
  FreshEnv(const FreshEnv&) = delete;
  FreshEnv& operator=(const FreshEnv&) = delete;
};

double run(const Shape& shape) {
  FreshEnv fresh;
  MDB_env* env = fresh.env;
  MDB_dbi subs, by_campaign, recent, inbox, audit, outbox, pending;
  {
    MDB_txn* t = nullptr;
    check("begin", mdb_txn_begin(env, nullptr, 0, &t));
    check("dbi", mdb_dbi_open(t, "subs", MDB_CREATE, &subs));
    check("dbi", mdb_dbi_open(t, "by_campaign", MDB_CREATE, &by_campaign));
    check("dbi", mdb_dbi_open(t, "recent", MDB_CREATE, &recent));
    check("dbi", mdb_dbi_open(t, "inbox", MDB_CREATE, &inbox));
    check("dbi", mdb_dbi_open(t, "audit", MDB_CREATE, &audit));
    check("dbi", mdb_dbi_open(t, "outbox", MDB_CREATE, &outbox));
    check("dbi", mdb_dbi_open(t, "pending", MDB_CREATE, &pending));
    check("commit", mdb_txn_commit(t));
  }
  // About the sizes of the store's records for this MO (bytes): subscription 20, Inbox row
  // 52, audit event 55, outbox record 120.
  std::vector<char> filler(128, 'x');
  std::uint64_t x = 0x9E3779B97F4A7C15ull, id = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t done = 0; done < g_total;) {
    MDB_txn* t = nullptr;
    check("begin", mdb_txn_begin(env, nullptr, 0, &t));
    MDB_cursor *cs, *cb, *cr, *ci, *ca, *co, *cp;
    check("cursor", mdb_cursor_open(t, subs, &cs));
    check("cursor", mdb_cursor_open(t, by_campaign, &cb));
    check("cursor", mdb_cursor_open(t, recent, &cr));
    check("cursor", mdb_cursor_open(t, inbox, &ci));
    check("cursor", mdb_cursor_open(t, audit, &ca));
    check("cursor", mdb_cursor_open(t, outbox, &co));
    check("cursor", mdb_cursor_open(t, pending, &cp));
    for (std::uint64_t g = 0; g < shape.group && done < g_total; ++g, ++done) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      // phone\0c<campaign>, as the store's `phones` table keys a subscription.
      char key[48];
      const int phone_len =
          std::snprintf(key, sizeof key, "+1415%llu", 2000000ull + (x % g_phones));
      std::memcpy(key + phone_len, "\0cspring", 8);
      MDB_val k = val(key, static_cast<std::size_t>(phone_len) + 8), v{};
      int rc = mdb_cursor_get(cs, &k, &v, MDB_SET_KEY);
      if (rc != 0 && rc != MDB_NOTFOUND) die("get", rc);
      MDB_val sub = val(filler.data(), 20);
      check("put subscription", mdb_cursor_put(cs, &k, &sub, 0));
      ++id;
      char idk[8];
      be64(idk, id);
      MDB_val ik = val(idk, 8);
      MDB_val row = val(filler.data(), 52);
      check("put inbox", mdb_cursor_put(ci, &ik, &row, MDB_APPEND));
      row = val(filler.data(), 55);
      check("put audit", mdb_cursor_put(ca, &ik, &row, MDB_APPEND));
      row = val(filler.data(), 120);
      check("put outbox", mdb_cursor_put(co, &ik, &row, MDB_APPEND));
      char pk[14] = "12345";
      be64(pk + 6, id);
      MDB_val pkv = val(pk, 14), empty = val(filler.data(), 0);
      check("put pending", mdb_cursor_put(cp, &pkv, &empty, MDB_APPEND));
      if (shape.index != Index::none) {
        // phone\0<tag>be64(id) for the Inbox, audit and outbox entries of the phone, next to
        // its subscription as in the store (or after be32(id / 16384) in their own table),
        // and campaign\0phone → state for the campaign.
        const bool bucketed = shape.index == Index::bucketed;
        for (char tag : {'i', 'a', 'o'}) {
          char ek[56];
          std::size_t n = 0;
          if (bucketed) {
            char b[8];
            be64(b, id >> 14);
            std::memcpy(ek, b + 4, 4);
            n = 4;
          }
          std::memcpy(ek + n, key, static_cast<std::size_t>(phone_len) + 1);
          n += static_cast<std::size_t>(phone_len) + 1;
          ek[n++] = tag;
          be64(ek + n, id);
          MDB_val ekv = val(ek, n + 8);
          check("put phone entry", mdb_cursor_put(bucketed ? cr : cs, &ekv, &empty, 0));
        }
        char ck[48] = "spring";
        std::memcpy(ck + 7, key, static_cast<std::size_t>(phone_len));
        MDB_val ckv = val(ck, static_cast<std::size_t>(phone_len) + 7);
        MDB_val state = val(filler.data(), 10);
        check("put campaign index", mdb_cursor_put(cb, &ckv, &state, 0));
      }
    }
    for (MDB_cursor* c : {cs, cb, cr, ci, ca, co, cp}) mdb_cursor_close(c);
    check("commit", mdb_txn_commit(t));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = double(g_total) / secs;
  const char* index = shape.index == Index::none          ? ""
                      : shape.index == Index::phone_major ? " + indexes"
                                                          : " + bucketed indexes";
  std::fprintf(stderr, "  lmdb floor: group %llu%s: %.0f MO/s\n",
               static_cast<unsigned long long>(shape.group), index, rate);
  return rate;
}

// The store's bulk opt-out on the bare API (see the header): what the layout costs before any
// of the store's own work.
double run_optout(std::uint64_t phones) {
  FreshEnv fresh;
  MDB_env* env = fresh.env;
  MDB_dbi phones_dbi, subscriptions, audit_bulk;
  {
    MDB_txn* t = nullptr;
    check("begin", mdb_txn_begin(env, nullptr, 0, &t));
    check("dbi", mdb_dbi_open(t, "phones", MDB_CREATE, &phones_dbi));
    check("dbi", mdb_dbi_open(t, "subscriptions", MDB_CREATE, &subscriptions));
    check("dbi", mdb_dbi_open(t, "audit_bulk", MDB_CREATE, &audit_bulk));
    check("commit", mdb_txn_commit(t));
  }
  // Sorted, distinct phones, as SortedPhoneList hands them to the writer.
  std::vector<std::string> list;
  list.reserve(phones);
  for (std::uint64_t i = 0; i < phones; ++i)
    list.push_back("+1" + std::to_string(2000000000ull + i * 7919));
  std::sort(list.begin(), list.end());
  // About the sizes of the store's values (bytes): subscription 24, audit entry in the
  // chunk's row 22.
  std::vector<char> filler(64, 'x');
  constexpr std::size_t kChunk = 25000;
  std::uint64_t audit_id = 0;
  std::string row;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < list.size(); at += kChunk) {
    MDB_txn* t = nullptr;
    check("begin", mdb_txn_begin(env, nullptr, 0, &t));
    MDB_cursor *cp, *cs;
    check("cursor", mdb_cursor_open(t, phones_dbi, &cp));
    check("cursor", mdb_cursor_open(t, subscriptions, &cs));
    const std::uint64_t first = audit_id + 1;
    row.clear();
    for (std::size_t i = at; i < std::min(list.size(), at + kChunk); ++i) {
      const std::string& phone = list[i];
      char key[48] = "spring";
      std::memcpy(key + 7, phone.data(), phone.size());
      MDB_val k = val(key, phone.size() + 7), v{};
      int rc = mdb_cursor_get(cs, &k, &v, MDB_SET_KEY);
      if (rc != 0 && rc != MDB_NOTFOUND) die("get", rc);
      char ak[32];
      std::memcpy(ak, phone.data(), phone.size());
      ak[phone.size()] = '\0';
      ak[phone.size() + 1] = 'a';
      be64(ak + phone.size() + 2, ++audit_id);
      MDB_val akv = val(ak, phone.size() + 10), empty = val(filler.data(), 0);
      check("put audit entry", mdb_cursor_put(cp, &akv, &empty, MDB_APPEND));
      MDB_val sub = val(filler.data(), 24);
      check("put subscription", mdb_cursor_put(cs, &k, &sub, MDB_APPEND));
      row.append(phone).append(filler.data(), 10);  // phone, campaign ref, states, offset
    }
    char rk[8];
    be64(rk, first);
    MDB_val rkv = val(rk, 8), rv = val(row.data(), row.size());
    check("put audit row", mdb_put(t, audit_bulk, &rkv, &rv, MDB_APPEND));
    mdb_cursor_close(cp);
    mdb_cursor_close(cs);
    check("commit", mdb_txn_commit(t));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "  lmdb floor: opt-out of %llu phones: %.3f s\n",
               static_cast<unsigned long long>(phones), secs);
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--mo") g_total = std::max<std::uint64_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (a == "--only-optout") g_only_optout = std::atoi(argv[i + 1]) != 0;
    if (a == "--phones")
      g_phones = std::max<std::uint64_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
  }
  const struct {
    const char* name;
    Shape shape;
  } figures[] = {
      {"lmdb_floor_mo_commit", {8192, Index::none}},
      {"lmdb_floor_mo_commit_32k", {32768, Index::none}},
      {"lmdb_floor_mo_commit_index", {8192, Index::phone_major}},
      {"lmdb_floor_mo_commit_bucketed", {8192, Index::bucketed}},
  };
  std::vector<std::pair<const char*, double>> out;
  for (const auto& f : figures) {
    std::vector<double> v;
    if (g_only_optout) break;
    for (int r = 0; r < runs; ++r) v.push_back(run(f.shape));
    out.emplace_back(f.name, median(v));
  }
  std::vector<double> optout;
  for (int r = 0; r < runs; ++r) optout.push_back(run_optout(1000000));
  for (const auto& [name, value] : out) {
    std::printf("{\"bench\":\"%s\",\"value\":%.0f,\"unit\":\"req/s\"}\n", name, value);
  }
  std::printf("{\"bench\":\"lmdb_floor_optout_1m\",\"value\":%.3f,\"unit\":\"s\"}\n",
              median(optout));
  return 0;
}
