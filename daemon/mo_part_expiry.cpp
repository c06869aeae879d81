// The reassembly timer (mo_part_expiry.hpp). One expiry request at a time: a deadline that
// passes while one is in flight runs the next as soon as it completes.
#include "daemon/mo_part_expiry.hpp"

#include <spdlog/spdlog.h>

#include "daemon/mo_text.hpp"
#include "daemon/writer_submit.hpp"

namespace smppgw::daemon {
namespace {

// After a failed run (the store refused it) the next one waits this long.
constexpr std::chrono::seconds kRetryAfterFailure{1};

std::map<std::string, smpp::Dcs0Charset, std::less<>> dcs0_by_link(const conf::Config& config) {
  std::map<std::string, smpp::Dcs0Charset, std::less<>> out;
  for (const auto& link : config.smpp.links) out.emplace(link.name, dcs0_of(link.dcs0_charset));
  return out;
}

}  // namespace

engine::MoPartTiming mo_part_timing(const Settings& settings) {
  return engine::MoPartTiming{
      std::chrono::duration_cast<std::chrono::milliseconds>(
          settings.config->messages.reassembly_timeout),
      kMoPartDuplicateWindow};
}

void report_incomplete_mo(const engine::IncompleteMo& set, admin::MetricsRegistry& metrics,
                          OutboxWakeup& wakeup) {
  spdlog::warn("link {}: long MO from {} is missing {} of {} parts; stored what arrived (Inbox {})",
               set.link, set.key.from, set.key.total - set.arrived, set.key.total,
               set.mo.inbox_id);
  metrics
      .counter(admin::metric::kMoTotal, "MO committed by link and kind",
               {{"link", set.link}, {"kind", std::string(store::to_string(set.mo.decision.kind))}})
      .add();
  if (!set.mo.outbox_ids.empty()) wakeup.notify(set.key.to);
}

struct MoPartExpiry::State : std::enable_shared_from_this<State> {
  State(store::Writer& w, SettingsHolder& s, OutboxWakeup& o, admin::MetricsRegistry& m)
      : writer(w), settings(s), wakeup(o), metrics(m) {}

  store::Writer& writer;
  SettingsHolder& settings;
  OutboxWakeup& wakeup;
  admin::MetricsRegistry& metrics;
  std::optional<Strand> strand;
  std::unique_ptr<asio::steady_timer> timer;
  std::optional<store::Timestamp> armed;  // when the timer fires, if it is waiting
  bool running = false;                   // an expiry request is in flight
  bool again = false;                     // a deadline passed while it was
  bool stopped = false;

  void arm(store::Timestamp at) {
    if (stopped || (armed && *armed <= at)) return;
    armed = at;
    const auto wait = at - store::to_timestamp(std::chrono::system_clock::now());
    timer->expires_after(std::max(wait, decltype(wait)::zero()));
    timer->async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;  // re-armed earlier, or stopped
      self->armed.reset();
      self->run();
    });
  }

  void run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    const auto current = settings.get();
    auto request = engine::make_mo_part_expiry_request(
        current->engine, mo_part_text(dcs0_by_link(*current->config)), mo_part_timing(*current),
        [] { return store::to_timestamp(std::chrono::system_clock::now()); },
        [self = shared_from_this()](std::error_code ec, const engine::MoPartExpiryResult& r) {
          asio::post(*self->strand, [self, ec, r] { self->done(ec, r); });
        });
    submit_from_loop(writer, *strand, std::move(request));
  }

  void done(std::error_code ec, const engine::MoPartExpiryResult& r) {
    running = false;
    const auto now = store::to_timestamp(std::chrono::system_clock::now());
    if (ec) {
      if (stopped) return;
      spdlog::error("long MO past their reassembly timeout not stored ({}); retrying",
                    ec.message());
      arm(now + kRetryAfterFailure);
      return;
    }
    for (const auto& set : r.stored) report_incomplete_mo(set, metrics, wakeup);
    if (again) {
      again = false;
      arm(now);
    }
    if (r.next) arm(*r.next);
  }
};

MoPartExpiry::MoPartExpiry(store::Writer& writer, SettingsHolder& settings, OutboxWakeup& wakeup,
                           admin::MetricsRegistry& metrics)
    : state_(std::make_shared<State>(writer, settings, wakeup, metrics)) {}

// Nothing to post: the daemon stops it first, and what a pending handler still holds goes
// with the io_context.
MoPartExpiry::~MoPartExpiry() = default;

void MoPartExpiry::start(asio::io_context& io) {
  state_->strand.emplace(asio::make_strand(io));
  state_->timer = std::make_unique<asio::steady_timer>(*state_->strand);
  asio::post(*state_->strand, [state = state_] { state->run(); });
}

void MoPartExpiry::stop() {
  if (!state_->strand) return;
  asio::post(*state_->strand, [state = state_] {
    state->stopped = true;
    if (state->timer) state->timer->cancel();
  });
}

void MoPartExpiry::due_at(store::Timestamp at) {
  if (!state_->strand) return;  // start() runs the expiry anyway
  asio::post(*state_->strand, [state = state_, at] { state->arm(at); });
}

}  // namespace smppgw::daemon
