// SMPP 3.4 PDUs as plain structs, one per command, held in a std::variant.
// This header is the vocabulary shared by the codec (codec.hpp), the sans-I/O session
// (session.hpp), the daemon and smppgw-sim. It holds data only: no I/O, no parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace smppgw::smpp {

using Bytes = std::vector<std::uint8_t>;

// command_id values (smpp-notes §2). Bit 31 marks a response.
enum class CommandId : std::uint32_t {
  generic_nack = 0x80000000,
  bind_receiver = 0x00000001,
  bind_receiver_resp = 0x80000001,
  bind_transmitter = 0x00000002,
  bind_transmitter_resp = 0x80000002,
  query_sm = 0x00000003,
  query_sm_resp = 0x80000003,
  submit_sm = 0x00000004,
  submit_sm_resp = 0x80000004,
  deliver_sm = 0x00000005,
  deliver_sm_resp = 0x80000005,
  unbind = 0x00000006,
  unbind_resp = 0x80000006,
  replace_sm = 0x00000007,
  replace_sm_resp = 0x80000007,
  cancel_sm = 0x00000008,
  cancel_sm_resp = 0x80000008,
  bind_transceiver = 0x00000009,
  bind_transceiver_resp = 0x80000009,
  outbind = 0x0000000B,
  enquire_link = 0x00000015,
  enquire_link_resp = 0x80000015,
  submit_multi = 0x00000021,
  submit_multi_resp = 0x80000021,
  alert_notification = 0x00000102,
  data_sm = 0x00000103,
  data_sm_resp = 0x80000103,
};

constexpr std::uint32_t kResponseBit = 0x80000000;
constexpr bool is_response(std::uint32_t command_id) {
  return (command_id & kResponseBit) != 0;
}

