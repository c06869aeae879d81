#include "daemon/mo_pipeline.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "protocol/delivery_receipt.hpp"
#include "protocol/message_text.hpp"
#include "protocol/receipt_builder.hpp"

namespace smppgw::daemon {

namespace {

using SteadyClock = std::chrono::steady_clock;
// The reassembly timer looks at least this often (it also re-arms on new parts).
constexpr std::chrono::milliseconds kExpiryTick{1000};

smpp::Dcs0Charset dcs0_of(conf::Dcs0Charset c) {
  return c == conf::Dcs0Charset::latin1 ? smpp::Dcs0Charset::latin1
                                        : smpp::Dcs0Charset::gsm7_unpacked;
}

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
// the MO committed as, made unique per part ("<id>-<k>") when one MO had several PDUs.
// deliver_sm_resp has none (smpp-notes §11.3).
std::string message_id_of(std::uint64_t inbox_id, std::size_t part, std::size_t parts) {
  std::string id;
  if (inbox_id != 0) {
    id = std::to_string(inbox_id);
    if (parts > 1) id += "-" + std::to_string(part + 1);
  }
  return id;
}

smpp::Body response_body(smpp::CommandId command, std::uint64_t inbox_id, std::size_t part,
                         std::size_t parts) {
  std::string id = message_id_of(inbox_id, part, parts);
  switch (command) {
    case smpp::CommandId::submit_sm:
      return smpp::SubmitSmResp{std::move(id), {}};
    case smpp::CommandId::data_sm:
      return smpp::DataSmResp{std::move(id), {}};
    default:
      return smpp::DeliverSmResp{};
  }
}

std::string hex_of(std::span<const std::uint8_t> octets) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (auto b : octets) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

}  // namespace

MoPipeline::MoPipeline(Services& services, conf::LinkConfig link, Strand strand,
                       std::shared_ptr<ReceiptMatcher> receipts)
    : services_(services),
      link_(std::move(link)),
      strand_(strand),
      receipts_(std::move(receipts)),
      reassembler_([&] {
        smpp::Reassembler::Options options;
        options.timeout = services.settings.get()->config->messages.reassembly_timeout;
        return options;
      }()),
      expiry_timer_(strand_) {}

void MoPipeline::start() {
  asio::co_spawn(strand_, expiry_loop(), asio::detached);
}

void MoPipeline::stop() {
  stopped_ = true;
  expiry_timer_.cancel();
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
      spdlog::warn("link {}: receipt without a message id ignored", link_.name);
      answer({ack}, smpp::status::ok);
      return;
    }
    receipts_->on_receipt(connection, sequence, command, std::move(*receipt));
    return;
  }
  if (stopped_ || services_.stopping.load(std::memory_order_relaxed)) {
    answer({ack}, smpp::status::x_t_appn);  // shutting down: the carrier delivers it later
    return;
  }

  const auto now = SteadyClock::now();
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
  std::optional<PartKey> key;
  if (part->concat) {
    key = PartKey{part->source, part->destination, part->concat->reference, part->concat->total};
  }
  auto result = reassembler_.add(std::move(*part), now);
  // Sets the reassembler gave up on first: one of them may share this part's key (the same
  // reference reused with other content), and its held acks must not take this part's ack,
  // which is answered only when this part's own set commits.
  take_evicted(std::move(result.evicted), connection);
  switch (result.status) {
    case smpp::Reassembler::Status::duplicate:
      // A repeated part of a set still waiting for its other parts is answered with the set,
      // after its commit; otherwise the set is stored already.
      if (key) {
        if (auto it = held_parts_.find(*key); it != held_parts_.end()) {
          it->second.push_back(ack);
          break;
        }
      }
      answer({ack}, smpp::status::ok);
      break;
    case smpp::Reassembler::Status::pending:
      held_parts_[*key].push_back(ack);
      if (auto deadline = reassembler_.next_deadline()) {
        if (*deadline < expiry_timer_.expiry()) expiry_timer_.expires_at(*deadline);
      }
      break;
    case smpp::Reassembler::Status::complete: {
      std::vector<Ack> acks;
      if (key) {
        if (auto it = held_parts_.find(*key); it != held_parts_.end()) {
          acks = std::move(it->second);
          held_parts_.erase(it);
        }
      }
      acks.push_back(ack);
      commit(*result.message, std::move(acks), connection);
      break;
    }
  }
}

void MoPipeline::take_evicted(std::vector<smpp::AssembledMessage> sets,
                              const std::shared_ptr<SmppConnection>& connection) {
  for (auto& set : sets) {
    const PartKey key{set.source, set.destination, set.reference, set.total};
    std::vector<Ack> acks;
    if (auto it = held_parts_.find(key); it != held_parts_.end()) {
      acks = std::move(it->second);
      held_parts_.erase(it);
    }
    spdlog::warn("link {}: long MO from {} is missing {} of {} parts; storing what arrived",
                 link_.name, set.source, set.missing.size(), set.total);
    // What arrived is kept rather than lost: the parts were handed to us, and answering
    // them with an error would only make the carrier resend an incomplete set.
    commit(set, std::move(acks), connection);
  }
}

