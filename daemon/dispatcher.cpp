#include "daemon/dispatcher.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "daemon/carrier_message_id.hpp"
#include "daemon/engine/suppression.hpp"
#include "daemon/log_limited.hpp"
#include "daemon/writer_submit.hpp"
#include "protocol/text_analysis.hpp"

namespace smppgw::daemon {

namespace {

using SteadyClock = std::chrono::steady_clock;

store::Timestamp now_ts() {
  return store::to_timestamp(std::chrono::system_clock::now());
}

bool is_throttling(std::uint32_t status) {
  return status == smpp::status::throttled || status == smpp::status::msg_q_ful;
}

std::string status_text(smpp::CommandId request, std::uint32_t status) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%s_resp command_status 0x%08X",
                smpp::command_name(static_cast<std::uint32_t>(request)), status);
  return buf;
}

constexpr const char* kOptedOutWhileQueued =
    "the subscriber opted out of the campaign while the message was queued";

// SMPP addresses in international format carry no '+' (TON 1 says it already).
std::string wire_address(const std::string& e164, std::uint8_t ton) {
  if (ton == 1 && !e164.empty() && e164.front() == '+') return e164.substr(1);
  return e164;
}

}  // namespace

Dispatcher::Dispatcher(Services& services, conf::LinkConfig link, Strand strand, MtCommand command)
    : services_(services),
      link_(std::move(link)),
      strand_(strand),
      request_(command == MtCommand::deliver_sm ? smpp::CommandId::deliver_sm
                                                : smpp::CommandId::submit_sm),
      limiter_(command == MtCommand::submit_sm ? services.tps.of(link_)
                                               : std::make_shared<TpsLimiter>(0)),
      retry_timer_(strand_),
      poll_timer_(strand_),
      window_gauge_(services.metrics.gauge(admin::metric::kWindowInUse,
                                           "Requests outstanding on the link's window",
                                           {{"link", link_.name}})) {}

Dispatcher::~Dispatcher() {
  if (wake_token_ != 0) services_.wakeup.unsubscribe(wake_token_);
}

void Dispatcher::start() {
  std::weak_ptr<Dispatcher> weak = weak_from_this();
  wake_token_ = services_.wakeup.subscribe(link_.short_codes, [weak] {
    if (auto self = weak.lock()) self->wake();
  });
  asio::co_spawn(strand_, poll_loop(), asio::detached);
}

void Dispatcher::wake() {
  asio::post(strand_, [self = shared_from_this()] {
    self->exhausted_ = false;
    ++self->wakes_;
    self->pump();
  });
}

void Dispatcher::stop() {
  stopped_ = true;
  retry_timer_.cancel();
  poll_timer_.cancel();
  if (wake_token_ != 0) services_.wakeup.unsubscribe(wake_token_);
  wake_token_ = 0;
}

void Dispatcher::attach(std::shared_ptr<SmppConnection> connection) {
  connection_ = std::move(connection);
  exhausted_ = false;
  pump();
}

void Dispatcher::detach(const std::vector<smpp::OutstandingRequest>& outstanding) {
  const auto at = now_ts();
  for (const auto& request : outstanding) {
    if (request.request != request_) continue;
    auto it = jobs_.find(tag_outbox_id(request.user_tag));
    if (it == jobs_.end()) continue;
    Job& job = it->second;
    if (job.awaiting > 0) --job.awaiting;
    if (awaiting_ > 0) --awaiting_;
    if (!job.finished) job.to_send.push_back(tag_part(request.user_tag));
    // The fate of the submit is unknown (SPEC §5: re-queued, not dropped); count the attempt.
    StoreOp op;
    op.kind = StoreOp::Kind::attempt;
    op.id = job.id;
    op.at = at;
    queue_write(job, std::move(op));
  }
  connection_.reset();
  ready_.clear();
  // Release every record so that another link serving the same short code can take it
  // while this one reconnects; what this link still writes about a record finishes first.
  std::vector<std::uint64_t> ids;
  ids.reserve(jobs_.size());
  for (auto& [id, job] : jobs_) {
    job.abandoned = true;
    ids.push_back(id);
  }
  for (auto id : ids) settle(id);
  release_settled();
  cursor_.clear();
  ++generation_;
  exhausted_ = false;
  window_gauge_.set(0);
}

