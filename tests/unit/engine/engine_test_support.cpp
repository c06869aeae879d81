#include "tests/unit/engine/engine_test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

#include "conf/load_config.hpp"

namespace smppgw::engine::test {

std::shared_ptr<const conf::Config> test_config() {
  static const auto config = [] {
    auto c = conf::parse_config(R"(company: Acme
smpp:
  links:
    - { name: a, host: 127.0.0.1, system_id: acme, password: pw, short_codes: ["12345", "67890", "55555"] }
campaigns:
  - id: spring
    short_code: "12345"
    keywords: [SPRING]
    default: true
    replies: { join: "joined spring", help: "help spring", stop: "stopped spring", resubscribe: "back spring" }
  - id: tips
    short_code: "12345"
    keywords: [TIPS, "GO GREEN"]
    replies: { join: "joined tips", help: "help tips", stop: "stopped tips", resubscribe: "back tips" }
  - id: clinic
    short_code: "67890"
    keywords: [CLINIC]
    replies: { join: "joined clinic", help: "help clinic", stop: "stopped clinic", resubscribe: "back clinic" }
)",
                                "engine-test.yaml");
    if (!c) throw std::runtime_error(c.error().to_string());
    return std::make_shared<const conf::Config>(std::move(*c));
  }();
  return config;
}

std::shared_ptr<const KeywordEngine> test_engine() {
  return std::make_shared<const KeywordEngine>(test_config(), test_shaper);
}

TextShape test_shaper(std::string_view text) {
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  const std::size_t single = ascii ? 160 : 70;
  const std::size_t part = ascii ? 153 : 67;
  const std::size_t n = text.size();
  const auto segments = n <= single ? 1 : (n + part - 1) / part;
  return {std::string(text), ascii ? store::TextEncoding::gsm7 : store::TextEncoding::ucs2,
          static_cast<std::uint16_t>(segments)};
}

store::Timestamp t(std::int64_t seconds) {
  return store::timestamp_from_unix_ms(1'700'000'000'000 + seconds * 1000);
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("smppgw-engine-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void StoreTest::open() {
  store::StoreOptions options;
  options.state_dir = dir_.path();
  options.map_size = 64ull << 20;
  auto s = store::open_store(options);
  ASSERT_TRUE(s) << s.error().message();
  store_ = std::move(*s);
  auto w = store::Writer::start(*store_);
  ASSERT_TRUE(w) << w.error().message();
  writer_ = std::move(*w);
}

void StoreTest::close() {
  if (writer_) writer_->shutdown();
  writer_.reset();
  store_.reset();
}

}  // namespace smppgw::engine::test
