// The admin listener with TLS (admin.tls), against the real smppgwd: a throwaway self-signed
// certificate made by the openssl command at test time, a real HTTPS client that verifies
// it (chain and host name), plain HTTP refused cleanly, and clear start-up errors for a
// missing, broken or mismatched certificate or key.
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "tests/integration/admin/daemon_process.hpp"
#include "tests/integration/admin/http_client.hpp"

namespace smppgw::admin::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

// A self-signed certificate for 127.0.0.1 and its key; false when openssl failed.
bool make_certificate(const std::filesystem::path& cert, const std::filesystem::path& key) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
      key.string() + "' -out '" + cert.string() + "' 2>/dev/null";
  return std::system(cmd.c_str()) == 0 && std::filesystem::exists(cert) &&
         std::filesystem::exists(key);
}

struct HttpsResult {
  std::string error;  // empty when the exchange completed
  HttpResponse response;
};

// One request over HTTPS that trusts only `ca` and checks the name 127.0.0.1; the server
// is asked to close afterwards, so the answer ends with the connection.
HttpsResult https_request(std::uint16_t port, const std::filesystem::path& ca,
                          const std::string& request) {
  HttpsResult out;
  try {
    asio::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca.string());
    ssl::stream<tcp::socket> stream(io, ctx);
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(ssl::stream_base::client);
    asio::write(stream, asio::buffer(request));
    std::string raw;
    boost::system::error_code ec;
    asio::read(stream, asio::dynamic_buffer(raw), ec);
    if (ec && ec != asio::error::eof && ec != ssl::error::stream_truncated) {
      out.error = ec.message();
      return out;
    }
    const auto end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || end == std::string::npos) {
      out.error = "no HTTP answer: " + raw.substr(0, 80);
      return out;
    }
    out.response.status = std::atoi(raw.substr(9, 3).c_str());
    out.response.body = raw.substr(end + 4);
  } catch (const boost::system::system_error& e) {
    out.error = e.what();
  }
  return out;
}

class AdminTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_ = std::filesystem::temp_directory_path() /
             ("smppgw-tls-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(files_);
    ASSERT_TRUE(make_certificate(cert(), key())) << "openssl could not make a certificate";
  }
  void TearDown() override { std::filesystem::remove_all(files_); }

  std::filesystem::path cert() const { return files_ / "admin.crt"; }
  std::filesystem::path key() const { return files_ / "admin.key"; }
  DaemonOptions options(const std::filesystem::path& c, const std::filesystem::path& k) const {
    DaemonOptions o{SMPPGWD_BINARY};
    o.tls_cert_file = c.string();
    o.tls_key_file = k.string();
    return o;
  }

  std::filesystem::path files_;
};

TEST_F(AdminTlsTest, HttpsWithTheTokenAndPlainHttpFailsCleanly) {
  DaemonProcess d(options(cert(), key()));
  ASSERT_TRUE(d.start()) << d.error();

  auto campaigns = https_request(d.port(), cert(),
                                 "GET /v1/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer " +
                                     d.token() + "\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(campaigns.error, "");
  EXPECT_EQ(campaigns.response.status, 200);
  auto list = Json::parse(campaigns.response.body, nullptr, false);
  ASSERT_TRUE(list.is_array()) << campaigns.response.body;
  EXPECT_EQ(list.at(0).at("id"), "spring-promo");

  // The token is still required over TLS, and a reply is queued as over plain HTTP.
  auto denied = https_request(d.port(), cert(),
                              "GET /v1/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n");
  ASSERT_EQ(denied.error, "");
  EXPECT_EQ(denied.response.status, 401);
  const std::string body = R"({"to":"+14155550123","campaign":"spring-promo","text":"Hi"})";
  auto sent =
      https_request(d.port(), cert(),
                    "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Authorization: Bearer " +
                        d.token() + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  ASSERT_EQ(sent.error, "");
  EXPECT_EQ(sent.response.status, 202) << sent.response.body;

  // Plain HTTP to the TLS port: no HTTP answer, and the connection ends at once rather than
  // at a timeout.
  HttpClient plain("127.0.0.1", d.port());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(plain.send_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto answer = plain.read_response();
  EXPECT_FALSE(answer && answer->status != 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));

  // The server goes on serving HTTPS.
  auto health = https_request(d.port(), cert(),
                              "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n");
  ASSERT_EQ(health.error, "");
  EXPECT_EQ(health.response.status, 200);
}

TEST_F(AdminTlsTest, ClientThatDoesNotTrustTheCertificateIsRefused) {
  DaemonProcess d(options(cert(), key()));
  ASSERT_TRUE(d.start()) << d.error();
  const auto other_cert = files_ / "other.crt";
  ASSERT_TRUE(make_certificate(other_cert, files_ / "other.key"));
  auto r = https_request(d.port(), other_cert,
                         "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.error, "");  // certificate verify failed: the test client really verifies
}

TEST_F(AdminTlsTest, MissingCertificateFileIsAClearStartUpError) {
  DaemonProcess d(options(files_ / "missing.crt", key()));
  ASSERT_FALSE(d.start());
  EXPECT_NE(d.error().find("missing.crt"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("cert_file"), std::string::npos) << d.error();
}

TEST_F(AdminTlsTest, BrokenCertificateFileIsAClearStartUpError) {
  const auto broken = files_ / "broken.crt";
  std::ofstream(broken) << "this is not a certificate\n";
  DaemonProcess d(options(broken, key()));
  ASSERT_FALSE(d.start());
  EXPECT_NE(d.error().find("broken.crt"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("not a readable PEM certificate chain"), std::string::npos) << d.error();
}

TEST_F(AdminTlsTest, KeyOfAnotherCertificateIsAClearStartUpError) {
  ASSERT_TRUE(make_certificate(files_ / "other.crt", files_ / "other.key"));
  DaemonProcess d(options(cert(), files_ / "other.key"));
  ASSERT_FALSE(d.start());
  EXPECT_NE(d.error().find("other.key"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("private key matching"), std::string::npos) << d.error();
}

}  // namespace
}  // namespace smppgw::admin::testing
