// Tests of protocol/codec.cpp: golden bytes (smpp-notes §12 and vectors built here field by
// field, independently of the codec), a round trip for every PDU, one test per malformed input,
// the strict encoder's refusals, and the response helpers.
#include "protocol/codec.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string_view>

namespace smppgw::smpp {
namespace {

Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    const int v = std::isdigit(static_cast<unsigned char>(c))
                      ? c - '0'
                      : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  EXPECT_EQ(high, -1) << "odd number of hex digits";
  return out;
}

std::string to_hex(const Bytes& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

Bytes bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// Builds wire bytes field by field, without the codec under test.
struct Wire {
  Bytes body;
  Wire& u8(std::uint8_t v) {
    body.push_back(v);
    return *this;
  }
  Wire& u16(std::uint16_t v) {
    return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v));
  }
  Wire& u32(std::uint32_t v) {
    return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v));
  }
  Wire& cstr(std::string_view s) {
    body.insert(body.end(), s.begin(), s.end());
    return u8(0);
  }
  Wire& raw(const Bytes& b) {
    body.insert(body.end(), b.begin(), b.end());
    return *this;
  }
  Wire& tlv(std::uint16_t tag, const Bytes& value) {
    return u16(tag).u16(static_cast<std::uint16_t>(value.size())).raw(value);
  }
  Bytes frame(std::uint32_t command_id, std::uint32_t command_status, std::uint32_t seq) const {
    Wire w;
    w.u32(static_cast<std::uint32_t>(16 + body.size()))
        .u32(command_id)
        .u32(command_status)
        .u32(seq);
    w.raw(body);
    return w.body;
  }
};

Bytes encoded(const Pdu& pdu) {
  Bytes out;
  auto r = encode(pdu, out);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return out;
}

Pdu decoded(const Bytes& frame) {
  auto r = decode(frame);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : Pdu{};
}

DecodeError decode_error(const Bytes& frame) {
  auto r = decode(frame);
  EXPECT_FALSE(r.has_value()) << "decoded although malformed";
  return r ? DecodeError{} : r.error();
}

// Checks both directions: the bytes decode to the PDU and the PDU encodes to the bytes.
void expect_golden(const Pdu& pdu, const Bytes& wire) {
  EXPECT_EQ(to_hex(encoded(pdu)), to_hex(wire));
  EXPECT_EQ(decoded(wire), pdu);
}

// ---- golden vectors of smpp-notes §12 ------------------------------------------------------

TEST(CodecGolden, EnquireLink) {
  expect_golden(Pdu{status::ok, 1, EnquireLink{}}, hex("00000010 00000015 00000000 00000001"));
}

TEST(CodecGolden, EnquireLinkResp) {
  expect_golden(Pdu{status::ok, 1, EnquireLinkResp{}}, hex("00000010 80000015 00000000 00000001"));
}

TEST(CodecGolden, GenericNackInvalidCommandId) {
  expect_golden(Pdu{status::inv_cmd_id, 7, GenericNack{}},
                hex("00000010 80000000 00000003 00000007"));
}

TEST(CodecGolden, BindTransceiver) {
  BindTransceiver b;
  b.system_id = "esme1";
  b.password = "pw";
  b.interface_version = 0x34;
  expect_golden(Pdu{status::ok, 1, b},
                hex("0000001E 00000009 00000000 00000001 65736D65 31007077 00003400 0000"));
}

TEST(CodecGolden, BindTransceiverRespWithScInterfaceVersion) {
  BindTransceiverResp r;
  r.system_id = "SMSC";
  r.tlvs.sc_interface_version = 0x34;
  expect_golden(Pdu{status::ok, 1, r},
                hex("0000001A 80000009 00000000 00000001 534D5343 00021000 0134"));
}

SubmitSm hello_submit() {
  SubmitSm s;
  s.source = {5, 0, "Test"};
  s.destination = {1, 1, "447700900123"};
  s.registered_delivery = 1;
  s.short_message = bytes("Hello");
  return s;
}

TEST(CodecGolden, SubmitSm) {
  expect_golden(Pdu{status::ok, 2, hello_submit()},
                hex("00000036 00000004 00000000 00000002 00050054 65737400 01013434 37373030 "
                    "39303031 32330000 00000000 01000000 0548656C 6C6F"));
}

TEST(CodecGolden, SubmitSmResp) {
  expect_golden(Pdu{status::ok, 2, SubmitSmResp{"5F2A01", {}}},
                hex("00000017 80000004 00000000 00000002 35463241 303100"));
}

TEST(CodecGolden, DeliverSmResp) {
  expect_golden(Pdu{status::ok, 1, DeliverSmResp{}}, hex("00000011 80000005 00000000 00000001 00"));
}

