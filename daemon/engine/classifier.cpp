// MO text classification (SPEC §4); the matching order is documented in classifier.hpp.
#include "daemon/engine/classifier.hpp"

#include <algorithm>
#include <numeric>

#include "conf/mo_text.hpp"

namespace smppgw::engine {

Classifier::Classifier(const conf::Config& config) {
  struct Leading {
    std::string form;
    Term term;
  };
  std::vector<Leading> leading;
  const auto add_terms = [&](const std::vector<std::string>& written, store::InboxKind kind) {
    for (const std::string& w : written) {
      const std::string n = conf::normalize_mo_text(w);
      if (n.empty()) continue;
      for (const std::string& form : {n, conf::compact_term(n)}) {
        terms_.try_emplace(form, Term{kind, w});
        if (kind == store::InboxKind::stop || kind == store::InboxKind::stop_all)
          leading.push_back({form, Term{kind, w}});
      }
    }
  };
  add_terms(config.keywords.stop, store::InboxKind::stop);
  add_terms(config.keywords.stop_all, store::InboxKind::stop_all);
  add_terms(config.keywords.resubscribe, store::InboxKind::resubscribe);
  add_terms(config.keywords.help, store::InboxKind::help);
  // Longest first, so that "opt out" is tried before a shorter term it starts with.
  std::stable_sort(leading.begin(), leading.end(), [](const Leading& a, const Leading& b) {
    return a.form.size() > b.form.size();
  });
  for (auto& l : leading) {
    leading_forms_.push_back(std::move(l.form));
    leading_.push_back(std::move(l.term));
  }
  for (const conf::CampaignConfig& c : config.campaigns) {
    auto& on_code = keywords_[c.short_code];
    for (const std::string& w : c.keywords) {
      const std::string n = conf::normalize_mo_text(w);
      if (n.empty()) continue;
      for (const std::string& form : {n, conf::compact_term(n)})
        on_code.try_emplace(form, Keyword{&c, w});
    }
  }
}

Classification Classifier::classify(std::string_view short_code, std::string_view text) const {
  const std::string n = conf::normalize_mo_text(text);
  if (n.empty()) return {};
  if (auto t = terms_.find(n); t != terms_.end())
    return {t->second.kind, nullptr, t->second.written};
  if (auto code = keywords_.find(std::string(short_code)); code != keywords_.end()) {
    if (auto k = code->second.find(n); k != code->second.end())
      return {store::InboxKind::keyword, k->second.campaign, k->second.written};
  }
  for (std::size_t i = 0; i < leading_forms_.size(); ++i) {
    const std::string& form = leading_forms_[i];
    if (n.size() > form.size() && n.compare(0, form.size(), form) == 0 &&
        !conf::letter_at(n, form.size()))
      return {store::InboxKind::stop, nullptr, leading_[i].written};
  }
  return {};
}

}  // namespace smppgw::engine