// command_status values (smpp-notes §4).
namespace status {
constexpr std::uint32_t ok = 0x00000000;                  // ESME_ROK
constexpr std::uint32_t inv_msg_len = 0x00000001;         // ESME_RINVMSGLEN
constexpr std::uint32_t inv_cmd_len = 0x00000002;         // ESME_RINVCMDLEN
constexpr std::uint32_t inv_cmd_id = 0x00000003;          // ESME_RINVCMDID
constexpr std::uint32_t inv_bnd_sts = 0x00000004;         // ESME_RINVBNDSTS
constexpr std::uint32_t already_bound = 0x00000005;       // ESME_RALYBND
constexpr std::uint32_t inv_prt_flg = 0x00000006;         // ESME_RINVPRTFLG
constexpr std::uint32_t inv_reg_dlv_flg = 0x00000007;     // ESME_RINVREGDLVFLG
constexpr std::uint32_t sys_err = 0x00000008;             // ESME_RSYSERR
constexpr std::uint32_t inv_src_adr = 0x0000000A;         // ESME_RINVSRCADR
constexpr std::uint32_t inv_dst_adr = 0x0000000B;         // ESME_RINVDSTADR
constexpr std::uint32_t inv_msg_id = 0x0000000C;          // ESME_RINVMSGID
constexpr std::uint32_t bind_fail = 0x0000000D;           // ESME_RBINDFAIL
constexpr std::uint32_t inv_paswd = 0x0000000E;           // ESME_RINVPASWD
constexpr std::uint32_t inv_sys_id = 0x0000000F;          // ESME_RINVSYSID
constexpr std::uint32_t cancel_fail = 0x00000011;         // ESME_RCANCELFAIL
constexpr std::uint32_t replace_fail = 0x00000013;        // ESME_RREPLACEFAIL
constexpr std::uint32_t msg_q_ful = 0x00000014;           // ESME_RMSGQFUL
constexpr std::uint32_t inv_ser_typ = 0x00000015;         // ESME_RINVSERTYP
constexpr std::uint32_t inv_num_dests = 0x00000033;       // ESME_RINVNUMDESTS
constexpr std::uint32_t inv_dl_name = 0x00000034;         // ESME_RINVDLNAME
constexpr std::uint32_t inv_dest_flag = 0x00000040;       // ESME_RINVDESTFLAG
constexpr std::uint32_t inv_sub_rep = 0x00000042;         // ESME_RINVSUBREP
constexpr std::uint32_t inv_esm_class = 0x00000043;       // ESME_RINVESMCLASS
constexpr std::uint32_t cnt_sub_dl = 0x00000044;          // ESME_RCNTSUBDL
constexpr std::uint32_t submit_fail = 0x00000045;         // ESME_RSUBMITFAIL
constexpr std::uint32_t inv_src_ton = 0x00000048;         // ESME_RINVSRCTON
constexpr std::uint32_t inv_src_npi = 0x00000049;         // ESME_RINVSRCNPI
constexpr std::uint32_t inv_dst_ton = 0x00000050;         // ESME_RINVDSTTON
constexpr std::uint32_t inv_dst_npi = 0x00000051;         // ESME_RINVDSTNPI
constexpr std::uint32_t inv_sys_typ = 0x00000053;         // ESME_RINVSYSTYP
constexpr std::uint32_t inv_rep_flag = 0x00000054;        // ESME_RINVREPFLAG
constexpr std::uint32_t inv_num_msgs = 0x00000055;        // ESME_RINVNUMMSGS
constexpr std::uint32_t throttled = 0x00000058;           // ESME_RTHROTTLED
constexpr std::uint32_t inv_sched = 0x00000061;           // ESME_RINVSCHED
constexpr std::uint32_t inv_expiry = 0x00000062;          // ESME_RINVEXPIRY
constexpr std::uint32_t inv_dft_msg_id = 0x00000063;      // ESME_RINVDFTMSGID
constexpr std::uint32_t x_t_appn = 0x00000064;            // ESME_RX_T_APPN (temporary, retry)
constexpr std::uint32_t x_p_appn = 0x00000065;            // ESME_RX_P_APPN (permanent)
constexpr std::uint32_t x_r_appn = 0x00000066;            // ESME_RX_R_APPN
constexpr std::uint32_t query_fail = 0x00000067;          // ESME_RQUERYFAIL
constexpr std::uint32_t inv_opt_par_stream = 0x000000C0;  // ESME_RINVOPTPARSTREAM
constexpr std::uint32_t opt_par_not_allwd = 0x000000C1;   // ESME_ROPTPARNOTALLWD
constexpr std::uint32_t inv_par_len = 0x000000C2;         // ESME_RINVPARLEN
constexpr std::uint32_t missing_opt_param = 0x000000C3;   // ESME_RMISSINGOPTPARAM
constexpr std::uint32_t inv_opt_param_val = 0x000000C4;   // ESME_RINVOPTPARAMVAL
constexpr std::uint32_t delivery_failure = 0x000000FE;    // ESME_RDELIVERYFAILURE
constexpr std::uint32_t unknown_err = 0x000000FF;         // ESME_RUNKNOWNERR
}  // namespace status

