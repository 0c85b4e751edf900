// SPDX-License-Identifier: Apache-2.0
// Shared by the push tests (CDR and recording pushes): a blocking HTTP receiver on 127.0.0.1 that
// answers from a script and remembers every request.
#ifndef TCCC_TESTS_SERVER_PUSHRECEIVER_HPP
#define TCCC_TESTS_SERVER_PUSHRECEIVER_HPP

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tccc::server::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// A push receiver answering from a script: each entry is (HTTP status, body); the last one repeats.
class Receiver {
 public:
  struct Hit {
    std::string target;
    std::string uuid;
    std::string contentType;
    std::string body;
    std::string authorization;
  };

  /// `onHit` runs on the receiver's thread for each request, before it is answered.
  explicit Receiver(std::vector<std::pair<int, std::string>> script, std::function<void(const Hit&)> onHit = {})
      : mScript(std::move(script)),
        mOnHit(std::move(onHit)),
        mAcceptor(mIo, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port = mAcceptor.local_endpoint().port();
    mThread = std::thread([this] { serve(); });
  }
  ~Receiver() {
    mStop = true;
    beast::error_code ec;
    // Wake the blocking accept with one last connection.
    tcp::socket poke(mIo);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    mThread.join();
  }
  std::vector<Hit> hits() {
    std::lock_guard<std::mutex> lock(mMutex);
    return mHits;
  }

  unsigned short port = 0;

 private:
  void serve() {
    while (!mStop) {
      beast::error_code ec;
      tcp::socket socket(mIo);
      mAcceptor.accept(socket, ec);
      if (ec || mStop) return;
      beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      Hit hit{std::string(req.target()), std::string(req["X-TCCC-PUSH-UUID"]),
              std::string(req[http::field::content_type]), req.body(), std::string(req[http::field::authorization])};
      if (mOnHit) mOnHit(hit);
      std::pair<int, std::string> answer;
      {
        std::lock_guard<std::mutex> lock(mMutex);
        mHits.push_back(hit);
        answer = mScript[std::min(mHits.size() - 1, mScript.size() - 1)];
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.first), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = answer.second;
      res.prepare_payload();
      http::write(socket, res, ec);
    }
  }

  std::vector<std::pair<int, std::string>> mScript;
  std::function<void(const Hit&)> mOnHit;
  asio::io_context mIo;
  tcp::acceptor mAcceptor;
  std::thread mThread;
  std::atomic<bool> mStop{false};
  std::mutex mMutex;
  std::vector<Hit> mHits;
};

}  // namespace tccc::server::test

#endif