void Dispatcher::pump() {
  release_settled();
  if (stopped_ || !connection_ || connection_->closed() || !connection_->session().is_bound()) {
    return;
  }
  send_ready(SteadyClock::now());
  maybe_fetch();
  connection_->pump();
  window_gauge_.set(static_cast<std::int64_t>(connection_->session().in_flight()));
}

void Dispatcher::send_ready(SteadyClock::time_point now) {
  if (now < paused_until_) {
    arm_retry(paused_until_);
    return;
  }
  auto& session = connection_->session();
  while (session.window_free() > 0 && !ready_.empty()) {
    auto it = jobs_.find(ready_.front());
    // A record abandoned after a failed write is released once its parts in flight are
    // answered, and its unrecorded parts go out again later: none of them now.
    if (it == jobs_.end() || it->second.finished || it->second.abandoned ||
        it->second.to_send.empty()) {
      ready_.pop_front();
      continue;
    }
    Job& job = it->second;
    if (!job.sent_any && job.checked_at && now - *job.checked_at > kMaxCheckAge &&
        !still_allowed(job, now)) {
      continue;  // suppressed or released: popped above
    }
    if (!limiter_->try_take(now)) {
      arm_retry(limiter_->ready_at(now));
      return;
    }
    const std::uint16_t part = job.to_send.front();
    smpp::ShortMessageBody mt;
    mt.source = {link_.source_ton, link_.source_npi, job.from};
    mt.destination = {link_.dest_ton, link_.dest_npi, job.to};
    mt.esm_class = job.message->esm_class_flags;
    mt.data_coding = job.message->data_coding;
    mt.registered_delivery = link_.registered_delivery;
    mt.short_message = job.message->parts[part];
    smpp::Body body = request_ == smpp::CommandId::deliver_sm
                          ? smpp::Body{smpp::DeliverSm{std::move(mt)}}
                          : smpp::Body{smpp::SubmitSm{std::move(mt)}};
    auto sent = session.send_request(std::move(body), now, submit_tag(job.id, part));
    if (!sent) {
      if (sent.error() == smpp::SendError::window_full) return;
      if (sent.error() == smpp::SendError::closed || sent.error() == smpp::SendError::not_allowed) {
        return;  // the connection is going away; detach() re-queues
      }
      spdlog::warn("link {}: outbox {} part {} cannot be encoded ({}); failing it", link_.name,
                   job.id, part + 1, smpp::to_string(sent.error()));
      finish(job, store::OutboxStatus::failed,
             std::string("the message cannot be encoded as ") +
                 smpp::command_name(static_cast<std::uint32_t>(request_)));
      continue;
    }
    job.to_send.erase(job.to_send.begin());
    job.sent_any = true;
    ++job.awaiting;
    ++awaiting_;
    if (job.to_send.empty()) ready_.pop_front();
  }
}

// The suppression check of a record that waited since its fetch, repeated on the strand
// (one read). False when it must not be sent now: suppressed, or released to be retried.
bool Dispatcher::still_allowed(Job& job, SteadyClock::time_point now) {
  auto state = services_.store.state(job.phone, job.campaign);
  if (!state) {
    spdlog::error("link {}: suppression check for outbox {} failed: {}", link_.name, job.id,
                  state.error().message());
    job.abandoned = true;
    settle(job.id);
    return false;
  }
  if (engine::suppressed(job.kind, *state)) {
    finish(job, store::OutboxStatus::suppressed, kOptedOutWhileQueued);
    return false;
  }
  job.checked_at = now;
  return true;
}

