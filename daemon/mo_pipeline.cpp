#include "daemon/mo_pipeline.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "daemon/log_limited.hpp"
#include "daemon/mo_part_expiry.hpp"
#include "daemon/mo_text.hpp"
#include "protocol/delivery_receipt.hpp"
#include "protocol/message_text.hpp"
#include "protocol/receipt_builder.hpp"

namespace smppgw::daemon {

namespace {

// The fields of deliver_sm, submit_sm and data_sm the MO path reads.
struct MoFields {
  smpp::Address source;
  smpp::Address destination;
  std::uint8_t esm_class = 0;
  std::uint8_t registered_delivery = 0;
  std::uint8_t data_coding = 0;
  std::span<const std::uint8_t> user_data;
  const smpp::Tlvs* tlvs = nullptr;
};

std::optional<MoFields> fields_of(const smpp::Body& body) {
  MoFields f;
  const smpp::ShortMessageBody* sm = std::get_if<smpp::DeliverSm>(&body);
  if (!sm) sm = std::get_if<smpp::SubmitSm>(&body);  // SMSC role: the carrier submits the MO
  if (sm) {
    f.source = sm->source;
    f.destination = sm->destination;
    f.esm_class = sm->esm_class;
    f.registered_delivery = sm->registered_delivery;
    f.data_coding = sm->data_coding;
    // smpp-notes §9c: with message_payload, sm_length is 0 and the text is in the TLV.
    if (sm->short_message.empty() && sm->tlvs.message_payload) {
      f.user_data = *sm->tlvs.message_payload;
    } else {
      f.user_data = sm->short_message;
    }
    f.tlvs = &sm->tlvs;
    return f;
  }
  if (const auto* d = std::get_if<smpp::DataSm>(&body)) {
    f.source = d->source;
    f.destination = d->destination;
    f.esm_class = d->esm_class;
    f.registered_delivery = d->registered_delivery;
    f.data_coding = d->data_coding;
    if (d->tlvs.message_payload) f.user_data = *d->tlvs.message_payload;
    f.tlvs = &d->tlvs;
    return f;
  }
  return std::nullopt;
}

std::optional<smpp::ConcatInfo> sar_of(const smpp::Tlvs& tlvs) {
  if (!tlvs.sar_msg_ref_num || !tlvs.sar_total_segments || !tlvs.sar_segment_seqnum) {
    return std::nullopt;
  }
  return smpp::ConcatInfo{*tlvs.sar_msg_ref_num, *tlvs.sar_total_segments,
                          *tlvs.sar_segment_seqnum};
}

// A sender written in international format without '+' (TON 1) gets it, so that
// libphonenumber does not read it as a national number of the default region.
std::string sender_text(const std::string& addr, std::uint8_t ton) {
  if (ton == 1 && !addr.empty() && addr.front() != '+') return "+" + addr;
  return addr;
}

// submit_sm_resp and data_sm_resp carry a message id (SMPP 3.4 §4.4.2, §4.7.2): the Inbox id
// the MO committed as (or, for a part of a long MO, will be shown as), made unique per part
// ("<id>-<seq>"). deliver_sm_resp has none (smpp-notes §11.3).
std::string part_message_id(std::uint64_t inbox_id, std::uint8_t seq) {
  return std::to_string(inbox_id) + "-" + std::to_string(seq);
}

smpp::Body response_body(smpp::CommandId command, std::string id) {
  switch (command) {
    case smpp::CommandId::submit_sm:
      return smpp::SubmitSmResp{std::move(id), {}};
    case smpp::CommandId::data_sm:
      return smpp::DataSmResp{std::move(id), {}};
    default:
      return smpp::DeliverSmResp{};
  }
}

// A receipt quotes the first 20 characters (at most 4 bytes each in UTF-8).
std::string receipt_excerpt(const std::string& text) {
  return text.substr(0, 80);
}

}  // namespace

MoPipeline::MoPipeline(Services& services, conf::LinkConfig link, Strand strand,
                       std::shared_ptr<ReceiptMatcher> receipts)
    : services_(services),
      link_(std::move(link)),
      strand_(strand),
      receipts_(std::move(receipts)) {}

void MoPipeline::stop() {
  stopped_ = true;
}

void MoPipeline::on_request(const std::shared_ptr<SmppConnection>& connection,
                            const smpp::RequestReceived& request) {
  const auto command = smpp::command_id_of(request.pdu.body);
  const auto sequence = request.pdu.sequence_number;
  auto fields = fields_of(request.pdu.body);
  if (!fields) return;
  Ack ack{connection, sequence, command, fields->source.ton, std::nullopt};
  // SMPP 3.4 §5.2.17: bits 1-0 of registered_delivery = 01 ask for a receipt of the final
  // outcome; 10 (failure only) needs none for a message that is stored.
  if (send_receipt && command != smpp::CommandId::deliver_sm &&
      (fields->registered_delivery & 0x03) == 0x01) {
    ack.receipt =
        Ack::ReceiptOrder{fields->source, fields->destination, std::chrono::system_clock::now()};
  }

  if (command != smpp::CommandId::submit_sm && is_receipt(fields->esm_class, *fields->tlvs)) {
    auto receipt = read_receipt(*fields->tlvs, fields->user_data);
    if (!receipt) {
      // smpp-notes §11.3: a receipt we cannot match is logged and acknowledged.
      log_limited(LogCondition::receipt_unmatched, link_.name,
                  "link {}: receipt without a message id ignored", link_.name);
      answer(ack, smpp::status::ok);
      return;
    }
    receipts_->on_receipt(connection, sequence, command, std::move(*receipt));
    return;
  }
  if (stopped_ || services_.stopping.load(std::memory_order_relaxed)) {
    answer(ack, smpp::status::x_t_appn);  // shutting down: the carrier delivers it later
    return;
  }

  auto part =
      smpp::make_incoming_part(fields->source.addr, fields->destination.addr, fields->esm_class,
                               fields->data_coding, fields->user_data, sar_of(*fields->tlvs));
  if (!part) {
    // A UDH that runs past the data: take the octets as the text (smpp-notes §11.4).
    smpp::IncomingPart whole;
    whole.source = fields->source.addr;
    whole.destination = fields->destination.addr;
    whole.data_coding = fields->data_coding;
    whole.payload.octets.assign(fields->user_data.begin(), fields->user_data.end());
    part = std::move(whole);
  }
  if (part->concat) {
    commit_part(*part, std::move(ack), connection);
  } else {
    commit(*part, std::move(ack), connection);
  }
}

std::optional<std::string> MoPipeline::sender_of(const smpp::IncomingPart& part, const Ack& ack) {
  auto from = services_.settings.get()->phones->normalize(sender_text(part.source, ack.source_ton));
  if (!from) {
    log_limited(LogCondition::mo_refused, link_.name,
                "link {}: MO from an invalid number '{}' refused: {}", link_.name, part.source,
                from.error().reason);
    answer(ack, smpp::status::inv_src_adr);
    return std::nullopt;
  }
  return std::move(*from);
}

void MoPipeline::commit(const smpp::IncomingPart& message, Ack ack,
                        const std::shared_ptr<SmppConnection>& connection) {
  auto from = sender_of(message, ack);
  if (!from) return;
  const auto settings = services_.settings.get();
  engine::MoMessage mo;
  mo.from = std::move(*from);
  mo.to = message.destination;
  mo.link = link_.name;
  mo.received_at = store::to_timestamp(std::chrono::system_clock::now());
  mo.text =
      mo_text(message.data_coding, std::span(&message.payload, 1), dcs0_of(link_.dcs0_charset));
  const std::string short_code = mo.to;
  std::string excerpt = ack.receipt ? receipt_excerpt(mo.text) : std::string();
  auto request = engine::make_mo_request(
      settings->engine, std::move(mo),
      [self = shared_from_this(), ack = std::move(ack), short_code, excerpt = std::move(excerpt)](
          std::error_code ec, const engine::MoResult& result) mutable {
        if (!ec && !result.outbox_ids.empty()) self->services_.wakeup.notify(short_code);
        const auto kind = result.decision.kind;
        const auto inbox_id = result.inbox_id;
        asio::post(self->strand_,
                   [self, ec, kind, inbox_id, ack = std::move(ack), excerpt = std::move(excerpt)] {
                     if (ec) {
                       log_limited(LogCondition::mo_not_stored, self->link_.name,
                                   "link {}: MO not stored ({}); answered ESME_RX_T_APPN",
                                   self->link_.name, ec.message());
                       answer(ack, smpp::status::x_t_appn);
                       return;
                     }
                     self->count(kind);
                     const std::string id = std::to_string(inbox_id);
                     answer(ack, smpp::status::ok, id);
                     self->send_receipt_for(ack, id, excerpt);
                   });
      });
  submit(std::move(request), connection);
}

void MoPipeline::commit_part(const smpp::IncomingPart& part, Ack ack,
                             const std::shared_ptr<SmppConnection>& connection) {
  auto from = sender_of(part, ack);
  if (!from) return;
  const auto settings = services_.settings.get();
  const auto dcs0 = dcs0_of(link_.dcs0_charset);
  store::MoPartSetKey key{std::move(*from), part.destination, part.concat->reference,
                          part.concat->total};
  store::MoPart stored{part.concat->sequence, part.data_coding,
                       static_cast<std::uint16_t>(part.payload.udh_octets),
                       std::string(part.payload.octets.begin(), part.payload.octets.end()),
                       store::to_timestamp(std::chrono::system_clock::now())};
  // The receipt of a part quotes the part's own text: the rest may not have arrived.
  std::string excerpt;
  if (ack.receipt) {
    excerpt = receipt_excerpt(mo_text(part.data_coding, std::span(&part.payload, 1), dcs0));
  }
  const std::uint8_t seq = stored.seq;
  std::string short_code = key.to;
  std::map<std::string, smpp::Dcs0Charset, std::less<>> dcs0_by_link{{link_.name, dcs0}};
  auto request = engine::make_mo_part_request(
      settings->engine, mo_part_text(std::move(dcs0_by_link)), mo_part_timing(*settings),
      std::move(key), std::move(stored), link_.name,
      [self = shared_from_this(), ack = std::move(ack), seq, short_code = std::move(short_code),
       excerpt = std::move(excerpt)](std::error_code ec,
                                     const engine::MoPartResult& result) mutable {
        if (!ec && result.message && !result.message->outbox_ids.empty()) {
          self->services_.wakeup.notify(short_code);
        }
        asio::post(self->strand_,
                   [self, ec, result, ack = std::move(ack), seq, excerpt = std::move(excerpt)] {
                     self->on_part_committed(ec, result, ack, seq, excerpt);
                   });
      });
  submit(std::move(request), connection);
}

void MoPipeline::on_part_committed(std::error_code ec, const engine::MoPartResult& result,
                                   const Ack& ack, std::uint8_t seq, const std::string& excerpt) {
  if (ec) {
    log_limited(LogCondition::mo_not_stored, link_.name,
                "link {}: MO part not stored ({}); answered ESME_RX_T_APPN", link_.name,
                ec.message());
    answer(ack, smpp::status::x_t_appn);
    return;
  }
  const std::string id = part_message_id(result.inbox_id, seq);
  answer(ack, smpp::status::ok, id);
  if (result.displaced)
    report_incomplete_mo(*result.displaced, services_.metrics, services_.wakeup);
  switch (result.outcome) {
    case engine::MoPartResult::Outcome::duplicate:
      return;  // answered again; its receipt went with the first answer
    case engine::MoPartResult::Outcome::stored:
      if (result.expires_at) services_.mo_parts.due_at(*result.expires_at);
      break;
    case engine::MoPartResult::Outcome::completed:
      count(result.message->decision.kind);
      break;
  }
  send_receipt_for(ack, id, excerpt);
}

void MoPipeline::submit(store::WriteRequest request,
                        const std::shared_ptr<SmppConnection>& connection) {
  if (blocked_.empty()) {
    auto ec = services_.writer.try_submit(std::move(request));
    if (!ec) return;
    if (ec != store::StoreErrc::queue_full) {
      request.complete(ec);  // shutting down or another refusal: ESME_RX_T_APPN
      return;
    }
  }
  // The writer is full: keep what this read already decoded (bounded by one read buffer)
  // and stop reading more until the writer has room (DESIGN.md §3 back-pressure).
  blocked_.push_back(std::move(request));
  if (connection && !connection->reading_paused()) {
    connection->pause_reading();
    paused_.push_back(connection);
  }
  if (!waiting_for_space_) {
    waiting_for_space_ = true;
    services_.writer.notify_when_space([self = shared_from_this()] {
      asio::post(self->strand_, [self] {
        self->waiting_for_space_ = false;
        self->drain_blocked();
      });
    });
  }
}

void MoPipeline::drain_blocked() {
  while (!blocked_.empty()) {
    auto ec = services_.writer.try_submit(std::move(blocked_.front()));
    if (ec == store::StoreErrc::queue_full) {
      if (!waiting_for_space_) {
        waiting_for_space_ = true;
        services_.writer.notify_when_space([self = shared_from_this()] {
          asio::post(self->strand_, [self] {
            self->waiting_for_space_ = false;
            self->drain_blocked();
          });
        });
      }
      return;
    }
    if (ec) blocked_.front().complete(ec);
    blocked_.pop_front();
  }
  for (auto& weak : paused_) {
    if (auto connection = weak.lock()) connection->resume_reading();
  }
  paused_.clear();
}

void MoPipeline::answer(const Ack& ack, std::uint32_t status, const std::string& message_id) {
  auto connection = ack.connection.lock();
  if (!connection || connection->closed()) return;  // the carrier redelivers it
  (void)connection->session().respond(
      ack.sequence, ack.command, status,
      response_body(ack.command, status == smpp::status::ok ? message_id : std::string()));
  connection->pump();
}

void MoPipeline::send_receipt_for(const Ack& ack, const std::string& message_id,
                                  const std::string& text_excerpt) {
  if (!send_receipt || !ack.receipt) return;
  smpp::ReceiptFields f;
  f.message_id = message_id;
  f.submit_source = ack.receipt->source;
  f.submit_destination = ack.receipt->destination;
  f.submitted_at = ack.receipt->submitted_at;
  f.done_at = std::chrono::system_clock::now();
  f.stat = std::string(smpp::stat_code(smpp::MessageState::delivered));
  f.message_state = static_cast<std::uint8_t>(smpp::MessageState::delivered);
  f.original_text = text_excerpt;
  send_receipt(ack.connection.lock(), smpp::build_delivery_receipt(f));
}

void MoPipeline::count(store::InboxKind kind) {
  auto it = counters_.find(kind);
  if (it == counters_.end()) {
    auto& counter = services_.metrics.counter(
        admin::metric::kMoTotal, "MO committed by link and kind",
        {{"link", link_.name}, {"kind", std::string(store::to_string(kind))}});
    it = counters_.emplace(kind, &counter).first;
  }
  it->second->add();
}

}  // namespace smppgw::daemon
