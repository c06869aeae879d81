#include "tools/sim/control_command.hpp"

#include <gtest/gtest.h>

namespace smppgw::sim {
namespace {

ControlCommand ok(std::string_view line) {
  auto cmd = parse_control_command(line);
  EXPECT_TRUE(cmd) << line << ": " << (cmd ? "" : cmd.error());
  return cmd ? *cmd : ControlCommand{QuitCommand{}};
}

std::string err(std::string_view line) {
  auto cmd = parse_control_command(line);
  EXPECT_FALSE(cmd) << line;
  return cmd ? std::string() : cmd.error();
}

TEST(ControlCommand, MoTakesTheRestOfTheLineVerbatim) {
  EXPECT_EQ(ok("mo +14155550100 12345 SPRING"),
            ControlCommand(MoCommand{"+14155550100", "12345", "SPRING"}));
  EXPECT_EQ(ok("mo +14155550100 12345 Hello  there, €5!\n"),
            ControlCommand(MoCommand{"+14155550100", "12345", "Hello  there, €5!"}));
  EXPECT_EQ(ok("mo  +1   2  lead"), ControlCommand(MoCommand{"+1", "2", " lead"}));
  EXPECT_EQ(ok("mo +1 2\r\n"), ControlCommand(MoCommand{"+1", "2", ""}));
}

TEST(ControlCommand, MoNeedsAddresses) {
  EXPECT_NE(err("mo").find("usage: mo FROM TO TEXT"), std::string::npos);
  EXPECT_NE(err("mo +1415").find("usage"), std::string::npos);
  EXPECT_NE(err("mo 123456789012345678901 12345 x").find("mo FROM"), std::string::npos);
}

TEST(ControlCommand, MoRaw) {
  EXPECT_EQ(ok("mo-raw 0500030a0201414243 0 0x40"),
            ControlCommand(MoRawCommand{{5, 0, 3, 10, 2, 1, 'A', 'B', 'C'}, 0, 0x40, {}, {}}));
  EXPECT_EQ(ok("mo-raw - 8 0 +1415 12345"),
            ControlCommand(MoRawCommand{{}, 8, 0, "+1415", "12345"}));
  EXPECT_NE(err("mo-raw 0g 0 0").find("HEX"), std::string::npos);
  EXPECT_NE(err("mo-raw 00 256 0").find("DCS"), std::string::npos);
  EXPECT_NE(err("mo-raw 00 0").find("usage"), std::string::npos);
  EXPECT_NE(err("mo-raw 00 0 0 +1415").find("usage"), std::string::npos);
  EXPECT_NE(err("mo-raw " + std::string(510, 'a') + " 0 0").find("254"), std::string::npos);
}

TEST(ControlCommand, MoRawWithSarTlvs) {
  EXPECT_EQ(ok("mo-raw 414243 0 0 sar 513 3 2"),
            ControlCommand(MoRawCommand{{'A', 'B', 'C'}, 0, 0, {}, {}, SarTlvs{513, 3, 2}}));
  EXPECT_EQ(ok("mo-raw 41 0 0 +1415 12345 sar 7 2 1"),
            ControlCommand(MoRawCommand{{'A'}, 0, 0, "+1415", "12345", SarTlvs{7, 2, 1}}));
  EXPECT_NE(err("mo-raw 41 0 0 sar 65536 2 1").find("sar REF"), std::string::npos);
  EXPECT_NE(err("mo-raw 41 0 0 sar 1 256 1").find("sar TOTAL"), std::string::npos);
  EXPECT_NE(err("mo-raw 41 0 0 sar 1 2 x").find("sar SEQ"), std::string::npos);
  EXPECT_NE(err("mo-raw 41 0 0 +1415 sar 1 2 1").find("usage"), std::string::npos);
}

TEST(ControlCommand, Receipt) {
  EXPECT_EQ(ok("receipt A0000001 UNDELIV"),
            ControlCommand(ReceiptCommand{"A0000001", "UNDELIV", std::nullopt}));
  EXPECT_EQ(ok("receipt 42 EXPIRED 013"), ControlCommand(ReceiptCommand{"42", "EXPIRED", "013"}));
  EXPECT_NE(err("receipt 42 GONE").find("unknown receipt stat"), std::string::npos);
  EXPECT_NE(err("receipt 42 DELIVRD 1").find("three digits"), std::string::npos);
  EXPECT_NE(err("receipt 42").find("usage"), std::string::npos);
}

TEST(ControlCommand, SimpleVerbs) {
  EXPECT_EQ(ok("drop"), ControlCommand(DropCommand{}));
  EXPECT_EQ(ok("unbind"), ControlCommand(UnbindCommand{}));
  EXPECT_EQ(ok(" stats "), ControlCommand(StatsCommand{}));
  EXPECT_EQ(ok("quit\r\n"), ControlCommand(QuitCommand{}));
  EXPECT_NE(err("drop now").find("takes no arguments"), std::string::npos);
}

TEST(ControlCommand, Set) {
  EXPECT_EQ(ok("set submit-status 0x58"), ControlCommand(SetSubmitStatus{0x58, 1}));
  EXPECT_EQ(ok("set submit-status 20 3"), ControlCommand(SetSubmitStatus{0x14, 3}));
  EXPECT_EQ(ok("set receipt-stat REJECTD 2"), ControlCommand(SetReceiptStat{"REJECTD", 2}));
  EXPECT_EQ(ok("set receipt-delay 2s"),
            ControlCommand(SetReceiptDelay{std::chrono::milliseconds(2000)}));
  EXPECT_EQ(ok("set receipts off"), ControlCommand(SetReceipts{false}));
  EXPECT_EQ(ok("set receipts on"), ControlCommand(SetReceipts{true}));
  EXPECT_EQ(ok("set next-id 0A1b2C"), ControlCommand(SetNextId{"0A1b2C", std::nullopt}));
  EXPECT_EQ(ok("set next-id 00012345 3039"), ControlCommand(SetNextId{"00012345", "3039"}));
  EXPECT_NE(err("set next-id " + std::string(65, '1')).find("64"), std::string::npos);
  EXPECT_NE(err("set next-id a b c").find("usage"), std::string::npos);
  EXPECT_NE(err("set submit-status 0x58 0").find("K"), std::string::npos);
  EXPECT_NE(err("set receipts maybe").find("usage"), std::string::npos);
  EXPECT_NE(err("set receipt-delay soon").find("duration"), std::string::npos);
  EXPECT_NE(err("set colour red").find("usage"), std::string::npos);
}

TEST(ControlCommand, UnknownAndBlank) {
  EXPECT_NE(err("mox a b c").find("unknown command 'mox'"), std::string::npos);
  EXPECT_NE(err("").find("empty"), std::string::npos);
  EXPECT_TRUE(is_blank_line(" \t\r\n"));
  EXPECT_FALSE(is_blank_line(" quit"));
}

}  // namespace
}  // namespace smppgw::sim
