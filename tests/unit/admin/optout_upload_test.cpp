// OptOutUpload: counting rules, batching, store failures, with the real phone normaliser
// and a fake store sink (this layer's only mock).
#include "daemon/admin/optout_upload.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace smppgw::admin {
namespace {

// Keeps the opted-out numbers like the store would; can fail a chosen batch and can
// complete batches from another thread, as the store writer does.
class FakeSink : public OptOutBatchSink {
 public:
  std::set<std::string> opted_out;
  std::vector<std::size_t> batch_sizes;
  int fail_batch = -1;  // 0-based index of the batch to fail
  bool threaded = false;

  void apply(std::vector<std::string> phones, Done done) override {
    const int index = static_cast<int>(batch_sizes.size());
    batch_sizes.push_back(phones.size());
    auto run = [this, index, phones = std::move(phones), done = std::move(done)] {
      if (index == fail_batch) return done(tl::unexpected(std::string("disk full")));
      OptOutBatchResult r;
      {
        std::lock_guard lock(mutex_);
        for (auto& p : phones) (opted_out.insert(p).second ? r.opted_out : r.already_opted_out)++;
      }
      done(r);  // last touch of this sink: the upload may return (and the test end) now
    };
    if (threaded) {
      std::thread(std::move(run)).detach();
    } else {
      run();
    }
  }

 private:
  std::mutex mutex_;
};

const conf::PhoneNormalizer kUs("US");

OptOutReport upload_csv(FakeSink& sink, std::string_view csv, OptOutUpload::Options opt = {}) {
  OptOutUpload up(kUs, sink, opt);
  up.begin_list("The file list.csv");
  EXPECT_TRUE(up.feed(csv));
  EXPECT_TRUE(up.end_list());
  return up.finish();
}

TEST(OptOutUpload, CountsValidInvalidAndDuplicates) {
  FakeSink sink;
  auto r = upload_csv(sink,
                      "\xEF\xBB\xBFName,Phone\n"
                      "a,(415) 555-2671\n"
                      "b,+1 415 555 2671\n"  // duplicate of row 2 in another spelling
                      "c,not a number\n"
                      "\n"    // blank line: not a row
                      "d,\n"  // empty phone
                      "e,415-555-0000\n"
                      "f,12345\n");  // a short code
  EXPECT_EQ(r.rows, 6u);
  EXPECT_EQ(r.opted_out, 2u);
  EXPECT_EQ(r.already_opted_out, 0u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.invalid, 3u);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].row, 4u);
  EXPECT_EQ(r.errors[0].value, "not a number");
  EXPECT_FALSE(r.errors[0].reason.empty());
  EXPECT_EQ(r.errors[1].row, 6u);
  EXPECT_EQ(r.errors[2].row, 8u);
  EXPECT_EQ(r.errors[2].value, "12345");
  EXPECT_EQ(sink.opted_out, (std::set<std::string>{"+14155552671", "+14155550000"}));
  EXPECT_EQ(r.rows, r.opted_out + r.already_opted_out + r.duplicates + r.invalid);
}

TEST(OptOutUpload, SameUploadTwiceIsAllAlreadyOptedOut) {
  FakeSink sink;
  const std::string csv = "phone\n4155550001\n4155550002\n4155550003\n";
  auto first = upload_csv(sink, csv);
  EXPECT_EQ(first.opted_out, 3u);
  auto second = upload_csv(sink, csv);
  EXPECT_EQ(second.opted_out, 0u);
  EXPECT_EQ(second.already_opted_out, 3u);
}

TEST(OptOutUpload, DuplicatesCountAcrossLists) {
  FakeSink sink;
  OptOutUpload up(kUs, sink);
  up.begin_list("The file");
  ASSERT_TRUE(up.feed("phone\n4155550001\n"));
  ASSERT_TRUE(up.end_list());
  up.begin_list("The pasted numbers");
  ASSERT_TRUE(up.feed("phone\n+14155550001\n4155550002\n"));
  ASSERT_TRUE(up.end_list());
  up.add_phone(1, "415.555.0002");
  auto r = up.finish();
  EXPECT_EQ(r.rows, 4u);
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(r.opted_out, 2u);
}

