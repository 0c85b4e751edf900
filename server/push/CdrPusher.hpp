// SPDX-License-Identifier: Apache-2.0
// Delivers queued CDR pushes (tccc-facts.md §3.1–3.2): POST <url>?action=cdr&version=1 with the CDR
// as JSON and X-TCCC-PUSH-UUID (the same on every retry of one CDR). Success is a 2xx answer whose
// JSON has ErrCode 0; anything else is retried up to maxRetries times with exponential backoff,
// then the job is marked failed. The queue is the database table, so a restart loses nothing: the
// pusher simply resumes with what is pending. One push is in flight at a time.
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

struct CdrPushOptions {
  std::string url;  // "" disables pushing
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

 private:
  class Request;
  void schedule();
  void runDue();
  void onResult(const PushJob& job, bool delivered, const std::string& error);

  boost::asio::io_context& mIo;
  PushQueueRepository& mQueue;
  CdrPushOptions mOptions;
  std::function<std::int64_t()> mClockMs;
  std::optional<PushUrl> mUrl;
  std::unique_ptr<boost::asio::ssl::context> mTls;
  boost::asio::steady_timer mTimer;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
  bool mInFlight = false;
  bool mStopped = true;
};

}  // namespace tccc::server

#endif
