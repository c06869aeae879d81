// SMPP 3.4 codec. Each body's wire layout is written once, in `fields()`, as a sequence of
// field operations run either by a Reader (decode) or a Writer (encode), so the two directions
// cannot drift apart. Field descriptors carry the 3.4 maximum (checked when encoding only) and
// the command_status that names the field when a peer sends it broken (jsmpp's precedent:
// a source_addr without NUL is answered ESME_RINVSRCADR).
#include "protocol/codec.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

namespace smppgw::smpp {
namespace {

// ---- field descriptors ------------------------------------------------------------------

// A C-Octet String field: max_length includes the NUL (smpp-notes §3 notation C(n)).
struct CStr {
  const char* name;
  std::size_t max_length;
  std::uint32_t status;  // answered when the field arrives without its NUL
  bool time = false;     // C(1|17): empty or exactly 16 characters (smpp-notes §6)
};

struct AddrField {
  const char* ton;
  const char* npi;
  CStr addr;
};

constexpr CStr kSystemId{"system_id", 16, status::inv_sys_id};
constexpr CStr kPassword{"password", 9, status::inv_paswd};
constexpr CStr kSystemType{"system_type", 13, status::inv_sys_typ};
constexpr CStr kAddressRange{"address_range", 41, status::bind_fail};
constexpr CStr kServiceType{"service_type", 6, status::inv_ser_typ};
constexpr CStr kMessageId{"message_id", 65, status::inv_msg_id};
constexpr CStr kScheduleDeliveryTime{"schedule_delivery_time", 17, status::inv_sched, true};
constexpr CStr kValidityPeriod{"validity_period", 17, status::inv_expiry, true};
constexpr CStr kFinalDate{"final_date", 17, status::sys_err, true};
constexpr CStr kDlName{"dl_name", 21, status::inv_dl_name};

constexpr AddrField kSource21{
    "source_addr_ton", "source_addr_npi", {"source_addr", 21, status::inv_src_adr}};
constexpr AddrField kDest21{
    "dest_addr_ton", "dest_addr_npi", {"destination_addr", 21, status::inv_dst_adr}};
constexpr AddrField kSource65{
    "source_addr_ton", "source_addr_npi", {"source_addr", 65, status::inv_src_adr}};
constexpr AddrField kDest65{
    "dest_addr_ton", "dest_addr_npi", {"destination_addr", 65, status::inv_dst_adr}};
constexpr AddrField kEsme65{
    "esme_addr_ton", "esme_addr_npi", {"esme_addr", 65, status::inv_dst_adr}};

constexpr std::size_t kMaxShortMessage = 254;  // sm_length range 0–254 (smpp-notes §3)
constexpr std::size_t kMaxDestinations = 254;  // number_of_dests (smpp-notes §3)
constexpr std::size_t kMaxTlvValue = 0xFFFF;   // 2-octet TLV length
constexpr std::size_t kMaxReceiptedMessageId = 65;
constexpr std::size_t kMaxAdditionalStatusInfoText = 256;

std::string hex16(std::uint16_t v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s = "0x0000";
  for (int i = 0; i < 4; ++i) s[5 - i] = kDigits[(v >> (4 * i)) & 0xF];
  return s;
}

std::string hex32(std::uint32_t v) {
  return hex16(static_cast<std::uint16_t>(v >> 16)) +
         hex16(static_cast<std::uint16_t>(v)).substr(2);
}

std::string tlv_label(std::uint16_t tag) {
  return "TLV " + hex16(tag);
}

// ---- decoding -------------------------------------------------------------------------

// Bounds-checked cursor over one frame body. The first failure is recorded; every later
// operation is a no-op, so a body's field list reads straight through.
class Reader {
 public:
  static constexpr bool kReading = true;

  Reader(const std::uint8_t* begin, const std::uint8_t* end) : p_(begin), end_(end) {}

