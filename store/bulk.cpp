// Bulk jobs over the writer: duplicate detection for a whole upload, write requests for one
// Manual Opt-Out or broadcast chunk, and the bookkeeping that makes a partly failed upload
// report exactly what was applied.
#include "store/bulk.hpp"

#include <algorithm>
#include <future>

namespace smppgw::store {
namespace {

// E.164: '+' then 1..15 digits. Packs the digit count with the digits so that "+012" and
// "+12" stay distinct; never 0 (0 marks an empty slot).
std::optional<std::uint64_t> pack_e164(std::string_view p) {
  if (p.size() < 2 || p.size() > 16 || p[0] != '+') return std::nullopt;
  std::uint64_t n = 0;
  for (char c : p.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + std::uint64_t(c - '0');
  }
  return (std::uint64_t(p.size() - 1) << 50) | n;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace

// Packs "+<digits>" so that integer order is the order of the text (the order of LMDB
// keys): the digits left-aligned to 15 places, then the digit count breaking ties ("+1"
// before "+10"). 10^15 < 2^50, so the value fits in 54 bits.
static std::optional<std::uint64_t> pack_sortable(std::string_view p) {
  if (p.size() < 2 || p.size() > 16 || p[0] != '+') return std::nullopt;
  std::uint64_t n = 0;
  for (char c : p.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + std::uint64_t(c - '0');
  }
  const std::size_t digits = p.size() - 1;
  for (std::size_t i = digits; i < 15; ++i) n *= 10;
  return (n << 4) | digits;
}

static std::string unpack_sortable(std::uint64_t v) {
  const std::size_t digits = v & 0xf;
  std::uint64_t n = v >> 4;
  char buf[16];
  for (int i = 14; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  std::string out = "+";
  out.append(buf, digits);
  return out;
}

void SortedPhoneList::add(std::string_view phone) {
  ++rows_;
  if (auto v = pack_sortable(phone)) {
    packed_.push_back(*v);
  } else {
    others_.emplace_back(phone);
  }
}

std::uint64_t SortedPhoneList::finish() {
  const std::uint64_t before = packed_.size() + others_.size();
  std::sort(packed_.begin(), packed_.end());
  packed_.erase(std::unique(packed_.begin(), packed_.end()), packed_.end());
  std::sort(others_.begin(), others_.end());
  others_.erase(std::unique(others_.begin(), others_.end()), others_.end());
  return before - (packed_.size() + others_.size());
}

std::vector<std::string> SortedPhoneList::slice(std::size_t begin, std::size_t end) const {
  std::vector<std::string> out;
  end = std::min(end, size());
  if (begin >= end) return out;
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    out.push_back(i < packed_.size() ? unpack_sortable(packed_[i]) : others_[i - packed_.size()]);
  }
  return out;
}

PhoneSet::PhoneSet() : slots_(1024, 0) {}

void PhoneSet::grow() {
  std::vector<std::uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (auto v : old) {
    if (!v) continue;
    std::size_t i = mix(v) & mask;
    while (slots_[i]) i = (i + 1) & mask;
    slots_[i] = v;
  }
}

bool PhoneSet::insert(std::string_view phone) {
  auto packed = pack_e164(phone);
  if (!packed) return others_.emplace(phone).second;
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = mix(*packed) & mask;
  while (slots_[i]) {
    if (slots_[i] == *packed) return false;
    i = (i + 1) & mask;
  }
  slots_[i] = *packed;
  ++size_;
  return true;
}

namespace {

// A batch whose ChangeContext texts live as long as the request: the caller's ref and reason
// are string_views that may point into its own (shorter-lived) state.
struct OwnedBatch {
  OptOutBatch batch;
  std::string ref;
  std::string reason;
};

}  // namespace

WriteRequest make_opt_out_request(OptOutBatch batch,
                                  std::function<void(Result<OptOutBatchResult>)> done) {
  auto own = std::make_shared<OwnedBatch>();
  own->ref = batch.context.ref;
  own->reason = batch.context.reason;
  own->batch = std::move(batch);
  own->batch.context.ref = own->ref;
  own->batch.context.reason = own->reason;
  auto out = std::make_shared<OptOutBatchResult>();
  WriteRequest req;
  req.apply = [own = std::move(own), out](WriteTxn& txn) -> std::error_code {
    auto r = txn.apply_opt_out_batch(own->batch);
    if (!r) return r.error();
    *out = *r;  // assigned, not accumulated: apply may run again
    return {};
  };
  req.complete = [out, done = std::move(done)](std::error_code ec) {
    if (!done) return;
    if (ec) {
      done(tl::unexpected(ec));
    } else {
      done(*out);
    }
  };
  return req;
}

WriteRequest make_broadcast_request(std::shared_ptr<const BroadcastChunk> chunk,
                                    std::function<void(Result<BroadcastChunkResult>)> done) {
  auto out = std::make_shared<BroadcastChunkResult>();
  WriteRequest req;
  req.apply = [chunk = std::move(chunk), out](WriteTxn& txn) -> std::error_code {
    auto r = txn.enqueue_broadcast_chunk(*chunk);
    if (!r) return r.error();
    *out = std::move(*r);
    return {};
  };
  req.complete = [out, done = std::move(done)](std::error_code ec) {
    if (!done) return;
    if (ec) {
      done(tl::unexpected(ec));
    } else {
      done(std::move(*out));
    }
  };
  return req;
}

bool OptOutProgress::add(std::uint64_t index, std::size_t phones,
                         const Result<OptOutBatchResult>& r) {
  if (failed_chunk) return false;
  if (!r) {
    failed_chunk = index;
    error = r.error();
    return false;
  }
  opted_out += r->opted_out;
  already_opted_out += r->already_opted_out;
  ++applied_chunks;
  applied_phones += phones;
  return true;
}

Result<OptOutBatchResult> apply_opt_out_blocking(Writer& writer, OptOutBatch batch) {
  std::promise<Result<OptOutBatchResult>> promise;
  auto future = promise.get_future();
  auto req = make_opt_out_request(std::move(batch), [&promise](Result<OptOutBatchResult> r) {
    promise.set_value(std::move(r));
  });
  if (auto ec = writer.submit(std::move(req))) return fail(ec);
  return future.get();
}

}  // namespace smppgw::store
