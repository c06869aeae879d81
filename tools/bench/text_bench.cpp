// Throughput of the MT text path: analyze() (shortcode expansion, encoding choice, counting,
// part boundaries) alone and followed by segment(). Prints one JSON line per figure, the
// median of several timed repetitions: {"bench":NAME,"value":N,"unit":"texts/s"}. Time is the
// thread's CPU time, so that the figure is per core even on a machine busy with other work.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/segmenter.hpp"
#include "protocol/text_analysis.hpp"

namespace {

constexpr int kRepetitions = 5;
constexpr double kRepetitionSeconds = 0.2;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Keeps the optimiser from dropping the work.
volatile std::size_t g_sink = 0;

template <typename Work>
double median_rate(Work&& work) {
  std::vector<double> rates;
  for (int r = 0; r < kRepetitions; ++r) {
    std::size_t n = 0;
    const double start = thread_cpu_seconds();
    double now = start;
    while (now - start < kRepetitionSeconds) {
      for (int i = 0; i < 64; ++i) g_sink = g_sink + work();
      n += 64;
      now = thread_cpu_seconds();
    }
    rates.push_back(static_cast<double>(n) / (now - start));
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void report(const char* name, double value) {
  std::printf("{\"bench\":\"%s\",\"value\":%.0f,\"unit\":\"texts/s\"}\n", name, value);
  std::fflush(stdout);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

int main() {
  using namespace smppgw::smpp;
  const std::string short_gsm = "Your code is 482913. Reply STOP to opt out of Acme alerts.";
  const std::string long_gsm =
      repeat("Weekend sale: 20% off {all} items at Acme [online only] for 5 EUR or less. ", 8);
  const std::string emoji_text =
      repeat("Thanks for joining :tada: see you soon :smile: \xF0\x9F\x91\x8D ", 4);

  struct Case {
    const char* name;
    const std::string* text;
  };
  const Case cases[] = {
      {"text_analyze_short_gsm7", &short_gsm},
      {"text_analyze_long_gsm7", &long_gsm},
      {"text_analyze_emoji_ucs2", &emoji_text},
  };
  for (const auto& c : cases) {
    report(c.name, median_rate([&] { return analyze(*c.text)->units; }));
  }
  report("text_analyze_segment_long_gsm7", median_rate([&] {
           auto a = analyze(long_gsm);
           return segment(*a, 7)->parts.size();
         }));
  return 0;
}