  bool failed() const { return failed_; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  std::uint32_t fail_status() const { return fail_status_; }
  std::string& fail_message() { return fail_message_; }

  void fail(std::uint32_t status, std::string message) {
    if (failed_) return;
    failed_ = true;
    fail_status_ = status;
    fail_message_ = std::move(message);
  }

  void u8(std::uint8_t& v, const char* name) {
    if (failed_) return;
    if (remaining() < 1) return missing(name);
    v = *p_++;
  }

  void u32(std::uint32_t& v, const char* name) {
    if (failed_) return;
    if (remaining() < 4) return missing(name);
    v = load32(p_);
    p_ += 4;
  }

  // Liberal: any length that fits in the frame; the maximum is not enforced on input.
  void cstring(std::string& s, const CStr& f) {
    if (failed_) return;
    const void* nul = std::memchr(p_, 0, remaining());
    if (nul == nullptr) {
      return fail(f.status, std::string(f.name) + " has no terminating NUL within the PDU");
    }
    const auto* q = static_cast<const std::uint8_t*>(nul);
    // clear + append takes a shorter path than assign (_M_replace) into a fresh string.
    s.clear();
    s.append(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(q - p_));
    p_ = q + 1;
  }

  void address(Address& a, const AddrField& f) {
    u8(a.ton, f.ton);
    u8(a.npi, f.npi);
    cstring(a.addr, f.addr);
  }

  // sm_length then short_message.
  void short_message(Bytes& sm) {
    std::uint8_t length = 0;
    u8(length, "sm_length");
    if (failed_) return;
    if (length > remaining()) {
      return fail(status::inv_msg_len, "short_message runs past the end of the PDU (sm_length " +
                                           std::to_string(length) + ", " +
                                           std::to_string(remaining()) + " octets left)");
    }
    sm.assign(p_, p_ + length);
    p_ += length;
  }

  // TLVs until the end of the frame (smpp-notes §5). Integer TLVs are read by their length.
  void tlvs(Tlvs& t) {
    while (!failed_ && p_ != end_) {
      if (remaining() < 4) {
        return fail(status::inv_opt_par_stream,
                    "TLV header truncated (" + std::to_string(remaining()) + " octets left)");
      }
      const std::uint16_t tag = load16(p_);
      const std::size_t length = load16(p_ + 2);
      p_ += 4;
      if (length > remaining()) {
        return fail(status::inv_opt_par_stream, tlv_label(tag) + " length " +
                                                    std::to_string(length) +
                                                    " runs past the end of the PDU (" +
                                                    std::to_string(remaining()) + " octets left)");
      }
      const std::uint8_t* value = p_;
      p_ += length;
      tlv(t, tag, value, length);
    }
  }

 private:
  static std::uint16_t load16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
  }
  static std::uint32_t load32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
  }

  // Out of line, so that u8()/u32() are small enough to be inlined into the field lists.
  [[gnu::cold, gnu::noinline]] void missing(const char* name) {
    fail(status::inv_msg_len, std::string(name) + " is missing: the PDU ends before it");
  }

  // An integer TLV of width 1, 2 or 4 whose value must fit in T.
  template <class T>
  void int_tlv(std::optional<T>& dst, std::uint16_t tag, const std::uint8_t* v, std::size_t n) {
    std::uint32_t x = 0;
    switch (n) {
      case 1:
        x = v[0];
        break;
      case 2:
        x = load16(v);
        break;
      case 4:
        x = load32(v);
        break;
      default:
        return fail(status::inv_par_len,
                    tlv_label(tag) + " has length " + std::to_string(n) + ", expected 1, 2 or 4");
    }
    if (x > std::numeric_limits<T>::max()) {
      return fail(status::inv_opt_param_val,
                  tlv_label(tag) + " value " + std::to_string(x) + " is out of range");
    }
    dst = static_cast<T>(x);
  }

  // A C-string TLV: the value up to its NUL (or all of it when the NUL is missing).
  static void string_tlv(std::optional<std::string>& dst, const std::uint8_t* v, std::size_t n) {
    const void* nul = std::memchr(v, 0, n);
    const std::size_t len =
        nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - v) : n;
    dst.emplace(reinterpret_cast<const char*>(v), len);
  }

  void tlv(Tlvs& t, std::uint16_t tag, const std::uint8_t* v, std::size_t n) {
    switch (tag) {
      case tag::qos_time_to_live:
        return int_tlv(t.qos_time_to_live, tag, v, n);
      case tag::payload_type:
        return int_tlv(t.payload_type, tag, v, n);
      case tag::additional_status_info_text:
        return string_tlv(t.additional_status_info_text, v, n);
      case tag::receipted_message_id:
        return string_tlv(t.receipted_message_id, v, n);
      case tag::privacy_indicator:
        return int_tlv(t.privacy_indicator, tag, v, n);
      case tag::user_message_reference:
        return int_tlv(t.user_message_reference, tag, v, n);
      case tag::source_port:
        return int_tlv(t.source_port, tag, v, n);
      case tag::destination_port:
        return int_tlv(t.destination_port, tag, v, n);
      case tag::sar_msg_ref_num:
        return int_tlv(t.sar_msg_ref_num, tag, v, n);
      case tag::language_indicator:
        return int_tlv(t.language_indicator, tag, v, n);
      case tag::sar_total_segments:
        return int_tlv(t.sar_total_segments, tag, v, n);
      case tag::sar_segment_seqnum:
        return int_tlv(t.sar_segment_seqnum, tag, v, n);
      case tag::sc_interface_version:
        return int_tlv(t.sc_interface_version, tag, v, n);
      case tag::dpf_result:
        return int_tlv(t.dpf_result, tag, v, n);
      case tag::set_dpf:
        return int_tlv(t.set_dpf, tag, v, n);
      case tag::ms_availability_status:
        return int_tlv(t.ms_availability_status, tag, v, n);
      case tag::network_error_code:
        if (n != 3) {
          return fail(status::inv_par_len,
                      tlv_label(tag) + " has length " + std::to_string(n) + ", expected 3");
        }
        t.network_error_code = NetworkErrorCode{v[0], load16(v + 1)};
        return;
      case tag::message_payload:
        t.message_payload.emplace(v, v + n);
        return;
      case tag::delivery_failure_reason:
        return int_tlv(t.delivery_failure_reason, tag, v, n);
      case tag::more_messages_to_send:
        return int_tlv(t.more_messages_to_send, tag, v, n);
      case tag::message_state:
        return int_tlv(t.message_state, tag, v, n);
      default:
        t.other.push_back(Tlv{tag, Bytes(v, v + n)});
        return;
    }
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool failed_ = false;
  std::uint32_t fail_status_ = status::ok;
  std::string fail_message_;
};

// ---- encoding -------------------------------------------------------------------------

// Appends fields to a buffer, enforcing the 3.4 limits. The first violation is recorded and
// every later operation is a no-op; encode() then truncates the buffer back.
class Writer {
 public:
  static constexpr bool kReading = false;

