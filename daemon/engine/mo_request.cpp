// The MO write request (DESIGN.md §3). The order of writes matters only for the audit
// references: the Inbox row comes first so that every change can name its MO ("mo:<id>").
#include "daemon/engine/mo_request.hpp"

#include "daemon/engine/suppression.hpp"

namespace smppgw::engine {

store::Result<SubscriberState> read_subscriber_state(store::WriteTxn& txn, const MoMessage& mo) {
  SubscriberState state;
  auto subs = txn.subscriptions(mo.from);
  if (!subs) return store::fail(subs.error());
  state.subscriptions = std::move(*subs);
  auto company = txn.company_opt_out(mo.from);
  if (!company) return store::fail(company.error());
  state.company_opt_out = std::move(*company);
  auto last = txn.last_stop(mo.from, mo.to);
  if (!last) return store::fail(last.error());
  state.last_stop = std::move(*last);
  auto recent = txn.recent_join(mo.from, mo.to);
  if (!recent) return store::fail(recent.error());
  state.recent_join = std::move(*recent);
  return state;
}

store::Result<MoResult> apply_mo(store::WriteTxn& txn, const KeywordEngine& engine,
                                 const MoMessage& mo) {
  auto state = read_subscriber_state(txn, mo);
  if (!state) return store::fail(state.error());

  MoResult result;
  result.decision = engine.decide(mo, *state);
  const Decision& d = result.decision;

  auto inbox_id = txn.add_inbox(store::NewInboxMessage{mo.received_at, mo.from, mo.to, d.campaign,
                                                       mo.text, d.kind, mo.link, mo.inbox_id});
  if (!inbox_id) return store::fail(inbox_id.error());
  result.inbox_id = *inbox_id;

  const std::string ref = "mo:" + std::to_string(*inbox_id);
  const store::ChangeContext ctx{mo.received_at, store::ChangeSource::sms, ref, d.reason};
  for (const SubscriptionAction& change : d.changes) {
    switch (change.op) {
      case SubscriptionAction::Op::subscribe: {
        auto r = txn.subscribe(mo.from, change.campaign, mo.to, ctx);
        if (!r) return store::fail(r.error());
        result.changed += r->changed ? 1 : 0;
        break;
      }
      case SubscriptionAction::Op::opt_out: {
        auto r = txn.opt_out(mo.from, change.campaign, ctx);
        if (!r) return store::fail(r.error());
        result.changed += r->changed ? 1 : 0;
        break;
      }
      case SubscriptionAction::Op::opt_out_company: {
        auto r = txn.opt_out_company(mo.from, ctx);
        if (!r) return store::fail(r.error());
        result.changed += r->changed ? 1 + r->ended.size() : 0;
        break;
      }
    }
  }
  if (d.record_last_stop) {
    if (auto ec = txn.set_last_stop(
            store::LastStop{mo.from, mo.to, mo.received_at, ref, *d.record_last_stop}))
      return store::fail(ec);
  }
  if (d.clear_last_stop) {
    if (auto r = txn.clear_last_stop(mo.from, mo.to); !r) return store::fail(r.error());
  }

  for (const Reply& reply : d.replies) {
    const store::OutboxKind kind = outbox_kind(reply.kind);
    // The rules only send what suppression allows; checking the state as it is now, after
    // the changes, keeps that true whatever a future rule does.
    auto now = txn.state(mo.from, reply.campaign);
    if (!now) return store::fail(now.error());
    if (suppressed(kind, *now)) continue;
    store::NewOutboxMessage answer;  // the gateway's own: no sender, no broadcast
    answer.at = mo.received_at;
    answer.to = mo.from;
    answer.from = mo.to;
    answer.campaign = reply.campaign;
    answer.text = reply.text;
    answer.kind = kind;
    answer.encoding = reply.encoding;
    answer.segments = reply.segments;
    auto id = txn.enqueue_outbox(answer);
    if (!id) return store::fail(id.error());
    result.outbox_ids.push_back(*id);
  }
  return result;
}

store::WriteRequest make_mo_request(std::shared_ptr<const KeywordEngine> engine, MoMessage mo,
                                    MoDone done) {
  // Shared by apply (which may run several times) and complete (once, after the commit).
  struct Shared {
    std::shared_ptr<const KeywordEngine> engine;
    MoMessage mo;
    MoDone done;
    MoResult result;
  };
  auto shared =
      std::make_shared<Shared>(Shared{std::move(engine), std::move(mo), std::move(done), {}});
  store::WriteRequest req;
  req.apply = [shared](store::WriteTxn& txn) -> std::error_code {
    shared->result = MoResult{};  // a re-run starts from scratch
    auto r = apply_mo(txn, *shared->engine, shared->mo);
    if (!r) return r.error();
    shared->result = std::move(*r);
    return {};
  };
  req.complete = [shared](std::error_code ec) {
    if (!shared->done) return;
    if (ec) shared->result = MoResult{};  // nothing of a failed request is in the store
    shared->done(ec, shared->result);
  };
  return req;
}

}  // namespace smppgw::engine
