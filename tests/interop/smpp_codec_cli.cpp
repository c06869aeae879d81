// smpp-codec-cli: the codec (protocol/codec.hpp) behind a line protocol, so that a third-party
// SMPP implementation (node-smpp, codec_interop.js) can be checked against it. Built for tests
// only.
//   smpp-codec-cli decode   each stdin line: one PDU in hex → one line of canonical JSON:
//                           {"ok":true,"pdu":{...}} or {"ok":false,"status":N,"message":"..."}
//   smpp-codec-cli encode   each stdin line: canonical JSON of a PDU → {"ok":true,"hex":"..."}
//                           or {"ok":false,"message":"..."}
// Canonical JSON: "command" (3.4 name), "command_status", "sequence_number", the mandatory
// fields under their 3.4 names (addresses flattened as source_addr_ton/_npi/source_addr, octet
// strings in lowercase hex, submit_multi's "dest_address" and submit_multi_resp's
// "unsuccess_sme" as arrays), each typed TLV present under its 3.4 name, and the other TLVs as
// "other_tlvs": [{"tag":N,"value":"hex"}] in wire order.
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "protocol/codec.hpp"

namespace {

using nlohmann::json;
using namespace smppgw::smpp;

std::string to_hex(const Bytes& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (std::uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

Bytes from_hex(const std::string& s) {
  if (s.size() % 2 != 0) throw std::invalid_argument("odd number of hex digits");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument(std::string("not a hex digit: ") + c);
  };
  Bytes out;
  out.reserve(s.size() / 2);
  for (std::size_t i = 0; i < s.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(digit(s[i]) * 16 + digit(s[i + 1])));
  }
  return out;
}

// ---- one mapping per field kind, used in both directions --------------------------------

// Out = PDU → JSON; In = JSON → PDU (absent keys keep their defaults).
struct Out {
  json& j;
  void str(const char* k, const std::string& v) { j[k] = v; }
  void u8(const char* k, std::uint8_t v) { j[k] = v; }
  void u32(const char* k, std::uint32_t v) { j[k] = v; }
  void hex(const char* k, const Bytes& v) { j[k] = to_hex(v); }
  void address(const char* ton, const char* npi, const char* addr, const Address& a) {
    j[ton] = a.ton;
    j[npi] = a.npi;
    j[addr] = a.addr;
  }
};

struct In {
  const json& j;
  void str(const char* k, std::string& v) {
    if (j.contains(k)) v = j.at(k).get<std::string>();
  }
  void u8(const char* k, std::uint8_t& v) {
    if (j.contains(k)) v = j.at(k).get<std::uint8_t>();
  }
  void u32(const char* k, std::uint32_t& v) {
    if (j.contains(k)) v = j.at(k).get<std::uint32_t>();
  }
  void hex(const char* k, Bytes& v) {
    if (j.contains(k)) v = from_hex(j.at(k).get<std::string>());
  }
  void address(const char* ton, const char* npi, const char* addr, Address& a) {
    u8(ton, a.ton);
    u8(npi, a.npi);
    str(addr, a.addr);
  }
};

template <class T>
void int_tlv(Out& io, const char* k, const std::optional<T>& v) {
  if (v) io.j[k] = *v;
}
template <class T>
void int_tlv(In& io, const char* k, std::optional<T>& v) {
  if (io.j.contains(k)) v = io.j.at(k).get<T>();
}
void str_tlv(Out& io, const char* k, const std::optional<std::string>& v) {
  if (v) io.j[k] = *v;
}
void str_tlv(In& io, const char* k, std::optional<std::string>& v) {
  if (io.j.contains(k)) v = io.j.at(k).get<std::string>();
}
void hex_tlv(Out& io, const char* k, const std::optional<Bytes>& v) {
  if (v) io.j[k] = to_hex(*v);
}
void hex_tlv(In& io, const char* k, std::optional<Bytes>& v) {
  if (io.j.contains(k)) v = from_hex(io.j.at(k).get<std::string>());
}
void network_error_tlv(Out& io, const std::optional<NetworkErrorCode>& v) {
  if (v) {
    io.j["network_error_code"] =
        to_hex(Bytes{v->network_type, static_cast<std::uint8_t>(v->error_code >> 8),
                     static_cast<std::uint8_t>(v->error_code)});
  }
}
void network_error_tlv(In& io, std::optional<NetworkErrorCode>& v) {
  if (!io.j.contains("network_error_code")) return;
  const Bytes b = from_hex(io.j.at("network_error_code").get<std::string>());
  if (b.size() != 3) throw std::invalid_argument("network_error_code must be 3 octets");
  v = NetworkErrorCode{b[0], static_cast<std::uint16_t>((b[1] << 8) | b[2])};
}
void other_tlvs(Out& io, const std::vector<Tlv>& other) {
  if (other.empty()) return;
  json list = json::array();
  for (const Tlv& t : other) list.push_back({{"tag", t.tag}, {"value", to_hex(t.value)}});
  io.j["other_tlvs"] = list;
}
void other_tlvs(In& io, std::vector<Tlv>& other) {
  if (!io.j.contains("other_tlvs")) return;
  for (const json& t : io.j.at("other_tlvs")) {
    other.push_back(
        Tlv{t.at("tag").get<std::uint16_t>(), from_hex(t.at("value").get<std::string>())});
  }
}

template <class IO, class T>
void tlvs(IO& io, T& t) {
  int_tlv(io, "qos_time_to_live", t.qos_time_to_live);
  int_tlv(io, "payload_type", t.payload_type);
  str_tlv(io, "additional_status_info_text", t.additional_status_info_text);
  str_tlv(io, "receipted_message_id", t.receipted_message_id);
  int_tlv(io, "privacy_indicator", t.privacy_indicator);
  int_tlv(io, "user_message_reference", t.user_message_reference);
  int_tlv(io, "source_port", t.source_port);
  int_tlv(io, "destination_port", t.destination_port);
  int_tlv(io, "sar_msg_ref_num", t.sar_msg_ref_num);
  int_tlv(io, "language_indicator", t.language_indicator);
  int_tlv(io, "sar_total_segments", t.sar_total_segments);
  int_tlv(io, "sar_segment_seqnum", t.sar_segment_seqnum);
  int_tlv(io, "sc_interface_version", t.sc_interface_version);
  int_tlv(io, "dpf_result", t.dpf_result);
  int_tlv(io, "set_dpf", t.set_dpf);
  int_tlv(io, "ms_availability_status", t.ms_availability_status);
  network_error_tlv(io, t.network_error_code);
  hex_tlv(io, "message_payload", t.message_payload);
  int_tlv(io, "delivery_failure_reason", t.delivery_failure_reason);
  int_tlv(io, "more_messages_to_send", t.more_messages_to_send);
  int_tlv(io, "message_state", t.message_state);
  other_tlvs(io, t.other);
}

template <class IO, class D>
void destinations(IO& io, D& list) {
  if constexpr (std::is_same_v<IO, Out>) {
    json arr = json::array();
    for (const MultiDestination& d : list) {
      if (d.dest_flag == 2) {
        arr.push_back({{"dl_name", d.dl_name}});
      } else {
        arr.push_back({{"dest_addr_ton", d.address.ton},
                       {"dest_addr_npi", d.address.npi},
                       {"destination_addr", d.address.addr}});
      }
    }
    io.j["dest_address"] = arr;
  } else {
    if (!io.j.contains("dest_address")) return;
    for (const json& e : io.j.at("dest_address")) {
      MultiDestination d;
      if (e.contains("dl_name")) {
        d.dest_flag = 2;
        d.dl_name = e.at("dl_name").get<std::string>();
      } else {
        In in{e};
        in.address("dest_addr_ton", "dest_addr_npi", "destination_addr", d.address);
      }
      list.push_back(d);
    }
  }
}

template <class IO, class U>
void unsuccessful(IO& io, U& list) {
  if constexpr (std::is_same_v<IO, Out>) {
    json arr = json::array();
    for (const UnsuccessfulDelivery& u : list) {
      arr.push_back({{"dest_addr_ton", u.address.ton},
                     {"dest_addr_npi", u.address.npi},
                     {"destination_addr", u.address.addr},
                     {"error_status_code", u.error_status_code}});
    }
    io.j["unsuccess_sme"] = arr;
  } else {
    if (!io.j.contains("unsuccess_sme")) return;
    for (const json& e : io.j.at("unsuccess_sme")) {
      UnsuccessfulDelivery u;
      In in{e};
      in.address("dest_addr_ton", "dest_addr_npi", "destination_addr", u.address);
      in.u32("error_status_code", u.error_status_code);
      list.push_back(u);
    }
  }
}

template <class IO, class B>
void short_message_tail(IO& io, B& b) {
  io.u8("esm_class", b.esm_class);
  io.u8("protocol_id", b.protocol_id);
  io.u8("priority_flag", b.priority_flag);
  io.str("schedule_delivery_time", b.schedule_delivery_time);
  io.str("validity_period", b.validity_period);
  io.u8("registered_delivery", b.registered_delivery);
  io.u8("replace_if_present_flag", b.replace_if_present_flag);
  io.u8("data_coding", b.data_coding);
  io.u8("sm_default_msg_id", b.sm_default_msg_id);
  io.hex("short_message", b.short_message);
  tlvs(io, b.tlvs);
}

// The body's fields in wire order; B is T or const T.
template <class IO, class B>
void body_fields(IO& io, B& b) {
  using T = std::remove_const_t<B>;
  if constexpr (std::is_base_of_v<BindBody, T>) {
    io.str("system_id", b.system_id);
    io.str("password", b.password);
    io.str("system_type", b.system_type);
    io.u8("interface_version", b.interface_version);
    io.u8("addr_ton", b.addr_ton);
    io.u8("addr_npi", b.addr_npi);
    io.str("address_range", b.address_range);
  } else if constexpr (std::is_base_of_v<BindRespBody, T>) {
    io.str("system_id", b.system_id);
    tlvs(io, b.tlvs);
  } else if constexpr (std::is_same_v<T, Outbind>) {
    io.str("system_id", b.system_id);
    io.str("password", b.password);
  } else if constexpr (std::is_base_of_v<ShortMessageBody, T>) {
    io.str("service_type", b.service_type);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    io.address("dest_addr_ton", "dest_addr_npi", "destination_addr", b.destination);
    short_message_tail(io, b);
  } else if constexpr (std::is_same_v<T, SubmitSmResp> || std::is_same_v<T, DeliverSmResp> ||
                       std::is_same_v<T, DataSmResp>) {
    io.str("message_id", b.message_id);
    tlvs(io, b.tlvs);
  } else if constexpr (std::is_same_v<T, DataSm>) {
    io.str("service_type", b.service_type);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    io.address("dest_addr_ton", "dest_addr_npi", "destination_addr", b.destination);
    io.u8("esm_class", b.esm_class);
    io.u8("registered_delivery", b.registered_delivery);
    io.u8("data_coding", b.data_coding);
    tlvs(io, b.tlvs);
  } else if constexpr (std::is_same_v<T, SubmitMulti>) {
    io.str("service_type", b.service_type);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    destinations(io, b.destinations);
    short_message_tail(io, b);
  } else if constexpr (std::is_same_v<T, SubmitMultiResp>) {
    io.str("message_id", b.message_id);
    unsuccessful(io, b.unsuccessful);
  } else if constexpr (std::is_same_v<T, QuerySm>) {
    io.str("message_id", b.message_id);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
  } else if constexpr (std::is_same_v<T, QuerySmResp>) {
    io.str("message_id", b.message_id);
    io.str("final_date", b.final_date);
    io.u8("message_state", b.message_state);
    io.u8("error_code", b.error_code);
  } else if constexpr (std::is_same_v<T, CancelSm>) {
    io.str("service_type", b.service_type);
    io.str("message_id", b.message_id);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    io.address("dest_addr_ton", "dest_addr_npi", "destination_addr", b.destination);
  } else if constexpr (std::is_same_v<T, ReplaceSm>) {
    io.str("message_id", b.message_id);
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    io.str("schedule_delivery_time", b.schedule_delivery_time);
    io.str("validity_period", b.validity_period);
    io.u8("registered_delivery", b.registered_delivery);
    io.u8("sm_default_msg_id", b.sm_default_msg_id);
    io.hex("short_message", b.short_message);
  } else if constexpr (std::is_same_v<T, AlertNotification>) {
    io.address("source_addr_ton", "source_addr_npi", "source_addr", b.source);
    io.address("esme_addr_ton", "esme_addr_npi", "esme_addr", b.esme);
    tlvs(io, b.tlvs);
  }
  // Header-only commands have no fields.
}

json to_canonical(const Pdu& pdu) {
  json j;
  j["command"] = command_name(static_cast<std::uint32_t>(command_id_of(pdu.body)));
  j["command_status"] = pdu.command_status;
  j["sequence_number"] = pdu.sequence_number;
  Out out{j};
  std::visit([&](const auto& body) { body_fields(out, body); }, pdu.body);
  return j;
}

// Every alternative of Body, default-constructed, to find the one named `command`.
template <std::size_t I = 0>
Body body_named(const std::string& command) {
  if constexpr (I == std::variant_size_v<Body>) {
    throw std::invalid_argument("unknown command " + command);
  } else {
    Body body{std::in_place_index<I>};
    if (command == command_name(static_cast<std::uint32_t>(command_id_of(body)))) return body;
    return body_named<I + 1>(command);
  }
}

Pdu from_canonical(const json& j) {
  Pdu pdu;
  pdu.body = body_named(j.at("command").get<std::string>());
  In in{j};
  in.u32("command_status", pdu.command_status);
  in.u32("sequence_number", pdu.sequence_number);
  std::visit([&](auto& body) { body_fields(in, body); }, pdu.body);
  return pdu;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "decode" && mode != "encode") {
    std::cerr << "usage: smpp-codec-cli decode|encode < lines\n";
    return 2;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    json reply;
    try {
      if (mode == "decode") {
        const Bytes frame = from_hex(line);
        auto pdu = decode(frame);
        if (pdu) {
          reply = {{"ok", true}, {"pdu", to_canonical(*pdu)}};
        } else {
          reply = {{"ok", false},
                   {"status", pdu.error().response_status},
                   {"header_read", pdu.error().header_read},
                   {"sequence_number", pdu.error().sequence_number},
                   {"message", pdu.error().message}};
        }
      } else {
        Bytes out;
        auto r = encode(from_canonical(json::parse(line)), out);
        reply = r ? json{{"ok", true}, {"hex", to_hex(out)}}
                  : json{{"ok", false}, {"message", r.error().message}};
      }
    } catch (const std::exception& e) {
      // Malformed test input (bad hex or JSON), not a codec verdict.
      reply = {{"ok", false},
               {"message", std::string("bad input line: ") + e.what()},
               {"input_error", true}};
    }
    std::cout << reply.dump() << '\n';
  }
  return 0;
}