  explicit Writer(Bytes& out) : out_(out) {}

  bool failed() const { return failed_; }
  std::string& fail_message() { return fail_message_; }

  void fail(std::string message) {
    if (failed_) return;
    failed_ = true;
    fail_message_ = std::move(message);
  }

  void u8(std::uint8_t v, const char*) {
    if (!failed_) out_.push_back(v);
  }

  void u16(std::uint16_t v) {
    if (failed_) return;
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    out_.insert(out_.end(), b, b + 2);
  }

  void u32(std::uint32_t v, const char*) {
    if (failed_) return;
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24),
                               static_cast<std::uint8_t>(v >> 16),
                               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    out_.insert(out_.end(), b, b + 4);
  }

  void cstring(const std::string& s, const CStr& f) {
    if (failed_) return;
    if (!check_string(s, f.name, f.max_length)) return;
    if (f.time && !s.empty() && s.size() != 16) {
      return fail(std::string(f.name) + " must be empty or exactly 16 characters, got " +
                  std::to_string(s.size()));
    }
    append_cstring(s);
  }

  void address(const Address& a, const AddrField& f) {
    u8(a.ton, f.ton);
    u8(a.npi, f.npi);
    cstring(a.addr, f.addr);
  }

  void short_message(const Bytes& sm) {
    if (failed_) return;
    if (sm.size() > kMaxShortMessage) {
      return fail("short_message is " + std::to_string(sm.size()) + " octets, at most " +
                  std::to_string(kMaxShortMessage) + " allowed (use message_payload)");
    }
    out_.push_back(static_cast<std::uint8_t>(sm.size()));
    out_.insert(out_.end(), sm.begin(), sm.end());
  }

  // Typed TLVs in tag order, then `other` as received.
  void tlvs(const Tlvs& t) {
    int_tlv(tag::qos_time_to_live, t.qos_time_to_live);
    int_tlv(tag::payload_type, t.payload_type);
    string_tlv(tag::additional_status_info_text, t.additional_status_info_text,
               "additional_status_info_text", kMaxAdditionalStatusInfoText);
    string_tlv(tag::receipted_message_id, t.receipted_message_id, "receipted_message_id",
               kMaxReceiptedMessageId);
    int_tlv(tag::privacy_indicator, t.privacy_indicator);
    int_tlv(tag::user_message_reference, t.user_message_reference);
    int_tlv(tag::source_port, t.source_port);
    int_tlv(tag::destination_port, t.destination_port);
    int_tlv(tag::sar_msg_ref_num, t.sar_msg_ref_num);
    int_tlv(tag::language_indicator, t.language_indicator);
    int_tlv(tag::sar_total_segments, t.sar_total_segments);
    int_tlv(tag::sar_segment_seqnum, t.sar_segment_seqnum);
    int_tlv(tag::sc_interface_version, t.sc_interface_version);
    int_tlv(tag::dpf_result, t.dpf_result);
    int_tlv(tag::set_dpf, t.set_dpf);
    int_tlv(tag::ms_availability_status, t.ms_availability_status);
    if (t.network_error_code && !failed_) {
      u16(tag::network_error_code);
      u16(3);
      out_.push_back(t.network_error_code->network_type);
      u16(t.network_error_code->error_code);
    }
    if (t.message_payload) raw_tlv(tag::message_payload, *t.message_payload);
    int_tlv(tag::delivery_failure_reason, t.delivery_failure_reason);
    int_tlv(tag::more_messages_to_send, t.more_messages_to_send);
    int_tlv(tag::message_state, t.message_state);
    for (const Tlv& tlv : t.other) {
      if (is_typed_tag(tlv.tag)) {
        return fail(tlv_label(tlv.tag) + " is in Tlvs::other but has a typed field; set that");
      }
      raw_tlv(tlv.tag, tlv.value);
    }
  }

