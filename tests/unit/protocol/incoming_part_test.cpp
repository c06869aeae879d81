#include "protocol/incoming_part.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smppgw::smpp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(IncomingPart, SingleMessageHasNoConcatenation) {
  auto p = make_incoming_part("+14155550100", "12345", 0x00, 0x00, Bytes{'H', 'i'});
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->concat);
  EXPECT_EQ(p->source, "+14155550100");
  EXPECT_EQ(p->destination, "12345");
  EXPECT_EQ(p->payload.octets, (Bytes{'H', 'i'}));
  EXPECT_EQ(p->payload.udh_octets, 0u);
}

TEST(IncomingPart, Reads8BitReferences) {
  auto p = make_incoming_part("+1", "100", kEsmClassUdhi, 0x00,
                              Bytes{0x05, 0x00, 0x03, 0x2A, 0x03, 0x02, 'o', 'k'});
  ASSERT_TRUE(p && p->concat);
  EXPECT_EQ(p->concat->reference, 0x2A);
  EXPECT_EQ(p->concat->total, 3);
  EXPECT_EQ(p->concat->sequence, 2);
  EXPECT_EQ(p->payload.udh_octets, 6u);
  EXPECT_EQ(p->payload.octets, (Bytes{'o', 'k'}));
}

TEST(IncomingPart, Reads16BitReferencesAndTheParts) {
  const Bytes p1{0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 0x48};
  const Bytes p2{0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02, 0x69};
  auto a = make_incoming_part("+1", "100", 0x40, 0x00, p1);
  auto b = make_incoming_part("+1", "100", 0x40, 0x00, p2);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->concat && b->concat);
  EXPECT_EQ(a->concat->reference, 0x1234);
  EXPECT_EQ(b->concat->sequence, 2);
  EXPECT_EQ(a->payload.udh_octets, 7u);
  EXPECT_EQ(decode_message_parts(0x00, std::vector<MessagePayload>{a->payload, b->payload}).text,
            "Hi");
}

TEST(IncomingPart, AcceptsSarTlvValues) {
  // UCS-2 parts announced by sar_msg_ref_num 0x0102, sar_total_segments 2, sar_segment_seqnum.
  auto a = make_incoming_part("+1", "100", 0x00, 0x08, Bytes{0x00, 0x41}, ConcatInfo{0x0102, 2, 1});
  auto b = make_incoming_part("+1", "100", 0x00, 0x08, Bytes{0x04, 0x1F}, ConcatInfo{0x0102, 2, 2});
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->concat);
  EXPECT_EQ(a->concat->reference, 0x0102);
  EXPECT_EQ(a->payload.udh_octets, 0u);
  EXPECT_EQ(decode_message_parts(0x08, std::vector<MessagePayload>{a->payload, b->payload}).text,
            "A\xD0\x9F");
}

TEST(IncomingPart, UnusableConcatenationInfoMeansASingleMessage) {
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

TEST(IncomingPart, RejectsABrokenUdh) {
  auto p = make_incoming_part("+1", "100", 0x40, 0x00, Bytes{0x08, 0x00, 0x03});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, TextErrc::invalid_udh);
}

}  // namespace
}  // namespace smppgw::smpp
