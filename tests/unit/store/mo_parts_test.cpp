// The parts of concatenated MO (WriteTxn's mo_part_* members) on both backends: a set's
// life (open, parts, complete, drop), the time index expiry reads, the reserved Inbox id
// surviving a restart, and bad input refused. Every test ends with the invariant check.
#include <gtest/gtest.h>

#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

const MoPartSetKey kSet{"+14155550001", "12345", 0x1234, 3};

MoPart part(std::uint8_t seq, std::string octets, std::int64_t at = 1) {
  return MoPart{seq, 0, 6, std::move(octets), t(at)};
}

class MoPartsTest : public StoreFixture {
 protected:
  std::uint64_t open_set(const MoPartSetKey& key, std::int64_t at) {
    std::uint64_t id = 0;
    EXPECT_FALSE(write([&](WriteTxn& w) {
      auto r = w.open_mo_part_set(key, "carrier-a", t(at));
      if (!r) return r.error();
      id = *r;
      return w.add_mo_part(key, part(1, "one", at));
    }));
    return id;
  }
  std::optional<MoPartSet> read(const MoPartSetKey& key) {
    std::optional<MoPartSet> got;
    EXPECT_FALSE(write([&](WriteTxn& w) {
      auto r = w.mo_part_set(key);
      if (!r) return r.error();
      got = *r;
      return std::error_code{};
    }));
    return got;
  }
  NewInboxMessage row(std::uint64_t reserved) {
    return NewInboxMessage{t(1),        kSet.from, kSet.to, "", "one two three", InboxKind::message,
                           "carrier-a", reserved};
  }
};

TEST_P(MoPartsTest, ASetKeepsItsPartsInSequenceOrderWithTheirOctets) {
  const auto id = open_set(kSet, 1);
  EXPECT_EQ(id, 1u);
  ASSERT_FALSE(write([&](WriteTxn& w) { return w.add_mo_part(kSet, part(3, "three", 2)); }));
  auto set = read(kSet);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->key, kSet);
  EXPECT_EQ(set->phase, MoPartPhase::pending);
  EXPECT_EQ(set->since, t(1));
  EXPECT_EQ(set->inbox_id, id);
  EXPECT_EQ(set->link, "carrier-a");
  ASSERT_EQ(set->parts.size(), 2u);
  EXPECT_EQ(set->parts[0], part(1, "one", 1));
  EXPECT_EQ(set->parts[1], part(3, "three", 2));
  // Another reference, total or sender is another set.
  EXPECT_FALSE(read(MoPartSetKey{kSet.from, kSet.to, kSet.reference, 4}));
  EXPECT_FALSE(read(MoPartSetKey{kSet.from, kSet.to, 0x1235, 3}));
  EXPECT_FALSE(read(MoPartSetKey{"+14155550002", kSet.to, kSet.reference, 3}));
}

TEST_P(MoPartsTest, TheReservedIdIsNotHandedOutAgainAndTakesTheRowLater) {
  const auto reserved = open_set(kSet, 1);
  std::uint64_t next = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.add_inbox(row(0));
    if (!r) return r.error();
    next = *r;
    return std::error_code{};
  }));
  EXPECT_EQ(next, reserved + 1);
  // Also after a restart: the reservation is in the store, not only in memory.
  reopen();
  std::uint64_t after_restart = 0, completed = 0;
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto r = w.add_inbox(row(0));
    if (!r) return r.error();
    after_restart = *r;
    auto c = w.add_inbox(row(reserved));
    if (!c) return c.error();
    completed = *c;
    return w.complete_mo_part_set(kSet, t(5));
  }));
  EXPECT_EQ(after_restart, reserved + 2);
  EXPECT_EQ(completed, reserved);
  auto m = store->inbox_message(reserved);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->text, "one two three");
  auto set = read(kSet);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->phase, MoPartPhase::completed);
  EXPECT_EQ(set->since, t(5));
  EXPECT_EQ(set->parts.size(), 1u);  // kept to recognise a resent part
}

