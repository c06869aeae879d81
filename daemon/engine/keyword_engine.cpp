// The subscription rules (SPEC §4). The rules and the choices made where the spec leaves
// room are listed in keyword_engine.hpp; this file is their direct transcription.
#include "daemon/engine/keyword_engine.hpp"

#include <algorithm>

namespace smppgw::engine {

using store::InboxKind;
using store::SubscriptionState;

std::optional<SubscriptionState> SubscriberState::effective(std::string_view campaign) const {
  for (const auto& s : subscriptions)
    if (s.campaign == campaign) return s.state;
  if (company_opt_out) return SubscriptionState::opted_out;
  return std::nullopt;
}

std::string_view to_string(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::join:
      return "join";
    case ReplyKind::resubscribe:
      return "resubscribe";
    case ReplyKind::stop_confirmation:
      return "stop_confirmation";
    case ReplyKind::help:
      return "help";
  }
  return "help";
}

store::OutboxKind outbox_kind(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::join:
    case ReplyKind::resubscribe:
      return store::OutboxKind::auto_reply;
    case ReplyKind::stop_confirmation:
      return store::OutboxKind::stop_confirmation;
    case ReplyKind::help:
      return store::OutboxKind::help;
  }
  return store::OutboxKind::help;
}

KeywordEngine::KeywordEngine(std::shared_ptr<const conf::Config> config, const TextShaper& shaper)
    : config_(std::move(config)), classifier_(*config_) {
  for (const auto& c : config_->campaigns)
    for (const std::string* text :
         {&c.replies.join, &c.replies.help, &c.replies.stop, &c.replies.resubscribe})
      if (!shapes_.count(*text)) shapes_.emplace(*text, shaper(*text));
}

Reply KeywordEngine::reply(ReplyKind kind, const conf::CampaignConfig& campaign) const {
  const std::string* text = nullptr;
  switch (kind) {
    case ReplyKind::join:
      text = &campaign.replies.join;
      break;
    case ReplyKind::resubscribe:
      text = &campaign.replies.resubscribe;
      break;
    case ReplyKind::stop_confirmation:
      text = &campaign.replies.stop;
      break;
    case ReplyKind::help:
      text = &campaign.replies.help;
      break;
  }
  const TextShape& shape = shapes_.at(*text);
  return Reply{kind, campaign.id, shape.text.empty() ? *text : shape.text, shape.encoding,
               shape.segments};
}

Decision KeywordEngine::decide(const MoMessage& mo, const SubscriberState& state) const {
  const std::vector<const conf::CampaignConfig*> on_code = config_->campaigns_on(mo.to);
  const auto find_on_code = [&](std::string_view id) -> const conf::CampaignConfig* {
    for (const auto* c : on_code)
      if (c->id == id) return c;
    return nullptr;
  };
  // Their most recent join on this short code, if that campaign is still configured here.
  const conf::CampaignConfig* recent = state.recent_join && state.recent_join->short_code == mo.to
                                           ? find_on_code(state.recent_join->campaign)
                                           : nullptr;
  const conf::CampaignConfig* fallback_default = config_->default_campaign(mo.to);
  // The campaign whose help (or confirmation) texts answer them when nothing says better.
  const conf::CampaignConfig* theirs =
      recent
          ? recent
          : (fallback_default ? fallback_default : (on_code.empty() ? nullptr : on_code.front()));

  // The campaigns on this short code they are subscribed to, most recently joined first
  // (a subscribed record's `since` is when they joined).
  const auto subscribed_here = [&] {
    std::vector<const store::Subscription*> subs;
    for (const auto& s : state.subscriptions)
      if (s.state == SubscriptionState::subscribed && find_on_code(s.campaign)) subs.push_back(&s);
    std::stable_sort(subs.begin(), subs.end(),
                     [](const auto* a, const auto* b) { return a->since > b->since; });
    std::vector<const conf::CampaignConfig*> out;
    for (const auto* s : subs) out.push_back(find_on_code(s->campaign));
    return out;
  };

  const Classification cls = classifier_.classify(mo.to, mo.text);
  Decision d;
  d.kind = cls.kind;
  d.term = cls.term;
  if (cls.kind != InboxKind::message)
    d.reason = std::string(store::to_string(cls.kind)) + ": " + cls.term;

  switch (cls.kind) {
    case InboxKind::message:
    case InboxKind::possible_opt_out: {
      const conf::CampaignConfig* c = recent ? recent : fallback_default;
      d.campaign = c ? c->id : "";
      break;
    }

    case InboxKind::keyword: {
      d.campaign = cls.campaign->id;
      d.changes.push_back({SubscriptionAction::Op::subscribe, cls.campaign->id});
      d.replies.push_back(reply(ReplyKind::join, *cls.campaign));
      break;
    }

    case InboxKind::stop:
    case InboxKind::stop_all: {
      const std::vector<const conf::CampaignConfig*> ended = subscribed_here();
      if (cls.kind == InboxKind::stop_all || config_->revocation.revoke_all) {
        d.changes.push_back({SubscriptionAction::Op::opt_out_company, ""});
      } else {
        for (const auto* c : on_code)
          if (state.effective(c->id) != SubscriptionState::opted_out)
            d.changes.push_back({SubscriptionAction::Op::opt_out, c->id});
      }
      if (!ended.empty()) {
        std::vector<std::string> ids;
        // Configuration order: a stable, reviewable record of what OOPS will restore.
        for (const auto* c : on_code)
          if (std::find(ended.begin(), ended.end(), c) != ended.end()) ids.push_back(c->id);
        d.record_last_stop = std::move(ids);
      }
      const conf::CampaignConfig* confirm = ended.empty() ? theirs : ended.front();
      if (confirm) {
        d.campaign = confirm->id;
        d.replies.push_back(reply(ReplyKind::stop_confirmation, *confirm));
      }
      break;
    }

    case InboxKind::resubscribe: {
      std::vector<const conf::CampaignConfig*> restore;
      if (state.last_stop && state.last_stop->short_code == mo.to)
        for (const std::string& id : state.last_stop->campaigns)
          if (const auto* c = find_on_code(id);
              c && state.effective(id) == SubscriptionState::opted_out)
            restore.push_back(c);
      if (!restore.empty()) {
        for (const auto* c : restore)
          d.changes.push_back({SubscriptionAction::Op::subscribe, c->id});
        d.clear_last_stop = true;
        const conf::CampaignConfig* answer =
            std::find(restore.begin(), restore.end(), recent) != restore.end() ? recent
                                                                               : restore.front();
        d.campaign = answer->id;
        d.replies.push_back(reply(ReplyKind::resubscribe, *answer));
      } else if (theirs) {
        d.campaign = theirs->id;
        d.replies.push_back(reply(ReplyKind::help, *theirs));
      }
      break;
    }

    case InboxKind::help: {
      if (theirs) {
        d.campaign = theirs->id;
        d.replies.push_back(reply(ReplyKind::help, *theirs));
      }
      break;
    }
  }
  return d;
}

}  // namespace smppgw::engine