TEST(CodecGolden, DeliveryReceiptDeliverSm) {
  const std::string text =
      "id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done date:2511241531 stat:DELIVRD "
      "err:000 text:Hello";
  ASSERT_EQ(text.size(), 103u);
  DeliverSm d;
  d.source = {1, 1, "447700900123"};
  d.destination = {5, 0, "Test"};
  d.esm_class = esm::smsc_delivery_receipt;
  d.short_message = bytes(text);
  d.tlvs.receipted_message_id = "5F2A01";
  d.tlvs.message_state = 2;
  const Bytes wire = Wire{}
                         .cstr("")
                         .u8(1)
                         .u8(1)
                         .cstr("447700900123")
                         .u8(5)
                         .u8(0)
                         .cstr("Test")
                         .u8(0x04)
                         .u8(0)
                         .u8(0)
                         .cstr("")
                         .cstr("")
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .u8(0x67)
                         .raw(bytes(text))
                         .raw(hex("001E 0007 35463241 303100"))
                         .raw(hex("0427 0001 02"))
                         .frame(0x00000005, 0, 1);
  ASSERT_EQ(wire.size(), 168u);
  EXPECT_EQ(to_hex(Bytes(wire.begin(), wire.begin() + 16)),
            to_hex(hex("000000A8 00000005 00000000 00000001")));
  expect_golden(Pdu{status::ok, 1, d}, wire);
}

// ---- golden vectors for the remaining commands --------------------------------------------

template <class T>
T bind_body() {
  T b;
  b.system_id = "acme";
  b.password = "secret";
  b.system_type = "VMA";
  b.interface_version = 0x34;
  b.addr_ton = 1;
  b.addr_npi = 1;
  b.address_range = "^4477";
  return b;
}

Bytes bind_wire(std::uint32_t id) {
  return Wire{}.cstr("acme").cstr("secret").cstr("VMA").u8(0x34).u8(1).u8(1).cstr("^4477").frame(
      id, 0, 9);
}

TEST(CodecGolden, BindTransmitter) {
  expect_golden(Pdu{status::ok, 9, bind_body<BindTransmitter>()}, bind_wire(0x00000002));
}

TEST(CodecGolden, BindReceiver) {
  expect_golden(Pdu{status::ok, 9, bind_body<BindReceiver>()}, bind_wire(0x00000001));
}

TEST(CodecGolden, BindTransmitterAndReceiverResp) {
  BindTransmitterResp t;
  t.system_id = "SMSC";
  expect_golden(Pdu{status::ok, 3, t}, Wire{}.cstr("SMSC").frame(0x80000002, 0, 3));
  BindReceiverResp r;
  r.system_id = "SMSC";
  expect_golden(Pdu{status::ok, 3, r}, Wire{}.cstr("SMSC").frame(0x80000001, 0, 3));
}

TEST(CodecGolden, Outbind) {
  expect_golden(Pdu{status::ok, 4, Outbind{"SMSC", "pw"}},
                Wire{}.cstr("SMSC").cstr("pw").frame(0x0000000B, 0, 4));
}

TEST(CodecGolden, HeaderOnlyCommands) {
  expect_golden(Pdu{status::ok, 5, Unbind{}}, Wire{}.frame(0x00000006, 0, 5));
  expect_golden(Pdu{status::ok, 5, UnbindResp{}}, Wire{}.frame(0x80000006, 0, 5));
  expect_golden(Pdu{status::ok, 5, CancelSmResp{}}, Wire{}.frame(0x80000008, 0, 5));
  expect_golden(Pdu{status::replace_fail, 5, ReplaceSmResp{}}, Wire{}.frame(0x80000007, 0x13, 5));
}

TEST(CodecGolden, QuerySmAndResp) {
  expect_golden(Pdu{status::ok, 6, QuerySm{"5F2A01", {5, 0, "Test"}}},
                Wire{}.cstr("5F2A01").u8(5).u8(0).cstr("Test").frame(0x00000003, 0, 6));
  expect_golden(Pdu{status::ok, 6, QuerySmResp{"5F2A01", "251124153000004+", 2, 0}},
                Wire{}.cstr("5F2A01").cstr("251124153000004+").u8(2).u8(0).frame(0x80000003, 0, 6));
}

TEST(CodecGolden, CancelSm) {
  expect_golden(
      Pdu{status::ok, 7, CancelSm{"CMT", "5F2A01", {5, 0, "Test"}, {1, 1, "447700900123"}}},
      Wire{}
          .cstr("CMT")
          .cstr("5F2A01")
          .u8(5)
          .u8(0)
          .cstr("Test")
          .u8(1)
          .u8(1)
          .cstr("447700900123")
          .frame(0x00000008, 0, 7));
}

TEST(CodecGolden, ReplaceSmHasNoServiceType) {
  ReplaceSm r;
  r.message_id = "5F2A01";
  r.source = {5, 0, "Test"};
  r.validity_period = "000001000000000R";
  r.registered_delivery = 1;
  r.short_message = bytes("Bye");
  expect_golden(Pdu{status::ok, 8, r}, Wire{}
                                           .cstr("5F2A01")
                                           .u8(5)
                                           .u8(0)
                                           .cstr("Test")
                                           .cstr("")
                                           .cstr("000001000000000R")
                                           .u8(1)
                                           .u8(0)
                                           .u8(3)
                                           .raw(bytes("Bye"))
                                           .frame(0x00000007, 0, 8));
}

