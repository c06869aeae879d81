// One batch, one write request; the completion (writer thread) only reports counts.
#include "daemon/admin/optout_store_sink.hpp"

#include "store/bulk.hpp"

namespace smppgw::admin {

StoreOptOutSink::StoreOptOutSink(store::Writer& writer, std::optional<std::string> campaign,
                                 store::ChangeSource source, std::string ref, store::Timestamp at)
    : writer_(writer),
      campaign_(std::move(campaign)),
      source_(source),
      ref_(std::move(ref)),
      at_(at) {}

void StoreOptOutSink::apply(std::vector<std::string> phones, Done done) {
  store::OptOutBatch batch;
  batch.campaign = campaign_;
  batch.phones = std::move(phones);
  batch.context = store::ChangeContext{at_, source_, ref_, "Manual Opt-Out"};
  auto req = store::make_opt_out_request(std::move(batch),
                                         [done](store::Result<store::OptOutBatchResult> r) {
                                           if (r) {
                                             done(*r);
                                           } else {
                                             done(tl::unexpected(r.error().message()));
                                           }
                                         });
  if (auto ec = writer_.submit(std::move(req))) done(tl::unexpected(ec.message()));
}

}  // namespace smppgw::admin