// Starts reading the next records off the strand when the ones waiting run low. One fetch at
// a time: it owns the text cache and the claims it takes until on_fetched(). A link with a
// max_tps claims about a second's worth at a time, so other links serving the short code
// are not kept from records it cannot send soon. The limit is the account's in force (a
// reload may have changed it without rebinding).
void Dispatcher::maybe_fetch() {
  const std::size_t tps = limiter_->rate();
  const std::size_t below = tps ? std::min(kPrefetchBelow, tps) : kPrefetchBelow;
  if (fetching_ || exhausted_ || stopped_ || ready_.size() >= below) return;
  fetching_ = true;
  const std::size_t limit = tps ? std::min(kFetchBatch, tps) : kFetchBatch;
  asio::post(strand_.get_inner_executor(), [self = shared_from_this(), cursor = cursor_, limit,
                                            generation = generation_, wakes = wakes_]() mutable {
    auto result = self->fetch(std::move(cursor), limit);
    asio::post(self->strand_, [self, result = std::move(result), generation, wakes]() mutable {
      self->on_fetched(std::move(result), generation, wakes);
    });
  });
}

// Runs off the strand: touches only the store, the claims, the link's settings (constant)
// and the text cache.
Dispatcher::FetchResult Dispatcher::fetch(std::map<std::string, std::uint64_t> cursor,
                                          std::size_t limit) {
  FetchResult result;
  std::vector<std::uint64_t> ids;
  std::vector<bool> won;
  std::vector<store::Store::StateQuery> queries;
  // Before any read transaction begins: records released after this are not claimed from
  // what the reads return (outbox_claims.hpp).
  const auto ticket = services_.claims.begin_scan();
  std::size_t reads = 0;
  for (const auto& short_code : link_.short_codes) {
    if (result.more) break;
    auto& after = cursor[short_code];
    // Records this dispatcher (or another link) holds are skipped, and they sit at the head
    // of the queue until their outcome is written: read on past them rather than stopping
    // at a batch that brought nothing new.
    while (result.records.size() < limit) {
      if (reads++ == kMaxReadsPerFetch) {
        result.more = true;  // the next fetch goes on from the cursor
        break;
      }
      const std::size_t batch = limit - result.records.size();
      auto records = services_.store.pending_outbox(short_code, after, batch);
      if (!records) {
        spdlog::error("link {}: reading the outbox of {} failed: {}", link_.name, short_code,
                      records.error().message());
        result.read_failed = true;
        break;
      }
      ids.clear();
      for (const auto& record : *records) {
        after = std::max(after, record.id);
        ids.push_back(record.id);
      }
      services_.claims.try_claim(ticket, ids, won);
      // The suppression state of every record won, from one read transaction.
      queries.clear();
      for (std::size_t i = 0; i < records->size(); ++i) {
        const auto& r = (*records)[i];
        if (won[i] && !engine::exempt_from_suppression(r.kind)) {
          queries.push_back(store::Store::StateQuery{r.to, r.campaign});
        }
      }
      const auto checked_at = SteadyClock::now();  // before the read: errs on the safe side
      auto states = services_.store.states(queries);
      std::size_t next_state = 0;
      for (std::size_t i = 0; i < records->size(); ++i) {
        if (!won[i]) continue;
        store::Result<std::optional<store::SubscriptionState>> state{std::nullopt};
        if (!engine::exempt_from_suppression((*records)[i].kind)) {
          if (states) {
            state = (*states)[next_state++];
          } else {
            state = tl::unexpected(states.error());
          }
        }
        const bool checked = !engine::exempt_from_suppression((*records)[i].kind);
        auto f = prepare(std::move((*records)[i]), state);
        if (checked) f.job.checked_at = checked_at;
        result.records.push_back(std::move(f));
      }
      if (records->size() < batch) break;  // the end of the queue
    }
  }
  services_.claims.end_scan(ticket);
  result.found_new = !result.records.empty();
  result.cursor = std::move(cursor);
  return result;
}

