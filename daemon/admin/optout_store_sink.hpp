// The OptOutBatchSink of the running daemon: each batch of a Manual Opt-Out becomes one
// write request (store/bulk.hpp make_opt_out_request) on the store writer. Called from an
// admin worker thread, so it may block while the writer's queue is full.
#pragma once

#include <optional>
#include <string>

#include "daemon/admin/optout_upload.hpp"
#include "store/types.hpp"
#include "store/writer.hpp"

namespace smppgw::admin {

class StoreOptOutSink : public OptOutBatchSink {
 public:
  // `campaign` empty: the company-wide scope. `ref` names the request in audit events.
  StoreOptOutSink(store::Writer& writer, std::optional<std::string> campaign,
                  store::ChangeSource source, std::string ref, store::Timestamp at);

  void apply(std::vector<std::string> phones, Done done) override;

 private:
  store::Writer& writer_;
  std::optional<std::string> campaign_;
  store::ChangeSource source_;
  std::string ref_;  // outlives every batch: the upload waits for all of them
  store::Timestamp at_;
};

}  // namespace smppgw::admin