 private:
  static bool is_typed_tag(std::uint16_t tag) {
    switch (tag) {
      case tag::qos_time_to_live:
      case tag::payload_type:
      case tag::additional_status_info_text:
      case tag::receipted_message_id:
      case tag::privacy_indicator:
      case tag::user_message_reference:
      case tag::source_port:
      case tag::destination_port:
      case tag::sar_msg_ref_num:
      case tag::language_indicator:
      case tag::sar_total_segments:
      case tag::sar_segment_seqnum:
      case tag::sc_interface_version:
      case tag::dpf_result:
      case tag::set_dpf:
      case tag::ms_availability_status:
      case tag::network_error_code:
      case tag::message_payload:
      case tag::delivery_failure_reason:
      case tag::more_messages_to_send:
      case tag::message_state:
        return true;
      default:
        return false;
    }
  }

  bool check_string(const std::string& s, const char* name, std::size_t max_with_nul) {
    if (s.size() + 1 > max_with_nul) {
      fail(std::string(name) + " is " + std::to_string(s.size()) + " characters, at most " +
           std::to_string(max_with_nul - 1) + " allowed");
      return false;
    }
    if (s.find('\0') != std::string::npos) {
      fail(std::string(name) + " contains a NUL character");
      return false;
    }
    return true;
  }

  void append_cstring(const std::string& s) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    out_.insert(out_.end(), p, p + s.size() + 1);  // std::string keeps a NUL after data()
  }

  template <class T>
  void int_tlv(std::uint16_t tag, const std::optional<T>& v) {
    if (!v || failed_) return;
    u16(tag);
    u16(sizeof(T));
    if constexpr (sizeof(T) == 1) {
      out_.push_back(*v);
    } else if constexpr (sizeof(T) == 2) {
      u16(*v);
    } else {
      u32(*v, nullptr);
    }
  }

  void string_tlv(std::uint16_t tag, const std::optional<std::string>& v, const char* name,
                  std::size_t max_with_nul) {
    if (!v || failed_) return;
    if (!check_string(*v, name, max_with_nul)) return;
    u16(tag);
    u16(static_cast<std::uint16_t>(v->size() + 1));
    append_cstring(*v);
  }

  void raw_tlv(std::uint16_t tag, const Bytes& value) {
    if (failed_) return;
    if (value.size() > kMaxTlvValue) {
      return fail(tlv_label(tag) + " value is " + std::to_string(value.size()) +
                  " octets, at most 65535 fit a TLV");
    }
    u16(tag);
    u16(static_cast<std::uint16_t>(value.size()));
    out_.insert(out_.end(), value.begin(), value.end());
  }

  Bytes& out_;
  bool failed_ = false;
  std::string fail_message_;
};

// ---- body layouts (smpp-notes §3), shared by both directions -----------------------------

template <class T>
constexpr bool kHeaderOnly =
    std::is_same_v<T, GenericNack> || std::is_same_v<T, Unbind> || std::is_same_v<T, UnbindResp> ||
    std::is_same_v<T, EnquireLink> || std::is_same_v<T, EnquireLinkResp> ||
    std::is_same_v<T, CancelSmResp> || std::is_same_v<T, ReplaceSmResp>;

// Responses whose body a peer may leave out on error (smpp-notes §1, §11.4); on input any of
// them may also come without body on success (deliver_sm_resp of length 16 is common).
template <class T>
constexpr bool kBodyOptional =
    std::is_base_of_v<BindRespBody, T> || std::is_same_v<T, SubmitSmResp> ||
    std::is_same_v<T, DeliverSmResp> || std::is_same_v<T, DataSmResp> ||
    std::is_same_v<T, QuerySmResp> || std::is_same_v<T, SubmitMultiResp>;

// Responses that 3.4 sends header-only when command_status != 0.
template <class T>
constexpr bool kBodyOmittedOnError = kBodyOptional<T> && !std::is_same_v<T, DeliverSmResp>;