Dispatcher::Fetched Dispatcher::prepare(
    store::OutboxMessage record,
    const store::Result<std::optional<store::SubscriptionState>>& state) {
  Fetched f;
  const auto id = record.id;
  f.job.id = id;

  if (!engine::exempt_from_suppression(record.kind)) {
    if (!state) {
      // Without the subscriber's state nothing may be sent (suppression first); try later.
      spdlog::error("link {}: suppression check for outbox {} failed: {}", link_.name, id,
                    state.error().message());
      f.outcome = Fetched::Outcome::retry_later;
      return f;
    }
    if (engine::suppressed(record.kind, *state)) {
      f.outcome = Fetched::Outcome::suppressed;
      f.reason = kOptedOutWhileQueued;
      return f;
    }
  }

  // One concatenation reference per record, derived from its id so that a record resumed
  // after a restart or on another link numbers its remaining parts the same way.
  auto message = segmented(record.text, static_cast<std::uint8_t>(id & 0xFFu), f.reason);
  if (!message) {
    f.outcome = Fetched::Outcome::failed;
    return f;
  }
  if (message->parts.size() != record.parts.size()) {
    f.outcome = Fetched::Outcome::failed;
    f.reason = "the text now needs " + std::to_string(message->parts.size()) + " parts, not " +
               std::to_string(record.parts.size());
    return f;
  }
  f.job.message = std::move(message);
  for (std::uint16_t i = 0; i < record.parts.size(); ++i) {
    if (record.parts[i].status == store::PartStatus::pending) f.job.to_send.push_back(i);
  }
  if (f.job.to_send.empty()) {  // every part has its id already; the store will move it on
    f.outcome = Fetched::Outcome::retry_later;
    return f;
  }
  f.job.to = wire_address(record.to, link_.dest_ton);
  f.job.from = std::move(record.from);
  // What the check before sending needs if the record waits (fetch() sets checked_at after
  // this returns, so it cannot be the test here: the re-check read an empty phone and failed,
  // and every record that waited over kMaxCheckAge went back to the queue until the next poll).
  if (!engine::exempt_from_suppression(record.kind)) {
    f.job.phone = std::move(record.to);
    f.job.campaign = std::move(record.campaign);
    f.job.kind = record.kind;
  }
  return f;
}

void Dispatcher::on_fetched(FetchResult result, std::uint64_t generation, std::uint64_t wakes) {
  fetching_ = false;
  if (generation == generation_) cursor_ = std::move(result.cursor);
  // Detached or stopped meanwhile: nothing is sent now, the claims go back (as in detach()).
  const bool sending = connection_ && !stopped_;
  for (auto& f : result.records) {
    const auto id = f.job.id;
    if (f.outcome == Fetched::Outcome::retry_later ||
        (f.outcome == Fetched::Outcome::send && !sending)) {
      settled_.push_back(id);
      continue;
    }
    auto [it, inserted] = jobs_.try_emplace(id, std::move(f.job));
    if (!inserted) {  // cannot happen while the claim is ours; keep the record safe anyway
      spdlog::error("link {}: outbox {} fetched twice", link_.name, id);
      continue;
    }
    if (f.outcome == Fetched::Outcome::send) {
      ready_.push_back(id);
    } else {
      finish(it->second,
             f.outcome == Fetched::Outcome::suppressed ? store::OutboxStatus::suppressed
                                                       : store::OutboxStatus::failed,
             std::move(f.reason));
    }
  }
  if (result.read_failed) arm_retry(SteadyClock::now() + kPollInterval);
  // Nothing new: wait for a wake-up or the poll, unless one came while the fetch ran (its
  // records may have been committed after the fetch read the queue).
  if (!result.found_new && !result.more && wakes == wakes_) exhausted_ = true;
  pump();
}

// A broadcast queues one record per recipient with the same text: its analysis, and the
// encoded parts of a one-part message (which carry no concatenation reference), are
// computed once and shared. A long message is re-segmented when its reference differs.
std::shared_ptr<const smpp::SegmentedMessage> Dispatcher::segmented(const std::string& text,
                                                                    std::uint8_t reference,
                                                                    std::string& error) {
  auto& c = text_cache_;
  if (!c.analysis || text != c.text) {
    c.analysis.reset();
    c.message.reset();
    auto analysis = smpp::analyze(text);
    if (!analysis) {
      error = "the text is not valid UTF-8";
      return nullptr;
    }
    c.text = text;
    c.analysis = std::move(*analysis);
  }
  if (c.message && (c.message->parts.size() == 1 || c.reference == reference)) return c.message;
  auto message = smpp::segment(*c.analysis, reference);
  if (!message) {
    error = "the text needs more than 255 parts";
    return nullptr;
  }
  c.message = std::make_shared<const smpp::SegmentedMessage>(std::move(*message));
  c.reference = reference;
  return c.message;
}

