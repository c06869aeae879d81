// The keyword-MO load of store_mo_commit and pg_store_mo_commit, so that both backends are
// measured on the same requests: each MO reads the subscriber's state, adds its Inbox row,
// subscribes or opts out (an audit event) and queues the auto-reply.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/writer.hpp"

namespace smppgw::bench {

// Submits `total` keyword MOs from `producers` threads to `writer`, over `phones` subscribers
// (`phone_of(n)` names subscriber n), and waits until every one completed. Exits the
// process, naming `bench`, if any failed: a figure over failed requests means nothing.
template <class PhoneOf>
void run_keyword_mos(store::Writer& writer, std::uint64_t total, std::uint64_t phones,
                     int producers, PhoneOf phone_of, const char* bench) {
  using namespace store;
  std::atomic<std::uint64_t> done{0}, failed{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(p + 1);
      for (std::uint64_t i = static_cast<std::uint64_t>(p); i < total;
           i += static_cast<std::uint64_t>(producers)) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const std::int64_t ms = 1'700'000'000'000 + static_cast<std::int64_t>(i);
        WriteRequest req;
        req.apply = [phone = phone_of(x % phones), ms](WriteTxn& txn) -> std::error_code {
          const Timestamp at = timestamp_from_unix_ms(ms);
          auto st = txn.state(phone, "spring");
          if (!st) return st.error();
          NewInboxMessage mo{at,         phone, "12345", "spring", "SPRING", InboxKind::keyword,
                             "carrier-a"};
          auto id = txn.add_inbox(mo);
          if (!id) return id.error();
          const std::string ref = "mo:" + std::to_string(*id);
          ChangeContext ctx{at, ChangeSource::sms, ref, "keyword SPRING"};
          auto change = *st == SubscriptionState::subscribed
                            ? txn.opt_out(phone, "spring", ctx)
                            : txn.subscribe(phone, "spring", "12345", ctx);
          if (!change) return change.error();
          NewOutboxMessage reply{at,
                                 phone,
                                 "12345",
                                 "spring",
                                 "Acme: you joined Spring Promo. Reply HELP for help, STOP to "
                                 "cancel.",
                                 OutboxKind::auto_reply};
          auto out = txn.enqueue_outbox(reply);
          return out ? std::error_code{} : out.error();
        };
        req.complete = [&](std::error_code ec) {
          if (ec) failed.fetch_add(1, std::memory_order_relaxed);
          done.fetch_add(1, std::memory_order_release);
        };
        if (writer.submit(std::move(req))) std::exit(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  writer.flush();
  if (failed || done != total) {
    std::fprintf(stderr, "%s: %llu failed\n", bench,
                 static_cast<unsigned long long>(failed.load()));
    std::exit(1);
  }
}

}  // namespace smppgw::bench