TEST(CodecGolden, SubmitMultiWithSmeAndDistributionList) {
  SubmitMulti m;
  m.source = {5, 0, "Test"};
  m.destinations = {MultiDestination{1, {1, 1, "447700900123"}, ""},
                    MultiDestination{2, {}, "friends"}};
  m.data_coding = 8;
  m.short_message = hex("0048 0069");
  m.tlvs.user_message_reference = 0x1234;
  expect_golden(Pdu{status::ok, 10, m}, Wire{}
                                            .cstr("")
                                            .u8(5)
                                            .u8(0)
                                            .cstr("Test")
                                            .u8(2)
                                            .u8(1)
                                            .u8(1)
                                            .u8(1)
                                            .cstr("447700900123")
                                            .u8(2)
                                            .cstr("friends")
                                            .u8(0)
                                            .u8(0)
                                            .u8(0)
                                            .cstr("")
                                            .cstr("")
                                            .u8(0)
                                            .u8(0)
                                            .u8(8)
                                            .u8(0)
                                            .u8(4)
                                            .raw(hex("00480069"))
                                            .tlv(0x0204, hex("1234"))
                                            .frame(0x00000021, 0, 10));
}

TEST(CodecGolden, SubmitMultiResp) {
  SubmitMultiResp r;
  r.message_id = "M1";
  r.unsuccessful = {UnsuccessfulDelivery{{1, 1, "447700900999"}, status::inv_dst_adr}};
  expect_golden(
      Pdu{status::ok, 10, r},
      Wire{}.cstr("M1").u8(1).u8(1).u8(1).cstr("447700900999").u32(0x0B).frame(0x80000021, 0, 10));
}

TEST(CodecGolden, AlertNotification) {
  AlertNotification a;
  a.source = {1, 1, "447700900123"};
  a.esme = {5, 0, "Test"};
  a.tlvs.ms_availability_status = 0;
  expect_golden(Pdu{status::ok, 11, a}, Wire{}
                                            .u8(1)
                                            .u8(1)
                                            .cstr("447700900123")
                                            .u8(5)
                                            .u8(0)
                                            .cstr("Test")
                                            .tlv(0x0422, hex("00"))
                                            .frame(0x00000102, 0, 11));
}

TEST(CodecGolden, DataSmWithMessagePayloadAndResp) {
  DataSm d;
  d.service_type = "WAP";
  d.source = {1, 1, "447700900123"};
  d.destination = {5, 0, "Test"};
  d.registered_delivery = 1;
  d.data_coding = 4;
  d.tlvs.source_port = 9200;
  d.tlvs.destination_port = 2948;
  d.tlvs.message_payload = hex("0102030405");
  expect_golden(Pdu{status::ok, 12, d}, Wire{}
                                            .cstr("WAP")
                                            .u8(1)
                                            .u8(1)
                                            .cstr("447700900123")
                                            .u8(5)
                                            .u8(0)
                                            .cstr("Test")
                                            .u8(0)
                                            .u8(1)
                                            .u8(4)
                                            .tlv(0x020A, hex("23F0"))
                                            .tlv(0x020B, hex("0B84"))
                                            .tlv(0x0424, hex("0102030405"))
                                            .frame(0x00000103, 0, 12));
  DataSmResp r;
  r.message_id = "D1";
  r.tlvs.additional_status_info_text = "queued";
  r.tlvs.delivery_failure_reason = 3;
  r.tlvs.network_error_code = NetworkErrorCode{3, 0x0022};
  expect_golden(Pdu{status::ok, 12, r}, Wire{}
                                            .cstr("D1")
                                            .tlv(0x001D, bytes(std::string_view("queued\0", 7)))
                                            .tlv(0x0423, hex("030022"))
                                            .tlv(0x0425, hex("03"))
                                            .frame(0x80000103, 0, 12));
}

TEST(CodecGolden, TypedTlvsAreWrittenInTagOrderThenOthers) {
  SubmitSm s = hello_submit();
  s.tlvs.sar_segment_seqnum = 1;
  s.tlvs.sar_total_segments = 2;
  s.tlvs.sar_msg_ref_num = 0x0102;
  s.tlvs.qos_time_to_live = 3600;
  s.tlvs.other = {Tlv{0x1400, hex("AA")}, Tlv{0x0005, hex("01")}};
  const Bytes wire = encoded(Pdu{status::ok, 2, s});
  const Bytes tail = Wire{}
                         .tlv(0x0017, hex("00000E10"))
                         .tlv(0x020C, hex("0102"))
                         .tlv(0x020E, hex("02"))
                         .tlv(0x020F, hex("01"))
                         .tlv(0x1400, hex("AA"))
                         .tlv(0x0005, hex("01"))
                         .body;
  ASSERT_GT(wire.size(), tail.size());
  EXPECT_EQ(to_hex(Bytes(wire.end() - static_cast<std::ptrdiff_t>(tail.size()), wire.end())),
            to_hex(tail));
  EXPECT_EQ(decoded(wire), (Pdu{status::ok, 2, s}));
}

// ---- a round trip for every command --------------------------------------------------------

Tlvs every_typed_tlv() {
  Tlvs t;
  t.user_message_reference = 1;
  t.source_port = 2;
  t.destination_port = 3;
  t.sar_msg_ref_num = 4;
  t.sar_total_segments = 5;
  t.sar_segment_seqnum = 6;
  t.sc_interface_version = 0x34;
  t.payload_type = 1;
  t.more_messages_to_send = 1;
  t.message_state = 5;
  t.ms_availability_status = 2;
  t.delivery_failure_reason = 1;
  t.dpf_result = 1;
  t.set_dpf = 1;
  t.privacy_indicator = 3;
  t.language_indicator = 2;
  t.qos_time_to_live = 0xFFFFFFFF;
  t.receipted_message_id = "ABCDEF0123";
  t.additional_status_info_text = "text";
  t.network_error_code = NetworkErrorCode{7, 0xFFFF};
  t.message_payload = Bytes(300, 0x41);
  t.other = {Tlv{0x130C, {}}, Tlv{0x0381, hex("000101343437")}, Tlv{0xFFFF, hex("00")}};
  return t;
}

