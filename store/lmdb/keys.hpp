// Key encodings of the LMDB tables (private to store/). Every query of SPEC §6 is a range
// scan because keys sort the way the queries read: ids are 8-byte big-endian (so byte order
// is numeric order and monotonic ids append at the right edge of the B-tree, MDB_APPEND),
// and composite keys join their parts with a NUL byte, which no phone, campaign, short code
// or link name may contain (checked at the API edge), so "a\0..." sorts before "ab\0...".
#pragma once

#include "store/rules.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace smppgw::store::keys {

inline void append_be64(std::string& out, std::uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(b, 8);
}

inline std::uint64_t read_be64(std::string_view s) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

// id → 8 bytes big-endian (inbox, outbox, audit main tables).
inline std::string id(std::uint64_t v) {
  std::string k;
  append_be64(k, v);
  return k;
}

// "a\0" : the prefix of every composite key that starts with `a`.
inline std::string prefix(std::string_view a) {
  std::string k;
  k.reserve(a.size() + 1);
  k.append(a);
  k.push_back('\0');
  return k;
}

// "a\0b" (subscriptions: campaign\0phone; carrier ids: link\0carrier_message_id; meta's
// pending\0short_code).
inline std::string pair(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 1);
  k.append(a);
  k.push_back('\0');
  k.append(b);
  return k;
}

// "a\0" + be64(id) (per-phone, per-campaign and per-short-code id indexes).
inline std::string with_id(std::string_view a, std::uint64_t v) {
  std::string k;
  k.reserve(a.size() + 9);
  k.append(a);
  k.push_back('\0');
  append_be64(k, v);
  return k;
}

// A key built on the stack: the hot write paths build several keys per request, and a
// std::string key longer than the small-string buffer (any phone\0campaign pair) costs a
// heap allocation and free each. Components are checked by valid_component (<= 200 bytes),
// so two components, a separator and an id always fit.
class Buf {
 public:
  Buf& add(std::string_view s) {
    std::memcpy(b_ + n_, s.data(), s.size());
    n_ += s.size();
    return *this;
  }
  Buf& nul() {
    b_[n_++] = '\0';
    return *this;
  }
  Buf& be64(std::uint64_t v) {
    for (int i = 7; i >= 0; --i) {
      b_[n_ + static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
      v >>= 8;
    }
    n_ += 8;
    return *this;
  }
  std::string_view view() const { return {b_, n_}; }
  operator std::string_view() const { return view(); }  // NOLINT: used as a key

 private:
  char b_[2 * 200 + 2 + 8 + 6];  // two components, NUL, tag, id
  std::size_t n_ = 0;
};

inline Buf id_buf(std::uint64_t v) {
  Buf b;
  b.be64(v);
  return b;
}
inline Buf pair_buf(std::string_view a, std::string_view b) {
  Buf k;
  k.add(a).nul().add(b);
  return k;
}
inline Buf with_id_buf(std::string_view a, std::uint64_t v) {
  Buf k;
  k.add(a).nul().be64(v);
  return k;
}

// The `phones` table (schema.hpp): every key is phone\0, one tag byte saying what the entry
// is, then the entry's own part. One phone's entries of one tag are a contiguous range.
namespace phone_tag {
inline constexpr char audit = 'a';         // + be64(audit id)        → ""
inline constexpr char subscription = 'c';  // + campaign → Subscription (schema 2 and 3 only)
inline constexpr char inbox = 'i';         // + be64(inbox id)        → ""
inline constexpr char recent_join = 'j';   // + short_code           → RecentJoin
inline constexpr char outbox = 'o';        // + be64(outbox id)       → ""
inline constexpr char last_stop = 's';     // + short_code           → LastStop
}  // namespace phone_tag

// phone\0<tag>: the prefix of one phone's entries of one tag.
inline std::string phone_prefix(std::string_view phone, char tag) {
  std::string k;
  k.reserve(phone.size() + 2);
  k.append(phone);
  k.push_back('\0');
  k.push_back(tag);
  return k;
}
// phone\0<tag><part> (recent joins, last STOPs).
inline Buf phone_buf(std::string_view phone, char tag, std::string_view part) {
  Buf k;
  const char t[1] = {tag};
  k.add(phone).nul().add({t, 1}).add(part);
  return k;
}
// phone\0<tag>be64(id) (the inbox, outbox and audit entries of a phone).
inline Buf phone_id_buf(std::string_view phone, char tag, std::uint64_t id) {
  Buf k;
  const char t[1] = {tag};
  k.add(phone).nul().add({t, 1}).be64(id);
  return k;
}

// mo_parts (schema.hpp): the set key from\0to\0be16(reference)u8(total), then u8(seq),
// 0 for the set's own entry; so a set is one contiguous range with its entry first.
// mo_parts_due: u8(phase)be64(since ms) + the set key, so each phase reads oldest first.
namespace mo_part {
inline Buf set(std::string_view from, std::string_view to, std::uint16_t reference,
               std::uint8_t total) {
  Buf k;
  const char tail[3] = {static_cast<char>(reference >> 8), static_cast<char>(reference & 0xff),
                        static_cast<char>(total)};
  k.add(from).nul().add(to).nul().add({tail, 3});
  return k;
}
inline Buf entry(std::string_view set_key, std::uint8_t seq) {
  Buf k;
  const char s[1] = {static_cast<char>(seq)};
  k.add(set_key).add({s, 1});
  return k;
}
inline Buf due(std::uint8_t phase, std::int64_t since_ms, std::string_view set_key) {
  Buf k;
  const char p[1] = {static_cast<char>(phase)};
  k.add({p, 1}).be64(static_cast<std::uint64_t>(since_ms)).add(set_key);
  return k;
}
// The set key's parts back; false if `k` is not one.
inline bool parse_set(std::string_view k, std::string& from, std::string& to,
                      std::uint16_t& reference, std::uint8_t& total) {
  const auto a = k.find('\0');
  if (a == std::string_view::npos || a == 0) return false;
  const auto b = k.find('\0', a + 1);
  if (b == std::string_view::npos || b == a + 1 || k.size() != b + 4) return false;
  from.assign(k.substr(0, a));
  to.assign(k.substr(a + 1, b - a - 1));
  const auto* t = reinterpret_cast<const unsigned char*>(k.data() + b + 1);
  reference = static_cast<std::uint16_t>((t[0] << 8) | t[1]);
  total = t[2];
  return true;
}
}  // namespace mo_part

// The part of `key` after the first NUL (the second component of a pair key).
inline std::string_view second(std::string_view key) {
  auto p = key.find('\0');
  return p == std::string_view::npos ? std::string_view{} : key.substr(p + 1);
}

inline bool starts_with(std::string_view key, std::string_view pfx) {
  return key.size() >= pfx.size() && key.compare(0, pfx.size(), pfx) == 0;
}

// The id at the end of a with_id key.
inline std::uint64_t trailing_id(std::string_view key) {
  return key.size() >= 8 ? read_be64(key.substr(key.size() - 8)) : 0;
}

// True if `s` can be a key component (non-empty, no NUL, within LMDB's 511-byte key limit).
inline bool valid_component(std::string_view s) {
  return rules::valid_key_part(s);
}

}  // namespace smppgw::store::keys
