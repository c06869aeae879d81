#include "protocol/reassembler.hpp"

#include <gtest/gtest.h>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;
using Clock = Reassembler::Clock;

const Clock::time_point t0{};

// A deliver_sm's user data with an 8-bit reference UDH in front of `text` (GSM unpacked).
IncomingPart udh8_part(std::uint8_t ref, std::uint8_t total, std::uint8_t seq,
                       std::string_view text, std::string source = "+14155550100",
                       std::string dest = "12345") {
  Bytes ud{0x05, 0x00, 0x03, ref, total, seq};
  ud.insert(ud.end(), text.begin(), text.end());
  auto p = make_incoming_part(std::move(source), std::move(dest), kEsmClassUdhi, 0x00, ud);
  EXPECT_TRUE(p);
  return *p;
}

TEST(Reassembler, SingleMessagePassesStraightThrough) {
  Reassembler r;
  auto p = make_incoming_part("+14155550100", "12345", 0x00, 0x00, Bytes{0x48, 0x69});
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->concat);
  auto res = r.add(*p, t0);
  EXPECT_EQ(res.status, Reassembler::Status::complete);
  ASSERT_TRUE(res.message);
  EXPECT_TRUE(res.message->complete());
  EXPECT_EQ(res.message->decode().text, "Hi");
  EXPECT_EQ(r.pending_sets(), 0u);
}

TEST(Reassembler, CollectsPartsInOrder) {
  Reassembler r;
  EXPECT_EQ(r.add(udh8_part(7, 3, 1, "one "), t0).status, Reassembler::Status::pending);
  EXPECT_EQ(r.add(udh8_part(7, 3, 2, "two "), t0 + 1s).status, Reassembler::Status::pending);
  EXPECT_EQ(r.pending_sets(), 1u);
  auto res = r.add(udh8_part(7, 3, 3, "three"), t0 + 2s);
  ASSERT_EQ(res.status, Reassembler::Status::complete);
  EXPECT_EQ(res.message->decode().text, "one two three");
  EXPECT_EQ(res.message->source, "+14155550100");
  EXPECT_EQ(res.message->destination, "12345");
  EXPECT_EQ(res.message->reference, 7);
  EXPECT_EQ(res.message->total, 3);
  EXPECT_EQ(res.message->first_seen, t0);
  EXPECT_EQ(r.pending_sets(), 0u);
  EXPECT_EQ(r.pending_octets(), 0u);
}

TEST(Reassembler, CollectsPartsOutOfOrder) {
  Reassembler r;
  EXPECT_EQ(r.add(udh8_part(9, 3, 3, "C"), t0).status, Reassembler::Status::pending);
  EXPECT_EQ(r.add(udh8_part(9, 3, 1, "A"), t0).status, Reassembler::Status::pending);
  auto res = r.add(udh8_part(9, 3, 2, "B"), t0);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->decode().text, "ABC");
}

TEST(Reassembler, IgnoresDuplicateParts) {
  Reassembler r;
  r.add(udh8_part(1, 2, 1, "first "), t0);
  auto dup = r.add(udh8_part(1, 2, 1, "first "), t0 + 1s);
  EXPECT_EQ(dup.status, Reassembler::Status::duplicate);
  EXPECT_FALSE(dup.message);
  EXPECT_EQ(r.pending_sets(), 1u);
  auto res = r.add(udh8_part(1, 2, 2, "second"), t0 + 2s);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->decode().text, "first second");
  // A retransmitted part of the message already handed out is a duplicate too.
  EXPECT_EQ(r.add(udh8_part(1, 2, 2, "second"), t0 + 3s).status, Reassembler::Status::duplicate);
  EXPECT_EQ(r.pending_sets(), 0u);
}

