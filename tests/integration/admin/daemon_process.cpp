// Process control with fork/exec; the daemon's log goes to a file in the temp directory so
// a failing test can show it.
#include "tests/integration/admin/daemon_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/integration/admin/http_client.hpp"
#include "tests/integration/admin/logged_process.hpp"

namespace smppgw::admin::testing {

DaemonProcess::DaemonProcess(DaemonOptions options) : options_(std::move(options)) {
  dir_ = std::filesystem::temp_directory_path() /
         ("smppgwd-admin-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir_);
}

DaemonProcess::~DaemonProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool DaemonProcess::start() {
  port_ = free_port();
  const std::uint16_t smsc_port = free_port();  // nothing listens: the link stays down
  const auto config = dir_ / "smppgw.yaml";
  if (options_.users) {
    std::ofstream(users_file()) << *options_.users;
    std::filesystem::permissions(users_file(), std::filesystem::perms(options_.users_mode));
  }
  std::ofstream(config) << "company: Acme Health\n"
                           "default_region: US\n"
                           "state_dir: "
                        << (dir_ / "state").string()
                        << "\n"
                           "store: { map_size: "
                        << options_.map_size << ", durability: " << options_.durability
                        << " }\n"
                           "log: { level: info }\n"
                           "admin:\n"
                           "  listen: 127.0.0.1:"
                        << port_
                        << "\n"
                           "  token_file: "
                        << (dir_ / "admin.token").string() << "\n"
                        << (options_.users ? "  users_file: " + users_file().string() + "\n"
                                           : std::string())
                        << "  max_upload: " << options_.max_upload << "\n"
                        << (options_.tls_cert_file.empty()
                                ? std::string()
                                : "  tls: { cert_file: \"" + options_.tls_cert_file +
                                      "\", key_file: \"" + options_.tls_key_file + "\" }\n")
                        << "smpp:\n"
                           "  links:\n"
                           "    - name: carrier-a\n"
                           "      host: 127.0.0.1\n"
                           "      port: "
                        << smsc_port
                        << "\n"
                           "      system_id: acme\n"
                           "      password: secret\n"
                           "      short_codes: [\"12345\"]\n"
                           "      reconnect: { min: 1s, max: 5s }\n"
                           "campaigns:\n"
                           "  - id: spring-promo\n"
                           "    name: Spring Promo\n"
                           "    short_code: \"12345\"\n"
                           "    keywords: [SPRING]\n"
                           "    default: true\n"
                           "    replies: { join: \"joined\", help: \"help\", stop: \"stopped\", "
                           "resubscribe: \"back\" }\n"
                           "  - id: fall-promo\n"
                           "    name: Fall Promo\n"
                           "    short_code: \"12345\"\n"
                           "    keywords: [FALL]\n"
                           "    replies: { join: \"joined\", help: \"help\", stop: \"stopped\", "
                           "resubscribe: \"back\" }\n";
  const std::string log_path = (dir_ / "smppgwd.log").string();
  if (!options_.sim_binary.empty()) {
    std::vector<std::string> args{options_.sim_binary, "smsc", "--listen",
                                  "127.0.0.1:" + std::to_string(smsc_port)};
    for (const auto& m : options_.mo) {
      args.push_back("--mo");
      args.push_back(m);
    }
    sim_pid_ = spawn_logged(std::move(args), (dir_ / "sim.log").string());
  }
  pid_ = spawn_logged({options_.binary, "--config", config}, log_path);
  if (pid_ < 0) {
    error_ = "fork failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "smppgwd exited at start-up: " + this->log();
      return false;
    }
    if (!options_.tls_cert_file.empty()) {
      // HTTPS: the port listens once the server has loaded its certificate and key.
      HttpClient probe("127.0.0.1", port_);
      if (probe.send_raw({})) {
        std::ifstream tf(dir_ / "admin.token");
        std::getline(tf, token_);
        return !token_.empty();
      }
    } else {
      HttpClient probe("127.0.0.1", port_);
      if (probe.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
        if (auto r = probe.read_response(); r && r->status != 0) {
          std::ifstream tf(dir_ / "admin.token");
          std::getline(tf, token_);
          return !token_.empty();
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error_ = "smppgwd did not answer on its admin port within 20 s";
  return false;
}

void DaemonProcess::stop() {
  if (sim_pid_ > 0) {
    ::kill(sim_pid_, SIGTERM);
    ::waitpid(sim_pid_, nullptr, 0);
    sim_pid_ = -1;
  }
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string DaemonProcess::log() const {
  std::ifstream in(dir_ / "smppgwd.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint64_t DaemonProcess::peak_rss_bytes() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

}  // namespace smppgw::admin::testing
