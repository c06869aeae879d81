// Throughput of the SMPP codec on the PDUs that carry the traffic: decode and encode of
// submit_sm (a 160-character MT) and deliver_sm (the delivery receipt of smpp-notes §12), and
// the framer cutting a stream of receipts read in 4 KiB chunks. Google Benchmark runs each
// figure in several repetitions; a reporter prints the median as one JSON line,
// {"bench":"pdu_decode_deliver_sm","value":N,"unit":"pdu/s"}, from the main thread's CPU time
// so the figure is per core even while the machine is busy.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "protocol/codec.hpp"
#include "protocol/framer.hpp"

namespace {

using namespace smppgw::smpp;

constexpr int kRepetitions = 5;

Bytes bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

Pdu mt_submit_sm() {
  SubmitSm s;
  s.source = {5, 0, "Campaign"};
  s.destination = {1, 1, "447700900123"};
  s.registered_delivery = 1;
  s.short_message = Bytes(160, 'a');
  s.tlvs.user_message_reference = 42;
  return Pdu{status::ok, 1234, s};
}

Pdu receipt_deliver_sm() {
  DeliverSm d;
  d.source = {1, 1, "447700900123"};
  d.destination = {5, 0, "Test"};
  d.esm_class = esm::smsc_delivery_receipt;
  d.short_message = bytes(
      "id:5F2A01 sub:001 dlvrd:001 submit date:2511241530 done date:2511241531 stat:DELIVRD "
      "err:000 text:Hello");
  d.tlvs.receipted_message_id = "5F2A01";
  d.tlvs.message_state = 2;
  return Pdu{status::ok, 1, d};
}

Bytes wire(const Pdu& pdu) {
  Bytes out;
  if (!encode(pdu, out)) std::abort();  // the samples are valid by construction
  return out;
}

void decode_loop(benchmark::State& state, const Bytes& frame) {
  for (auto _ : state) {
    auto pdu = decode(frame);
    benchmark::DoNotOptimize(pdu);
  }
  state.SetItemsProcessed(state.iterations());
}

void encode_loop(benchmark::State& state, const Pdu& pdu) {
  Bytes out;
  out.reserve(512);
  for (auto _ : state) {
    out.clear();
    auto r = encode(pdu, out);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void pdu_decode_deliver_sm(benchmark::State& state) {
  decode_loop(state, wire(receipt_deliver_sm()));
}
void pdu_decode_submit_sm(benchmark::State& state) {
  decode_loop(state, wire(mt_submit_sm()));
}
void pdu_encode_submit_sm(benchmark::State& state) {
  encode_loop(state, mt_submit_sm());
}
void pdu_encode_deliver_sm(benchmark::State& state) {
  encode_loop(state, receipt_deliver_sm());
}

// Frames per second through the framer: 256 receipts back to back, fed in 4 KiB reads.
void pdu_frame_deliver_sm(benchmark::State& state) {
  const Bytes one = wire(receipt_deliver_sm());
  Bytes stream;
  for (int i = 0; i < 256; ++i) stream.insert(stream.end(), one.begin(), one.end());
  std::size_t frames = 0;
  for (auto _ : state) {
    Framer framer;
    for (std::size_t at = 0; at < stream.size(); at += 4096) {
      framer.feed(std::span(stream).subspan(at, std::min<std::size_t>(4096, stream.size() - at)));
      while (auto next = framer.next()) {
        if (!*next) break;
        benchmark::DoNotOptimize((*next)->data());
        ++frames;
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
}

BENCHMARK(pdu_decode_deliver_sm)->Repetitions(kRepetitions);
BENCHMARK(pdu_decode_submit_sm)->Repetitions(kRepetitions);
BENCHMARK(pdu_encode_submit_sm)->Repetitions(kRepetitions);
BENCHMARK(pdu_encode_deliver_sm)->Repetitions(kRepetitions);
BENCHMARK(pdu_frame_deliver_sm)->Repetitions(kRepetitions);

// Prints the median of the repetitions of each benchmark as one JSON line.
class JsonLineReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Aggregate || run.aggregate_name != "median") continue;
      const auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      std::printf("{\"bench\":\"%s\",\"value\":%.0f,\"unit\":\"pdu/s\"}\n",
                  run.run_name.function_name.c_str(), it->second.value);
      std::fflush(stdout);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  JsonLineReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
