// Plain-language revocation: the folding and the reading rules explained in revocation.hpp.
#include "daemon/engine/revocation.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "conf/mo_text.hpp"

namespace smppgw::engine {
namespace {

using Words = std::vector<std::string>;
using Set = std::unordered_set<std::string_view>;

// Courtesy, emphasis and the words around a request ("I want to", "can you", "from this
// list"): with only these around a stop term, the message is the stop term.
const Set& courtesy() {
  static const Set s{
      "please", "pls", "plz", "plez", "plse", "pleas", "plese", "now", "right", "already", "just",
      "it", "thanks", "thank", "thx", "ty", "tks", "ok", "okay", "k", "i", "im", "said", "say",
      "saying", "told", "you", "u", "ya", "yall", "can", "could", "would", "will", "want", "wanna",
      "to", "like", "id", "need", "me", "my", "all", "this", "that", "these", "those", "the",
      "asap", "immediately", "seriously", "god", "omg", "damn", "dammit", "fucking", "fuckin",
      "freaking", "frickin", "hell", "dude", "man", "sir", "maam", "yes", "yeah", "yep", "and",
      "so", "really", "again", "oh", "hey", "hi", "hello", "lol", "ugh", "sorry", "guys", "number",
      "phone", "from", "of", "off", "out", "for", "good", "forever", "anymore", "any", "more", "no",
      "a", "an", "is", "am", "are", "do", "us", "our", "your", "now", "pleaseee", "stupid", "ffs",
      "wtf", "btw", "texts", "text", "messages", "message", "msgs", "msg", "sms", "list", "these",
      "ever", "thankyou", "txt", "txts", "kindly", "must", "should", "let", "go",
      // Spanish
      "por", "favor", "porfavor", "porfa", "xfa", "gracias", "ya", "mas", "de", "la", "el", "los",
      "las", "lista", "mensajes", "numero", "mi", "ahora", "quiero", "senor", "sr", "hola", "si",
      "bueno", "y", "lo", "esto", "estos", "todo", "todos", "a", "me", "ud", "usted"};
  return s;
}

// The texts themselves: a stop word followed by one of these is about the texts.
const Set& texts_words() {
  static const Set s{
      "texting",   "texts",        "text",        "txt",           "txts",       "txting",
      "texted",    "textin",       "messaging",   "messages",      "message",    "msgs",
      "msg",       "msging",       "sending",     "send",          "contacting", "contact",
      "spamming",  "spam",         "sms",         "calling",       "calls",      "emailing",
      "emails",    "bothering",    "harassing",   "notifications", "alerts",     "alert",
      "promos",    "promo",        "promotions",  "ads",           "deals",      "coupons",
      "marketing", "subscription", "list",        "pinging",       "blowing",    "mensajes",
      "mensaje",   "textos",       "texto",       "enviar",        "envien",     "enviando",
      "mandar",    "manden",       "promociones", "ofertas",       "lista",      "suscripcion"};
  return s;
}

// Words that, right after a stop word, make it an idiom about something else.
const Set& idiom_after() {
  static const Set s{"by",    "in",   "over", "off",    "at",    "for",   "on",
                     "there", "here", "and",  "sign",   "signs", "light", "lights",
                     "watch", "gap",  "loss", "motion", "n"};
  return s;
}

// Words that, right after "end", make it a noun ("end of the month", "end date").
const Set& idiom_after_end() {
  static const Set s{"of",   "up",    "date", "time", "result", "user",
                     "game", "point", "zone", "goal", "table",  "cap"};
  return s;
}

// Words that make the stop word part of a question about stopping ("how do I stop these
// texts", "what happens if I text stop"): the subscriber may mean it, a person decides.
const Set& asking() {
  static const Set s{"how", "if", "what", "whats", "when", "como", "cuando", "que"};
  return s;
}

bool asks_about(const std::vector<std::string>& w, std::size_t i) {
  for (std::size_t k = i; k > 0 && k + 4 > i; --k)
    if (asking().count(w[k - 1])) return true;
  return false;
}

// Words that, right before a stop word, make it a noun ("bus stop", "the end").
const Set& idiom_before() {
  static const Set s{"bus",   "the",   "a",      "next",  "last",    "pit",    "one",   "full",
                     "truck", "rest",  "first",  "your",  "my",      "our",    "each",  "every",
                     "train", "tram",  "subway", "metro", "shuttle", "non",    "photo", "week",
                     "dead",  "deep",  "tail",   "rear",  "front",   "back",   "high",  "low",
                     "far",   "year",  "month",  "happy", "top",     "bottom", "west",  "east",
                     "north", "south", "an",     "his",   "her",     "their",  "no"};
  return s;
}

// Words a plain negation ends in; "cant" and friends are the "I can't stop" idiom.
const Set& negators() {
  static const Set s{"dont", "never", "not", "doesnt", "didnt", "shouldnt", "wouldnt", "nunca"};
  return s;
}
const Set& cannot() {
  static const Set s{"cant", "cannot", "couldnt"};
  return s;
}

// Real words one typo away from a stop term: never read as that term.
const Set& near_words() {
  static const Set s{"step",    "shop",    "stoop",   "stomp",   "atop",         "stops",
                     "slop",    "stow",    "stoa",    "strop",   "quite",        "quiet",
                     "quits",   "quilt",   "quiz",    "quid",    "quip",         "suit",
                     "cancer",  "cancels", "revoked", "revokes", "unsubscribed", "unsubscribes",
                     "optouts", "stood",   "scop"};
  return s;
}

bool is_courtesy(std::string_view w) {
  return courtesy().count(w) != 0 || texts_words().count(w) != 0 ||
         std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Decodes one UTF-8 code point at `i`, advancing it; invalid bytes read as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

// Latin-1 letters without their accents (the text is lower-cased already).
const char* unaccented(char32_t cp) {
  static constexpr std::array<const char*, 32> lower{
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  if (cp == 0xDF) return "ss";
  if (cp >= 0xE0 && cp <= 0xFF) return lower[cp - 0xE0];
  return nullptr;
}

// One letter added, dropped or changed, or two neighbours swapped (optimal string alignment).
bool one_typo(std::string_view a, std::string_view b) {
  if (a == b) return false;
  const std::size_t n = a.size(), m = b.size();
  if (n > m + 1 || m > n + 1) return false;
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m] == 1;
}

bool matches_at(const Words& w, std::size_t i, const Words& phrase) {
  if (phrase.empty() || i + phrase.size() > w.size()) return false;
  for (std::size_t k = 0; k < phrase.size(); ++k)
    if (phrase[k] != "*" && phrase[k] != w[i + k]) return false;
  return true;
}

std::string joined(const Words& p) {
  std::string out;
  for (const auto& s : p) out += (out.empty() ? "" : " ") + s;
  return out;
}

enum class Negation { none, plain, cannot };

// The negation right before word i, skipping "please", "just", "ever", "you".
Negation negation_before(const Words& w, std::size_t i) {
  static const Set skip{"please", "pls", "just", "ever", "you", "u", "ever", "even"};
  std::size_t j = i;
  while (j > 0 && skip.count(w[j - 1])) --j;
  if (j == 0) return Negation::none;
  if (negators().count(w[j - 1])) return Negation::plain;
  if (cannot().count(w[j - 1])) return Negation::cannot;
  return Negation::none;
}

// The texts named within four words after `end`.
bool names_texts(const Words& w, std::size_t end) {
  for (std::size_t k = end; k < w.size() && k < end + 4; ++k)
    if (texts_words().count(w[k])) return true;
  return false;
}

bool is_idiom(const Words& w, std::size_t i, std::size_t end) {
  if (i > 0 && idiom_before().count(w[i - 1])) return true;
  if (end < w.size()) {
    const std::string& next = w[end];
    if (idiom_after().count(next)) return true;
    if (w[i] == "end" && idiom_after_end().count(next)) return true;
    if (next.size() >= 5 && next.compare(next.size() - 3, 3, "ing") == 0 &&
        !texts_words().count(next))
      return true;  // "stop laughing", "quit smoking"
  }
  return false;
}

}  // namespace

std::vector<std::string> RevocationReader::words(std::string_view text, bool* stop_emoji) {
  const std::string n = conf::normalize_mo_text(text);
  Words out;
  std::string cur;
  enum class Kind { none, letter, digit } kind = Kind::none;
  const auto flush = [&] {
    if (cur.empty()) return;
    // Runs of three or more equal letters read as one ("stooop", "pleeease" → "plese").
    std::string w;
    for (std::size_t k = 0; k < cur.size(); ++k) {
      const std::size_t run_end = cur.find_first_not_of(cur[k], k);
      const std::size_t run = (run_end == std::string::npos ? cur.size() : run_end) - k;
      if (run >= 3 && static_cast<unsigned char>(cur[k]) < 0x80) {
        w.push_back(cur[k]);
        k += run - 1;
      } else {
        w.push_back(cur[k]);
      }
    }
    out.push_back(std::move(w));
    cur.clear();
    kind = Kind::none;
  };
  for (std::size_t i = 0; i < n.size();) {
    const std::size_t at = i;
    const char32_t cp = next_code_point(n, i);
    if (cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == '`' || cp == 0xB4) continue;
    Kind k = Kind::none;
    std::string piece;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
      k = Kind::letter;
      piece.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
    } else if (cp >= '0' && cp <= '9') {
      k = Kind::digit;
      piece.push_back(static_cast<char>(cp));
    } else if (const char* plain = unaccented(cp); plain && *plain) {
      k = Kind::letter;
      piece = plain;
    } else if (conf::letter_at(n, at)) {
      k = Kind::letter;
      piece.assign(n.substr(at, i - at));
    } else if (cp == 0x1F6D1 || cp == 0x26D4 || cp == 0x1F6AB) {
      if (stop_emoji) *stop_emoji = true;
    }
    if (k == Kind::none) {
      flush();
      continue;
    }
    if (kind != Kind::none && kind != k) flush();
    kind = k;
    cur += piece;
  }
  flush();
  return out;
}

RevocationReader::RevocationReader(const std::vector<std::string>& stop_terms,
                                   const std::vector<const conf::RevocationLanguage*>& languages) {
  const auto add_unique = [](std::vector<Phrase>& to, Phrase p) {
    if (!p.empty() && std::find(to.begin(), to.end(), p) == to.end()) to.push_back(std::move(p));
  };
  // "*" survives folding as a word of its own: the folding drops it, so split on it first.
  const auto phrase_words = [](const std::string& written) {
    Phrase p;
    std::size_t from = 0;
    while (from <= written.size()) {
      const std::size_t star = written.find('*', from);
      const std::string part =
          written.substr(from, star == std::string::npos ? std::string::npos : star - from);
      for (auto& w : words(part)) p.push_back(std::move(w));
      if (star == std::string::npos) break;
      p.emplace_back("*");
      from = star + 1;
    }
    return p;
  };
  for (const std::string& t : stop_terms) {
    Phrase p = words(t);
    if (p.empty()) continue;
    if (p.size() == 1 && p[0].size() >= 4 &&
        std::find(fuzzy_terms_.begin(), fuzzy_terms_.end(), p[0]) == fuzzy_terms_.end())
      fuzzy_terms_.push_back(p[0]);
    std::string compact;
    for (const auto& w : p) compact += w;
    add_unique(stop_terms_, Phrase{compact});
    add_unique(stop_terms_, std::move(p));
  }
  // Longest first, so that "opt out" is tried before "opt" were it a term.
  std::stable_sort(stop_terms_.begin(), stop_terms_.end(),
                   [](const Phrase& a, const Phrase& b) { return a.size() > b.size(); });
  for (const conf::RevocationLanguage* l : languages) {
    for (const std::string& r : l->revoke) {
      Phrase p = phrase_words(r);
      if (p.size() == 1 && p[0] != "*") {
        if (std::find(revoke_words_.begin(), revoke_words_.end(), p[0]) == revoke_words_.end())
          revoke_words_.push_back(p[0]);
      } else {
        add_unique(revoke_phrases_, std::move(p));
      }
    }
    for (const std::string& r : l->review) add_unique(review_phrases_, phrase_words(r));
  }
}

RevocationReading RevocationReader::read(std::string_view text) const {
  bool emoji = false;
  const Words w = words(text, &emoji);
  const bool question =
      text.find('?') != std::string_view::npos || text.find("\xC2\xBF") != std::string_view::npos;
  const auto only_courtesy_besides = [&](const std::vector<bool>& covered) {
    for (std::size_t k = 0; k < w.size(); ++k)
      if (!covered[k] && !is_courtesy(w[k])) return false;
    return true;
  };
  if (w.empty())
    return emoji ? RevocationReading{RevocationOutcome::possible_opt_out, "stop sign"}
                 : RevocationReading{};

  // 1. Revocation phrases.
  for (const Phrase& p : revoke_phrases_)
    for (std::size_t i = 0; i < w.size(); ++i)
      if (matches_at(w, i, p) && negation_before(w, i) != Negation::plain &&
          negation_before(w, i) != Negation::cannot)
        return {RevocationOutcome::stop, joined(p)};

  // 2. Stop terms anywhere.
  std::vector<bool> covered(w.size(), false);
  std::string candidate, flagged;
  for (const Phrase& t : stop_terms_)
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!matches_at(w, i, t) || covered[i]) continue;
      const std::size_t end = i + t.size();
      const Negation neg = negation_before(w, i);
      if (neg == Negation::plain) continue;
      if (neg == Negation::cannot) {
        if (names_texts(w, end) && flagged.empty()) flagged = joined(t);
        continue;
      }
      if (is_idiom(w, i, end)) continue;
      if (asks_about(w, i)) {
        if (flagged.empty()) flagged = joined(t);
        continue;
      }
      if (names_texts(w, end)) return {RevocationOutcome::stop, joined(t)};
      if (candidate.empty()) candidate = joined(t);
      for (std::size_t k = i; k < end; ++k) covered[k] = true;
    }
  if (!candidate.empty()) {
    if (w.size() <= 12 && !question && only_courtesy_besides(covered))
      return {RevocationOutcome::stop, candidate};
    return {RevocationOutcome::possible_opt_out, candidate};
  }

  if (!flagged.empty()) return {RevocationOutcome::possible_opt_out, flagged};

  // 3. One-word phrases, alone but for courtesy words.
  for (std::size_t i = 0; i < w.size(); ++i)
    if (std::find(revoke_words_.begin(), revoke_words_.end(), w[i]) != revoke_words_.end()) {
      std::vector<bool> self(w.size(), false);
      self[i] = true;
      if (only_courtesy_besides(self))
        return {question ? RevocationOutcome::possible_opt_out : RevocationOutcome::stop, w[i]};
    }

  // 4. Review phrases, typos, a stop sign.
  // A complaint is negated by a negation up to three words before it ("please don't take me
  // off the list").
  const auto negated_near = [&](std::size_t i) {
    for (std::size_t k = i; k > 0 && k + 3 > i; --k)
      if (negators().count(w[k - 1])) return true;
    return false;
  };
  for (const Phrase& p : review_phrases_)
    for (std::size_t i = 0; i < w.size(); ++i)
      if (matches_at(w, i, p) && !negated_near(i))
        return {RevocationOutcome::possible_opt_out, joined(p)};
  for (const std::string& word : w)
    if (word.size() >= 4 && !near_words().count(word))
      for (const std::string& t : fuzzy_terms_)
        if (one_typo(word, t)) return {RevocationOutcome::possible_opt_out, t};
  if (emoji && only_courtesy_besides(std::vector<bool>(w.size(), false)))
    return {RevocationOutcome::possible_opt_out, "stop sign"};
  return {};
}

}  // namespace smppgw::engine
