#include "daemon/listener_accounts.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "protocol/pdu.hpp"

namespace smppgw::daemon {

namespace {

using Buffer = std::array<std::uint8_t, ListenerAccounts::kCredentialBuffer>;

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

Buffer padded(std::string_view text) {
  Buffer out{};
  std::copy_n(text.begin(), std::min(text.size(), out.size()), out.begin());
  return out;
}

// The failure record of an address: IPv4 by the whole address, IPv6 by its /64.
std::string address_key(const PeerAddress& peer) {
  std::string key(1, peer.size == 4 ? '4' : '6');
  const std::size_t n = peer.size == 4 ? 4 : 8;
  key.append(reinterpret_cast<const char*>(peer.bytes.data()), n);
  return key;
}

bool allowed(const conf::ListenAccount& account, const PeerAddress& peer) {
  if (peer.size != 4 && peer.size != 16) return false;
  return std::any_of(account.allow.begin(), account.allow.end(), [&](const conf::Cidr& block) {
    return block.contains(peer.bytes.data(), peer.size);
  });
}

}  // namespace

// ---- PeerAddress ----------------------------------------------------------------------

PeerAddress PeerAddress::from_bytes(const std::uint8_t* bytes, std::size_t size) {
  PeerAddress out;
  if (size == 16 && std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes)) {
    std::copy_n(bytes + 12, 4, out.bytes.begin());
    out.size = 4;
  } else if (size == 4 || size == 16) {
    std::copy_n(bytes, size, out.bytes.begin());
    out.size = static_cast<std::uint8_t>(size);
  }
  return out;
}

std::optional<PeerAddress> PeerAddress::parse(std::string_view text) {
  const std::string s(text);  // inet_pton wants a NUL-terminated string
  std::array<std::uint8_t, 16> raw{};
  if (inet_pton(AF_INET, s.c_str(), raw.data()) == 1) return from_bytes(raw.data(), 4);
  if (inet_pton(AF_INET6, s.c_str(), raw.data()) == 1) return from_bytes(raw.data(), 16);
  return std::nullopt;
}

std::string PeerAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (size == 4) {
    inet_ntop(AF_INET, bytes.data(), text, sizeof text);
  } else if (size == 16) {
    inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  } else {
    return "(unknown address)";
  }
  return text;
}

// ---- refusals -------------------------------------------------------------------------

const char* to_string(BindRefusal refusal) {
  switch (refusal) {
    case BindRefusal::unknown_system_id:
      return "unknown system_id";
    case BindRefusal::address_not_allowed:
      return "source address not in the account's allow list";
    case BindRefusal::wrong_password:
      return "wrong password";
    case BindRefusal::too_many_binds:
      return "the account has max_binds binds already";
    case BindRefusal::too_many_waiting:
      return "too many binds from this address are waiting after recent failures";
  }
  return "refused";
}

std::uint32_t bind_status(BindRefusal refusal) {
  switch (refusal) {
    case BindRefusal::too_many_binds:
      return smpp::status::already_bound;
    case BindRefusal::unknown_system_id:
    case BindRefusal::address_not_allowed:
    case BindRefusal::wrong_password:
    case BindRefusal::too_many_waiting:
      return smpp::status::bind_fail;
  }
  return smpp::status::bind_fail;
}

std::chrono::milliseconds failure_delay(std::size_t failures) {
  if (failures == 0) return std::chrono::milliseconds{0};
  auto delay = ListenerAccounts::kFirstFailureDelay;
  for (std::size_t i = 1; i < failures && delay < ListenerAccounts::kMaxFailureDelay; ++i) {
    delay *= 2;
  }
  return std::min(delay, ListenerAccounts::kMaxFailureDelay);
}

bool credentials_equal(std::string_view presented, std::string_view configured) {
  const Buffer a = padded(presented);
  const Buffer b = padded(configured);
  // Every term is evaluated: no short-circuit, no early exit.
  unsigned differs = CRYPTO_memcmp(a.data(), b.data(), a.size()) != 0 ? 1u : 0u;
  differs |= presented.size() != configured.size() ? 1u : 0u;
  differs |= presented.size() > a.size() ? 1u : 0u;
  differs |= configured.size() > b.size() ? 1u : 0u;
  return differs == 0;
}

