#include "tools/sim/sim_options.hpp"

#include <fstream>
#include <functional>
#include <map>

#include "tools/sim/receipt_stat.hpp"

namespace smppgw::sim {

namespace {

using Setter = std::function<tl::expected<void, std::string>(std::string_view)>;
using Flag = std::function<void()>;

// A tiny table-driven parser: every option either takes one value or is a flag.
struct OptionTable {
  std::map<std::string, Setter, std::less<>> valued;
  std::map<std::string, Flag, std::less<>> flags;

  tl::expected<void, std::string> run(const std::vector<std::string>& args, std::size_t first) {
    for (std::size_t i = first; i < args.size(); ++i) {
      const std::string& name = args[i];
      if (auto f = flags.find(name); f != flags.end()) {
        f->second();
        continue;
      }
      auto v = valued.find(name);
      if (v == valued.end()) return tl::unexpected("unknown option '" + name + "'");
      if (i + 1 >= args.size()) return tl::unexpected("option " + name + " needs a value");
      auto ok = v->second(args[++i]);
      if (!ok) return tl::unexpected(name + ": " + ok.error());
    }
    return {};
  }
};

template <typename T>
Setter number_into(T& out, std::uint64_t max, std::uint64_t min = 0) {
  return [&out, max, min](std::string_view text) -> tl::expected<void, std::string> {
    auto value = parse_number(text, max);
    if (!value) return tl::unexpected(value.error());
    if (*value < min) return tl::unexpected("must be at least " + std::to_string(min));
    out = static_cast<T>(*value);
    return {};
  };
}

Setter address_into(std::string& out) {
  return [&out](std::string_view text) -> tl::expected<void, std::string> {
    auto value = parse_address(text);
    if (!value) return tl::unexpected(value.error());
    out = std::move(*value);
    return {};
  };
}

Setter text_into(std::string& out) {
  return [&out](std::string_view text) -> tl::expected<void, std::string> {
    out = std::string(text);
    return {};
  };
}

Setter c_string_into(std::optional<std::string>& out, std::size_t max) {
  return [&out, max](std::string_view text) -> tl::expected<void, std::string> {
    if (text.size() > max) return tl::unexpected("at most " + std::to_string(max) + " characters");
    out = std::string(text);
    return {};
  };
}

Setter duration_into(std::chrono::milliseconds& out, std::function<void()> also = {}) {
  return [&out, also](std::string_view text) -> tl::expected<void, std::string> {
    auto value = parse_duration(text);
    if (!value) return tl::unexpected(value.error());
    out = *value;
    if (also) also();
    return {};
  };
}

tl::expected<void, std::string> read_mo_file(const std::string& path, std::vector<MoSpec>& out) {
  std::ifstream in(path);
  if (!in) return tl::unexpected("cannot open MO file '" + path + "'");
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line.starts_with("#")) continue;
    auto spec = parse_mo_spec(line);
    if (!spec) {
      return tl::unexpected(path + ":" + std::to_string(number) + ": " + spec.error());
    }
    out.push_back(std::move(*spec));
  }
  return {};
}

