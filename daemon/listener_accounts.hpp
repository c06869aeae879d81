// The listener's bind check (SPEC §5 "Listener (SMSC role)"): which configured carrier
// account a bind names, whether its password and source address are right, whether the
// account has a bind left (max_binds), and how long the bind_resp waits because the source
// address failed recently. Pure: no I/O, no clock (time is passed in); thread-safe (one
// mutex), because the listener's connections run on different strands.
//
// Decisions written down here once:
// - Credentials are compared in constant time: system_id and password are copied into
//   fixed-size buffers and compared whole with CRYPTO_memcmp, against every account, with no
//   early exit; the time of a check does not depend on which account matched or where the
//   first wrong character is.
// - Every refusal of credentials or address answers ESME_RBINDFAIL, whatever was wrong. A
//   distinct ESME_RINVSYSID / ESME_RINVPASWD would let anyone who can reach the port list
//   the system_ids in use and learn which source addresses are allowed; the carrier's
//   engineers get the precise reason from our log instead (never the password). Only a bind
//   with the right credentials from an allowed address learns more: ESME_RALYBND when the
//   account already has max_binds binds (the status carriers expect for "bound elsewhere":
//   back off and retry, smpp-notes §11.1).
// - Repeated failures are slowed down per source address (an IPv6 address counts by its
//   /64, which one host usually owns whole): after f failures, every bind from the address
//   — right or wrong — waits min(1 s · 2^(f-1), 8 s) for its bind_resp, so a guesser cannot
//   tell a success by its speed. At most kMaxWaitingPerAddress binds of one address wait at
//   a time; more are refused at once without looking at their credentials (no guess is
//   spent), which caps guessing at a few attempts per cap period. A success from the address
//   clears its record (a carrier that fixed its password is not held back); a record is
//   forgotten after kQuietPeriod without failures; at most kMaxTrackedAddresses are kept.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"

namespace smppgw::daemon {

// The source address of a connection: 4 octets (IPv4) or 16 (IPv6), network order. An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) is held as
// its IPv4 address, so that `allow: [127.0.0.1/32]` matches it.
struct PeerAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t size = 0;

  // Numeric IPv4 or IPv6 text ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1").
  static std::optional<PeerAddress> parse(std::string_view text);
  static PeerAddress from_bytes(const std::uint8_t* bytes, std::size_t size);
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

enum class BindRefusal : std::uint8_t {
  unknown_system_id,    // no account has this system_id
  address_not_allowed,  // the account's `allow` does not contain the source address
  wrong_password,       // right system_id, allowed address, wrong password
  too_many_binds,       // everything right, but the account has max_binds binds already
  too_many_waiting,     // this address already has kMaxWaitingPerAddress delayed binds
};
// For log lines: "unknown system_id", "source address not allowed", ...
const char* to_string(BindRefusal refusal);
// The bind_resp command_status for a refusal (see the file comment for why most are alike).
std::uint32_t bind_status(BindRefusal refusal);

class ListenerAccounts {
  struct State;

 public:
  // Named limits of the slow-down (file comment). The cap stays below the 10 s a peer gets
  // to bind (session_init_timer, smpp-notes §7) plus itself: the listener sets the
  // session's bind_timeout to kSessionInitTimeout + kMaxFailureDelay.
  static constexpr std::chrono::milliseconds kFirstFailureDelay{1000};
  static constexpr std::chrono::milliseconds kMaxFailureDelay{8000};
  static constexpr std::chrono::minutes kQuietPeriod{10};
  static constexpr std::size_t kMaxWaitingPerAddress = 4;
  static constexpr std::size_t kMaxTrackedAddresses = 4096;
  // Longest system_id / password compared; longer input never matches (SMPP 3.4 allows 15
  // and 8 characters; the buffers are larger so that over-long input is compared whole too).
  static constexpr std::size_t kCredentialBuffer = 64;

  using Clock = std::chrono::steady_clock;

  // Holds one of an account's binds (max_binds) while it lives; moved into the connection
  // and destroyed when the connection ends. Safe to outlive the ListenerAccounts.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    [[nodiscard]] bool held() const { return state_ != nullptr; }
    void release();

   private:
    friend class ListenerAccounts;
    Lease(std::shared_ptr<State> state, std::string system_id);
    std::shared_ptr<State> state_;
    std::string system_id_;
  };

  // Holds one of an address's delayed binds (kMaxWaitingPerAddress) while the bind_resp
  // waits; release it (or let it go) when the answer is sent or the connection closed.
  class Wait {
   public:
    Wait() = default;
    Wait(Wait&&) noexcept;
    Wait& operator=(Wait&&) noexcept;
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;
    ~Wait();
    [[nodiscard]] bool held() const { return state_ != nullptr; }
    void release();

   private:
    friend class ListenerAccounts;
    Wait(std::shared_ptr<State> state, std::string key);
    std::shared_ptr<State> state_;
    std::string key_;
  };

  struct Decision {
    std::optional<BindRefusal> refusal;  // nullopt: accepted
    std::uint32_t status = 0;            // command_status of the bind_resp
    std::chrono::milliseconds delay{0};  // send the bind_resp this long after `now`
    // Accepted: a copy of the account as configured when the bind was checked (a reload
    // does not change it under the connection) and its bind slot.
    std::optional<conf::ListenAccount> account;
    Lease lease;
    Wait wait;  // held when delay > 0
    [[nodiscard]] bool accepted() const { return !refusal.has_value(); }
  };

  explicit ListenerAccounts(std::vector<conf::ListenAccount> accounts);
  ~ListenerAccounts();
  ListenerAccounts(const ListenerAccounts&) = delete;
  ListenerAccounts& operator=(const ListenerAccounts&) = delete;

  // Checks a bind from `peer` at `now`. A refusal for credentials or address is recorded
  // against the address; an acceptance takes one of the account's binds (the Lease) and
  // clears the address's record. Cost: one pass over the accounts, one over the failure
  // records (pruning), no allocation beyond the account copy.
  Decision check(std::string_view system_id, std::string_view password, const PeerAddress& peer,
                 Clock::time_point now);

  // A reload: the new accounts apply to binds checked from now on. Binds already counted
  // stay counted under their system_id until their Leases end; failure records stay.
  void replace(std::vector<conf::ListenAccount> accounts);

  // Binds currently held for `system_id` (Leases alive).
  [[nodiscard]] std::size_t binds(std::string_view system_id) const;
  // Failures on record for the address (after forgetting quiet ones at `now`).
  [[nodiscard]] std::size_t failures(const PeerAddress& peer, Clock::time_point now) const;
  // Addresses with a failure record (for tests of the bound on memory).
  [[nodiscard]] std::size_t tracked_addresses() const;

 private:
  std::shared_ptr<State> state_;
};

// The delay after `failures` failures: 0, then 1 s, 2 s, 4 s, 8 s, 8 s, ...
std::chrono::milliseconds failure_delay(std::size_t failures);

// Constant-time equality of two credentials of at most kCredentialBuffer octets: both are
// copied into zero-padded buffers that are compared whole, and the lengths are compared
// too. Longer input is compared by its first kCredentialBuffer octets and never equal.
bool credentials_equal(std::string_view presented, std::string_view configured);

}  // namespace smppgw::daemon
