// SPDX-License-Identifier: Apache-2.0
// Every open connection costs a file descriptor, and the usual default soft limit (1024) is far
// below --max-connections. At start-up the server raises its RLIMIT_NOFILE soft limit towards what
// the connection cap needs (never above the hard limit, which only root can raise) and, when even
// that is not enough, caps connections below the limit: refusing a connection cleanly beats
// failing accept() with EMFILE, or SQLite failing to open its journal, under load.
#ifndef TCCC_SERVER_CONFIG_FILEDESCRIPTORLIMIT_HPP
#define TCCC_SERVER_CONFIG_FILEDESCRIPTORLIMIT_HPP

#include <cstdint>
#include <string>

namespace tccc::server {

class FileDescriptorLimit {
 public:
  /// Descriptors kept for everything that is not a client connection: the SQLite files of two
  /// connections (db, -wal, -shm), the listening socket, outgoing CDR pushes, static files, logs.
  static constexpr std::uint64_t kReserve = 256;

  struct Result {
    std::uint64_t softBefore = 0;
    std::uint64_t soft = 0;       // after raising
    std::uint64_t hard = 0;       // UINT64_MAX: unlimited
    std::size_t connections = 0;  // the connection cap that fits: min(wanted, soft - kReserve)
    bool honoured = false;        // connections == wanted
    std::string error;            // getrlimit/setrlimit failure, "" if none
  };

  /// Raises the soft limit to `wantedConnections + kReserve` (at most the hard limit) and says
  /// how many connections then fit.
  static Result raiseFor(std::size_t wantedConnections);

  /// The connection cap for a soft limit (pure; tested separately).
  static std::size_t connectionsFor(std::uint64_t softLimit, std::size_t wantedConnections);
};

}  // namespace tccc::server

#endif