TEST_P(MoPartsTest, AReservedIdTakesOneRowOnlyAndAnIdNeverReservedNone) {
  const auto reserved = open_set(kSet, 1);
  ASSERT_FALSE(write([&](WriteTxn& w) { return ec_of(w.add_inbox(row(reserved))); }));
  EXPECT_EQ(write([&](WriteTxn& w) { return ec_of(w.add_inbox(row(reserved))); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([&](WriteTxn& w) { return ec_of(w.add_inbox(row(reserved + 1))); }),
            StoreErrc::invalid_argument);
  auto page = store->inbox_page(InboxQuery{});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->messages.size(), 1u);
}

TEST_P(MoPartsTest, DueSetsComeOldestFirstPerPhaseUpToTheTimeAndLimit) {
  const MoPartSetKey a{"+14155550001", "12345", 1, 2}, b{"+14155550002", "12345", 1, 2},
      c{"+14155550003", "777", 9, 3};
  open_set(b, 20);
  open_set(a, 10);
  open_set(c, 30);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    if (auto ec = w.complete_mo_part_set(c, t(40))) return ec;
    auto due = w.mo_part_sets_due(MoPartPhase::pending, t(20), 10);
    if (!due) return due.error();
    EXPECT_EQ(*due, (std::vector<MoPartSetKey>{a, b}));
    due = w.mo_part_sets_due(MoPartPhase::pending, t(19), 10);
    if (!due) return due.error();
    EXPECT_EQ(*due, (std::vector<MoPartSetKey>{a}));
    due = w.mo_part_sets_due(MoPartPhase::pending, t(100), 1);
    if (!due) return due.error();
    EXPECT_EQ(*due, (std::vector<MoPartSetKey>{a}));
    due = w.mo_part_sets_due(MoPartPhase::completed, t(100), 10);
    if (!due) return due.error();
    EXPECT_EQ(*due, (std::vector<MoPartSetKey>{c}));
    auto oldest = w.oldest_mo_part_set(MoPartPhase::pending);
    if (!oldest) return oldest.error();
    EXPECT_EQ(oldest.value(), t(10));
    oldest = w.oldest_mo_part_set(MoPartPhase::completed);
    if (!oldest) return oldest.error();
    EXPECT_EQ(oldest.value(), t(40));
    return std::error_code{};
  }));
  // Completed sets need their Inbox rows for the invariant check; c's is added here.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto set = w.mo_part_set(c);
    if (!set || !*set) return make_error_code(StoreErrc::corrupted);
    return ec_of(w.add_inbox(NewInboxMessage{t(30), c.from, c.to, "", "x", InboxKind::message,
                                             "carrier-a", (*set)->inbox_id}));
  }));
}

TEST_P(MoPartsTest, DropRemovesTheSetItsPartsAndItsDueEntry) {
  open_set(kSet, 1);
  ASSERT_FALSE(write([&](WriteTxn& w) {
    if (auto ec = w.add_mo_part(kSet, part(2, "two"))) return ec;
    if (auto ec = w.drop_mo_part_set(kSet)) return ec;
    return w.drop_mo_part_set(kSet);  // absent: nothing to do
  }));
  EXPECT_FALSE(read(kSet));
  ASSERT_FALSE(write([&](WriteTxn& w) {
    auto due = w.mo_part_sets_due(MoPartPhase::pending, t(100), 10);
    EXPECT_TRUE(due && due->empty());
    auto oldest = w.oldest_mo_part_set(MoPartPhase::pending);
    if (!oldest) return oldest.error();
    EXPECT_TRUE(oldest && !*oldest);
    // The key is free for a new set.
    return ec_of(w.open_mo_part_set(kSet, "carrier-b", t(2)));
  }));
}

TEST_P(MoPartsTest, BadInputIsRefusedAndWritesNothing) {
  EXPECT_EQ(write([&](WriteTxn& w) {
              return ec_of(w.open_mo_part_set(MoPartSetKey{"", "12345", 1, 2}, "l", t(1)));
            }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([&](WriteTxn& w) {
              return ec_of(w.open_mo_part_set(MoPartSetKey{kSet.from, kSet.to, 1, 1}, "l", t(1)));
            }),
            StoreErrc::invalid_argument);
  // A part of a set that was never opened, or outside 1..total.
  EXPECT_EQ(write([&](WriteTxn& w) { return w.add_mo_part(kSet, part(1, "x")); }),
            StoreErrc::invalid_argument);
  open_set(kSet, 1);
  EXPECT_EQ(write([&](WriteTxn& w) { return w.add_mo_part(kSet, part(4, "x")); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([&](WriteTxn& w) { return w.add_mo_part(kSet, part(0, "x")); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([&](WriteTxn& w) { return ec_of(w.open_mo_part_set(kSet, "l", t(1))); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(
      write([&](WriteTxn& w) { return ec_of(w.mo_part_sets_due(MoPartPhase::pending, t(1), 0)); }),
      StoreErrc::invalid_argument);
  auto set = read(kSet);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->parts.size(), 1u);
  // A completed set takes no more parts.
  ASSERT_FALSE(write([&](WriteTxn& w) {
    if (auto ec = ec_of(w.add_inbox(row(set->inbox_id)))) return ec;
    return w.complete_mo_part_set(kSet, t(2));
  }));
  EXPECT_EQ(write([&](WriteTxn& w) { return w.add_mo_part(kSet, part(2, "x")); }),
            StoreErrc::invalid_argument);
  EXPECT_EQ(write([&](WriteTxn& w) { return w.complete_mo_part_set(kSet, t(3)); }),
            StoreErrc::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, MoPartsTest, ::testing::Values(Backend::lmdb, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace smppgw::store::test