// TLV tags (smpp-notes §5).
namespace tag {
constexpr std::uint16_t dest_addr_subunit = 0x0005;
constexpr std::uint16_t dest_network_type = 0x0006;
constexpr std::uint16_t dest_bearer_type = 0x0007;
constexpr std::uint16_t dest_telematics_id = 0x0008;
constexpr std::uint16_t source_addr_subunit = 0x000D;
constexpr std::uint16_t source_network_type = 0x000E;
constexpr std::uint16_t source_bearer_type = 0x000F;
constexpr std::uint16_t source_telematics_id = 0x0010;
constexpr std::uint16_t qos_time_to_live = 0x0017;
constexpr std::uint16_t payload_type = 0x0019;
constexpr std::uint16_t additional_status_info_text = 0x001D;
constexpr std::uint16_t receipted_message_id = 0x001E;
constexpr std::uint16_t ms_msg_wait_facilities = 0x0030;
constexpr std::uint16_t privacy_indicator = 0x0201;
constexpr std::uint16_t source_subaddress = 0x0202;
constexpr std::uint16_t dest_subaddress = 0x0203;
constexpr std::uint16_t user_message_reference = 0x0204;
constexpr std::uint16_t user_response_code = 0x0205;
constexpr std::uint16_t source_port = 0x020A;
constexpr std::uint16_t destination_port = 0x020B;
constexpr std::uint16_t sar_msg_ref_num = 0x020C;
constexpr std::uint16_t language_indicator = 0x020D;
constexpr std::uint16_t sar_total_segments = 0x020E;
constexpr std::uint16_t sar_segment_seqnum = 0x020F;
constexpr std::uint16_t sc_interface_version = 0x0210;
constexpr std::uint16_t callback_num_pres_ind = 0x0302;
constexpr std::uint16_t callback_num_atag = 0x0303;
constexpr std::uint16_t number_of_messages = 0x0304;
constexpr std::uint16_t callback_num = 0x0381;
constexpr std::uint16_t dpf_result = 0x0420;
constexpr std::uint16_t set_dpf = 0x0421;
constexpr std::uint16_t ms_availability_status = 0x0422;
constexpr std::uint16_t network_error_code = 0x0423;
constexpr std::uint16_t message_payload = 0x0424;
constexpr std::uint16_t delivery_failure_reason = 0x0425;
constexpr std::uint16_t more_messages_to_send = 0x0426;
constexpr std::uint16_t message_state = 0x0427;
constexpr std::uint16_t ussd_service_op = 0x0501;
constexpr std::uint16_t display_time = 0x1201;
constexpr std::uint16_t sms_signal = 0x1203;
constexpr std::uint16_t ms_validity = 0x1204;
constexpr std::uint16_t alert_on_message_delivery = 0x130C;
constexpr std::uint16_t its_reply_type = 0x1380;
constexpr std::uint16_t its_session_info = 0x1383;
}  // namespace tag

// One optional parameter as it travels: tag, raw value.
struct Tlv {
  std::uint16_t tag = 0;
  Bytes value;
  friend bool operator==(const Tlv&, const Tlv&) = default;
};

// network_error_code TLV: network type + error code (smpp-notes §5).
struct NetworkErrorCode {
  std::uint8_t network_type = 0;
  std::uint16_t error_code = 0;
  friend bool operator==(const NetworkErrorCode&, const NetworkErrorCode&) = default;
};

// Optional parameters of a PDU. The ones the gateway acts on are typed; every other
// tag (known to 3.4 but not acted on, vendor-specific or unknown) is kept verbatim in
// `other`, in arrival order, so it survives a decode/encode round trip.
// Encoding writes typed fields in tag order, then `other`.
struct Tlvs {
  std::optional<std::uint16_t> user_message_reference;
  std::optional<std::uint16_t> source_port;
  std::optional<std::uint16_t> destination_port;
  std::optional<std::uint16_t> sar_msg_ref_num;
  std::optional<std::uint8_t> sar_total_segments;
  std::optional<std::uint8_t> sar_segment_seqnum;
  std::optional<std::uint8_t> sc_interface_version;
  std::optional<std::uint8_t> payload_type;
  std::optional<std::uint8_t> more_messages_to_send;
  std::optional<std::uint8_t> message_state;
  std::optional<std::uint8_t> ms_availability_status;
  std::optional<std::uint8_t> delivery_failure_reason;
  std::optional<std::uint8_t> dpf_result;
  std::optional<std::uint8_t> set_dpf;
  std::optional<std::uint8_t> privacy_indicator;
  std::optional<std::uint8_t> language_indicator;
  std::optional<std::uint32_t> qos_time_to_live;
  std::optional<std::string> receipted_message_id;         // C-string, NUL not included
  std::optional<std::string> additional_status_info_text;  // C-string, NUL not included
  std::optional<NetworkErrorCode> network_error_code;
  std::optional<Bytes> message_payload;
  std::vector<Tlv> other;
  friend bool operator==(const Tlvs&, const Tlvs&) = default;
};

