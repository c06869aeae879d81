// Process control with fork/exec; the daemon's log goes to a file in the temporary directory
// so that a failing test can show it.
#include "tests/integration/listener/listener_daemon.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/admin/http_client.hpp"
#include "tests/integration/admin/logged_process.hpp"

namespace smppgw::testing {

namespace {

bool port_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

ListenerDaemon::ListenerDaemon(std::string binary) : binary_(std::move(binary)) {
  dir_ = std::filesystem::temp_directory_path() /
         ("smppgwd-listener-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir_);
}

ListenerDaemon::~ListenerDaemon() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void ListenerDaemon::write_config(const std::string& password) const {
  std::ofstream(dir_ / "smppgw.yaml")
      << "company: Acme Health\n"
         "default_region: US\n"
         "state_dir: "
      << (dir_ / "state").string()
      << "\n"
         "store: { map_size: 256MiB, durability: fsync }\n"
         "log: { level: debug }\n"
         "admin:\n"
         "  listen: 127.0.0.1:"
      << admin_port_
      << "\n"
         "  token_file: "
      << (dir_ / "admin.token").string()
      << "\n"
         "smpp:\n"
         "  listen:\n"
         "    address: 127.0.0.1:"
      << listen_port_
      << "\n"
         "    accounts:\n"
         "      - { system_id: carrier-b, password: "
      << password << ", allow: [127.0.0.1/32], short_codes: [\"" << kShortCode
      << "\"], max_binds: 2 }\n"
         "      - { system_id: carrier-far, password: farpw, allow: [192.0.2.0/24], "
         "short_codes: [\"67891\"] }\n"
         "campaigns:\n"
         "  - id: spring-promo\n"
         "    name: Spring Promo\n"
         "    short_code: \""
      << kShortCode
      << "\"\n"
         "    keywords: [SPRING]\n"
         "    default: true\n"
         "    replies:\n"
         "      join: \""
      << kJoinReply
      << "\"\n"
         "      help: \"Acme: help at 800-555-0100.\"\n"
         "      stop: \"Acme: you are unsubscribed.\"\n"
         "      resubscribe: \"Acme: you are subscribed again.\"\n";
}

bool ListenerDaemon::start() {
  admin_port_ = admin::testing::free_port();
  listen_port_ = admin::testing::free_port();
  write_config("secret");
  const std::string config = (dir_ / "smppgw.yaml").string();
  const std::string log_path = (dir_ / "smppgwd.log").string();
  pid_ = admin::testing::spawn_logged({binary_, "--config", config}, log_path);
  if (pid_ < 0) {
    error_ = "fork failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool admin_up = false;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "smppgwd exited at start-up: " + log();
      return false;
    }
    if (!admin_up) {
      admin::testing::HttpClient probe("127.0.0.1", admin_port_);
      if (probe.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
        if (auto r = probe.read_response(); r && r->status != 0) admin_up = true;
      }
    }
    if (admin_up && port_accepts(listen_port_)) {
      std::ifstream tf(dir_ / "admin.token");
      std::getline(tf, token_);
      if (!token_.empty()) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error_ = "smppgwd did not answer on its admin and listener ports within 20 s: " + log();
  return false;
}

std::optional<int> ListenerDaemon::stop(std::chrono::seconds wait) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return std::nullopt;
}

void ListenerDaemon::reload_with_password(const std::string& password) {
  write_config(password);
  if (pid_ > 0) ::kill(pid_, SIGHUP);
}

std::string ListenerDaemon::log() const {
  std::ifstream in(dir_ / "smppgwd.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace smppgw::testing
