// Bulk helpers (store/bulk.cpp): exact duplicate detection over an upload, chunked Manual
// Opt-Out through the writer with exact totals on both backends, and the report of a chunk
// that failed.
#include <gtest/gtest.h>

#include <set>

#include "store/bulk.hpp"
#include "tests/unit/store/test_support.hpp"

namespace smppgw::store::test {
namespace {

TEST(PhoneSet, DetectsExactDuplicates) {
  PhoneSet set;
  EXPECT_TRUE(set.insert("+14155552671"));
  EXPECT_FALSE(set.insert("+14155552671"));
  EXPECT_TRUE(set.insert("+4415555267"));
  EXPECT_TRUE(set.insert("+014155552671"));  // leading zero: a different text
  EXPECT_TRUE(set.insert("not-e164"));
  EXPECT_FALSE(set.insert("not-e164"));
  EXPECT_TRUE(set.insert("+999999999999999"));   // 15 digits
  EXPECT_TRUE(set.insert("+9999999999999999"));  // 16 digits: kept as text
  EXPECT_EQ(set.size(), 6u);
}

TEST(PhoneSet, AgreesWithAStdSetOverManyNumbersAndGrowth) {
  PhoneSet set;
  std::set<std::string> ref;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::string p = "+1" + std::to_string(2000000000 + x % 50000);
    EXPECT_EQ(set.insert(p), ref.insert(p).second);
  }
  EXPECT_EQ(set.size(), ref.size());
}

TEST(OptOutProgress, StopsAtTheFirstFailedChunkAndSaysWhatWasApplied) {
  OptOutProgress p;
  EXPECT_TRUE(p.add(0, 10, OptOutBatchResult{7, 3}));
  EXPECT_TRUE(p.add(1, 5, OptOutBatchResult{5, 0}));
  EXPECT_FALSE(p.add(2, 10, fail(StoreErrc::disk_full)));
  EXPECT_FALSE(p.add(3, 10, OptOutBatchResult{10, 0}));
  EXPECT_EQ(p.opted_out, 12u);
  EXPECT_EQ(p.already_opted_out, 3u);
  EXPECT_EQ(p.applied_chunks, 2u);
  EXPECT_EQ(p.applied_phones, 15u);
  EXPECT_EQ(p.failed_chunk, 2u);
  EXPECT_EQ(p.error, StoreErrc::disk_full);
}

class BulkTest : public StoreFixture {};

TEST_P(BulkTest, ChunkedUploadGivesExactTotals) {
  // 10,000 rows with 1,000 duplicates, in chunks of 1,500, with 500 phones opted out before.
  std::vector<std::string> rows;
  for (int i = 0; i < 9000; ++i) rows.push_back("+1415" + std::to_string(5000000 + i));
  for (int i = 0; i < 1000; ++i) rows.push_back("+1415" + std::to_string(5000000 + i * 7));
  OptOutBatch before;
  before.campaign = "a";
  for (int i = 0; i < 500; ++i) before.phones.push_back("+1415" + std::to_string(5008000 + i * 2));
  before.context = ChangeContext{t(1), ChangeSource::admin, "earlier", ""};
  ASSERT_TRUE(apply_opt_out_blocking(*writer, before));

  PhoneSet seen;
  OptOutProgress progress;
  std::uint64_t duplicates = 0, index = 0;
  OptOutBatch chunk;
  chunk.campaign = "a";
  chunk.context = ChangeContext{t(2), ChangeSource::csv, "req-7", "csv upload"};
  auto flush = [&] {
    auto r = apply_opt_out_blocking(*writer, chunk);
    EXPECT_TRUE(progress.add(index++, chunk.phones.size(), r));
    chunk.phones.clear();
  };
  for (const auto& p : rows) {
    if (!seen.insert(p)) {
      ++duplicates;
      continue;
    }
    chunk.phones.push_back(p);
    if (chunk.phones.size() == 1500) flush();
  }
  if (!chunk.phones.empty()) flush();
  EXPECT_EQ(duplicates, 1000u);
  EXPECT_EQ(progress.applied_phones, 9000u);
  EXPECT_EQ(progress.already_opted_out, 500u);
  EXPECT_EQ(progress.opted_out, 8500u);
  EXPECT_EQ(progress.applied_chunks, 6u);
  EXPECT_EQ(*store->campaign_counts("a"), (CampaignCounts{"a", 0, 9000}));
}

TEST_P(BulkTest, BroadcastRequestHelperReportsTheChunk) {
  ASSERT_FALSE(write([](WriteTxn& w) {
    for (int i = 0; i < 3; ++i) {
      (void)w.subscribe("+1415555000" + std::to_string(i), "a", "1", ChangeContext{t(1)});
    }
    return std::error_code{};
  }));
  auto chunk = std::make_shared<BroadcastChunk>();
  chunk->broadcast_id = 1;
  chunk->campaign = "a";
  chunk->short_code = "1";
  chunk->text = "hi";
  chunk->at = t(2);
  std::promise<Result<BroadcastChunkResult>> done;
  ASSERT_FALSE(writer->submit(make_broadcast_request(
      chunk, [&](Result<BroadcastChunkResult> r) { done.set_value(std::move(r)); })));
  auto r = done.get_future().get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->recipients, 3u);
  EXPECT_FALSE(r->next_after);
  chunk->campaign = std::string("bad\0", 4);
  std::promise<Result<BroadcastChunkResult>> bad;
  ASSERT_FALSE(writer->submit(make_broadcast_request(
      chunk, [&](Result<BroadcastChunkResult> r2) { bad.set_value(std::move(r2)); })));
  EXPECT_EQ(bad.get_future().get().error(), StoreErrc::invalid_argument);
}

}  // namespace
}  // namespace smppgw::store::test

