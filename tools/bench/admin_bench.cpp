// Admin API benchmarks against the real smppgwd (issue 6):
//   optout_csv_1m_s      seconds for curl to upload a 1,000,000-row CSV and get the 200
//   optout_csv_1m_rss_mb the daemon's peak RSS (VmHWM) after that upload
//   http_reply_rps       POST /v1/messages per second over keep-alive connections
// Each figure is the median of SMPPGW_BENCH_REPS runs (default 3), each on a fresh daemon
// with a fresh state_dir and durability fsync.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/admin/daemon_process.hpp"
#include "tools/bench/median.hpp"

using namespace smppgw::admin::testing;
using Clock = std::chrono::steady_clock;

namespace {

using smppgw::bench::median;

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void print(const char* name, double value, const char* unit) {
  std::printf("{\"bench\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"}\n", name, value, unit);
  std::fflush(stdout);
}

// SMPPGW_BENCH_DURABILITY=nosync measures without the fsync (store.durability), to tell the
// server's CPU cost from the disk's flush latency.
std::string durability() {
  const char* d = std::getenv("SMPPGW_BENCH_DURABILITY");
  return d ? d : "fsync";
}

int reps() {
  const char* r = std::getenv("SMPPGW_BENCH_REPS");
  return r ? std::max(1, std::atoi(r)) : 3;
}

// One upload of a million distinct numbers with curl; returns {seconds, peak RSS MB} or
// {-1,-1} when the upload did not answer 200 with every row opted out.
std::pair<double, double> optout_once(const std::string& binary) {
  DaemonProcess d(DaemonOptions{binary, "256MiB", durability(), "4GiB"});
  if (!d.start()) {
    std::cerr << "admin_bench: " << d.error() << "\n";
    return {-1, -1};
  }
  const auto csv = d.dir() / "million.csv";
  {
    std::ofstream out(csv);
    out << "phone\n";
    char line[32];
    for (int i = 0; i < 1'000'000; ++i) {
      std::snprintf(line, sizeof line, "+1415%07d\n", 2'000'000 + i);
      out << line;
    }
  }
  const auto result = d.dir() / "result.json";
  const std::string cmd = "curl -sS -o '" + result.string() +
                          "' -w '%{http_code}' -H 'Authorization: Bearer " + d.token() +
                          "' -H 'Content-Type: text/csv' --data-binary @'" + csv.string() +
                          "' http://127.0.0.1:" + std::to_string(d.port()) + "/v1/opt-outs";
  const auto t0 = Clock::now();
  FILE* p = ::popen(cmd.c_str(), "r");
  char code[8] = {0};
  if (p) {
    if (!std::fgets(code, sizeof code, p)) code[0] = 0;
    ::pclose(p);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const double rss_mb = static_cast<double>(d.peak_rss_bytes()) / (1024.0 * 1024.0);
  std::ifstream in(result);
  std::stringstream body;
  body << in.rdbuf();
  if (std::string(code) != "200" || body.str().find("\"opted_out\":1000000") == std::string::npos) {
    std::cerr << "admin_bench: upload answered " << code << ": " << body.str().substr(0, 300)
              << "\n";
    return {-1, -1};
  }
  return {seconds, rss_mb};
}

// POST /v1/messages over `connections` keep-alive connections for `seconds`, one request in
// flight per connection, from one epoll thread. Returns requests per second answered 202.
double reply_rps_once(const std::string& binary, int connections, double seconds,
                      double* cpu_us_per_request) {
  DaemonProcess d(DaemonOptions{binary, "256MiB", durability(), "4GiB"});
  if (!d.start()) {
    std::cerr << "admin_bench: " << d.error() << "\n";
    return -1;
  }
  struct Conn {
    int fd = -1;
    std::string in;
    int sent = 0;
  };
  std::vector<Conn> conns(static_cast<std::size_t>(connections));
  int ep = ::epoll_create1(0);
  std::uint64_t next_phone = 0;
  auto request = [&](Conn&) {
    char body[160];
    int n = std::snprintf(
        body, sizeof body,
        "{\"to\":\"+1415%07llu\",\"campaign\":\"spring-promo\",\"text\":\"Your reply\"}",
        static_cast<unsigned long long>(3'000'000 + (next_phone++ % 6'000'000)));
    std::string req = "POST /v1/messages HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer " +
                      d.token() +
                      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(n) +
                      "\r\n\r\n" + std::string(body, static_cast<std::size_t>(n));
    return req;
  };
  for (auto& c : conns) {
    c.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(d.port());
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  std::uint64_t ok = 0, other = 0;
  bool measuring = false;
  double cpu_start = 0;
  Clock::time_point measure_start;
  const auto warm_end = Clock::now() + std::chrono::milliseconds(500);
  const auto end = warm_end + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(seconds));
  for (auto& c : conns) {
    auto r = request(c);
    if (::send(c.fd, r.data(), r.size(), MSG_NOSIGNAL) < 0) return -1;
  }
  epoll_event events[256];
  char buf[65536];
  while (Clock::now() < end) {
    if (!measuring && Clock::now() >= warm_end) {
      measuring = true;
      ok = other = 0;
      cpu_start = cpu_seconds(d.pid());
      measure_start = Clock::now();
    }
    int n = ::epoll_wait(ep, events, 256, 100);
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<Conn*>(events[i].data.ptr);
      ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
      if (got <= 0) return -1;
      c.in.append(buf, static_cast<std::size_t>(got));
      for (;;) {
        auto he = c.in.find("\r\n\r\n");
        if (he == std::string::npos) break;
        auto cl = c.in.find("Content-Length: ");
        std::size_t len = cl < he ? std::strtoul(c.in.c_str() + cl + 16, nullptr, 10) : 0;
        if (c.in.size() < he + 4 + len) break;
        (c.in.compare(9, 3, "202") == 0 ? ok : other)++;
        c.in.erase(0, he + 4 + len);
        auto r = request(c);
        if (::send(c.fd, r.data(), r.size(), MSG_NOSIGNAL) < 0) return -1;
      }
    }
  }
  // The window actually measured: the loop ends after the epoll_wait that crossed `end`, and
  // the answers counted include that last batch.
  const double elapsed = std::chrono::duration<double>(Clock::now() - measure_start).count();
  if (ok > 0)
    *cpu_us_per_request = (cpu_seconds(d.pid()) - cpu_start) * 1e6 / static_cast<double>(ok);
  for (auto& c : conns) ::close(c.fd);
  ::close(ep);
  if (other > 0) std::cerr << "admin_bench: " << other << " answers were not 202\n";
  return static_cast<double>(ok) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = argc > 1 ? argv[1] : SMPPGWD_BINARY;
  std::vector<double> secs, rss, rps, cpu;
  // SMPPGW_BENCH_ONLY=reply skips the upload figures (for profiling the reply path).
  const char* only = std::getenv("SMPPGW_BENCH_ONLY");
  const bool uploads = !only || std::string(only) != "reply";
  for (int i = 0; uploads && i < reps(); ++i) {
    auto [s, r] = optout_once(binary);
    if (s < 0) return 1;
    secs.push_back(s);
    rss.push_back(r);
  }
  if (uploads) {
    print("optout_csv_1m_s", median(secs), "s");
    print("optout_csv_1m_rss_mb", median(rss), "MB");
  }
  for (int i = 0; i < reps(); ++i) {
    double c = 0;
    double r = reply_rps_once(binary, 128, 3.0, &c);
    if (r < 0) return 1;
    rps.push_back(r);
    cpu.push_back(c);
  }
  print("http_reply_rps", median(rps), "req/s");
  // The daemon's CPU time per accepted reply: what bounds http_reply_rps on a machine whose
  // cores are shared with other work.
  print("http_reply_cpu_us", median(cpu), "us");
  return 0;
}
