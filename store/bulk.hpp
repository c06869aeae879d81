// Bulk jobs over the writer (SPEC §6 Manual Opt-Out and broadcast, DESIGN.md §4): a big
// upload is cut into chunks, each chunk one write request, so a million rows never hold the
// writer (or the event loop) for long, and the result stays exact and honest about failures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "store/error.hpp"
#include "store/types.hpp"
#include "store/writer.hpp"

namespace smppgw::store {

// Phones per Manual Opt-Out chunk: ~25k phones commit in a few tens of milliseconds, which
// bounds the latency an MO queued behind a chunk sees, while keeping fsyncs per upload low.
inline constexpr std::size_t kOptOutChunkPhones = 25000;

// Exact duplicate detection over a whole upload (SPEC §6 "duplicates"), without keeping a
// million strings: an E.164 number ("+" and up to 15 digits) is kept as one 64-bit integer
// in an open-addressing table (16 bytes per distinct phone at most); anything else is kept
// as text. Not thread-safe; one per upload.
class PhoneSet {
 public:
  PhoneSet();
  // Returns true if `phone` was not in the set (and adds it), false for a duplicate.
  bool insert(std::string_view phone);
  std::size_t size() const { return size_ + others_.size(); }

 private:
  void grow();
  std::vector<std::uint64_t> slots_;  // 0 = empty; value = digits + 1
  std::size_t size_ = 0;
  std::unordered_set<std::string> others_;  // text that is not E.164
};

// A whole upload's phones, kept compactly (8 bytes per E.164 number) so that they can be
// applied in key order. Why: an upload arrives in arbitrary order, and chunks of arbitrary
// phones each touch pages all over the subscription tables, so every chunk rewrites (and
// fsyncs) most of those tables again — the I/O of a million-row upload grows with the square
// of its size. Sorted chunks touch disjoint key ranges: each page is written about once.
// Memory: 8 bytes per row (8 MB per million), the price of the sort; the spec's concern
// (no million-row buffer of text) holds. Not thread-safe; one per upload.
class SortedPhoneList {
 public:
  // Adds one (already normalised) phone.
  void add(std::string_view phone);
  std::uint64_t rows() const { return rows_; }
  // Sorts in key order and drops repeated phones; returns how many were dropped (the
  // upload's exact "duplicates"). Call once, after the last add().
  std::uint64_t finish();
  // Distinct phones after finish().
  std::size_t size() const { return packed_.size() + others_.size(); }
  // Distinct phones [begin, end) in key order, as text: one chunk of OptOutBatch::phones.
  std::vector<std::string> slice(std::size_t begin, std::size_t end) const;

 private:
  std::vector<std::uint64_t> packed_;  // E.164, packed so that integer order = text order
  std::vector<std::string> others_;    // anything else, sorted after the E.164 numbers
  std::uint64_t rows_ = 0;
};

// A write request applying one OptOutBatch, which it takes over (a chunk's phones are not
// copied); `done` runs on the writer thread after the commit with the chunk's counts, or with
// the error (then nothing of the chunk is applied). The batch's context texts (ref, reason:
// string_views) are copied here, so they only need to be valid during this call.
WriteRequest make_opt_out_request(OptOutBatch batch,
                                  std::function<void(Result<OptOutBatchResult>)> done);

// A write request enqueuing one broadcast chunk (see WriteTxn::enqueue_broadcast_chunk).
WriteRequest make_broadcast_request(std::shared_ptr<const BroadcastChunk> chunk,
                                    std::function<void(Result<BroadcastChunkResult>)> done);

// The running result of a chunked Manual Opt-Out, for the HTTP response.
//
// How failures are reported: chunks are numbered from 0 in upload order and each is atomic.
// Submit chunk k+1 only after chunk k completed (apply_chunk_blocking does so): then, when a
// chunk fails, exactly the chunks before it are durable and nothing after it was tried, so
// the response can say "rows 1..applied_phones were applied" (SPEC §6 "reports exactly what
// was applied"). The Writer applies requests in submission order, so a caller that pipelines
// chunks must stop at the first failure and report `applied_chunks` as recorded here.
struct OptOutProgress {
  std::uint64_t opted_out = 0;
  std::uint64_t already_opted_out = 0;
  std::uint64_t applied_chunks = 0;
  std::uint64_t applied_phones = 0;  // phones in the applied chunks
  std::optional<std::uint64_t> failed_chunk;
  std::error_code error;  // why failed_chunk failed

  // Adds the outcome of chunk `index` (of `phones` phones). Returns false once a chunk failed.
  bool add(std::uint64_t index, std::size_t phones, const Result<OptOutBatchResult>& r);
};

// Applies one chunk through the writer and waits for its durable completion. For a worker
// thread that may block (the CSV upload worker), never for the event loop. Returns the
// chunk's counts or the error (queue shutting down, or the chunk's own failure).
Result<OptOutBatchResult> apply_opt_out_blocking(Writer& writer, OptOutBatch batch);

}  // namespace smppgw::store