void MoPipeline::commit(const smpp::AssembledMessage& message, std::vector<Ack> acks,
                        const std::shared_ptr<SmppConnection>& connection) {
  const auto settings = services_.settings.get();
  const std::uint8_t ton = acks.empty() ? 0 : acks.front().source_ton;
  auto from = settings->phones->normalize(sender_text(message.source, ton));
  if (!from) {
    spdlog::warn("link {}: MO from an invalid number '{}' refused: {}", link_.name, message.source,
                 from.error().reason);
    answer(acks, smpp::status::inv_src_adr);
    return;
  }
  auto decoded = message.decode(dcs0_of(link_.dcs0_charset));
  engine::MoMessage mo;
  mo.from = std::move(*from);
  mo.to = message.destination;
  mo.link = link_.name;
  mo.received_at = store::to_timestamp(std::chrono::system_clock::now());
  if (decoded.is_text()) {
    mo.text = std::move(decoded.text);
  } else {
    // Binary user data is kept, visibly, rather than dropped: every MO is an Inbox row.
    std::vector<std::uint8_t> octets;
    for (const auto& p : message.parts)
      octets.insert(octets.end(), p.octets.begin(), p.octets.end());
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "[data_coding 0x%02X] ", message.data_coding);
    mo.text = prefix + hex_of(octets);
  }
  const std::string short_code = mo.to;
  // A receipt quotes the first 20 characters (at most 4 bytes each in UTF-8).
  std::string excerpt;
  if (std::any_of(acks.begin(), acks.end(), [](const Ack& a) { return a.receipt.has_value(); })) {
    excerpt = mo.text.substr(0, 80);
  }
  auto request = engine::make_mo_request(
      settings->engine, std::move(mo),
      [self = shared_from_this(), acks = std::move(acks), short_code, excerpt = std::move(excerpt)](
          std::error_code ec, const engine::MoResult& result) mutable {
        if (!ec && !result.outbox_ids.empty()) self->services_.wakeup.notify(short_code);
        const auto kind = result.decision.kind;
        const auto inbox_id = result.inbox_id;
        asio::post(self->strand_, [self, ec, kind, inbox_id, acks = std::move(acks),
                                   excerpt = std::move(excerpt)] {
          if (ec) {
            spdlog::error("link {}: MO not stored ({}); answered ESME_RX_T_APPN", self->link_.name,
                          ec.message());
            answer(acks, smpp::status::x_t_appn);
            return;
          }
          self->count(kind);
          answer(acks, smpp::status::ok, inbox_id);
          self->send_receipts(acks, inbox_id, excerpt);
        });
      });
  submit(std::move(request), connection);
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

asio::awaitable<void> MoPipeline::expiry_loop() {
  auto self = shared_from_this();
  while (!stopped_) {
    auto deadline = SteadyClock::now() + kExpiryTick;
    if (auto next = reassembler_.next_deadline(); next && *next < deadline) deadline = *next;
    expiry_timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await expiry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    auto expired = reassembler_.expire(SteadyClock::now());
    if (!expired.empty()) take_evicted(std::move(expired), nullptr);
  }
}

void MoPipeline::answer(const std::vector<Ack>& acks, std::uint32_t status,
                        std::uint64_t inbox_id) {
  for (std::size_t i = 0; i < acks.size(); ++i) {
    const auto& ack = acks[i];
    auto connection = ack.connection.lock();
    if (!connection || connection->closed()) continue;  // the carrier redelivers it
    const std::uint64_t id = status == smpp::status::ok ? inbox_id : 0;
    (void)connection->session().respond(ack.sequence, ack.command, status,
                                        response_body(ack.command, id, i, acks.size()));
    connection->pump();
  }
}

void MoPipeline::send_receipts(const std::vector<Ack>& acks, std::uint64_t inbox_id,
                               const std::string& text_excerpt) {
  if (!send_receipt || inbox_id == 0) return;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < acks.size(); ++i) {
    const auto& order = acks[i].receipt;
    if (!order) continue;
    smpp::ReceiptFields f;
    f.message_id = message_id_of(inbox_id, i, acks.size());
    f.submit_source = order->source;
    f.submit_destination = order->destination;
    f.submitted_at = order->submitted_at;
    f.done_at = now;
    f.stat = std::string(smpp::stat_code(smpp::MessageState::delivered));
    f.message_state = static_cast<std::uint8_t>(smpp::MessageState::delivered);
    f.original_text = text_excerpt;
    send_receipt(acks[i].connection.lock(), smpp::build_delivery_receipt(f));
  }
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