template <class IO, class B>
void submit_multi_destinations(IO& io, B& b) {
  if constexpr (IO::kReading) {
    std::uint8_t count = 0;
    io.u8(count, "number_of_dests");
    if (io.failed()) return;
    b.destinations.resize(count);
    for (MultiDestination& d : b.destinations) {
      io.u8(d.dest_flag, "dest_flag");
      if (io.failed()) return;
      if (d.dest_flag == 1) {
        io.address(d.address, kDest21);
      } else if (d.dest_flag == 2) {
        io.cstring(d.dl_name, kDlName);
      } else {
        return io.fail(status::inv_dest_flag,
                       "dest_flag " + std::to_string(d.dest_flag) + " is neither 1 nor 2");
      }
    }
  } else {
    if (b.destinations.empty() || b.destinations.size() > kMaxDestinations) {
      return io.fail("number_of_dests is " + std::to_string(b.destinations.size()) +
                     ", must be 1 to " + std::to_string(kMaxDestinations));
    }
    io.u8(static_cast<std::uint8_t>(b.destinations.size()), "number_of_dests");
    for (const MultiDestination& d : b.destinations) {
      io.u8(d.dest_flag, "dest_flag");
      if (d.dest_flag == 1) {
        io.address(d.address, kDest21);
      } else if (d.dest_flag == 2) {
        io.cstring(d.dl_name, kDlName);
      } else {
        return io.fail("dest_flag " + std::to_string(d.dest_flag) + " is neither 1 nor 2");
      }
    }
  }
}

template <class IO, class B>
void unsuccessful_deliveries(IO& io, B& b) {
  if constexpr (IO::kReading) {
    std::uint8_t count = 0;
    io.u8(count, "no_unsuccess");
    if (io.failed()) return;
    b.unsuccessful.resize(count);
    for (UnsuccessfulDelivery& u : b.unsuccessful) {
      io.address(u.address, kDest21);
      io.u32(u.error_status_code, "error_status_code");
    }
  } else {
    if (b.unsuccessful.size() > 255) {
      return io.fail("no_unsuccess is " + std::to_string(b.unsuccessful.size()) +
                     ", at most 255 fit");
    }
    io.u8(static_cast<std::uint8_t>(b.unsuccessful.size()), "no_unsuccess");
    for (const UnsuccessfulDelivery& u : b.unsuccessful) {
      io.address(u.address, kDest21);
      io.u32(u.error_status_code, "error_status_code");
    }
  }
}

// The mandatory fields after the destination(s), shared by submit_sm, deliver_sm, submit_multi.
template <class IO, class B>
void short_message_tail(IO& io, B& b) {
  io.u8(b.esm_class, "esm_class");
  io.u8(b.protocol_id, "protocol_id");
  io.u8(b.priority_flag, "priority_flag");
  io.cstring(b.schedule_delivery_time, kScheduleDeliveryTime);
  io.cstring(b.validity_period, kValidityPeriod);
  io.u8(b.registered_delivery, "registered_delivery");
  io.u8(b.replace_if_present_flag, "replace_if_present_flag");
  io.u8(b.data_coding, "data_coding");
  io.u8(b.sm_default_msg_id, "sm_default_msg_id");
  io.short_message(b.short_message);
  if constexpr (!IO::kReading) {
    if (!b.short_message.empty() && b.tlvs.message_payload) {
      return io.fail("short_message and message_payload are both set; use one");
    }
  }
  io.tlvs(b.tlvs);
}