// esm_class bits (smpp-notes §6).
namespace esm {
constexpr std::uint8_t message_type_mask = 0x3C;
constexpr std::uint8_t smsc_delivery_receipt = 0x04;
constexpr std::uint8_t intermediate_notification = 0x20;
constexpr std::uint8_t udhi = 0x40;
constexpr std::uint8_t reply_path = 0x80;
}  // namespace esm

// An address with its type of number and numbering plan.
struct Address {
  std::uint8_t ton = 0;
  std::uint8_t npi = 0;
  std::string addr;
  friend bool operator==(const Address&, const Address&) = default;
};

// ---- bind family ----------------------------------------------------------------

struct BindBody {
  std::string system_id;    // C(16)
  std::string password;     // C(9)
  std::string system_type;  // C(13)
  std::uint8_t interface_version = 0x34;
  std::uint8_t addr_ton = 0;
  std::uint8_t addr_npi = 0;
  std::string address_range;  // C(41)
  friend bool operator==(const BindBody&, const BindBody&) = default;
};
struct BindTransmitter : BindBody {};
struct BindReceiver : BindBody {};
struct BindTransceiver : BindBody {};

struct BindRespBody {
  std::string system_id;  // C(16); may be absent on error responses
  Tlvs tlvs;
  friend bool operator==(const BindRespBody&, const BindRespBody&) = default;
};
struct BindTransmitterResp : BindRespBody {};
struct BindReceiverResp : BindRespBody {};
struct BindTransceiverResp : BindRespBody {};

struct Outbind {
  std::string system_id;
  std::string password;
  friend bool operator==(const Outbind&, const Outbind&) = default;
};

// ---- header-only PDUs -------------------------------------------------------------

struct Unbind {
  friend bool operator==(const Unbind&, const Unbind&) = default;
};
struct UnbindResp {
  friend bool operator==(const UnbindResp&, const UnbindResp&) = default;
};
struct EnquireLink {
  friend bool operator==(const EnquireLink&, const EnquireLink&) = default;
};
struct EnquireLinkResp {
  friend bool operator==(const EnquireLinkResp&, const EnquireLinkResp&) = default;
};
struct GenericNack {
  friend bool operator==(const GenericNack&, const GenericNack&) = default;
};
struct CancelSmResp {
  friend bool operator==(const CancelSmResp&, const CancelSmResp&) = default;
};
struct ReplaceSmResp {
  friend bool operator==(const ReplaceSmResp&, const ReplaceSmResp&) = default;
};

// ---- short messages ----------------------------------------------------------------

// The 18 mandatory fields shared by submit_sm and deliver_sm, plus their TLVs.
struct ShortMessageBody {
  std::string service_type;  // C(6)
  Address source;            // C(21)
  Address destination;       // C(21)
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  std::string schedule_delivery_time;  // "" or 16 chars
  std::string validity_period;         // "" or 16 chars
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  Bytes short_message;  // ≤ 254 octets; includes the UDH when esm_class has UDHI
  Tlvs tlvs;
  friend bool operator==(const ShortMessageBody&, const ShortMessageBody&) = default;
};
struct SubmitSm : ShortMessageBody {};
struct DeliverSm : ShortMessageBody {};

struct SubmitSmResp {
  std::string message_id;  // C(65); may be absent on error responses
  Tlvs tlvs;
  friend bool operator==(const SubmitSmResp&, const SubmitSmResp&) = default;
};
struct DeliverSmResp {
  std::string message_id;  // always empty in 3.4
  Tlvs tlvs;
  friend bool operator==(const DeliverSmResp&, const DeliverSmResp&) = default;
};

