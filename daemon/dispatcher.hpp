// The MT dispatcher of one carrier link or listener connection (SPEC §5, DESIGN.md §5): takes
// queued outbox records of its short codes in id order, checks suppression again (an opt-out
// that landed while the record waited ends it as `suppressed`), encodes and splits it into UDH
// parts, and sends the parts within the session's window and the `max_tps` budget: as
// submit_sm on a link (ESME role), as deliver_sm on a listener connection (SMSC role).
// A response OK records the part's carrier id (the record becomes `submitted` when all parts
// have one; deliver_sm_resp has no id, so the part gets a local one); ESME_RTHROTTLED /
// ESME_RMSGQFUL pause the dispatcher and retry the same part; other statuses fail the record
// with the status; a part whose response never came (the connection died) is sent again.
// Runs on the strand of its link or connection, except the fetch: reading the queue, claiming,
// the suppression check and segmenting run on the event loop's other threads, a batch ahead
// of the window, and hand their records back to the strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "conf/config.hpp"
#include "daemon/asio.hpp"
#include "daemon/services.hpp"
#include "daemon/smpp_connection.hpp"
#include "daemon/tps_limiter.hpp"
#include "protocol/segmenter.hpp"
#include "store/types.hpp"

namespace smppgw::daemon {

// How a submit_sm is found again from its response: the outbox id and the part index.
// 8 bits of part index suffice: a long message has at most 255 parts (the 8-bit UDH).
constexpr std::uint64_t submit_tag(std::uint64_t outbox_id, std::uint16_t part) {
  return (outbox_id << 8) | (part & 0xFFu);
}
constexpr std::uint64_t tag_outbox_id(std::uint64_t tag) {
  return tag >> 8;
}
constexpr std::uint16_t tag_part(std::uint64_t tag) {
  return static_cast<std::uint16_t>(tag & 0xFFu);
}

// Which request carries MT: submit_sm toward a carrier SMSC, deliver_sm toward a carrier
// bound to our listener.
enum class MtCommand : std::uint8_t { submit_sm, deliver_sm };

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  // Records read from the pending queue per store read (bounds one read transaction), and
  // records claimed per fetch at most.
  static constexpr std::size_t kFetchBatch = 256;
  // A fetch starts when fewer records than this wait to be sent, so the next ones are read
  // and checked while the window is still busy with the previous ones.
  static constexpr std::size_t kPrefetchBelow = 2 * kFetchBatch;
  // Suppression is checked when a record is fetched, moments before its first part goes
  // out at full speed; one that waited longer than this (a low max_tps, a throttling pause)
  // is checked again on the strand right before it is sent (one read: cheap at the rates
  // where records wait that long).
  static constexpr std::chrono::milliseconds kMaxCheckAge{100};
  // Store reads per fetch at most: a fetch that reads past many held records (after a poll
  // restarted the cursors) hands its event-loop thread back and the next one goes on.
  static constexpr std::size_t kMaxReadsPerFetch = 16;
  // Store writes (carrier ids, outcomes, attempts) gathered while the strand works through a
  // burst of responses go to the writer as one write request: one queue slot, one
  // completion and one post back per burst instead of per response. This bounds one request
  // (and so the work a failed one rolls back).
  static constexpr std::size_t kMaxWriteBatch = 4096;
  // The queue is re-read from its start this often even without a wake-up: records released
  // by another link that lost its connection are picked up here.
  static constexpr std::chrono::milliseconds kPollInterval{1000};
  // First pause after ESME_RTHROTTLED / ESME_RMSGQFUL; doubles while the carrier keeps
  // refusing, up to kMaxThrottlePause (smpp-notes §11.5).
  static constexpr std::chrono::milliseconds kThrottlePause{200};
  static constexpr std::chrono::milliseconds kMaxThrottlePause{10'000};

  // `link`: the link's settings, or those the listener derives from an account (name, short
  // codes, window, address types, registered_delivery).
  Dispatcher(Services& services, conf::LinkConfig link, Strand strand,
             MtCommand command = MtCommand::submit_sm);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Subscribes to wake-ups and starts the poll timer.
  void start();
  // The connection MT goes out on is bound (ESME: transceiver or transmitter; SMSC: the peer
  // bound as transceiver or receiver).
  void attach(std::shared_ptr<SmppConnection> connection);
  // That connection closed; `outstanding` are its requests without response (their parts
  // are sent again).
  void detach(const std::vector<smpp::OutstandingRequest>& outstanding);
  // The response (or generic_nack) to one of our MT requests. False when it is not one.
  bool on_response(const smpp::ResponseReceived& response);
  // New records may be queued (called on the strand).
  void pump();
  // Posts pump() to the strand: safe from any thread.
  void wake();
  // Shutdown: no new MT requests; responses to those in flight are still recorded.
  void stop();

  // MT requests sent and not answered yet.
  [[nodiscard]] std::size_t awaiting_response() const { return awaiting_; }
  // Store writes of this dispatcher not completed yet.
  [[nodiscard]] std::size_t writes_pending() const { return writes_; }

  // Called on the strand after a carrier message id was recorded: receipts that arrived
  // before their submit_sm_resp can be matched now.
  std::function<void()> on_recorded;

 private:
  struct Job {
    std::uint64_t id = 0;
    std::string from;  // source address (the short code)
    std::string to;    // destination address as written on the wire
    // Shared by the records of a broadcast: they all carry the same text.
    std::shared_ptr<const smpp::SegmentedMessage> message;
    // Part indices still to submit, in order (most messages have one part: no allocation).
    boost::container::small_vector<std::uint16_t, 4> to_send;
    unsigned awaiting = 0;   // parts submitted, response not yet received
    unsigned writes = 0;     // store writes about this record not completed
    bool finished = false;   // failed/suppressed: nothing more is sent
    bool abandoned = false;  // released after a drop; forget when writes end
    bool sent_any = false;   // a part went out: the message is under way
    // What the suppression check needs if the record waits too long (kMaxCheckAge).
    std::string phone;  // E.164
    std::string campaign;
    store::OutboxKind kind = store::OutboxKind::reply;
    std::optional<std::chrono::steady_clock::time_point> checked_at;  // empty: exempt kind
  };

  // One store write about a record, committed with the others of its batch.
  struct StoreOp {
    enum class Kind : std::uint8_t { part_submitted, finish, attempt };
    Kind kind = Kind::attempt;
    std::uint64_t id = 0;
    std::uint16_t part = 0;
    store::OutboxStatus status = store::OutboxStatus::failed;  // finish
    std::string text;  // part_submitted: the carrier id as written; finish: the reason
    std::string key;   // part_submitted: its canonical form, which receipts are matched by
    store::Timestamp at{};
  };

  // A record a fetch claimed, and what to do with it.
  struct Fetched {
    enum class Outcome : std::uint8_t { send, suppressed, failed, retry_later };
    Outcome outcome = Outcome::send;
    Job job;
    std::string reason;  // suppressed, failed
  };
  struct FetchResult {
    std::vector<Fetched> records;
    std::map<std::string, std::uint64_t> cursor;  // short code → last id read
    bool found_new = false;                       // at least one record was claimed
    bool read_failed = false;  // a queue could not be read: try again after kPollInterval
    bool more = false;         // stopped at kMaxReadsPerFetch: the queue goes on
  };
  // The text last segmented (see segmented()); used by one fetch at a time.
  struct TextCache {
    std::string text;
    std::optional<smpp::TextAnalysis> analysis;
    std::shared_ptr<const smpp::SegmentedMessage> message;
    std::uint8_t reference = 0;
  };

  void maybe_fetch();
  FetchResult fetch(std::map<std::string, std::uint64_t> cursor, std::size_t limit);
  bool still_allowed(Job& job, std::chrono::steady_clock::time_point now);
  // `state`: the recipient's subscription state, read for the batch in one read transaction
  // (ignored for kinds exempt from suppression).
  Fetched prepare(store::OutboxMessage record,
                  const store::Result<std::optional<store::SubscriptionState>>& state);
  void on_fetched(FetchResult result, std::uint64_t generation, std::uint64_t wakes);
  std::shared_ptr<const smpp::SegmentedMessage> segmented(const std::string& text,
                                                          std::uint8_t reference,
                                                          std::string& error);
  void send_ready(std::chrono::steady_clock::time_point now);
  void finish(Job& job, store::OutboxStatus status, std::string error);
  void settle(std::uint64_t outbox_id);
  void release_settled();
  void queue_write(Job& job, StoreOp op);
  void flush_writes();
  void submit_request(store::WriteRequest request);
  void on_written(const std::vector<StoreOp>& ops, std::error_code ec);
  void arm_retry(std::chrono::steady_clock::time_point at);
  asio::awaitable<void> poll_loop();
  void count(std::string_view status);

  Services& services_;
  conf::LinkConfig link_;
  Strand strand_;
  smpp::CommandId request_;  // submit_sm or deliver_sm
  // The max_tps limit of the link's carrier account, shared with its other links
  // (tps_limiters.hpp); unlimited for deliver_sm (listener accounts have no max_tps).
  std::shared_ptr<TpsLimiter> limiter_;
  std::shared_ptr<SmppConnection> connection_;
  std::unordered_map<std::uint64_t, Job> jobs_;
  std::deque<std::uint64_t> ready_;              // jobs with parts to send, in dispatch order
  std::map<std::string, std::uint64_t> cursor_;  // short code → last id read
  bool exhausted_ = false;  // the last fetch found nothing new: wait for a wake-up
  bool fetching_ = false;   // a fetch runs off the strand
  // Bumped when the cursors restart (poll, detach): a fetch that started before keeps its
  // records but not its cursors.
  std::uint64_t generation_ = 0;
  std::uint64_t wakes_ = 0;  // wake-ups so far: one during a fetch may have queued more
  bool stopped_ = false;
  std::chrono::steady_clock::time_point paused_until_{};
  std::chrono::milliseconds throttle_pause_ = kThrottlePause;
  asio::steady_timer retry_timer_;
  std::chrono::steady_clock::time_point retry_at_ = std::chrono::steady_clock::time_point::max();
  asio::steady_timer poll_timer_;
  std::uint64_t wake_token_ = 0;
  std::size_t awaiting_ = 0;
  std::size_t writes_ = 0;
  std::vector<StoreOp> batch_;          // writes not yet handed to the writer
  bool flush_posted_ = false;           // a flush_writes() is queued on the strand
  std::vector<std::uint64_t> settled_;  // forgotten records whose claims are not released yet
  TextCache text_cache_;                // touched only by the running fetch
  admin::Gauge& window_gauge_;
  admin::Counter* submitted_counter_ = nullptr;  // the per-response one, looked up once
  std::map<std::string, admin::Counter*, std::less<>> counters_;  // by status, strand-only
};

}  // namespace smppgw::daemon
