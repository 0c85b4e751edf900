// SPDX-License-Identifier: Apache-2.0
#include "config/FileDescriptorLimit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace tccc::server {

namespace {

// strerror may return a buffer shared by every thread (clang-tidy: concurrency-mt-unsafe), and
// the server runs several threads: glibc's strerror_r (GNU form) writes into one of ours.
std::string errnoText(int err) {
  char buffer[256];
  return ::strerror_r(err, buffer, sizeof buffer);
}

std::uint64_t toU64(rlim_t v) {
  return v == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(v);
}
}  // namespace

std::size_t FileDescriptorLimit::connectionsFor(std::uint64_t softLimit, std::size_t wantedConnections) {
  if (softLimit <= kReserve) return softLimit > kReserve / 2 ? 1 : 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wantedConnections, softLimit - kReserve));
}

FileDescriptorLimit::Result FileDescriptorLimit::raiseFor(std::size_t wantedConnections) {
  Result r;
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    r.error = "getrlimit(RLIMIT_NOFILE): " + errnoText(errno);
    r.connections = wantedConnections;  // nothing known: leave the cap as configured
    r.honoured = true;
    return r;
  }
  r.softBefore = r.soft = toU64(lim.rlim_cur);
  r.hard = toU64(lim.rlim_max);
  const std::uint64_t needed = static_cast<std::uint64_t>(wantedConnections) + kReserve;
  if (r.soft < needed) {
    const std::uint64_t target = std::min(needed, r.hard);
    struct rlimit raised = lim;
    raised.rlim_cur = static_cast<rlim_t>(target);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      r.soft = target;
    } else {
      // E.g. a hard limit above the kernel's fs.nr_open: keep what we had and report why.
      r.error = std::string("setrlimit(RLIMIT_NOFILE, ") + std::to_string(target) + "): " + errnoText(errno);
    }
  }
  r.connections = connectionsFor(r.soft, wantedConnections);
  r.honoured = r.connections >= wantedConnections;
  return r;
}

}  // namespace tccc::server
