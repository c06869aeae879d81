// The canonical form of a subscriber's text for keyword matching (SPEC §4): trimmed, case
// folded, look-alike Unicode forms folded to ASCII, inner white space collapsed, trailing
// ".!?" dropped. It lives in conf/ because the configuration's keywords must be compared in
// exactly the form MO text is matched in: one function, so load-time duplicate checks and the
// engine's matching can never disagree. The engine (daemon/engine/) is its main user.
#pragma once

#include <string>
#include <string_view>

namespace smppgw::conf {

// Normalises UTF-8 `text` (invalid bytes become U+FFFD):
//  - full-width forms (U+FF01..U+FF5E → ASCII, U+3000 → space), mathematical alphanumeric
//    letters (𝐒𝐓𝐎𝐏) and circled letters (Ⓢ) are folded to ASCII letters;
//  - letters are lower-cased (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic);
//  - every Unicode space, tab and line break is a space; zero-width characters are removed;
//    '-' and '_' are spaces too, so that "OPT-OUT" and "opt_out" read as "opt out";
//  - leading and trailing spaces and quote marks are trimmed, runs of spaces become one;
//  - trailing '.', '!', '?' and '…' (with spaces between them) are dropped.
// The result is what keywords are compared with; the Inbox keeps the text as received.
std::string normalize_mo_text(std::string_view text);

// A term without its spaces: "opt out" → "optout". Multi-word terms also match when written
// as one word, the way subscribers actually type them.
std::string compact_term(std::string_view normalized);

// True when the code point starting at byte `offset` of UTF-8 `text` is a letter of any
// script (so "STOPÉ" does not begin with the word STOP but "STOP😀" and "STOP2" do).
// Past the end → false.
bool letter_at(std::string_view text, std::size_t offset);

}  // namespace smppgw::conf
