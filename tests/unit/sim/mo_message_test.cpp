#include "tools/sim/mo_message.hpp"

#include <gtest/gtest.h>

namespace smppgw::sim {
namespace {

TEST(MoMessage, AddressesAsACarrierSendsThem) {
  const auto intl = address_for("+14155550100");
  EXPECT_EQ(intl.addr, "14155550100");
  EXPECT_EQ(intl.ton, 1);
  EXPECT_EQ(intl.npi, 1);
  const auto short_code = address_for("12345");
  EXPECT_EQ(short_code.addr, "12345");
  EXPECT_EQ(short_code.ton, 3);
  const auto alpha = address_for("ACME");
  EXPECT_EQ(alpha.addr, "ACME");
  EXPECT_EQ(alpha.ton, 0);
}

TEST(MoMessage, Gsm7TextIsOnePduUnpacked) {
  auto pdus = build_mo("+14155550100", "12345", "STOP", 1);
  ASSERT_TRUE(pdus) << pdus.error();
  ASSERT_EQ(pdus->size(), 1U);
  const auto& p = (*pdus)[0];
  EXPECT_EQ(p.data_coding, 0);
  EXPECT_EQ(p.esm_class, 0);
  EXPECT_EQ(p.short_message, (smpp::Bytes{'S', 'T', 'O', 'P'}));
  EXPECT_EQ(p.source.addr, "14155550100");
  EXPECT_EQ(p.destination.addr, "12345");
}

TEST(MoMessage, GsmExtensionCharactersAreEscaped) {
  auto pdus = build_mo("+1", "2", "5€", 1);
  ASSERT_TRUE(pdus);
  EXPECT_EQ((*pdus)[0].short_message, (smpp::Bytes{'5', 0x1B, 0x65}));
}

TEST(MoMessage, NonGsmTextIsUcs2) {
  auto pdus = build_mo("+1", "2", "hi 😀", 1);
  ASSERT_TRUE(pdus);
  ASSERT_EQ(pdus->size(), 1U);
  EXPECT_EQ((*pdus)[0].data_coding, 8);
  EXPECT_EQ((*pdus)[0].short_message,
            (smpp::Bytes{0x00, 'h', 0x00, 'i', 0x00, ' ', 0xD8, 0x3D, 0xDE, 0x00}));
}

TEST(MoMessage, LongTextIsSplitWithConcatenationUdh) {
  const std::string text(200, 'a');
  auto pdus = build_mo("+1", "2", text, 0x2A);
  ASSERT_TRUE(pdus);
  ASSERT_EQ(pdus->size(), 2U);
  for (std::uint8_t i = 0; i < 2; ++i) {
    const auto& p = (*pdus)[i];
    EXPECT_EQ(p.esm_class, 0x40);
    ASSERT_GE(p.short_message.size(), 6U);
    EXPECT_EQ(smpp::Bytes(p.short_message.begin(), p.short_message.begin() + 6),
              (smpp::Bytes{5, 0, 3, 0x2A, 2, static_cast<std::uint8_t>(i + 1)}));
  }
  EXPECT_EQ((*pdus)[0].short_message.size(), 6U + 153U);
  EXPECT_EQ((*pdus)[1].short_message.size(), 6U + 47U);
}

TEST(MoMessage, EmptyTextIsOneEmptyPdu) {
  auto pdus = build_mo("+1", "2", "", 1);
  ASSERT_TRUE(pdus);
  ASSERT_EQ(pdus->size(), 1U);
  EXPECT_TRUE((*pdus)[0].short_message.empty());
}

TEST(MoMessage, InvalidUtf8IsRefused) {
  auto pdus = build_mo("+1", "2", "bad \xff", 1);
  ASSERT_FALSE(pdus);
  EXPECT_NE(pdus.error().find("MO text"), std::string::npos);
}

TEST(MoMessage, RawIsTakenAsIs) {
  const auto p = build_raw_mo("+1", "2", {0xDE, 0xAD}, 0xF5, 0x40);
  EXPECT_EQ(p.short_message, (smpp::Bytes{0xDE, 0xAD}));
  EXPECT_EQ(p.data_coding, 0xF5);
  EXPECT_EQ(p.esm_class, 0x40);
}

}  // namespace
}  // namespace smppgw::sim
