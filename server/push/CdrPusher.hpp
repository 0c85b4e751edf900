// SPDX-License-Identifier: Apache-2.0
// Delivers queued pushes (tccc-facts.md §3.1–3.2): POST <url>?action=<kind>&version=1 with the
// job's JSON and X-TCCC-PUSH-UUID (the same on every retry of one job). The kind is the job's:
// `cdr` for call records, `record` for recordings (one per participant's file); every kind goes to
// the one push URL with the same authentication, retries and durability, as TCCC's data push does. Success is a 2xx
// answer whose JSON has ErrCode 0; anything else is retried up to maxRetries times with exponential backoff, then the
// job is marked failed. The queue is the database table, so a restart loses nothing: the pusher simply resumes with
// what is pending. One push is in flight at a time. The receiver may require authentication, as the TCCC console offers
// it: HTTP Basic, or an OAuth 2.0 bearer token from the client-credentials grant (RFC 6749 §4.4), fetched when needed,
// reused until shortly before it expires, and fetched anew after the receiver answers 401.
#ifndef TCCC_SERVER_PUSH_CDRPUSHER_HPP
#define TCCC_SERVER_PUSH_CDRPUSHER_HPP

#include "store/Repositories.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tccc::server {

/// How the pusher proves itself to the receiver.
struct PushAuth {
  enum class Kind { None, Basic, OAuth2 } kind = Kind::None;
  std::string user;      // Basic
  std::string password;  // Basic
  std::string tokenUrl;  // OAuth2: the token endpoint (http or https)
  std::string clientId;
  std::string clientSecret;
};

struct CdrPushOptions {
  std::string url;  // "" disables pushing
  PushAuth auth;
  int maxRetries = 3;
  std::chrono::milliseconds retryBase{5000};  // waits base, 2×base, 4×base … between attempts
  std::chrono::seconds requestTimeout{10};
  std::string caFile;  // extra trusted CA (PEM) for an https receiver with a private CA
};

/// A push URL split for the HTTP client.
struct PushUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path + query, with action/version appended
};

class CdrPusher {
 public:
  CdrPusher(boost::asio::io_context& io, PushQueueRepository& queue, CdrPushOptions options,
            std::function<std::int64_t()> clockMs);
  ~CdrPusher();

  /// Parses an http(s) URL and appends `action=<kind>&version=1`; nullopt if it is not usable.
  static std::optional<PushUrl> parseUrl(const std::string& url, const std::string& kind);

  bool enabled() const { return mUrl.has_value(); }
  /// Starts working through what is pending (including jobs left by an earlier run).
  void start();
  /// A new job was queued.
  void kick();
  void stop();

  /// Delay before attempt number `attempts + 1` after `attempts` failed ones.
  std::chrono::milliseconds backoff(int attempts) const;

  /// The receiver's answer to a push: delivered (2xx with JSON ErrCode 0), or why not.
  static std::pair<bool, std::string> judgeAnswer(unsigned status, const std::string& body);

  struct BearerToken {
    std::string value;
    std::int64_t useUntilMs = 0;  // fetch a new one from then on
  };
  /// A token endpoint's answer (RFC 6749 §5.1) at `nowMs`: the token to use, or why there is none.
  static std::pair<std::optional<BearerToken>, std::string> parseTokenAnswer(unsigned status, const std::string& body,
                                                                             std::int64_t nowMs);

 private:
  class Request;
  void schedule();
  void runDue();
  void push(const PushJob& job);
  void fetchTokenThenPush(const PushJob& job);
  void onResult(const PushJob& job, bool delivered, const std::string& error);

  boost::asio::io_context& mIo;
  PushQueueRepository& mQueue;
  CdrPushOptions mOptions;
  std::function<std::int64_t()> mClockMs;
  std::optional<PushUrl> mUrl;        // without action/version: those come from each job's kind
  std::optional<PushUrl> mTokenUrl;   // OAuth2 only
  std::optional<BearerToken> mToken;  // OAuth2: the current token, if any
  std::unique_ptr<boost::asio::ssl::context> mTls;
  boost::asio::steady_timer mTimer;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
  bool mInFlight = false;
  bool mStopped = true;
};

}  // namespace tccc::server

#endif