// B is T (decode) or const T (encode).
template <class IO, class B>
void fields(IO& io, B& b) {
  using T = std::remove_const_t<B>;
  if constexpr (kHeaderOnly<T>) {
    // No body. Trailing octets, if any, are ignored on input.
  } else if constexpr (std::is_base_of_v<BindBody, T>) {
    io.cstring(b.system_id, kSystemId);
    io.cstring(b.password, kPassword);
    io.cstring(b.system_type, kSystemType);
    io.u8(b.interface_version, "interface_version");
    io.u8(b.addr_ton, "addr_ton");
    io.u8(b.addr_npi, "addr_npi");
    io.cstring(b.address_range, kAddressRange);
  } else if constexpr (std::is_base_of_v<BindRespBody, T>) {
    io.cstring(b.system_id, kSystemId);
    io.tlvs(b.tlvs);
  } else if constexpr (std::is_same_v<T, Outbind>) {
    io.cstring(b.system_id, kSystemId);
    io.cstring(b.password, kPassword);
  } else if constexpr (std::is_base_of_v<ShortMessageBody, T>) {
    io.cstring(b.service_type, kServiceType);
    io.address(b.source, kSource21);
    io.address(b.destination, kDest21);
    short_message_tail(io, b);
  } else if constexpr (std::is_same_v<T, SubmitSmResp> || std::is_same_v<T, DeliverSmResp> ||
                       std::is_same_v<T, DataSmResp>) {
    io.cstring(b.message_id, kMessageId);
    io.tlvs(b.tlvs);
  } else if constexpr (std::is_same_v<T, DataSm>) {
    io.cstring(b.service_type, kServiceType);
    io.address(b.source, kSource65);
    io.address(b.destination, kDest65);
    io.u8(b.esm_class, "esm_class");
    io.u8(b.registered_delivery, "registered_delivery");
    io.u8(b.data_coding, "data_coding");
    io.tlvs(b.tlvs);
  } else if constexpr (std::is_same_v<T, SubmitMulti>) {
    io.cstring(b.service_type, kServiceType);
    io.address(b.source, kSource21);
    submit_multi_destinations(io, b);
    short_message_tail(io, b);
  } else if constexpr (std::is_same_v<T, SubmitMultiResp>) {
    io.cstring(b.message_id, kMessageId);
    unsuccessful_deliveries(io, b);
  } else if constexpr (std::is_same_v<T, QuerySm>) {
    io.cstring(b.message_id, kMessageId);
    io.address(b.source, kSource21);
  } else if constexpr (std::is_same_v<T, QuerySmResp>) {
    io.cstring(b.message_id, kMessageId);
    io.cstring(b.final_date, kFinalDate);
    io.u8(b.message_state, "message_state");
    io.u8(b.error_code, "error_code");
  } else if constexpr (std::is_same_v<T, CancelSm>) {
    io.cstring(b.service_type, kServiceType);
    io.cstring(b.message_id, kMessageId);
    io.address(b.source, kSource21);
    io.address(b.destination, kDest21);
  } else if constexpr (std::is_same_v<T, ReplaceSm>) {
    io.cstring(b.message_id, kMessageId);
    io.address(b.source, kSource21);
    io.cstring(b.schedule_delivery_time, kScheduleDeliveryTime);
    io.cstring(b.validity_period, kValidityPeriod);
    io.u8(b.registered_delivery, "registered_delivery");
    io.u8(b.sm_default_msg_id, "sm_default_msg_id");
    io.short_message(b.short_message);
  } else if constexpr (std::is_same_v<T, AlertNotification>) {
    io.address(b.source, kSource65);
    io.address(b.esme, kEsme65);
    io.tlvs(b.tlvs);
  } else {
    static_assert(std::is_void_v<T>, "body without a wire layout");
  }
}

// ---- command table -----------------------------------------------------------------------

template <class T>
struct Command;
#define SMPPGW_COMMAND(Type, id)                    \
  template <>                                       \
  struct Command<Type> {                            \
    static constexpr CommandId kId = CommandId::id; \
  };
SMPPGW_COMMAND(GenericNack, generic_nack)
SMPPGW_COMMAND(BindReceiver, bind_receiver)
SMPPGW_COMMAND(BindReceiverResp, bind_receiver_resp)
SMPPGW_COMMAND(BindTransmitter, bind_transmitter)
SMPPGW_COMMAND(BindTransmitterResp, bind_transmitter_resp)
SMPPGW_COMMAND(QuerySm, query_sm)
SMPPGW_COMMAND(QuerySmResp, query_sm_resp)
SMPPGW_COMMAND(SubmitSm, submit_sm)
SMPPGW_COMMAND(SubmitSmResp, submit_sm_resp)
SMPPGW_COMMAND(DeliverSm, deliver_sm)
SMPPGW_COMMAND(DeliverSmResp, deliver_sm_resp)
SMPPGW_COMMAND(Unbind, unbind)
SMPPGW_COMMAND(UnbindResp, unbind_resp)
SMPPGW_COMMAND(ReplaceSm, replace_sm)
SMPPGW_COMMAND(ReplaceSmResp, replace_sm_resp)
SMPPGW_COMMAND(CancelSm, cancel_sm)
SMPPGW_COMMAND(CancelSmResp, cancel_sm_resp)
SMPPGW_COMMAND(BindTransceiver, bind_transceiver)
SMPPGW_COMMAND(BindTransceiverResp, bind_transceiver_resp)
SMPPGW_COMMAND(Outbind, outbind)
SMPPGW_COMMAND(EnquireLink, enquire_link)
SMPPGW_COMMAND(EnquireLinkResp, enquire_link_resp)
SMPPGW_COMMAND(SubmitMulti, submit_multi)
SMPPGW_COMMAND(SubmitMultiResp, submit_multi_resp)
SMPPGW_COMMAND(AlertNotification, alert_notification)
SMPPGW_COMMAND(DataSm, data_sm)
SMPPGW_COMMAND(DataSmResp, data_sm_resp)
#undef SMPPGW_COMMAND

std::uint32_t load32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

void store32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

DecodeError body_error(std::uint32_t command_id, std::uint32_t sequence_number,
                       std::uint32_t response_status, std::string message) {
  return DecodeError{true, command_id, sequence_number, response_status,
                     std::string(command_name(command_id)) + ": " + message};
}