// One populated sample of every alternative of Body.
std::vector<Pdu> samples() {
  std::vector<Pdu> out;
  auto add = [&](Body b) { out.push_back(Pdu{status::ok, 0x7FFFFFFF, std::move(b)}); };
  add(GenericNack{});
  add(bind_body<BindReceiver>());
  add(BindReceiverResp{{"SMSC", every_typed_tlv()}});
  add(bind_body<BindTransmitter>());
  add(BindTransmitterResp{{"SMSC", {}}});
  add(QuerySm{"id", {1, 2, "123"}});
  add(QuerySmResp{"id", "", 7, 9});
  SubmitSm s = hello_submit();
  s.service_type = "USSD";
  s.esm_class = 0x43;
  s.protocol_id = 0x7F;
  s.priority_flag = 3;
  s.schedule_delivery_time = "251124153000004+";
  s.validity_period = "000001000000000R";
  s.replace_if_present_flag = 1;
  s.data_coding = 0xF0;
  s.sm_default_msg_id = 9;
  s.short_message = Bytes(254, 0xFF);
  add(s);
  add(SubmitSmResp{std::string(64, 'x'), {}});
  DeliverSm d;
  d.source = {1, 1, std::string(20, '9')};
  d.tlvs = every_typed_tlv();
  add(d);
  add(DeliverSmResp{});
  add(Unbind{});
  add(UnbindResp{});
  add(ReplaceSm{"id", {1, 1, "1"}, "", "", 1, 2, bytes("new")});
  add(ReplaceSmResp{});
  add(CancelSm{"", "", {1, 1, "1"}, {2, 2, "2"}});
  add(CancelSmResp{});
  add(bind_body<BindTransceiver>());
  add(BindTransceiverResp{});
  add(Outbind{"s", "p"});
  add(EnquireLink{});
  add(EnquireLinkResp{});
  SubmitMulti m;
  for (int i = 0; i < 254; ++i) m.destinations.push_back({1, {1, 1, std::to_string(i)}, ""});
  m.tlvs.message_payload = Bytes(1000, 0x20);
  add(m);
  add(SubmitMultiResp{"m", {{{1, 1, "1"}, 0x45}, {{2, 2, "2"}, 0xFFFFFFFF}}});
  add(AlertNotification{{1, 1, std::string(64, '1')}, {2, 2, std::string(64, '2')}, {}});
  DataSm ds;
  ds.tlvs = every_typed_tlv();
  add(ds);
  add(DataSmResp{"d", every_typed_tlv()});
  return out;
}

TEST(CodecRoundTrip, EveryCommandSurvivesEncodeThenDecode) {
  std::set<std::size_t> covered;
  for (const Pdu& pdu : samples()) {
    SCOPED_TRACE(command_name(static_cast<std::uint32_t>(command_id_of(pdu.body))));
    covered.insert(pdu.body.index());
    const Bytes wire = encoded(pdu);
    ASSERT_GE(wire.size(), 16u);
    EXPECT_EQ(wire.size(), (std::size_t{wire[0]} << 24) | (std::size_t{wire[1]} << 16) |
                               (std::size_t{wire[2]} << 8) | wire[3]);
    EXPECT_EQ(decoded(wire), pdu);
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<Body>);
}

TEST(CodecRoundTrip, EncodeAppendsAfterExistingBytes) {
  Bytes out = {0xAA, 0xBB};
  ASSERT_TRUE(encode(Pdu{status::ok, 1, EnquireLink{}}, out));
  ASSERT_TRUE(encode(Pdu{status::ok, 2, hello_submit()}, out));
  EXPECT_EQ(out[0], 0xAA);
  EXPECT_EQ(out[1], 0xBB);
  EXPECT_EQ(decoded(Bytes(out.begin() + 2, out.begin() + 18)), (Pdu{status::ok, 1, EnquireLink{}}));
  EXPECT_EQ(decoded(Bytes(out.begin() + 18, out.end())), (Pdu{status::ok, 2, hello_submit()}));
}

TEST(CodecRoundTrip, CommandIdsAndNames) {
  for (const Pdu& pdu : samples()) {
    const auto id = static_cast<std::uint32_t>(command_id_of(pdu.body));
    const Bytes wire = encoded(pdu);
    EXPECT_EQ((std::uint32_t{wire[4]} << 24) | (std::uint32_t{wire[5]} << 16) |
                  (std::uint32_t{wire[6]} << 8) | wire[7],
              id);
    EXPECT_STRNE(command_name(id), "unknown");
  }
  EXPECT_STREQ(command_name(0x00000004), "submit_sm");
  EXPECT_STREQ(command_name(0x80000005), "deliver_sm_resp");
  EXPECT_STREQ(command_name(0x00000111), "unknown");
}

// ---- liberal decoding ------------------------------------------------------------------------