// ---- shared state ---------------------------------------------------------------------

namespace {

struct AddressRecord {
  std::size_t failures = 0;
  ListenerAccounts::Clock::time_point last_failure{};
  std::size_t waiting = 0;  // Wait objects alive
};

}  // namespace

struct ListenerAccounts::State {
  mutable std::mutex mutex;
  std::vector<conf::ListenAccount> accounts;
  std::map<std::string, std::size_t, std::less<>> binds;  // system_id → Leases alive
  std::unordered_map<std::string, AddressRecord> addresses;

  // Forgets failure records that have been quiet for kQuietPeriod (kept while a Wait of
  // the address is alive: its release must find the record).
  void prune(Clock::time_point now) {
    for (auto it = addresses.begin(); it != addresses.end();) {
      auto& r = it->second;
      if (r.failures > 0 && now - r.last_failure >= kQuietPeriod) r.failures = 0;
      if (r.failures == 0 && r.waiting == 0) {
        it = addresses.erase(it);
      } else {
        ++it;
      }
    }
  }

  // The record of `key`, created if missing. When kMaxTrackedAddresses are kept, the one
  // whose last failure is oldest (and that no bind waits on) makes room; if every record
  // has a waiting bind, nullptr: this address is not tracked (a bounded table beats
  // unbounded memory under a flood from many addresses).
  AddressRecord* record(const std::string& key) {
    if (auto it = addresses.find(key); it != addresses.end()) return &it->second;
    if (addresses.size() >= kMaxTrackedAddresses) {
      auto oldest = addresses.end();
      for (auto it = addresses.begin(); it != addresses.end(); ++it) {
        if (it->second.waiting > 0) continue;
        if (oldest == addresses.end() || it->second.last_failure < oldest->second.last_failure) {
          oldest = it;
        }
      }
      if (oldest == addresses.end()) return nullptr;
      addresses.erase(oldest);
    }
    return &addresses[key];
  }

  void release_bind(const std::string& system_id) {
    std::lock_guard lock(mutex);
    if (auto it = binds.find(system_id); it != binds.end()) {
      if (--it->second == 0) binds.erase(it);
    }
  }

  void release_wait(const std::string& key) {
    std::lock_guard lock(mutex);
    if (auto it = addresses.find(key); it != addresses.end()) {
      if (it->second.waiting > 0) --it->second.waiting;
      if (it->second.waiting == 0 && it->second.failures == 0) addresses.erase(it);
    }
  }
};

// ---- Lease / Wait ---------------------------------------------------------------------

ListenerAccounts::Lease::Lease(std::shared_ptr<State> state, std::string system_id)
    : state_(std::move(state)), system_id_(std::move(system_id)) {}
ListenerAccounts::Lease::Lease(Lease&& other) noexcept
    : state_(std::move(other.state_)), system_id_(std::move(other.system_id_)) {
  other.state_.reset();
}
ListenerAccounts::Lease& ListenerAccounts::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    system_id_ = std::move(other.system_id_);
    other.state_.reset();
  }
  return *this;
}
ListenerAccounts::Lease::~Lease() {
  release();
}
void ListenerAccounts::Lease::release() {
  if (!state_) return;
  state_->release_bind(system_id_);
  state_.reset();
}

ListenerAccounts::Wait::Wait(std::shared_ptr<State> state, std::string key)
    : state_(std::move(state)), key_(std::move(key)) {}
ListenerAccounts::Wait::Wait(Wait&& other) noexcept
    : state_(std::move(other.state_)), key_(std::move(other.key_)) {
  other.state_.reset();
}
ListenerAccounts::Wait& ListenerAccounts::Wait::operator=(Wait&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
    other.state_.reset();
  }
  return *this;
}
ListenerAccounts::Wait::~Wait() {
  release();
}
void ListenerAccounts::Wait::release() {
  if (!state_) return;
  state_->release_wait(key_);
  state_.reset();
}

