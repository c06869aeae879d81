// Admin write requests that apply the subscription rules (see admin_requests.hpp).
#include "daemon/engine/admin_requests.hpp"

#include <memory>

#include "daemon/engine/suppression.hpp"

namespace smppgw::engine {
namespace {

// A write request whose apply may run several times and whose completion reports the last
// committed run's value (or a default value with the error).
template <typename Input, typename Output, typename Apply>
store::WriteRequest make_request(Input input,
                                 std::function<void(std::error_code, const Output&)> done,
                                 Apply apply) {
  struct Shared {
    Input input;
    std::function<void(std::error_code, const Output&)> done;
    Output output;
  };
  auto shared = std::make_shared<Shared>(Shared{std::move(input), std::move(done), {}});
  store::WriteRequest req;
  req.apply = [shared, apply](store::WriteTxn& txn) -> std::error_code {
    shared->output = Output{};
    auto r = apply(txn, shared->input);
    if (!r) return r.error();
    shared->output = std::move(*r);
    return {};
  };
  req.complete = [shared](std::error_code ec) {
    if (!shared->done) return;
    if (ec) shared->output = Output{};
    shared->done(ec, shared->output);
  };
  return req;
}

}  // namespace

store::Result<ProfileOptOutResult> apply_profile_opt_out(store::WriteTxn& txn,
                                                         const ProfileOptOut& request) {
  if (request.phone.empty() || request.campaign.empty())
    return store::fail(store::StoreErrc::invalid_argument);
  const store::ChangeContext ctx{request.at, request.source, request.request_id, "opt out profile"};
  auto r = txn.opt_out(request.phone, request.campaign, ctx);
  if (!r) return store::fail(r.error());
  return ProfileOptOutResult{r->changed, r->before};
}

store::WriteRequest make_profile_opt_out_request(
    ProfileOptOut request, std::function<void(std::error_code, const ProfileOptOutResult&)> done) {
  return make_request<ProfileOptOut, ProfileOptOutResult>(std::move(request), std::move(done),
                                                          apply_profile_opt_out);
}

store::Result<Acceptance> apply_accept_message(store::WriteTxn& txn,
                                               const OutgoingMessage& message) {
  if (message.to.empty() || message.from.empty() || message.campaign.empty())
    return store::fail(store::StoreErrc::invalid_argument);
  auto state = txn.state(message.to, message.campaign);
  if (!state) return store::fail(state.error());
  Acceptance a;
  a.state = *state;
  if (suppressed(message.kind, *state)) return a;
  auto id = txn.enqueue_outbox(store::NewOutboxMessage{
      message.at, message.to, message.from, message.campaign, message.text, message.kind,
      message.encoding, message.segments, std::nullopt, message.sent_by});
  if (!id) return store::fail(id.error());
  a.accepted = true;
  a.outbox_id = *id;
  return a;
}

store::WriteRequest make_accept_message_request(
    OutgoingMessage message, std::function<void(std::error_code, const Acceptance&)> done) {
  return make_request<OutgoingMessage, Acceptance>(std::move(message), std::move(done),
                                                   apply_accept_message);
}

}  // namespace smppgw::engine
