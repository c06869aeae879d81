// MO text classification (SPEC §4); the matching order is documented in classifier.hpp.
#include "daemon/engine/classifier.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

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
  // The revocation readers: the languages of each short code's campaigns, one reader per
  // distinct set (a configuration has one or two).
  std::vector<std::string> stop_terms = config.keywords.stop;
  stop_terms.insert(stop_terms.end(), config.keywords.stop_all.begin(),
                    config.keywords.stop_all.end());
  std::map<std::string, std::set<std::string>> languages_of;
  for (const conf::CampaignConfig& c : config.campaigns)
    languages_of[c.short_code].insert(c.language);
  std::map<std::set<std::string>, std::size_t> reader_for;
  const auto reader = [&](const std::set<std::string>& languages) {
    if (auto it = reader_for.find(languages); it != reader_for.end()) return it->second;
    std::vector<const conf::RevocationLanguage*> phrases;
    for (const std::string& l : languages)
      if (auto it = config.revocation.languages.find(l); it != config.revocation.languages.end())
        phrases.push_back(&it->second);
    readers_.emplace_back(stop_terms, phrases);
    reader_for.emplace(languages, readers_.size() - 1);
    return readers_.size() - 1;
  };
  default_reader_ = reader({"en"});
  for (const auto& [code, languages] : languages_of) reader_of_[code] = reader(languages);
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
  const auto r = reader_of_.find(std::string(short_code));
  const RevocationReading reading =
      readers_[r == reader_of_.end() ? default_reader_ : r->second].read(text);
  switch (reading.outcome) {
    case RevocationOutcome::message:
      return {};
    case RevocationOutcome::possible_opt_out:
      return {store::InboxKind::possible_opt_out, nullptr, reading.matched};
    case RevocationOutcome::stop:
      break;
  }
  // A stop that begins with a term reports that term as configured ("STOP ALL"), as the
  // leading-word rule did; one found elsewhere reports what was read ("remove me").
  for (std::size_t i = 0; i < leading_forms_.size(); ++i) {
    const std::string& form = leading_forms_[i];
    if (n.size() > form.size() && n.compare(0, form.size(), form) == 0 &&
        !conf::letter_at(n, form.size()))
      return {store::InboxKind::stop, nullptr, leading_[i].written};
  }
  return {store::InboxKind::stop, nullptr, reading.matched};
}

}  // namespace smppgw::engine