namespace smppgw::store::test {
namespace {

TEST(SortedPhoneList, SortsInKeyOrderAndCountsDuplicates) {
  SortedPhoneList list;
  const std::vector<std::string> rows{
      "+14155550002",     "+1",         "+10", "+14155550001", "+9", "+14155550002",
      "+999999999999999", "x-not-e164", "+1",  "x-not-e164"};
  for (const auto& r : rows) list.add(r);
  EXPECT_EQ(list.rows(), rows.size());
  EXPECT_EQ(list.finish(), 3u);
  ASSERT_EQ(list.size(), 7u);
  auto all = list.slice(0, 100);
  const std::vector<std::string> want{
      "+1", "+10", "+14155550001", "+14155550002", "+9", "+999999999999999", "x-not-e164"};
  EXPECT_EQ(all, want);
  auto sorted_e164 = std::vector<std::string>(want.begin(), want.end() - 1);
  EXPECT_TRUE(std::is_sorted(sorted_e164.begin(), sorted_e164.end()));  // text order
  EXPECT_EQ(list.slice(2, 4), (std::vector<std::string>{"+14155550001", "+14155550002"}));
  EXPECT_TRUE(list.slice(7, 9).empty());
}

TEST_P(BulkTest, SortedUploadInChunksGivesTheSameResultAsUploadOrder) {
  SortedPhoneList list;
  for (int i = 0; i < 5000; ++i) list.add("+1415" + std::to_string(5000000 + (i * 7919) % 4000));
  const auto duplicates = list.finish();
  EXPECT_EQ(duplicates, 1000u);
  OptOutProgress progress;
  std::uint64_t index = 0;
  for (std::size_t at = 0; at < list.size(); at += 700) {
    OptOutBatch chunk;
    chunk.context = ChangeContext{t(1), ChangeSource::csv, "req", "csv upload"};
    chunk.phones = list.slice(at, at + 700);
    const auto n = chunk.phones.size();
    EXPECT_TRUE(progress.add(index++, n, apply_opt_out_blocking(*writer, std::move(chunk))));
  }
  EXPECT_EQ(progress.opted_out, 4000u);
  EXPECT_EQ(*store->company_opt_out_count(), 4000u);
}

INSTANTIATE_TEST_SUITE_P(Backends, BulkTest, ::testing::Values(Backend::lmdb, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace smppgw::store::test
