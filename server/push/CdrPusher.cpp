// SPDX-License-Identifier: Apache-2.0
#include "push/CdrPusher.hpp"

#include "http/QueryString.hpp"
#include "protocol/Protocol.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>

namespace tccc::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr std::size_t kMaxTokenBytes = 8 * 1024;

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

/// One POST, start to finish: resolve, connect, (TLS handshake), write, read. The caller judges the
/// answer: Done gets the HTTP status and body, or status 0 and what went wrong on the way.
class CdrPusher::Request : public std::enable_shared_from_this<CdrPusher::Request> {
 public:
  using Done = std::function<void(unsigned status, std::string body, std::string error)>;
  struct Post {
    PushUrl url;
    std::string contentType;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };

  Request(asio::io_context& io, asio::ssl::context* tls, Post post, std::chrono::seconds timeout, Done done)
      : mResolver(io), mPost(std::move(post)), mUrl(mPost.url), mTimeout(timeout), mDone(std::move(done)) {
    if (mUrl.tls)
      mTlsStream.emplace(io, *tls);
    else
      mPlain.emplace(io);
  }

  void run() {
    mResolver.async_resolve(mUrl.host, mUrl.port,
                            [self = shared_from_this()](beast::error_code ec, const tcp::resolver::results_type& r) {
                              if (ec) return self->finish(false, "resolve " + self->mUrl.host + ": " + ec.message());
                              self->connect(r);
                            });
  }

 private:
  beast::tcp_stream& lowest() { return mPlain ? *mPlain : beast::get_lowest_layer(*mTlsStream); }

  void connect(const tcp::resolver::results_type& results) {
    lowest().expires_after(mTimeout);
    lowest().async_connect(results, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->finish(false, "connect: " + ec.message());
      if (self->mTlsStream)
        self->handshake();
      else
        self->write();
    });
  }

  void handshake() {
    // SNI and certificate verification against the host name: a push carries call data.
    if (!SSL_set_tlsext_host_name(mTlsStream->native_handle(), mUrl.host.c_str()))
      return finish(false, "cannot set TLS server name");
    // The receiver's certificate must name the host of the URL: a DNS name, or an IP address
    // (which X509 matches against IP subjectAltNames, not names).
    beast::error_code ipEc;
    asio::ip::make_address(mUrl.host, ipEc);
    X509_VERIFY_PARAM* param = SSL_get0_param(mTlsStream->native_handle());
    bool ok = ipEc ? SSL_set1_host(mTlsStream->native_handle(), mUrl.host.c_str()) == 1
                   : X509_VERIFY_PARAM_set1_ip_asc(param, mUrl.host.c_str()) == 1;
    if (!ok) return finish(false, "cannot set the TLS peer name check");
    mTlsStream->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->finish(false, "TLS handshake: " + ec.message());
      self->write();
    });
  }

  void write() {
    mRequest = http::request<http::string_body>{http::verb::post, mUrl.target, 11};
    mRequest.set(http::field::host, mUrl.host);
    mRequest.set(http::field::user_agent, "tccc-server");
    mRequest.set(http::field::content_type, mPost.contentType);
    for (const auto& [name, value] : mPost.headers) mRequest.set(name, value);
    mRequest.keep_alive(false);
    mRequest.body() = mPost.body;
    mRequest.prepare_payload();
    lowest().expires_after(mTimeout);
    auto onWritten = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(false, "write: " + ec.message());
      self->read();
    };
    if (mTlsStream)
      http::async_write(*mTlsStream, mRequest, onWritten);
    else
      http::async_write(*mPlain, mRequest, onWritten);
  }

  void read() {
    mParser.body_limit(kMaxAnswerBytes);
    auto onRead = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(false, "read: " + ec.message());
      self->finish(true, "");
    };
    if (mTlsStream)
      http::async_read(*mTlsStream, mBuffer, mParser, onRead);
    else
      http::async_read(*mPlain, mBuffer, mParser, onRead);
  }

  void finish(bool answered, std::string error) {
    if (mFinished) return;
    mFinished = true;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
    if (answered)
      mDone(mParser.get().result_int(), std::move(mParser.get().body()), "");
    else
      mDone(0, "", std::move(error));
  }

  tcp::resolver mResolver;
  std::optional<beast::tcp_stream> mPlain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> mTlsStream;
  Post mPost;
  PushUrl mUrl;
  std::chrono::seconds mTimeout;
  Done mDone;
  http::request<http::string_body> mRequest;
  beast::flat_buffer mBuffer;
  http::response_parser<http::string_body> mParser;
  bool mFinished = false;
};

