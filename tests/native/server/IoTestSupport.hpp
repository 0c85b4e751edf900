// SPDX-License-Identifier: Apache-2.0
// Shared by the server tests that drive an io_context from the test thread.
#ifndef TCCC_TESTS_SERVER_IOTESTSUPPORT_HPP
#define TCCC_TESTS_SERVER_IOTESTSUPPORT_HPP

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace tccc::server::test {

/// Runs `io` in short slices until `done()` holds or `limit` has passed; returns `done()`.
template <class Pred>
bool runUntil(boost::asio::io_context& io, Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace tccc::server::test

#endif
