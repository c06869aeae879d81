// Tests of protocol/framer.cpp: a stream of PDUs fed whole, one byte at a time, split at every
// point and in irregular chunks gives the same frames; command_length outside [16, max] is a
// sticky framing error carrying the sequence number.
#include "protocol/framer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "protocol/codec.hpp"

namespace smppgw::smpp {
namespace {

Bytes header(std::uint32_t length, std::uint32_t id, std::uint32_t seq) {
  Bytes b;
  for (std::uint32_t v : {length, id, 0u, seq}) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  return b;
}

// Three PDUs of different sizes back to back, and each one alone.
struct Stream {
  std::vector<Bytes> pdus;
  Bytes all;
};

Stream sample_stream() {
  Stream s;
  auto add = [&](const Pdu& pdu) {
    Bytes one;
    EXPECT_TRUE(encode(pdu, one));
    s.pdus.push_back(one);
    s.all.insert(s.all.end(), one.begin(), one.end());
  };
  add(Pdu{status::ok, 1, EnquireLink{}});
  SubmitSm sm;
  sm.source = {5, 0, "Test"};
  sm.destination = {1, 1, "447700900123"};
  sm.short_message = Bytes(160, 'x');
  add(Pdu{status::ok, 2, sm});
  add(Pdu{status::ok, 3, SubmitSmResp{"5F2A01", {}}});
  return s;
}

// Drains every complete frame, copying them out.
std::vector<Bytes> drain(Framer& framer) {
  std::vector<Bytes> frames;
  for (;;) {
    auto r = framer.next();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r || !*r) return frames;
    frames.emplace_back((*r)->begin(), (*r)->end());
  }
}

TEST(Framer, OneFrame) {
  Framer framer;
  const Bytes pdu = header(16, 0x15, 1);
  framer.feed(pdu);
  auto r = framer.next();
  ASSERT_TRUE(r && *r);
  EXPECT_EQ(Bytes((*r)->begin(), (*r)->end()), pdu);
  EXPECT_EQ(framer.buffered(), 0u);
  auto again = framer.next();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST(Framer, ManyFramesInOneChunk) {
  const Stream s = sample_stream();
  Framer framer;
  framer.feed(s.all);
  EXPECT_EQ(drain(framer), s.pdus);
}

TEST(Framer, OneByteAtATime) {
  const Stream s = sample_stream();
  Framer framer;
  std::vector<Bytes> frames;
  for (std::uint8_t byte : s.all) {
    framer.feed(std::span<const std::uint8_t>(&byte, 1));
    for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
  }
  EXPECT_EQ(frames, s.pdus);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(Framer, EverySplitPoint) {
  const Stream s = sample_stream();
  for (std::size_t split = 0; split <= s.all.size(); ++split) {
    Framer framer;
    std::vector<Bytes> frames;
    framer.feed(std::span(s.all).first(split));
    for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
    framer.feed(std::span(s.all).subspan(split));
    for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
    ASSERT_EQ(frames, s.pdus) << "split at " << split;
  }
}

TEST(Framer, EveryPairOfSplitPoints) {
  const Stream s = sample_stream();
  const std::span<const std::uint8_t> all(s.all);
  for (std::size_t a = 0; a <= all.size(); a += 3) {
    for (std::size_t b = a; b <= all.size(); b += 5) {
      Framer framer;
      std::vector<Bytes> frames;
      for (auto part : {all.subspan(0, a), all.subspan(a, b - a), all.subspan(b)}) {
        framer.feed(part);
        for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
      }
      ASSERT_EQ(frames, s.pdus) << "splits at " << a << " and " << b;
    }
  }
}

TEST(Framer, IrregularChunksOfALargePdu) {
  DataSm d;
  d.tlvs.message_payload = Bytes(60000, 0x5A);
  Bytes wire;
  ASSERT_TRUE(encode(Pdu{status::ok, 9, d}, wire));
  Bytes stream = wire;
  stream.insert(stream.end(), wire.begin(), wire.end());
  std::mt19937 rng(42);
  Framer framer;
  std::vector<Bytes> frames;
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t n = std::min<std::size_t>(stream.size() - at, 1 + rng() % 9000);
    framer.feed(std::span(stream).subspan(at, n));
    at += n;
    for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], wire);
  EXPECT_EQ(frames[1], wire);
}

TEST(Framer, ZeroCopyPrepareAndCommit) {
  const Stream s = sample_stream();
  Framer framer;
  std::vector<Bytes> frames;
  for (std::size_t at = 0; at < s.all.size();) {
    std::span<std::uint8_t> area = framer.prepare(7);
    ASSERT_GE(area.size(), 7u);
    const std::size_t n = std::min<std::size_t>({7, area.size(), s.all.size() - at});
    std::copy_n(s.all.begin() + static_cast<std::ptrdiff_t>(at), n, area.begin());
    framer.commit(n);
    at += n;
    for (Bytes& f : drain(framer)) frames.push_back(std::move(f));
  }
  EXPECT_EQ(frames, s.pdus);
}

TEST(Framer, FramesPointIntoTheBuffer) {
  const Stream s = sample_stream();
  Framer framer;
  framer.feed(s.all);
  auto first = framer.next();
  auto second = framer.next();
  ASSERT_TRUE(first && *first && second && *second);
  // Zero copy: consecutive frames are adjacent views of one buffer.
  EXPECT_EQ((*first)->data() + (*first)->size(), (*second)->data());
  EXPECT_EQ(framer.buffered(), s.pdus[2].size());
}

TEST(Framer, CommandLengthUnder16) {
  Framer framer;
  framer.feed(header(15, 0x15, 77));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().response_status, status::inv_cmd_len);
  EXPECT_EQ(r.error().command_length, 15u);
  EXPECT_EQ(r.error().sequence_number, 77u);
  EXPECT_EQ(r.error().command_id, 0x15u);
}

