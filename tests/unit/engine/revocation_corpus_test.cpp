// The revocation reading measured on a labelled corpus (revocation_corpus.tsv): what the
// Classifier answers for each text against its label. Prints precision and recall per outcome
// and fails below the floors: stop precision 99 %, revocation recall (stop or flagged) 97 %.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conf/load_config.hpp"
#include "daemon/engine/classifier.hpp"

namespace smppgw::engine {
namespace {

struct Row {
  std::string label;
  std::string language;
  std::string text;
};

std::vector<Row> corpus() {
  std::ifstream in(std::string(SMPPGW_SOURCE_DIR) + "/tests/unit/engine/revocation_corpus.tsv");
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto a = line.find('\t'), b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    rows.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return rows;
}

// English campaigns on 12345, a Spanish one on 67890.
std::shared_ptr<const conf::Config> corpus_config() {
  auto c = conf::parse_config(R"(company: Acme
smpp:
  links:
    - { name: a, host: h, system_id: s, password: p, short_codes: ["12345", "67890"] }
campaigns:
  - { id: spring, short_code: "12345", keywords: [SPRING], default: true }
  - { id: tips, short_code: "12345", keywords: [TIPS, "GO GREEN"] }
  - { id: ofertas, short_code: "67890", keywords: [OFERTAS], language: es }
)",
                              "corpus.yaml");
  EXPECT_TRUE(c) << c.error();
  return std::make_shared<const conf::Config>(std::move(*c));
}

TEST(RevocationCorpus, PrecisionAndRecallAboveTheFloors) {
  const auto rows = corpus();
  ASSERT_GE(rows.size(), 400u);
  const Classifier classifier(*corpus_config());
  std::map<std::string, int> labelled, predicted, right;
  int revocations = 0, revocations_caught = 0;
  for (const Row& r : rows) {
    const auto cls = classifier.classify(r.language == "es" ? "67890" : "12345", r.text);
    const std::string got(store::to_string(cls.kind));
    ++labelled[r.label];
    ++predicted[got];
    if (got == r.label) ++right[got];
    if (r.label == "stop" || r.label == "stop_all") {
      ++revocations;
      if (got == "stop" || got == "stop_all" || got == "possible_opt_out")
        ++revocations_caught;
      else
        std::cout << "missed revocation: " << r.text << " → " << got << "\n";
    } else if (got == "stop" && r.label != "stop") {
      std::cout << "false stop: " << r.text << " (" << r.label << ")\n";
    } else if (got != r.label) {
      std::cout << "other: " << r.text << " (" << r.label << " → " << got << ")\n";
    }
  }
  const auto pct = [](int a, int b) { return b == 0 ? 100.0 : 100.0 * a / b; };
  for (const auto& [kind, n] : labelled)
    std::cout << kind << ": precision " << pct(right[kind], predicted[kind]) << " % ("
              << right[kind] << "/" << predicted[kind] << "), recall " << pct(right[kind], n)
              << " % (" << right[kind] << "/" << n << ")\n";
  const double stop_precision = pct(right["stop"], predicted["stop"]);
  const double recall = pct(revocations_caught, revocations);
  std::cout << "revocation recall counting possible_opt_out: " << recall << " % ("
            << revocations_caught << "/" << revocations << ")\n";
  EXPECT_GE(stop_precision, 99.0);
  EXPECT_GE(recall, 97.0);
}

}  // namespace
}  // namespace smppgw::engine