TEST(CodecLiberal, CStringLongerThanTheMaximumIsAccepted) {
  const std::string long_id(30, 'a');  // system_id is C(16)
  const Pdu pdu =
      decoded(Wire{}.cstr(long_id).cstr("pw").cstr("").u8(0x34).u8(0).u8(0).cstr("").frame(
          0x00000009, 0, 1));
  EXPECT_EQ(std::get<BindTransceiver>(pdu.body).system_id, long_id);
}

TEST(CodecLiberal, ErrorResponseWithoutBody) {
  const Pdu pdu = decoded(hex("00000010 80000004 00000045 00000002"));
  EXPECT_EQ(pdu, (Pdu{status::submit_fail, 2, SubmitSmResp{}}));
  const Pdu bind = decoded(hex("00000010 80000009 0000000E 00000001"));
  EXPECT_EQ(bind, (Pdu{status::inv_paswd, 1, BindTransceiverResp{}}));
}

TEST(CodecLiberal, ErrorResponseWithEmptyMessageId) {
  // farhadi/node-smpp #159: command_length 17, status 0x45 (smpp-notes §11.4).
  EXPECT_EQ(decoded(hex("00000011 80000004 00000045 00000002 00")),
            (Pdu{status::submit_fail, 2, SubmitSmResp{}}));
}

TEST(CodecLiberal, ErrorResponseWithBrokenBodyKeepsItsStatus) {
  // system_id without NUL: on an error response the status is what matters.
  const Pdu pdu = decoded(Wire{}.raw(bytes("SMS")).frame(0x80000002, status::bind_fail, 4));
  EXPECT_EQ(pdu, (Pdu{status::bind_fail, 4, BindTransmitterResp{}}));
}

TEST(CodecLiberal, DeliverSmRespWithoutItsNul) {
  EXPECT_EQ(decoded(hex("00000010 80000005 00000000 00000001")),
            (Pdu{status::ok, 1, DeliverSmResp{}}));
}

TEST(CodecLiberal, TrailingBytesAfterABodyWithoutTlvsAreIgnored) {
  EXPECT_EQ(decoded(Wire{}.u32(0xDEADBEEF).frame(0x00000015, 0, 1)),
            (Pdu{status::ok, 1, EnquireLink{}}));
  EXPECT_EQ(decoded(Wire{}.cstr("id").u8(1).u8(1).cstr("1").u8(0xEE).frame(0x00000003, 0, 1)),
            (Pdu{status::ok, 1, QuerySm{"id", {1, 1, "1"}}}));
}

TEST(CodecLiberal, IntegerTlvsAreDecodedByTheirLength) {
  const Bytes wire = Wire{}
                         .raw(Wire{}.cstr("").u8(0).u8(0).cstr("a").u8(0).u8(0).cstr("b").body)
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .cstr("")
                         .cstr("")
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .u8(0)
                         .tlv(0x020A, hex("50"))        // source_port as 1 octet
                         .tlv(0x020B, hex("00001F90"))  // destination_port as 4 octets
                         .tlv(0x0427, hex("0002"))      // message_state as 2 octets
                         .tlv(0x0010, hex("0001"))      // source_telematics_id: I1 or I2
                         .frame(0x00000005, 0, 1);
  const Pdu pdu = decoded(wire);
  const auto& d = std::get<DeliverSm>(pdu.body);
  EXPECT_EQ(d.tlvs.source_port, 0x50);
  EXPECT_EQ(d.tlvs.destination_port, 8080);
  EXPECT_EQ(d.tlvs.message_state, 2);
  ASSERT_EQ(d.tlvs.other.size(), 1u);
  EXPECT_EQ(d.tlvs.other[0], (Tlv{0x0010, hex("0001")}));
}

TEST(CodecLiberal, UnknownTlvIsKeptVerbatimAndReencoded) {
  const Bytes wire = Wire{}
                         .cstr("SMSC")
                         .tlv(0x1401, hex("DEADBEEF"))
                         .tlv(0x0210, hex("34"))
                         .tlv(0x8081, {})
                         .frame(0x80000009, 0, 1);
  const Pdu pdu = decoded(wire);
  const auto& r = std::get<BindTransceiverResp>(pdu.body);
  EXPECT_EQ(r.tlvs.sc_interface_version, 0x34);
  ASSERT_EQ(r.tlvs.other.size(), 2u);
  EXPECT_EQ(r.tlvs.other[0], (Tlv{0x1401, hex("DEADBEEF")}));
  EXPECT_EQ(r.tlvs.other[1], (Tlv{0x8081, {}}));
  // Typed first, then the unknown ones in arrival order.
  EXPECT_EQ(to_hex(encoded(pdu)), to_hex(Wire{}
                                             .cstr("SMSC")
                                             .tlv(0x0210, hex("34"))
                                             .tlv(0x1401, hex("DEADBEEF"))
                                             .tlv(0x8081, {})
                                             .frame(0x80000009, 0, 1)));
}

TEST(CodecLiberal, StringTlvWithoutNulIsTakenWhole) {
  const Bytes wire = Wire{}.cstr("").tlv(0x001E, bytes("abc")).frame(0x80000005, 0, 1);
  EXPECT_EQ(std::get<DeliverSmResp>(decoded(wire).body).tlvs.receipted_message_id, "abc");
}