TEST(OptOutUpload, BatchesAreBoundedAndCountsExact) {
  FakeSink sink;
  sink.threaded = true;
  std::string csv = "phone\n";
  for (int i = 0; i < 1000; ++i) csv += "41555" + std::to_string(10000 + i) + "\n";
  auto r = upload_csv(sink, csv, {.batch_size = 64, .max_in_flight = 2, .max_listed_errors = 1000});
  EXPECT_EQ(r.rows, 1000u);
  EXPECT_EQ(r.opted_out, 1000u);
  EXPECT_EQ(sink.batch_sizes.size(), 16u);  // 15 full batches of 64 and one of 40
  for (std::size_t i = 0; i + 1 < sink.batch_sizes.size(); ++i) EXPECT_EQ(sink.batch_sizes[i], 64u);
  EXPECT_EQ(sink.batch_sizes.back(), 40u);
}

TEST(OptOutUpload, FailedBatchReportsExactlyWhatWasApplied) {
  FakeSink sink;
  sink.fail_batch = 1;
  std::string csv = "phone\n";
  for (int i = 0; i < 25; ++i) csv += "41555" + std::to_string(10000 + i) + "\n";
  auto r = upload_csv(sink, csv, {.batch_size = 10, .max_in_flight = 1, .max_listed_errors = 10});
  ASSERT_TRUE(r.store_failure);
  EXPECT_EQ(*r.store_failure, "disk full");
  EXPECT_EQ(r.opted_out, 10u);    // batch 0
  EXPECT_EQ(r.not_applied, 15u);  // batch 1 failed, the last 5 were never sent
  EXPECT_EQ(sink.opted_out.size(), 10u);
  EXPECT_EQ(sink.batch_sizes.size(), 2u);
}

TEST(OptOutUpload, ErrorListIsCapped) {
  FakeSink sink;
  std::string csv = "phone\n";
  for (int i = 0; i < 30; ++i) csv += "junk" + std::to_string(i) + "\n";
  auto r = upload_csv(sink, csv, {.batch_size = 10, .max_in_flight = 1, .max_listed_errors = 7});
  EXPECT_EQ(r.invalid, 30u);
  EXPECT_EQ(r.errors.size(), 7u);
  EXPECT_EQ(r.errors[6].row, 8u);
}

TEST(OptOutUpload, NoPhoneColumnIsRefusedAndNothingApplied) {
  FakeSink sink;
  OptOutUpload up(kUs, sink);
  up.begin_list("The file list.csv");
  auto r = up.feed("number,name\n4155550001,a\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("phone"), std::string::npos);
  EXPECT_NE(r.error().message.find(kOnlyCsvAccepted), std::string::npos);
  auto report = up.abandon();
  EXPECT_EQ(report.opted_out, 0u);
  EXPECT_TRUE(sink.batch_sizes.empty());
}

TEST(OptOutUpload, BinaryContentIsRefused) {
  FakeSink sink;
  OptOutUpload up(kUs, sink);
  up.begin_list("The file list.csv");
  auto r = up.feed(std::string_view("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("binary"), std::string::npos);
  EXPECT_EQ(up.abandon().opted_out, 0u);
}

TEST(OptOutUpload, EmptyListIsRefused) {
  FakeSink sink;
  OptOutUpload up(kUs, sink);
  up.begin_list("The list");
  ASSERT_TRUE(up.feed(""));
  EXPECT_FALSE(up.end_list());
}

TEST(OptOutUpload, HeaderOnlyIsZeroRows) {
  FakeSink sink;
  auto r = upload_csv(sink, "phone\n");
  EXPECT_EQ(r.rows, 0u);
  EXPECT_TRUE(sink.batch_sizes.empty());
}

}  // namespace
}  // namespace smppgw::admin
