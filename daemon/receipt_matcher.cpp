#include "daemon/receipt_matcher.hpp"

#include <spdlog/spdlog.h>

#include "daemon/log_limited.hpp"
#include "daemon/writer_submit.hpp"
#include "protocol/delivery_receipt.hpp"

namespace smppgw::daemon {

namespace {

store::Timestamp now_ts() {
  return store::to_timestamp(std::chrono::system_clock::now());
}

// Maps a receipt state onto the part's status; nullopt while the message is on its way.
std::optional<store::PartStatus> part_status_of(smpp::MessageState state) {
  switch (smpp::delivery_outcome(state)) {
    case smpp::DeliveryOutcome::delivered:
      return store::PartStatus::delivered;
    case smpp::DeliveryOutcome::failed:
      return store::PartStatus::failed;
    case smpp::DeliveryOutcome::expired:
      return store::PartStatus::expired;
    case smpp::DeliveryOutcome::pending:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool is_receipt(std::uint8_t esm_class, const smpp::Tlvs& tlvs) {
  const auto type = esm_class & smpp::esm::message_type_mask;
  return type == smpp::esm::smsc_delivery_receipt || type == smpp::esm::intermediate_notification ||
         tlvs.receipted_message_id.has_value();
}

std::optional<ReceiptInfo> read_receipt(const smpp::Tlvs& tlvs,
                                        std::span<const std::uint8_t> user_data) {
  ReceiptInfo info;
  std::optional<smpp::MessageState> state;
  std::string error_code;
  const std::string text(user_data.begin(), user_data.end());
  if (auto parsed = smpp::parse_delivery_receipt(text)) {
    info.carrier_message_id = parsed->id;
    if (!parsed->stat.empty()) state = parsed->state;
    error_code = parsed->error;
  }
  // The TLVs are the structured form: they win where present (smpp-notes §8).
  if (tlvs.receipted_message_id && !tlvs.receipted_message_id->empty()) {
    info.carrier_message_id = *tlvs.receipted_message_id;
  }
  if (tlvs.message_state) {
    if (auto s = smpp::message_state_from_value(*tlvs.message_state)) state = *s;
  }
  if (tlvs.network_error_code && error_code.empty()) {
    error_code = std::to_string(tlvs.network_error_code->error_code);
  }
  if (info.carrier_message_id.empty()) return std::nullopt;
  const auto final_state = state.value_or(smpp::MessageState::unknown);
  auto status = part_status_of(final_state);
  info.final = status.has_value();
  info.part_status = status.value_or(store::PartStatus::delivered);
  if (info.final && info.part_status != store::PartStatus::delivered) {
    info.error = std::string(smpp::stat_code(final_state));
    if (!error_code.empty()) info.error += " err:" + error_code;
  }
  return info;
}

ReceiptMatcher::ReceiptMatcher(Services& services, std::string link, Strand strand)
    : services_(services), link_(std::move(link)), strand_(strand) {}

void ReceiptMatcher::on_receipt(const std::shared_ptr<SmppConnection>& connection,
                                std::uint32_t sequence, smpp::CommandId command,
                                ReceiptInfo receipt) {
  std::weak_ptr<SmppConnection> weak = connection;
  auto answer = [weak, sequence, command](std::uint32_t status) {
    auto conn = weak.lock();
    if (!conn || conn->closed()) return;  // the carrier sends it again on its next bind
    (void)conn->session().respond(sequence, command, status);
    conn->pump();
  };
  if (!receipt.final) {  // ENROUTE and the like: nothing to record
    answer(smpp::status::ok);
    return;
  }
  auto copy = receipt;
  apply(std::move(receipt),
        [self = shared_from_this(), answer, copy](std::error_code ec, bool matched) {
          if (ec) {
            // The store could not take it: a temporary error, the carrier retries (SPEC §5).
            log_limited(LogCondition::store_write, self->link_,
                        "link {}: receipt for carrier id {} not stored ({}); answered "
                        "ESME_RX_T_APPN",
                        self->link_, copy.carrier_message_id, ec.message());
            answer(smpp::status::x_t_appn);
            return;
          }
          answer(smpp::status::ok);
          if (!matched) self->hold(copy);
        });
}

void ReceiptMatcher::apply(ReceiptInfo receipt, Answer answer) {
  auto matched = std::make_shared<bool>(false);
  const auto candidates = smpp::message_id_candidates(receipt.carrier_message_id);
  store::WriteRequest request;
  request.apply = [link = link_, candidates, receipt, matched](store::WriteTxn& txn) {
    *matched = false;  // the request may run more than once
    for (const auto& id : candidates) {
      auto outcome = txn.apply_receipt(link, id, receipt.part_status, receipt.error, now_ts());
      if (!outcome) return outcome.error();
      if (*outcome) {
        *matched = true;
        break;
      }
    }
    return std::error_code{};
  };
  request.complete = [self = shared_from_this(), matched, answer](std::error_code ec) {
    asio::post(self->strand_, [ec, matched, answer] { answer(ec, *matched); });
  };
  submit_from_loop(services_.writer, strand_, std::move(request));
}

void ReceiptMatcher::hold(ReceiptInfo receipt) {
  if (held_.size() >= kMaxHeld) {
    log_limited(LogCondition::receipt_unmatched, link_,
                "link {}: too many unmatched receipts; dropping the one for {}", link_,
                held_.front().receipt.carrier_message_id);
    held_.pop_front();
  }
  held_.push_back({std::move(receipt), std::chrono::steady_clock::now() + kHoldTime});
}

void ReceiptMatcher::retry_held() {
  if (held_.empty()) return;
  if (retry_running_) {  // one retry round at a time; another follows if asked meanwhile
    retry_again_ = true;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  std::deque<Held> batch;
  batch.swap(held_);
  retry_running_ = true;
  auto remaining = std::make_shared<std::size_t>(batch.size());
  for (auto& h : batch) {
    if (h.until < now) {
      log_limited(LogCondition::receipt_unmatched, link_,
                  "link {}: receipt for carrier id {} matched no message", link_,
                  h.receipt.carrier_message_id);
      if (--*remaining == 0) retry_running_ = false;
      continue;
    }
    auto until = h.until;
    auto receipt = h.receipt;
    apply(std::move(h.receipt),
          [self = shared_from_this(), receipt, until, remaining](std::error_code ec, bool matched) {
            if (ec || !matched) self->held_.push_back({receipt, until});
            if (--*remaining == 0) {
              self->retry_running_ = false;
              if (self->retry_again_) {
                self->retry_again_ = false;
                self->retry_held();
              }
            }
          });
  }
  if (*remaining == 0) retry_running_ = false;
}

}  // namespace smppgw::daemon