TEST(Reassembler, ReusedReferenceWithNewContentStartsANewMessage) {
  Reassembler r;
  r.add(udh8_part(1, 2, 1, "a"), t0);
  r.add(udh8_part(1, 2, 2, "b"), t0);
  // Same phone reuses reference 1 for its next long message.
  EXPECT_EQ(r.add(udh8_part(1, 2, 1, "c"), t0 + 1s).status, Reassembler::Status::pending);
  auto res = r.add(udh8_part(1, 2, 2, "d"), t0 + 2s);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->decode().text, "cd");
  // While pending, a different part 1 replaces the stale set, which is handed back.
  r.add(udh8_part(2, 3, 1, "x"), t0 + 3s);
  auto replaced = r.add(udh8_part(2, 3, 1, "y"), t0 + 4s);
  EXPECT_EQ(replaced.status, Reassembler::Status::pending);
  ASSERT_EQ(replaced.evicted.size(), 1u);
  EXPECT_EQ(replaced.evicted[0].decode().text, "x");
  EXPECT_EQ(replaced.evicted[0].missing, (std::vector<std::uint8_t>{2, 3}));
}

TEST(Reassembler, KeysBySourceDestinationReferenceAndTotal) {
  Reassembler r;
  r.add(udh8_part(5, 2, 1, "A1", "+1", "100"), t0);
  r.add(udh8_part(5, 2, 1, "B1", "+2", "100"), t0);
  r.add(udh8_part(5, 2, 1, "C1", "+1", "200"), t0);
  r.add(udh8_part(5, 3, 1, "D1", "+1", "100"), t0);
  EXPECT_EQ(r.pending_sets(), 4u);
  auto res = r.add(udh8_part(5, 2, 2, "B2", "+2", "100"), t0);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->decode().text, "B1B2");
  EXPECT_EQ(r.pending_sets(), 3u);
}

TEST(Reassembler, IncompleteSetsExpireAndAreReturned) {
  Reassembler r({.timeout = 60s});
  EXPECT_FALSE(r.next_deadline());
  r.add(udh8_part(3, 3, 1, "kept "), t0);
  r.add(udh8_part(3, 3, 3, "too"), t0 + 10s);
  r.add(udh8_part(4, 2, 1, "later"), t0 + 30s);
  ASSERT_TRUE(r.next_deadline());
  EXPECT_EQ(*r.next_deadline(), t0 + 60s);
  EXPECT_TRUE(r.expire(t0 + 59s).empty());
  auto expired = r.expire(t0 + 60s);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_FALSE(expired[0].complete());
  EXPECT_EQ(expired[0].missing, (std::vector<std::uint8_t>{2}));
  EXPECT_EQ(expired[0].parts.size(), 2u);
  EXPECT_EQ(expired[0].decode().text, "kept too");
  EXPECT_EQ(r.pending_sets(), 1u);
  EXPECT_EQ(*r.next_deadline(), t0 + 90s);
  EXPECT_EQ(r.expire(t0 + 90s).size(), 1u);
  EXPECT_FALSE(r.next_deadline());
}

TEST(Reassembler, Accepts16BitReferences) {
  Reassembler r;
  const Bytes p1{0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 0x48};
  const Bytes p2{0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02, 0x69};
  auto a = make_incoming_part("+1", "100", 0x40, 0x00, p1);
  auto b = make_incoming_part("+1", "100", 0x40, 0x00, p2);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->concat);
  EXPECT_EQ(a->concat->reference, 0x1234);
  EXPECT_EQ(a->payload.udh_octets, 7u);
  r.add(*a, t0);
  auto res = r.add(*b, t0);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->decode().text, "Hi");
  EXPECT_EQ(res.message->reference, 0x1234);
}

TEST(Reassembler, AcceptsSarTlvValues) {
  Reassembler r;
  // UCS-2 parts announced by sar_msg_ref_num 0x0102, sar_total_segments 2, sar_segment_seqnum.
  auto a = make_incoming_part("+1", "100", 0x00, 0x08, Bytes{0x04, 0x1F}, ConcatInfo{0x0102, 2, 2});
  auto b = make_incoming_part("+1", "100", 0x00, 0x08, Bytes{0x00, 0x41}, ConcatInfo{0x0102, 2, 1});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->payload.udh_octets, 0u);
  EXPECT_EQ(r.add(*a, t0).status, Reassembler::Status::pending);
  auto res = r.add(*b, t0);
  ASSERT_TRUE(res.message);
  EXPECT_EQ(res.message->data_coding, 0x08);
  EXPECT_EQ(res.message->decode().text, "A\xD0\x9F");
}

