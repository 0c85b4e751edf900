// SPDX-License-Identifier: Apache-2.0
// What the signalling tests drive: a ContactCenter over a real io_context, with the fake directory
// (seeded with the demo tenant of RoutingHarness.hpp), a recording sender and a recording CDR sink.
#ifndef TCCC_TESTS_SERVER_CONTACTCENTERTESTBASE_HPP
#define TCCC_TESTS_SERVER_CONTACTCENTERTESTBASE_HPP

#include "RoutingHarness.hpp"
#include "signalling/ContactCenter.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace tccc::server::testing {

class ContactCenterTestBase : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  FakeDirectory dir;
  RecordingSender sender;
  RecordingSink sink;
  std::unique_ptr<ContactCenter> cc;

  void make(ContactCenter::Options o = {}) {
    seedDirectory(dir);
    cc = std::make_unique<ContactCenter>(io, sender, dir, sink, o);
  }
};

}  // namespace tccc::server::testing

#endif