struct DataSm {
  std::string service_type;  // C(6)
  Address source;            // C(65)
  Address destination;       // C(65)
  std::uint8_t esm_class = 0;
  std::uint8_t registered_delivery = 0;
  std::uint8_t data_coding = 0;
  Tlvs tlvs;  // the user data travels in message_payload
  friend bool operator==(const DataSm&, const DataSm&) = default;
};
struct DataSmResp {
  std::string message_id;  // C(65)
  Tlvs tlvs;
  friend bool operator==(const DataSmResp&, const DataSmResp&) = default;
};

// ---- submit_multi --------------------------------------------------------------------

struct MultiDestination {
  // dest_flag 1 = SME address (address set), 2 = distribution list (dl_name set).
  std::uint8_t dest_flag = 1;
  Address address;
  std::string dl_name;  // C(21)
  friend bool operator==(const MultiDestination&, const MultiDestination&) = default;
};
struct SubmitMulti {
  std::string service_type;
  Address source;
  std::vector<MultiDestination> destinations;  // number_of_dests ≤ 254
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  std::string schedule_delivery_time;
  std::string validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  Bytes short_message;
  Tlvs tlvs;
  friend bool operator==(const SubmitMulti&, const SubmitMulti&) = default;
};
struct UnsuccessfulDelivery {
  Address address;
  std::uint32_t error_status_code = 0;
  friend bool operator==(const UnsuccessfulDelivery&, const UnsuccessfulDelivery&) = default;
};
struct SubmitMultiResp {
  std::string message_id;
  std::vector<UnsuccessfulDelivery> unsuccessful;
  friend bool operator==(const SubmitMultiResp&, const SubmitMultiResp&) = default;
};

// ---- query / cancel / replace ------------------------------------------------------

struct QuerySm {
  std::string message_id;
  Address source;
  friend bool operator==(const QuerySm&, const QuerySm&) = default;
};
struct QuerySmResp {
  std::string message_id;
  std::string final_date;  // "" or 16 chars
  std::uint8_t message_state = 0;
  std::uint8_t error_code = 0;
  friend bool operator==(const QuerySmResp&, const QuerySmResp&) = default;
};
struct CancelSm {
  std::string service_type;
  std::string message_id;
  Address source;
  Address destination;
  friend bool operator==(const CancelSm&, const CancelSm&) = default;
};
struct ReplaceSm {  // no service_type in 3.4 (smpp-notes §3)
  std::string message_id;
  Address source;
  std::string schedule_delivery_time;
  std::string validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t sm_default_msg_id = 0;
  Bytes short_message;
  friend bool operator==(const ReplaceSm&, const ReplaceSm&) = default;
};

struct AlertNotification {
  Address source;  // C(65)
  Address esme;    // C(65)
  Tlvs tlvs;       // ms_availability_status
  friend bool operator==(const AlertNotification&, const AlertNotification&) = default;
};

// Every SMPP 3.4 command.
using Body =
    std::variant<GenericNack, BindReceiver, BindReceiverResp, BindTransmitter, BindTransmitterResp,
                 QuerySm, QuerySmResp, SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp, Unbind,
                 UnbindResp, ReplaceSm, ReplaceSmResp, CancelSm, CancelSmResp, BindTransceiver,
                 BindTransceiverResp, Outbind, EnquireLink, EnquireLinkResp, SubmitMulti,
                 SubmitMultiResp, AlertNotification, DataSm, DataSmResp>;

// A PDU: header fields that are not implied by the body, and the body.
// command_length is computed by the encoder; command_id follows from the body.
struct Pdu {
  std::uint32_t command_status = status::ok;
  std::uint32_t sequence_number = 0;
  Body body;
  friend bool operator==(const Pdu&, const Pdu&) = default;
};

// The command_id of a body (defined in codec.cpp).
CommandId command_id_of(const Body& body);

// A readable command name for logs ("submit_sm", "deliver_sm_resp", ...).
const char* command_name(std::uint32_t command_id);

}  // namespace smppgw::smpp