TEST(Reassembler, UnusableConcatenationInfoMeansASingleMessage) {
  auto one = make_incoming_part("+1", "100", 0x00, 0x00, Bytes{0x41}, ConcatInfo{1, 1, 1});
  auto zero = make_incoming_part("+1", "100", 0x00, 0x00, Bytes{0x41}, ConcatInfo{1, 2, 0});
  auto past = make_incoming_part("+1", "100", 0x00, 0x00, Bytes{0x41}, ConcatInfo{1, 2, 3});
  ASSERT_TRUE(one && zero && past);
  EXPECT_FALSE(one->concat);
  EXPECT_FALSE(zero->concat);
  EXPECT_FALSE(past->concat);
  // UDH concatenation wins over SAR values when both are present.
  auto both =
      make_incoming_part("+1", "100", 0x40, 0x00, Bytes{0x05, 0x00, 0x03, 0x09, 0x02, 0x01, 0x41},
                         ConcatInfo{0x0102, 3, 1});
  ASSERT_TRUE(both && both->concat);
  EXPECT_EQ(both->concat->reference, 9);
  EXPECT_EQ(both->payload.octets, (Bytes{0x41}));
}

TEST(Reassembler, RejectsABrokenUdh) {
  auto p = make_incoming_part("+1", "100", 0x40, 0x00, Bytes{0x08, 0x00, 0x03});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, TextErrc::invalid_udh);
}

TEST(Reassembler, BoundsPendingSets) {
  Reassembler r({.max_pending_sets = 2});
  r.add(udh8_part(1, 2, 1, "one"), t0);
  r.add(udh8_part(2, 2, 1, "two"), t0 + 1s);
  auto res = r.add(udh8_part(3, 2, 1, "three"), t0 + 2s);
  EXPECT_EQ(res.status, Reassembler::Status::pending);
  ASSERT_EQ(res.evicted.size(), 1u);
  EXPECT_EQ(res.evicted[0].reference, 1);
  EXPECT_EQ(res.evicted[0].decode().text, "one");
  EXPECT_EQ(r.pending_sets(), 2u);
  // Parts of a set already pending do not evict anything.
  EXPECT_TRUE(r.add(udh8_part(2, 2, 2, "!"), t0 + 3s).evicted.empty());
}

TEST(Reassembler, BoundsPendingOctets) {
  Reassembler r({.max_pending_octets = 10});
  r.add(udh8_part(1, 2, 1, "12345678"), t0);
  EXPECT_EQ(r.pending_octets(), 8u);
  auto res = r.add(udh8_part(2, 2, 1, "abcdef"), t0);
  ASSERT_EQ(res.evicted.size(), 1u);
  EXPECT_EQ(res.evicted[0].reference, 1);
  EXPECT_EQ(r.pending_octets(), 6u);
}

// Sets that each began small and then grow part by part stay within the octet bound: the
// oldest other set goes, never the one the part belongs to.
TEST(Reassembler, BoundsPendingOctetsWhenPendingSetsGrow) {
  Reassembler r({.max_pending_octets = 10});
  r.add(udh8_part(1, 3, 1, "a"), t0);
  r.add(udh8_part(2, 3, 1, "b"), t0 + 1s);
  EXPECT_EQ(r.pending_octets(), 2u);
  auto res = r.add(udh8_part(2, 3, 2, "123456789"), t0 + 2s);
  EXPECT_EQ(res.status, Reassembler::Status::pending);
  ASSERT_EQ(res.evicted.size(), 1u);
  EXPECT_EQ(res.evicted[0].reference, 1);
  EXPECT_EQ(r.pending_sets(), 1u);
  EXPECT_EQ(r.pending_octets(), 10u);
  // Alone over the bound, a set keeps its parts until it completes or expires.
  res = r.add(udh8_part(2, 3, 3, "xyz"), t0 + 3s);
  EXPECT_TRUE(res.evicted.empty());
  ASSERT_EQ(res.status, Reassembler::Status::complete);
  EXPECT_EQ(res.message->decode().text, "b123456789xyz");
  EXPECT_EQ(r.pending_octets(), 0u);
}

}  // namespace
}  // namespace smppgw::smpp