CdrPusher::CdrPusher(asio::io_context& io, PushQueueRepository& queue, CdrPushOptions options,
                     std::function<std::int64_t()> clockMs)
    : mIo(io), mQueue(queue), mOptions(std::move(options)), mClockMs(std::move(clockMs)), mTimer(io) {
  if (mOptions.url.empty()) return;
  mUrl = parseUrl(mOptions.url, "");
  if (!mUrl) throw std::runtime_error("the push URL must be an http:// or https:// URL: " + mOptions.url);
  if (mOptions.auth.kind == PushAuth::Kind::OAuth2) {
    mTokenUrl = parseUrl(mOptions.auth.tokenUrl, "");
    if (!mTokenUrl)
      throw std::runtime_error("the OAuth token URL must be an http:// or https:// URL: " + mOptions.auth.tokenUrl);
  }
  if (mUrl->tls || (mTokenUrl && mTokenUrl->tls)) {
    mTls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    mTls->set_default_verify_paths();
    if (!mOptions.caFile.empty()) {
      beast::error_code ec;
      mTls->load_verify_file(mOptions.caFile, ec);
      if (ec) throw std::runtime_error("cannot load the CA file " + mOptions.caFile + ": " + ec.message());
    }
    mTls->set_verify_mode(asio::ssl::verify_peer);
  }
}

CdrPusher::~CdrPusher() { *mAlive = false; }

