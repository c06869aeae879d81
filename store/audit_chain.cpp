// The audit hash chain: the canonical encoding, SHA-256 (OpenSSL) and the checker. The
// encoding is documented in audit_chain.hpp and mirrored in SQL by the PostgreSQL migration.
#include "store/audit_chain.hpp"

#include <openssl/evp.h>

#include <memory>

#include "store/export.hpp"
#include "store/store.hpp"

namespace smppgw::store {
namespace {

void be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void text(std::string& out, std::string_view s) {
  be(out, s.size(), 4);
  out.append(s);
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// One digest context per thread, reused: a Manual Opt-Out hashes a million events on the
// writer thread, and creating a context (and fetching the algorithm) per event would cost
// more than the hashing.
EVP_MD_CTX* context() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

// Fetched once: EVP_sha256() would be looked up in the provider again at every init.
const EVP_MD* sha256() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

AuditFields fields_of(const AuditEvent& e) {
  return {e.id, e.at, e.phone, e.campaign, e.from_state, e.to_state, e.source, e.ref, e.reason};
}

AuditHash audit_hash(const AuditHash& prev, const AuditFields& e) {
  thread_local std::string buf;
  buf.clear();
  buf.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  be(buf, e.id, 8);
  be(buf, static_cast<std::uint64_t>(unix_ms(e.at)), 8);
  be(buf, e.from_state ? static_cast<std::uint16_t>(*e.from_state) : 0xffffu, 2);
  be(buf, static_cast<std::uint16_t>(e.to_state), 2);
  be(buf, static_cast<std::uint16_t>(e.source), 2);
  text(buf, e.phone);
  text(buf, e.campaign);
  text(buf, e.ref);
  text(buf, e.reason);
  AuditHash out{};
  EVP_MD_CTX* ctx = context();
  // With a valid context and SHA-256 these cannot fail short of memory exhaustion, which
  // the rest of the process does not survive either; a zero hash would then show as a break.
  if (ctx != nullptr && sha256() != nullptr && EVP_DigestInit_ex(ctx, sha256(), nullptr) == 1 &&
      EVP_DigestUpdate(ctx, buf.data(), buf.size()) == 1) {
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &len);
  }
  return out;
}

std::string to_hex(const AuditHash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (auto b : h) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 0xf]);
  }
  return s;
}

void AuditChainChecker::add(const AuditEvent& e) {
  if (!broken_) {
    if (e.id != last_id_ + 1) {
      broken_ = AuditChainBreak{last_id_ + 1, "event " + std::to_string(last_id_ + 1) +
                                                  " is missing (the next event is " +
                                                  std::to_string(e.id) + ")"};
    } else if (!e.prev_hash) {
      broken_ = AuditChainBreak{e.id, "the event has no prev_hash"};
    } else if (*e.prev_hash != head_) {
      broken_ = AuditChainBreak{
          e.id, last_id_ == 0 ? "prev_hash of the first event is not 32 zero bytes"
                              : "prev_hash does not match event " + std::to_string(last_id_) +
                                    " (it or this event was changed)"};
    }
  }
  head_ = audit_hash(e.prev_hash.value_or(head_), fields_of(e));
  last_id_ = e.id;
  ++checked_;
}

AuditChainReport AuditChainChecker::report() const {
  return {checked_, head_, broken_};
}

Result<AuditChainReport> verify_audit_chain(const Store& store) {
  constexpr std::size_t kChunk = 10000;
  AuditChainChecker checker;
  std::optional<std::string> cursor;
  do {
    auto chunk = store.export_rows(ExportTable::audit, cursor, kChunk);
    if (!chunk) return tl::unexpected(chunk.error());
    for (const auto& row : chunk->rows) {
      const auto* e = std::get_if<AuditEvent>(&row);
      if (!e) return tl::unexpected(make_error_code(StoreErrc::corrupted));
      checker.add(*e);
    }
    cursor = std::move(chunk->next);
  } while (cursor);
  return checker.report();
}

}  // namespace smppgw::store