bool Dispatcher::on_response(const smpp::ResponseReceived& response) {
  if (response.request != request_) return false;
  const auto id = tag_outbox_id(response.user_tag);
  const auto part = tag_part(response.user_tag);
  if (awaiting_ > 0) --awaiting_;
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return true;
  Job& job = it->second;
  if (job.awaiting > 0) --job.awaiting;
  const auto status = response.pdu.command_status;

  if (status == smpp::status::ok) {
    throttle_pause_ = kThrottlePause;
    StoreOp op;
    op.kind = StoreOp::Kind::part_submitted;
    op.id = id;
    op.part = part;
    op.at = now_ts();
    // deliver_sm_resp carries no message id in 3.4 (smpp-notes §11.3).
    const auto* resp = std::get_if<smpp::SubmitSmResp>(&response.pdu.body);
    auto carrier_id = carrier_message_id(
        resp ? std::string_view(resp->message_id) : std::string_view(), id, part);
    op.text = std::move(carrier_id.as_written);
    op.key = std::move(carrier_id.receipt_key);
    if (submitted_counter_ == nullptr) {
      count("submitted");
      submitted_counter_ = counters_.find(std::string_view("submitted"))->second;
    } else {
      submitted_counter_->add();
    }
    queue_write(job, std::move(op));
  } else if (is_throttling(status) && !job.finished) {
    // Pause the whole link, not just this message: the parts of a long message stay in
    // order (smpp-notes §11.5). The same part goes out again first.
    job.to_send.insert(job.to_send.begin(), part);
    if (ready_.empty() || ready_.front() != id) ready_.push_front(id);
    paused_until_ = SteadyClock::now() + throttle_pause_;
    log_limited(LogCondition::submit_refused, link_.name,
                "link {}: carrier answered 0x{:08X} (throttled); pausing {} ms", link_.name, status,
                throttle_pause_.count());
    throttle_pause_ = std::min(throttle_pause_ * 2, kMaxThrottlePause);
    count("throttled");
    StoreOp op;
    op.kind = StoreOp::Kind::attempt;
    op.id = id;
    op.at = now_ts();
    queue_write(job, std::move(op));
  } else if (!job.finished) {
    log_limited(LogCondition::submit_refused, link_.name, "link {}: outbox {} part {} refused: {}",
                link_.name, id, part + 1, status_text(request_, status));
    finish(job, store::OutboxStatus::failed, status_text(request_, status));
  }
  settle(id);
  pump();
  return true;
}

void Dispatcher::finish(Job& job, store::OutboxStatus status, std::string error) {
  job.finished = true;
  job.to_send.clear();
  const auto id = job.id;
  count(store::to_string(status));
  StoreOp op;
  op.kind = StoreOp::Kind::finish;
  op.id = id;
  op.status = status;
  op.text = std::move(error);
  op.at = now_ts();
  queue_write(job, std::move(op));
  settle(id);
}

// Forgets a record once nothing about it is pending here: its parts are all answered and
// its writes completed (or it was released after a drop). Its claim goes with it (released
// in batches by release_settled()).
void Dispatcher::settle(std::uint64_t outbox_id) {
  auto it = jobs_.find(outbox_id);
  if (it == jobs_.end()) return;
  Job& job = it->second;
  const bool done = job.finished || job.abandoned || job.to_send.empty();
  if (!done || job.awaiting > 0 || job.writes > 0) return;
  jobs_.erase(it);
  settled_.push_back(outbox_id);
}

void Dispatcher::release_settled() {
  if (settled_.empty()) return;
  services_.claims.release(settled_);
  settled_.clear();
}