std::optional<PushUrl> CdrPusher::parseUrl(const std::string& url, const std::string& kind) {
  PushUrl out;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (auto hash = target.find('#'); hash != std::string::npos) target.erase(hash);
  if (target.empty() || target[0] == '?') target = "/" + target;
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  if (authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      out.port = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  if (out.port.size() > 5 || out.port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (int p = std::stoi(out.port); p < 1 || p > 65535) return std::nullopt;
  if (!kind.empty()) {
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "action=" + kind + "&version=1";
  }
  out.target = target;
  return out;
}

std::pair<bool, std::string> CdrPusher::judgeAnswer(unsigned status, const std::string& text) {
  if (status < 200 || status >= 300) return {false, "HTTP " + std::to_string(status)};
  Json body = protocol::parseJson(text, kMaxAnswerBytes);
  if (!body.is_object() || !body.contains("ErrCode")) return {false, "the answer has no JSON ErrCode"};
  const Json& code = body["ErrCode"];
  bool zero = (code.is_number_integer() && code.get<std::int64_t>() == 0) || (code.is_string() && code == "0");
  if (!zero) return {false, "ErrCode " + code.dump() + (body.contains("ErrMsg") ? " " + body["ErrMsg"].dump() : "")};
  return {true, ""};
}

std::pair<std::optional<CdrPusher::BearerToken>, std::string> CdrPusher::parseTokenAnswer(unsigned status,
                                                                                          const std::string& text,
                                                                                          std::int64_t nowMs) {
  Json body = protocol::parseJson(text, kMaxAnswerBytes);
  if (status < 200 || status >= 300) {
    // RFC 6749 §5.2: the reason is in "error" (e.g. invalid_client).
    std::string why = body.is_object() && body.contains("error") && body["error"].is_string()
                          ? " " + body["error"].get<std::string>().substr(0, 100)
                          : "";
    return {std::nullopt, "HTTP " + std::to_string(status) + why};
  }
  if (!body.is_object()) return {std::nullopt, "the answer is not a JSON object"};
  auto token = body.find("access_token");
  if (token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return {std::nullopt, "the answer has no access_token"};
  const std::string& value = token->get_ref<const std::string&>();
  // It goes into a header: visible ASCII only (RFC 6750's b64token is a subset), and not absurdly long.
  if (value.size() > kMaxTokenBytes) return {std::nullopt, "the access_token is longer than 8 KB"};
  for (unsigned char c : value)
    if (c < 0x21 || c > 0x7E) return {std::nullopt, "the access_token has characters a header cannot carry"};
  if (auto type = body.find("token_type"); type != body.end()) {
    std::string t = type->is_string() ? type->get<std::string>() : "";
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (t != "bearer") return {std::nullopt, "token_type " + type->dump().substr(0, 40) + " is not Bearer"};
  }
  // Lifetime: expires_in seconds (RFC 6749 recommends it; an hour when absent). The token is retired
  // a little early, so a push never leaves with one that expires on the way.
  std::int64_t lifetimeSec = 3600;
  if (auto expires = body.find("expires_in"); expires != body.end()) {
    if (expires->is_number_integer())
      lifetimeSec = expires->get<std::int64_t>();
    else if (expires->is_number())
      lifetimeSec = static_cast<std::int64_t>(expires->get<double>());
    else
      return {std::nullopt, "expires_in is not a number"};
  }
  lifetimeSec = std::clamp<std::int64_t>(lifetimeSec, 0, 366LL * 24 * 3600);
  std::int64_t marginSec = std::min<std::int64_t>(30, lifetimeSec / 2);
  return {BearerToken{value, nowMs + (lifetimeSec - marginSec) * 1000}, ""};
}

std::chrono::milliseconds CdrPusher::backoff(int attempts) const {
  int shift = std::max(0, std::min(attempts - 1, 16));
  return mOptions.retryBase * (1LL << shift);
}

void CdrPusher::start() {
  if (!enabled()) return;
  mStopped = false;
  auto pending = mQueue.pendingPushCount();
  if (pending > 0) spdlog::info("push: {} pending push(es) from before, resuming", pending);
  schedule();
}

void CdrPusher::kick() {
  if (!enabled() || mStopped || mInFlight) return;
  schedule();
}

void CdrPusher::stop() {
  mStopped = true;
  mTimer.cancel();
}

void CdrPusher::schedule() {
  if (mStopped || mInFlight) return;
  std::optional<PushJob> next;
  try {
    next = mQueue.nextPendingPush();
  } catch (const std::exception& e) {
    spdlog::error("push: cannot read the queue: {}", e.what());
    return;
  }
  if (!next) return;
  std::int64_t delay = std::max<std::int64_t>(0, next->nextAttemptAtMs - mClockMs());
  mTimer.expires_after(std::chrono::milliseconds(delay));
  mTimer.async_wait([this, alive = std::weak_ptr<bool>(mAlive)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    runDue();
  });
}

void CdrPusher::runDue() {
  if (mStopped || mInFlight) return;
  std::optional<PushJob> job;
  try {
    job = mQueue.nextPendingPush();
  } catch (const std::exception& e) {
    spdlog::error("push: cannot read the queue: {}", e.what());
    return;
  }
  if (!job) return;
  if (job->nextAttemptAtMs > mClockMs()) return schedule();
  mInFlight = true;
  if (mOptions.auth.kind == PushAuth::Kind::OAuth2 && (!mToken || mClockMs() >= mToken->useUntilMs))
    return fetchTokenThenPush(*job);
  push(*job);
}

void CdrPusher::fetchTokenThenPush(const PushJob& job) {
  mToken.reset();
  const PushAuth& auth = mOptions.auth;
  Request::Post post{*mTokenUrl, "application/x-www-form-urlencoded", {}, "grant_type=client_credentials"};
  // RFC 6749 §2.3.1: client credentials in HTTP Basic, each form-encoded first.
  const auto form = [](const std::string& s) { return QueryString::encode(s, QueryString::Style::Form); };
  post.headers.emplace_back("Authorization", "Basic " + base64(form(auth.clientId) + ":" + form(auth.clientSecret)));
  post.headers.emplace_back("Accept", "application/json");
  auto answered = [this, job, alive = std::weak_ptr<bool>(mAlive)](unsigned status, const std::string& body,
                                                                   const std::string& error) {
    if (alive.expired()) return;
    if (status == 0) return onResult(job, false, "OAuth token: " + error);
    auto [token, why] = parseTokenAnswer(status, body, mClockMs());
    if (!token) return onResult(job, false, "OAuth token: " + why);
    mToken = std::move(token);
    push(job);
  };
  auto request =
      std::make_shared<Request>(mIo, mTls.get(), std::move(post), mOptions.requestTimeout, std::move(answered));
  request->run();
}

void CdrPusher::push(const PushJob& job) {
  // The kind is a word this server chose (cdr, record); anything else in the queue is refused
  // rather than spliced into the query.
  const bool plainKind = !job.kind.empty() && job.kind.size() <= 32 &&
                         std::all_of(job.kind.begin(), job.kind.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!plainKind) return onResult(job, false, "the push kind `" + job.kind.substr(0, 32) + "` is not a plain word");
  PushUrl url = *mUrl;
  url.target += (url.target.find('?') == std::string::npos ? "?" : "&");
  url.target += "action=" + job.kind + "&version=1";
  Request::Post post{url, "application/json;charset=utf8", {{"X-TCCC-PUSH-UUID", job.uuid}}, job.body};
  const PushAuth& auth = mOptions.auth;
  if (auth.kind == PushAuth::Kind::Basic)
    post.headers.emplace_back("Authorization", "Basic " + base64(auth.user + ":" + auth.password));
  else if (auth.kind == PushAuth::Kind::OAuth2 && mToken)
    post.headers.emplace_back("Authorization", "Bearer " + mToken->value);
  auto answered = [this, job, alive = std::weak_ptr<bool>(mAlive)](unsigned status, const std::string& body,
                                                                   const std::string& error) {
    if (alive.expired()) return;
    if (status == 0) return onResult(job, false, error);
    // A refused token (revoked, or the receiver's clock disagrees): the next attempt gets a new one.
    if (status == 401) mToken.reset();
    auto [delivered, why] = judgeAnswer(status, body);
    onResult(job, delivered, why);
  };
  auto request =
      std::make_shared<Request>(mIo, mTls.get(), std::move(post), mOptions.requestTimeout, std::move(answered));
  request->run();
}

void CdrPusher::onResult(const PushJob& job, bool delivered, const std::string& error) {
  mInFlight = false;
  int attempts = job.attempts + 1;
  try {
    if (delivered) {
      mQueue.completePush(job.id);
      spdlog::info("{} push {} delivered (attempt {})", job.kind, job.uuid, attempts);
    } else if (attempts > mOptions.maxRetries) {
      mQueue.failPush(job.id, attempts, error);
      spdlog::warn("{} push {} failed after {} attempts, giving up: {}", job.kind, job.uuid, attempts, error);
    } else {
      auto wait = backoff(attempts);
      mQueue.reschedulePush(job.id, attempts, mClockMs() + wait.count(), error);
      spdlog::info("{} push {} attempt {} failed ({}); retrying in {} ms", job.kind, job.uuid, attempts, error,
                   wait.count());
    }
  } catch (const std::exception& e) {
    spdlog::error("push: cannot update the queue: {}", e.what());
  }
  schedule();
}

}  // namespace tccc::server