tl::expected<SimOptions, std::string> parse_smsc(const std::vector<std::string>& args) {
  SmscOptions o;
  bool have_listen = false;
  std::vector<std::string> mo_files;
  std::optional<std::string> control;
  OptionTable t;
  t.valued["--listen"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto hp = parse_host_port(text);
    if (!hp) return tl::unexpected(hp.error());
    o.listen = *hp;
    have_listen = true;
    return {};
  };
  t.valued["--system-id"] = c_string_into(o.system_id, 15);
  t.valued["--password"] = c_string_into(o.password, 8);
  t.valued["--id-format"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (text != "hex" && text != "dec") return tl::unexpected(std::string("hex or dec"));
    o.id_format = text == "hex" ? IdFormat::hex : IdFormat::dec;
    return {};
  };
  t.valued["--receipt-id-format"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (text == "same")
      o.receipt_id_format = ReceiptIdFormat::same;
    else if (text == "hex")
      o.receipt_id_format = ReceiptIdFormat::hex;
    else if (text == "dec")
      o.receipt_id_format = ReceiptIdFormat::dec;
    else
      return tl::unexpected(std::string("same, hex or dec"));
    return {};
  };
  t.valued["--id-start"] = number_into(o.id_start, 0xFFFFFFFFFFFFULL);
  t.flags["--receipts"] = [&] { o.receipts = true; };
  t.valued["--receipt-delay"] = duration_into(o.receipt_delay, [&] { o.receipts = true; });
  t.valued["--receipt-stat"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (!find_receipt_stat(text)) {
      return tl::unexpected("unknown stat '" + std::string(text) + "' (one of " +
                            std::string(receipt_stat_names()) + ")");
    }
    o.receipt_stat = std::string(text);
    return {};
  };
  t.valued["--receipt-stat-every"] = number_into(o.receipt_stat_every, 0xFFFFFFFF, 1);
  t.valued["--submit-status"] = number_into(o.submit_status, 0xFFFFFFFF);
  t.valued["--every"] = number_into(o.submit_status_every, 0xFFFFFFFF, 1);
  t.valued["--drop-after"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto n = parse_number(text, ~0ULL);
    if (!n || *n == 0) return tl::unexpected(std::string("a number of submit_sm >= 1"));
    o.drop_after = *n;
    return {};
  };
  t.valued["--mo"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto spec = parse_mo_spec(text);
    if (!spec) return tl::unexpected(spec.error());
    o.mo.push_back(std::move(*spec));
    return {};
  };
  t.valued["--mo-file"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    mo_files.emplace_back(text);
    return {};
  };
  t.valued["--mo-rate"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto rate = parse_rate(text);
    if (!rate) return tl::unexpected(rate.error());
    o.mo_rate = *rate;
    return {};
  };
  t.valued["--mo-count"] = number_into(o.mo_count, ~0ULL);
  t.valued["--mo-window"] = number_into(o.mo_window, 1'000'000, 1);
  t.valued["--mo-from"] = address_into(o.mo_from);
  t.valued["--mo-phones"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto n = parse_number(text, ~0ULL);
    if (!n || *n == 0) return tl::unexpected(std::string("a number of phones >= 1"));
    o.mo_phones = *n;
    return {};
  };
  t.valued["--mo-to"] = address_into(o.mo_to);
  t.valued["--mo-text"] = text_into(o.mo_text);
  t.flags["--exit-when-done"] = [&] { o.exit_when_done = true; };
  t.valued["--exit-after-submits"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto n = parse_number(text, ~0ULL);
    if (!n || *n == 0) return tl::unexpected(std::string("a number of submit_sm >= 1"));
    o.exit_after_submits = *n;
    return {};
  };
  t.valued["--control"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (text != "stdin") return tl::unexpected(std::string("the only control channel is 'stdin'"));
    o.control_stdin = true;
    o.events = true;
    return {};
  };
  t.flags["--events"] = [&] { o.events = true; };
  t.flags["--json"] = [&] { o.json = true; };
  t.valued["--enquire-link"] = duration_into(o.enquire_link);

  auto ok = t.run(args, 2);
  if (!ok) return tl::unexpected(ok.error());
  if (!have_listen) return tl::unexpected(std::string("smsc mode needs --listen HOST:PORT"));
  for (const auto& path : mo_files) {
    auto read = read_mo_file(path, o.mo);
    if (!read) return tl::unexpected("--mo-file: " + read.error());
  }
  if (o.exit_when_done && !(o.mo_rate && o.mo_count > 0)) {
    return tl::unexpected(std::string("--exit-when-done needs --mo-rate and --mo-count > 0"));
  }
  if (o.enquire_link.count() == 0)
    return tl::unexpected(std::string("--enquire-link must be more than 0"));
  return o;
}