TEST(CodecLiberal, CommandStatusOfARequestIsKept) {
  EXPECT_EQ(decoded(hex("00000010 00000015 00000001 00000009")).command_status, 1u);
}

TEST(CodecLiberal, SubmitSmWithBothShortMessageAndPayloadDecodes) {
  // Deciding what to do with it is the receiver's business, not the codec's.
  SubmitSm s = hello_submit();
  Bytes wire = encoded(Pdu{status::ok, 2, s});
  Wire extra;
  extra.tlv(0x0424, bytes("payload"));
  wire.insert(wire.end(), extra.body.begin(), extra.body.end());
  wire[3] = static_cast<std::uint8_t>(wire.size());
  const Pdu pdu = decoded(wire);
  const auto& d = std::get<SubmitSm>(pdu.body);
  EXPECT_EQ(d.short_message, bytes("Hello"));
  EXPECT_EQ(d.tlvs.message_payload, bytes("payload"));
}

// ---- malformed input: one test each -------------------------------------------------------

TEST(CodecMalformed, FrameShorterThanHeader) {
  const DecodeError e = decode_error(hex("00000010 00000015 000000"));
  EXPECT_FALSE(e.header_read);
  EXPECT_EQ(e.response_status, status::inv_cmd_len);
  const auto nack = error_response(e);
  ASSERT_TRUE(nack);
  EXPECT_EQ(*nack, (Pdu{status::inv_cmd_len, 0, GenericNack{}}));
}

TEST(CodecMalformed, CommandLengthDisagreesWithFrame) {
  const DecodeError e = decode_error(hex("00000011 00000015 00000000 00000005"));
  EXPECT_TRUE(e.header_read);
  EXPECT_EQ(e.sequence_number, 5u);
  EXPECT_EQ(e.response_status, status::inv_cmd_len);
}

TEST(CodecMalformed, UnknownCommandId) {
  const DecodeError e = decode_error(hex("00000010 00000111 00000000 0000002A"));  // broadcast_sm
  EXPECT_TRUE(e.header_read);
  EXPECT_EQ(e.command_id, 0x111u);
  EXPECT_EQ(e.sequence_number, 42u);
  EXPECT_EQ(e.response_status, status::inv_cmd_id);
  EXPECT_NE(e.message.find("0x00000111"), std::string::npos) << e.message;
  EXPECT_EQ(error_response(e), (Pdu{status::inv_cmd_id, 42, GenericNack{}}));
}

TEST(CodecMalformed, UnknownResponseIdIsNackedToo) {
  const DecodeError e = decode_error(hex("00000010 80000111 00000000 00000003"));
  EXPECT_EQ(error_response(e), (Pdu{status::inv_cmd_id, 3, GenericNack{}}));
}

TEST(CodecMalformed, TruncatedIntegerField) {
  // submit_sm ending right after source_addr_ton.
  const DecodeError e = decode_error(Wire{}.cstr("").u8(1).frame(0x00000004, 0, 8));
  EXPECT_EQ(e.response_status, status::inv_msg_len);
  EXPECT_NE(e.message.find("source_addr_npi"), std::string::npos) << e.message;
  EXPECT_EQ(error_response(e), (Pdu{status::inv_msg_len, 8, SubmitSmResp{}}));
}

TEST(CodecMalformed, EmptyBodyOfARequest) {
  const DecodeError e = decode_error(Wire{}.frame(0x00000009, 0, 1));
  EXPECT_EQ(e.response_status, status::inv_sys_id);
  EXPECT_EQ(error_response(e), (Pdu{status::inv_sys_id, 1, BindTransceiverResp{}}));
}

TEST(CodecMalformed, SystemIdWithoutNul) {
  const DecodeError e = decode_error(Wire{}.raw(bytes("esme1")).frame(0x00000002, 0, 1));
  EXPECT_EQ(e.response_status, status::inv_sys_id);
  EXPECT_NE(e.message.find("bind_transmitter: system_id"), std::string::npos) << e.message;
}

TEST(CodecMalformed, DestinationAddrWithoutNul) {
  const DecodeError e = decode_error(
      Wire{}.cstr("").u8(1).u8(1).cstr("1").u8(1).u8(1).raw(bytes("4477")).frame(0x00000004, 0, 2));
  EXPECT_EQ(e.response_status, status::inv_dst_adr);
}