TEST(Framer, CommandLengthZero) {
  Framer framer;
  framer.feed(header(0, 0, 0));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().response_status, status::inv_cmd_len);
}

TEST(Framer, CommandLengthOverTheDefaultMaximum) {
  Framer framer;
  EXPECT_EQ(framer.max_pdu_length(), 65536u);
  framer.feed(header(65537, 0x04, 3));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().response_status, status::inv_cmd_len);
  EXPECT_EQ(r.error().sequence_number, 3u);
  EXPECT_NE(r.error().message.find("65537"), std::string::npos) << r.error().message;
}

TEST(Framer, CommandLengthAtTheMaximumIsAccepted) {
  Framer framer(1000);
  Bytes pdu = header(1000, 0x80000004, 1);
  pdu.resize(1000, 'a');
  framer.feed(pdu);
  auto r = framer.next();
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->size(), 1000u);
  framer.feed(header(1001, 0x80000004, 2));
  EXPECT_FALSE(framer.next());
}

TEST(Framer, HugeCommandLengthDoesNotBuffer) {
  Framer framer;
  framer.feed(header(0xFFFFFFFF, 0x04, 1));
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.buffered(), 16u);
}

TEST(Framer, ErrorWaitsForTheWholeHeader) {
  // The sequence number sits in octets 12–15; the verdict comes once they are here.
  const Bytes bad = header(8, 0x15, 5);
  Framer framer;
  for (std::size_t i = 0; i + 1 < bad.size(); ++i) {
    framer.feed(std::span(bad).subspan(i, 1));
    auto r = framer.next();
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
  }
  framer.feed(std::span(bad).last(1));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sequence_number, 5u);
}

TEST(Framer, ErrorIsSticky) {
  const Stream s = sample_stream();
  Framer framer;
  framer.feed(s.pdus[0]);
  framer.feed(header(4, 0x15, 9));
  framer.feed(s.pdus[1]);
  auto first = framer.next();
  ASSERT_TRUE(first && *first);
  for (int i = 0; i < 3; ++i) {
    auto r = framer.next();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sequence_number, 9u);
  }
}

TEST(Framer, ErrorAfterValidFramesInTheSameChunk) {
  const Stream s = sample_stream();
  Bytes chunk = s.all;
  const Bytes bad = header(70000, 0x04, 12);
  chunk.insert(chunk.end(), bad.begin(), bad.end());
  Framer framer;
  framer.feed(chunk);
  for (std::size_t i = 0; i < s.pdus.size(); ++i) {
    auto r = framer.next();
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(Bytes((*r)->begin(), (*r)->end()), s.pdus[i]);
  }
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sequence_number, 12u);
}

TEST(Framer, EmptyFeedChangesNothing) {
  Framer framer;
  framer.feed({});
  auto r = framer.next();
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(framer.buffered(), 0u);
}

}  // namespace
}  // namespace smppgw::smpp