template <class T>
void decode_body(const std::uint8_t* begin, const std::uint8_t* end, std::uint32_t command_id,
                 tl::expected<Pdu, DecodeError>& result) {
  T& body = result->body.template emplace<T>();
  if constexpr (kBodyOptional<T>) {
    if (begin == end) return;  // header-only response
  }
  Reader reader(begin, end);
  fields(reader, body);
  if (!reader.failed()) return;
  if constexpr (kBodyOptional<T>) {
    // An error response is complete with its status; a broken body must not hide it.
    if (result->command_status != status::ok) {
      body = T{};
      return;
    }
  }
  result = tl::unexpected(body_error(command_id, result->sequence_number, reader.fail_status(),
                                     std::move(reader.fail_message())));
}

// The *_resp body answering `command_id`, if it is a request that has one.
std::optional<Body> response_body(std::uint32_t command_id) {
  switch (static_cast<CommandId>(command_id)) {
    case CommandId::bind_receiver:
      return Body{BindReceiverResp{}};
    case CommandId::bind_transmitter:
      return Body{BindTransmitterResp{}};
    case CommandId::bind_transceiver:
      return Body{BindTransceiverResp{}};
    case CommandId::query_sm:
      return Body{QuerySmResp{}};
    case CommandId::submit_sm:
      return Body{SubmitSmResp{}};
    case CommandId::deliver_sm:
      return Body{DeliverSmResp{}};
    case CommandId::unbind:
      return Body{UnbindResp{}};
    case CommandId::replace_sm:
      return Body{ReplaceSmResp{}};
    case CommandId::cancel_sm:
      return Body{CancelSmResp{}};
    case CommandId::enquire_link:
      return Body{EnquireLinkResp{}};
    case CommandId::submit_multi:
      return Body{SubmitMultiResp{}};
    case CommandId::data_sm:
      return Body{DataSmResp{}};
    default:
      return std::nullopt;
  }
}

}  // namespace

// ---- public API ------------------------------------------------------------------------

CommandId command_id_of(const Body& body) {
  return std::visit([](const auto& b) { return Command<std::remove_cvref_t<decltype(b)>>::kId; },
                    body);
}

namespace {
// The name of a 3.4 command, or nullptr for an id 3.4 does not define.
const char* known_name(std::uint32_t command_id) {
  switch (static_cast<CommandId>(command_id)) {
    case CommandId::generic_nack:
      return "generic_nack";
    case CommandId::bind_receiver:
      return "bind_receiver";
    case CommandId::bind_receiver_resp:
      return "bind_receiver_resp";
    case CommandId::bind_transmitter:
      return "bind_transmitter";
    case CommandId::bind_transmitter_resp:
      return "bind_transmitter_resp";
    case CommandId::query_sm:
      return "query_sm";
    case CommandId::query_sm_resp:
      return "query_sm_resp";
    case CommandId::submit_sm:
      return "submit_sm";
    case CommandId::submit_sm_resp:
      return "submit_sm_resp";
    case CommandId::deliver_sm:
      return "deliver_sm";
    case CommandId::deliver_sm_resp:
      return "deliver_sm_resp";
    case CommandId::unbind:
      return "unbind";
    case CommandId::unbind_resp:
      return "unbind_resp";
    case CommandId::replace_sm:
      return "replace_sm";
    case CommandId::replace_sm_resp:
      return "replace_sm_resp";
    case CommandId::cancel_sm:
      return "cancel_sm";
    case CommandId::cancel_sm_resp:
      return "cancel_sm_resp";
    case CommandId::bind_transceiver:
      return "bind_transceiver";
    case CommandId::bind_transceiver_resp:
      return "bind_transceiver_resp";
    case CommandId::outbind:
      return "outbind";
    case CommandId::enquire_link:
      return "enquire_link";
    case CommandId::enquire_link_resp:
      return "enquire_link_resp";
    case CommandId::submit_multi:
      return "submit_multi";
    case CommandId::submit_multi_resp:
      return "submit_multi_resp";
    case CommandId::alert_notification:
      return "alert_notification";
    case CommandId::data_sm:
      return "data_sm";
    case CommandId::data_sm_resp:
      return "data_sm_resp";
  }
  return nullptr;
}
}  // namespace

const char* command_name(std::uint32_t command_id) {
  const char* name = known_name(command_id);
  return name != nullptr ? name : "unknown";
}