// The write joins the batch that goes to the writer once the strand is done with the
// current burst (a posted flush runs after it), or at once when the batch is full.
void Dispatcher::queue_write(Job& job, StoreOp op) {
  ++job.writes;
  ++writes_;
  batch_.push_back(std::move(op));
  if (batch_.size() >= kMaxWriteBatch) {
    flush_writes();
  } else if (!flush_posted_) {
    flush_posted_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->flush_posted_ = false;
      self->flush_writes();
    });
  }
}

void Dispatcher::flush_writes() {
  if (batch_.empty()) return;
  auto ops = std::make_shared<const std::vector<StoreOp>>(std::move(batch_));
  batch_ = {};
  auto apply = [ops, link = link_.name](store::WriteTxn& txn) -> std::error_code {
    for (const auto& op : *ops) {
      // A record that ended meanwhile (failed, suppressed, gone) stays as it is: only a
      // backend failure fails the batch (and the writer rolls it back).
      switch (op.kind) {
        case StoreOp::Kind::part_submitted: {
          auto r = txn.record_part_submitted(op.id, op.part, link, op.text, op.key, op.at);
          if (!r && r.error() != store::StoreErrc::invalid_argument &&
              r.error() != store::StoreErrc::not_found) {
            return r.error();
          }
          break;
        }
        case StoreOp::Kind::finish: {
          auto r = txn.finish_outbox(op.id, op.status, op.text, op.at);
          if (!r && r.error() != store::StoreErrc::not_found) return r.error();
          break;
        }
        case StoreOp::Kind::attempt: {
          auto ec = txn.count_attempt(op.id, op.at);
          if (ec && ec != store::StoreErrc::not_found) return ec;
          break;
        }
      }
    }
    return {};
  };
  auto complete = [self = shared_from_this(), ops](std::error_code ec) {
    asio::post(self->strand_, [self, ops, ec] { self->on_written(*ops, ec); });
  };
  submit_request(store::WriteRequest{std::move(apply), std::move(complete)});
}

void Dispatcher::submit_request(store::WriteRequest request) {
  // The MT path may wait for room: it only delays MT, it never loses anything (the record
  // is still queued in the store).
  submit_from_loop(services_.writer, strand_, std::move(request));
}

void Dispatcher::on_written(const std::vector<StoreOp>& ops, std::error_code ec) {
  writes_ -= std::min(writes_, ops.size());
  if (ec) {
    log_limited(LogCondition::store_write, link_.name,
                "link {}: store write for {} outbox records failed: {}", link_.name, ops.size(),
                ec.message());
  }
  bool recorded = false;
  for (const auto& op : ops) {
    if (op.kind == StoreOp::Kind::part_submitted) recorded = true;
    auto it = jobs_.find(op.id);
    if (it == jobs_.end()) continue;
    if (it->second.writes > 0) --it->second.writes;
    if (ec) it->second.abandoned = true;  // the record stays queued: sent again later
    settle(op.id);
  }
  if (recorded && on_recorded) on_recorded();
  pump();
}

void Dispatcher::arm_retry(SteadyClock::time_point at) {
  if (at >= retry_at_) return;
  retry_at_ = at;
  retry_timer_.expires_at(at);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->retry_at_ = SteadyClock::time_point::max();
    self->pump();
  });
}

asio::awaitable<void> Dispatcher::poll_loop() {
  auto self = shared_from_this();
  while (!stopped_) {
    poll_timer_.expires_after(kPollInterval);
    boost::system::error_code ec;
    co_await poll_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    cursor_.clear();  // re-read from the start: picks up records released elsewhere
    ++generation_;
    exhausted_ = false;
    pump();
  }
}

void Dispatcher::count(std::string_view status) {
  auto it = counters_.find(status);
  if (it == counters_.end()) {
    auto& counter =
        services_.metrics.counter(admin::metric::kMtTotal, "MT submit outcomes by link and status",
                                  {{"link", link_.name}, {"status", std::string(status)}});
    it = counters_.emplace(std::string(status), &counter).first;
  }
  it->second->add();
}

}  // namespace smppgw::daemon