// ---- ListenerAccounts -----------------------------------------------------------------

ListenerAccounts::ListenerAccounts(std::vector<conf::ListenAccount> accounts)
    : state_(std::make_shared<State>()) {
  replace(std::move(accounts));
}

ListenerAccounts::~ListenerAccounts() = default;

void ListenerAccounts::replace(std::vector<conf::ListenAccount> accounts) {
  std::lock_guard lock(state_->mutex);
  state_->accounts = std::move(accounts);
}

ListenerAccounts::Decision ListenerAccounts::check(std::string_view system_id,
                                                   std::string_view password,
                                                   const PeerAddress& peer, Clock::time_point now) {
  Decision decision;
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  s.prune(now);

  const std::string key = address_key(peer);
  const auto found = s.addresses.find(key);
  const std::size_t prior_failures = found == s.addresses.end() ? 0 : found->second.failures;
  decision.delay = failure_delay(prior_failures);
  if (decision.delay.count() > 0 && found->second.waiting >= kMaxWaitingPerAddress) {
    decision.refusal = BindRefusal::too_many_waiting;
    decision.status = bind_status(*decision.refusal);
    decision.delay = std::chrono::milliseconds{0};  // answered at once: no guess was checked
    return decision;
  }

  // One pass over every account comparing both credentials in full: the time taken does not
  // depend on which account (if any) matches, nor on where the input first differs.
  std::size_t matched = s.accounts.size();
  bool password_right = false;
  for (std::size_t i = 0; i < s.accounts.size(); ++i) {
    const auto& account = s.accounts[i];
    const bool id_equal = credentials_equal(system_id, account.system_id);
    const bool pw_equal = credentials_equal(password, account.password.reveal());
    matched = id_equal ? i : matched;
    password_right = id_equal ? pw_equal : password_right;
  }

  if (matched == s.accounts.size()) {
    decision.refusal = BindRefusal::unknown_system_id;
  } else if (!allowed(s.accounts[matched], peer)) {
    decision.refusal = BindRefusal::address_not_allowed;
  } else if (!password_right) {
    decision.refusal = BindRefusal::wrong_password;
  } else {
    const auto& account = s.accounts[matched];
    auto& count = s.binds[account.system_id];
    if (count >= account.max_binds) {
      if (count == 0) s.binds.erase(account.system_id);
      decision.refusal = BindRefusal::too_many_binds;
    } else {
      ++count;
      decision.account = account;
      decision.lease = Lease(state_, account.system_id);
    }
  }

  const bool credential_failure =
      decision.refusal.has_value() && *decision.refusal != BindRefusal::too_many_binds;
  AddressRecord* rec = nullptr;
  if (credential_failure) {
    rec = s.record(key);
    if (rec) {
      ++rec->failures;
      rec->last_failure = now;
    }
  } else if (decision.accepted()) {
    if (auto it = s.addresses.find(key); it != s.addresses.end()) {
      rec = &it->second;
      rec->failures = 0;  // the address holds valid credentials: no more slowing down
    }
  } else if (auto it = s.addresses.find(key); it != s.addresses.end()) {
    rec = &it->second;
  }

  if (decision.delay.count() > 0 && rec) {
    ++rec->waiting;
    decision.wait = Wait(state_, key);
  } else if (rec && rec->failures == 0 && rec->waiting == 0) {
    s.addresses.erase(key);
  }
  if (decision.refusal) decision.status = bind_status(*decision.refusal);
  return decision;
}

std::size_t ListenerAccounts::binds(std::string_view system_id) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->binds.find(system_id);
  return it == state_->binds.end() ? 0 : it->second;
}

std::size_t ListenerAccounts::failures(const PeerAddress& peer, Clock::time_point now) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->addresses.find(address_key(peer));
  if (it == state_->addresses.end()) return 0;
  if (now - it->second.last_failure >= kQuietPeriod) return 0;
  return it->second.failures;
}

std::size_t ListenerAccounts::tracked_addresses() const {
  std::lock_guard lock(state_->mutex);
  return state_->addresses.size();
}

}  // namespace smppgw::daemon