tl::expected<Pdu, DecodeError> decode(std::span<const std::uint8_t> frame) {
  // Built from a GenericNack body rather than default-constructed: value-initialising the
  // expected would zero-fill the whole Pdu, and decode_body() replaces the body anyway.
  tl::expected<Pdu, DecodeError> result{Pdu{status::ok, 0, GenericNack{}}};
  if (frame.size() < kHeaderLength) {
    result = tl::unexpected(DecodeError{
        false, 0, 0, status::inv_cmd_len,
        "PDU of " + std::to_string(frame.size()) + " octets is shorter than the 16-octet header"});
    return result;
  }
  const std::uint8_t* p = frame.data();
  const std::uint32_t command_length = load32(p);
  const std::uint32_t command_id = load32(p + 4);
  result->command_status = load32(p + 8);
  result->sequence_number = load32(p + 12);
  if (command_length != frame.size()) {
    result = tl::unexpected(body_error(command_id, load32(p + 12), status::inv_cmd_len,
                                       "command_length " + std::to_string(command_length) +
                                           " but the frame has " + std::to_string(frame.size()) +
                                           " octets"));
    return result;
  }
  const std::uint8_t* begin = p + kHeaderLength;
  const std::uint8_t* end = p + frame.size();

  switch (static_cast<CommandId>(command_id)) {
#define SMPPGW_DECODE(Type)                            \
  case Command<Type>::kId:                             \
    decode_body<Type>(begin, end, command_id, result); \
    break;
    SMPPGW_DECODE(GenericNack)
    SMPPGW_DECODE(BindReceiver)
    SMPPGW_DECODE(BindReceiverResp)
    SMPPGW_DECODE(BindTransmitter)
    SMPPGW_DECODE(BindTransmitterResp)
    SMPPGW_DECODE(QuerySm)
    SMPPGW_DECODE(QuerySmResp)
    SMPPGW_DECODE(SubmitSm)
    SMPPGW_DECODE(SubmitSmResp)
    SMPPGW_DECODE(DeliverSm)
    SMPPGW_DECODE(DeliverSmResp)
    SMPPGW_DECODE(Unbind)
    SMPPGW_DECODE(UnbindResp)
    SMPPGW_DECODE(ReplaceSm)
    SMPPGW_DECODE(ReplaceSmResp)
    SMPPGW_DECODE(CancelSm)
    SMPPGW_DECODE(CancelSmResp)
    SMPPGW_DECODE(BindTransceiver)
    SMPPGW_DECODE(BindTransceiverResp)
    SMPPGW_DECODE(Outbind)
    SMPPGW_DECODE(EnquireLink)
    SMPPGW_DECODE(EnquireLinkResp)
    SMPPGW_DECODE(SubmitMulti)
    SMPPGW_DECODE(SubmitMultiResp)
    SMPPGW_DECODE(AlertNotification)
    SMPPGW_DECODE(DataSm)
    SMPPGW_DECODE(DataSmResp)
#undef SMPPGW_DECODE
    default:
      result = tl::unexpected(DecodeError{true, command_id, load32(p + 12), status::inv_cmd_id,
                                          "unknown command_id " + hex32(command_id)});
      break;
  }
  return result;
}

tl::expected<void, EncodeError> encode(const Pdu& pdu, Bytes& out) {
  const std::size_t start = out.size();
  const std::uint32_t command_id = static_cast<std::uint32_t>(command_id_of(pdu.body));
  Writer writer(out);
  writer.u32(0, "command_length");  // patched below
  writer.u32(command_id, "command_id");
  writer.u32(pdu.command_status, "command_status");
  writer.u32(pdu.sequence_number, "sequence_number");
  std::visit(
      [&](const auto& body) {
        using T = std::remove_cvref_t<decltype(body)>;
        if constexpr (kBodyOmittedOnError<T>) {
          if (pdu.command_status != status::ok && body == T{}) return;
        }
        fields(writer, body);
      },
      pdu.body);
  if (writer.failed()) {
    out.resize(start);
    return tl::unexpected(
        EncodeError{std::string(command_name(command_id)) + ": " + writer.fail_message()});
  }
  const std::size_t length = out.size() - start;
  if (length > 0xFFFFFFFFu) {
    out.resize(start);
    return tl::unexpected(EncodeError{std::string(command_name(command_id)) + ": PDU of " +
                                      std::to_string(length) +
                                      " octets does not fit command_length"});
  }
  store32(out.data() + start, static_cast<std::uint32_t>(length));
  return {};
}

Pdu make_response(const Pdu& request, std::uint32_t command_status) {
  const auto command_id = static_cast<std::uint32_t>(command_id_of(request.body));
  std::optional<Body> body = response_body(command_id);
  return Pdu{command_status, request.sequence_number,
             body ? std::move(*body) : Body{GenericNack{}}};
}

std::optional<Pdu> error_response(const DecodeError& error) {
  if (!error.header_read) return Pdu{error.response_status, 0, GenericNack{}};
  if (std::optional<Body> body = response_body(error.command_id)) {
    return Pdu{error.response_status, error.sequence_number, std::move(*body)};
  }
  if (is_response(error.command_id) && known_name(error.command_id) != nullptr) {
    return std::nullopt;
  }
  return Pdu{error.response_status, error.sequence_number, GenericNack{}};
}

}  // namespace smppgw::smpp