tl::expected<SimOptions, std::string> parse_esme(const std::vector<std::string>& args) {
  EsmeOptions o;
  bool have_connect = false;
  std::optional<std::string> system_id;
  std::optional<std::string> password;
  OptionTable t;
  t.valued["--connect"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto hp = parse_host_port(text);
    if (!hp) return tl::unexpected(hp.error());
    if (hp->port == 0) return tl::unexpected(std::string("port 0 cannot be connected to"));
    o.connect = *hp;
    have_connect = true;
    return {};
  };
  t.valued["--system-id"] = c_string_into(system_id, 15);
  t.valued["--password"] = c_string_into(password, 8);
  t.valued["--bind"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (text == "transceiver")
      o.bind = BindKind::transceiver;
    else if (text == "transmitter")
      o.bind = BindKind::transmitter;
    else
      return tl::unexpected(std::string("transceiver or transmitter"));
    return {};
  };
  t.valued["--rate"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    auto rate = parse_rate(text);
    if (!rate) return tl::unexpected(rate.error());
    o.rate = *rate;
    return {};
  };
  t.valued["--count"] = number_into(o.count, ~0ULL, 1);
  t.valued["--window"] = number_into(o.window, 1'000'000, 1);
  t.valued["--connections"] = number_into(o.connections, 1000, 1);
  t.valued["--from"] = address_into(o.from);
  t.valued["--to-prefix"] = [&](std::string_view text) -> tl::expected<void, std::string> {
    if (text.size() > 19)
      return tl::unexpected(std::string("prefix too long for a 20-character address"));
    o.to_prefix = std::string(text);
    return {};
  };
  t.valued["--to-width"] = number_into(o.to_width, 18, 1);
  t.valued["--text"] = text_into(o.text);
  t.valued["--registered-delivery"] = number_into(o.registered_delivery, 0xFF);
  t.valued["--linger"] = duration_into(o.linger);
  t.flags["--events"] = [&] { o.events = true; };
  t.flags["--json"] = [&] { o.json = true; };

  auto ok = t.run(args, 2);
  if (!ok) return tl::unexpected(ok.error());
  if (!have_connect) return tl::unexpected(std::string("esme mode needs --connect HOST:PORT"));
  if (!system_id || !password)
    return tl::unexpected(std::string("esme mode needs --system-id and --password"));
  o.system_id = *system_id;
  o.password = *password;
  if (o.to_prefix.size() + o.to_width > 20) {
    return tl::unexpected(
        std::string("--to-prefix plus --to-width digits exceed a 20-character address"));
  }
  return o;
}

}  // namespace

tl::expected<MoSpec, std::string> parse_mo_spec(std::string_view text) {
  const auto gt = text.find('>');
  const auto colon = gt == std::string_view::npos ? gt : text.find(':', gt);
  if (gt == std::string_view::npos || colon == std::string_view::npos) {
    return tl::unexpected("an MO is FROM>TO:TEXT (e.g. +14155550100>12345:STOP), got '" +
                          std::string(text) + "'");
  }
  auto from = parse_address(text.substr(0, gt));
  if (!from) return tl::unexpected("MO FROM: " + from.error());
  auto to = parse_address(text.substr(gt + 1, colon - gt - 1));
  if (!to) return tl::unexpected("MO TO: " + to.error());
  return MoSpec{std::move(*from), std::move(*to), std::string(text.substr(colon + 1))};
}

tl::expected<SimOptions, std::string> parse_sim_options(const std::vector<std::string>& args) {
  if (args.size() < 2) return tl::unexpected(std::string("missing mode: smsc or esme"));
  const std::string& mode = args[1];
  if (mode == "--help" || mode == "-h" || mode == "help") return HelpRequested{};
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") return HelpRequested{};
  }
  if (mode == "smsc") return parse_smsc(args);
  if (mode == "esme") return parse_esme(args);
  return tl::unexpected("unknown mode '" + mode + "': smsc or esme");
}

const char* sim_usage() {
  return R"(usage:
  smppgw-sim smsc --listen HOST:PORT [--system-id X --password Y]
      [--id-format hex|dec] [--receipt-id-format same|hex|dec] [--id-start N]
      [--receipts] [--receipt-delay DUR] [--receipt-stat STAT] [--receipt-stat-every K]
      [--submit-status S [--every K]] [--drop-after N]
      [--mo FROM>TO:TEXT]... [--mo-file FILE]
      [--mo-rate N [--mo-count M] [--mo-window W] [--mo-from PHONE] [--mo-phones P]
       [--mo-to ADDR] [--mo-text TEXT] [--exit-when-done]]
      [--exit-after-submits N] [--control stdin] [--events] [--json] [--enquire-link DUR]
  smppgw-sim esme --connect HOST:PORT --system-id X --password Y
      [--bind transceiver|transmitter] [--rate N] [--count M] [--window W]
      [--connections C] [--from ADDR] [--to-prefix P] [--to-width D] [--text TEXT]
      [--registered-delivery R] [--linger DUR] [--events] [--json]
The control protocol and every option are described in tools/sim/README.md.
)";
}

}  // namespace smppgw::sim