TEST(CodecMalformed, NulBeyondTheFrameIsNotRead) {
  // The backing buffer holds a NUL right after the frame; decode must not see it.
  Bytes buffer = Wire{}.raw(bytes("esme1")).frame(0x00000002, 0, 1);
  buffer.push_back(0);
  const auto r = decode(std::span<const std::uint8_t>(buffer.data(), buffer.size() - 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().response_status, status::inv_sys_id);
}

TEST(CodecMalformed, SmLengthPastTheFrame) {
  Bytes wire = encoded(Pdu{status::ok, 2, hello_submit()});
  wire[wire.size() - 6] = 6;  // sm_length 6, only 5 octets follow
  const DecodeError e = decode_error(wire);
  EXPECT_EQ(e.response_status, status::inv_msg_len);
  EXPECT_EQ(error_response(e), (Pdu{status::inv_msg_len, 2, SubmitSmResp{}}));
}

TEST(CodecMalformed, IntegerTlvWithBadLength) {
  const Bytes wire = Wire{}.cstr("SMSC").tlv(0x0210, hex("000034")).frame(0x80000009, 0, 1);
  const DecodeError e = decode_error(wire);
  EXPECT_EQ(e.response_status, status::inv_par_len);
  EXPECT_NE(e.message.find("0x0210"), std::string::npos) << e.message;
  EXPECT_EQ(error_response(e), std::nullopt);  // a response is never answered
}

TEST(CodecMalformed, IntegerTlvWithZeroLength) {
  const DecodeError e = decode_error(Wire{}.cstr("x").tlv(0x0425, {}).frame(0x80000103, 0, 1));
  EXPECT_EQ(e.response_status, status::inv_par_len);
}

TEST(CodecMalformed, NetworkErrorCodeWithBadLength) {
  const DecodeError e =
      decode_error(Wire{}.cstr("x").tlv(0x0423, hex("0300")).frame(0x80000103, 0, 1));
  EXPECT_EQ(e.response_status, status::inv_par_len);
}

TEST(CodecMalformed, IntegerTlvValueOutOfRange) {
  SubmitSm s = hello_submit();
  Bytes wire = encoded(Pdu{status::ok, 2, s});
  Wire extra;
  extra.tlv(0x020E, hex("0100"));  // sar_total_segments is I1; 256 does not fit
  wire.insert(wire.end(), extra.body.begin(), extra.body.end());
  wire[3] = static_cast<std::uint8_t>(wire.size());
  EXPECT_EQ(decode_error(wire).response_status, status::inv_opt_param_val);
}

TEST(CodecMalformed, TlvValueTruncated) {
  // message_payload claims 10 octets, 3 follow.
  Bytes body = Wire{}.cstr("").u8(0).u8(0).cstr("a").u8(0).u8(0).cstr("b").u8(0).u8(1).u8(4).body;
  body = Wire{}.raw(body).u16(0x0424).u16(10).raw(hex("010203")).body;
  const DecodeError e = decode_error(Wire{}.raw(body).frame(0x00000103, 0, 77));
  EXPECT_EQ(e.response_status, status::inv_opt_par_stream);
  EXPECT_EQ(error_response(e), (Pdu{status::inv_opt_par_stream, 77, DataSmResp{}}));
}

TEST(CodecMalformed, TlvHeaderTruncated) {
  const DecodeError e =
      decode_error(Wire{}.cstr("x").u8(0x04).u8(0x24).u8(0x00).frame(0x80000004, 0, 1));
  EXPECT_EQ(e.response_status, status::inv_opt_par_stream);
}

TEST(CodecMalformed, SubmitMultiWithBadDestFlag) {
  const DecodeError e = decode_error(
      Wire{}.cstr("").u8(1).u8(1).cstr("1").u8(1).u8(3).cstr("x").frame(0x00000021, 0, 5));
  EXPECT_EQ(e.response_status, status::inv_dest_flag);
  EXPECT_EQ(error_response(e), (Pdu{status::inv_dest_flag, 5, SubmitMultiResp{}}));
}

TEST(CodecMalformed, SubmitMultiWithFewerDestinationsThanAnnounced) {
  const DecodeError e = decode_error(
      Wire{}.cstr("").u8(1).u8(1).cstr("1").u8(3).u8(2).cstr("list").frame(0x00000021, 0, 5));
  EXPECT_EQ(e.response_status, status::inv_msg_len);
}

TEST(CodecMalformed, OutbindFailureIsAnsweredWithGenericNack) {
  const DecodeError e = decode_error(Wire{}.raw(bytes("SMSC")).frame(0x0000000B, 0, 3));
  EXPECT_EQ(error_response(e), (Pdu{status::inv_sys_id, 3, GenericNack{}}));
}

// ---- strict encoding -------------------------------------------------------------------------

// The encoder must refuse `pdu` and leave the buffer as it was.
std::string expect_refused(const Pdu& pdu) {
  Bytes out = {1, 2, 3};
  auto r = encode(pdu, out);
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(out, (Bytes{1, 2, 3}));
  return r ? std::string() : r.error().message;
}

TEST(CodecStrict, CStringOverItsMaximum) {
  BindTransmitter b;
  b.system_id = std::string(16, 's');  // C(16): at most 15 characters
  const std::string m = expect_refused(Pdu{status::ok, 1, b});
  EXPECT_NE(m.find("system_id is 16 characters, at most 15"), std::string::npos) << m;
  b.system_id = std::string(15, 's');
  EXPECT_FALSE(encoded(Pdu{status::ok, 1, b}).empty());
}

TEST(CodecStrict, AddressOverItsMaximum) {
  SubmitSm s = hello_submit();
  s.destination.addr = std::string(21, '1');
  expect_refused(Pdu{status::ok, 1, s});
  DataSm d;
  d.destination.addr = std::string(21, '1');  // data_sm allows C(65)
  EXPECT_FALSE(encoded(Pdu{status::ok, 1, d}).empty());
}

TEST(CodecStrict, ShortMessageOver254Octets) {
  SubmitSm s = hello_submit();
  s.short_message = Bytes(255, 'a');
  const std::string m = expect_refused(Pdu{status::ok, 1, s});
  EXPECT_NE(m.find("short_message is 255 octets"), std::string::npos) << m;
}

TEST(CodecStrict, ShortMessageAndMessagePayloadTogether) {
  DeliverSm d;
  d.short_message = bytes("a");
  d.tlvs.message_payload = bytes("b");
  expect_refused(Pdu{status::ok, 1, d});
  d.short_message.clear();
  EXPECT_FALSE(encoded(Pdu{status::ok, 1, d}).empty());
}

TEST(CodecStrict, TimeFieldMustBeEmptyOr16Characters) {
  SubmitSm s = hello_submit();
  s.validity_period = "2511241530";
  const std::string m = expect_refused(Pdu{status::ok, 1, s});
  EXPECT_NE(m.find("validity_period"), std::string::npos) << m;
  QuerySmResp q{"id", "25112415300000", 2, 0};
  expect_refused(Pdu{status::ok, 1, q});
}

TEST(CodecStrict, EmbeddedNul) {
  expect_refused(Pdu{status::ok, 1, Outbind{std::string("a\0b", 3), ""}});
  DeliverSmResp r;
  r.tlvs.receipted_message_id = std::string("a\0", 2);
  expect_refused(Pdu{status::ok, 1, r});
}

TEST(CodecStrict, TlvStringOverItsMaximum) {
  DataSmResp r;
  r.tlvs.additional_status_info_text = std::string(256, 'x');  // C(256)
  expect_refused(Pdu{status::ok, 1, r});
}

TEST(CodecStrict, MessagePayloadOverTlvLimit) {
  DataSm d;
  d.tlvs.message_payload = Bytes(65536, 0);
  expect_refused(Pdu{status::ok, 1, d});
  d.tlvs.message_payload = Bytes(65535, 0);
  EXPECT_FALSE(encoded(Pdu{status::ok, 1, d}).empty());
}

TEST(CodecStrict, TypedTagInOther) {
  SubmitSm s = hello_submit();
  s.tlvs.other.push_back(Tlv{tag::message_payload, bytes("x")});
  expect_refused(Pdu{status::ok, 1, s});
}

TEST(CodecStrict, SubmitMultiDestinationCount) {
  SubmitMulti m;
  expect_refused(Pdu{status::ok, 1, m});
  m.destinations.assign(255, MultiDestination{1, {1, 1, "1"}, ""});
  expect_refused(Pdu{status::ok, 1, m});
  m.destinations.assign(1, MultiDestination{3, {1, 1, "1"}, ""});
  expect_refused(Pdu{status::ok, 1, m});
}

TEST(CodecStrict, ErrorResponseWithEmptyBodyIsHeaderOnly) {
  EXPECT_EQ(to_hex(encoded(Pdu{status::submit_fail, 2, SubmitSmResp{}})),
            to_hex(hex("00000010 80000004 00000045 00000002")));
  EXPECT_EQ(to_hex(encoded(Pdu{status::bind_fail, 1, BindTransceiverResp{}})),
            to_hex(hex("00000010 80000009 0000000D 00000001")));
  // deliver_sm_resp always carries its NUL message_id.
  EXPECT_EQ(to_hex(encoded(Pdu{status::x_t_appn, 1, DeliverSmResp{}})),
            to_hex(hex("00000011 80000005 00000064 00000001 00")));
  // A body that was set is sent.
  EXPECT_EQ(to_hex(encoded(Pdu{status::submit_fail, 2, SubmitSmResp{"x", {}}})),
            to_hex(hex("00000012 80000004 00000045 00000002 7800")));
}

// ---- responses ----------------------------------------------------------------------------------

TEST(CodecResponse, EveryRequestGetsItsOwnResponse) {
  const std::pair<Body, CommandId> cases[] = {
      {BindReceiver{}, CommandId::bind_receiver_resp},
      {BindTransmitter{}, CommandId::bind_transmitter_resp},
      {BindTransceiver{}, CommandId::bind_transceiver_resp},
      {QuerySm{}, CommandId::query_sm_resp},
      {SubmitSm{}, CommandId::submit_sm_resp},
      {DeliverSm{}, CommandId::deliver_sm_resp},
      {Unbind{}, CommandId::unbind_resp},
      {ReplaceSm{}, CommandId::replace_sm_resp},
      {CancelSm{}, CommandId::cancel_sm_resp},
      {EnquireLink{}, CommandId::enquire_link_resp},
      {SubmitMulti{}, CommandId::submit_multi_resp},
      {DataSm{}, CommandId::data_sm_resp},
      {Outbind{}, CommandId::generic_nack},
      {AlertNotification{}, CommandId::generic_nack},
  };
  for (const auto& [request, expected] : cases) {
    const Pdu response = make_response(Pdu{status::ok, 1234, request}, status::throttled);
    EXPECT_EQ(command_id_of(response.body), expected);
    EXPECT_EQ(response.sequence_number, 1234u);
    EXPECT_EQ(response.command_status, status::throttled);
    EXPECT_FALSE(encoded(response).empty());
  }
}

TEST(CodecResponse, ResponseBodyIsEmpty) {
  const Pdu r = make_response(Pdu{status::ok, 5, hello_submit()}, status::ok);
  EXPECT_EQ(r, (Pdu{status::ok, 5, SubmitSmResp{}}));
}

}  // namespace
}  // namespace smppgw::smpp
