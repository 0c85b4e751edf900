// SPDX-License-Identifier: Apache-2.0
// GET/HEAD /records/<recordId>.ogg?expires=…&sig=…: the one way recordings leave the server.
// Only with a genuine, unexpired signature (RecordUrlSigner), only complete recordings, streamed
// from the file with single byte ranges (players seek with them):
//   200 the whole file · 206 one range, with Content-Range · 416 a range outside the file ·
//   403 a tampered or expired link · 404 anything else (unknown id, not complete, file gone).
// The path comes from the catalogue, never from the URL: the id in the URL is only looked up.
#ifndef TCCC_SERVER_RECORDING_RECORDINGROUTE_HPP
#define TCCC_SERVER_RECORDING_RECORDINGROUTE_HPP

#include "Interfaces.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "store/Repositories.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tccc::server {

class RecordingRoute {
 public:
  static constexpr const char* kPrefix = "/records/";

  RecordingRoute(RecordingRepository& recordings, const RecordUrlSigner& signer,
                 std::function<std::int64_t()> clockSec);

  /// Answers one request below kPrefix. Never throws.
  HttpResponse serve(const HttpRequest& request) const;

  /// A `Range` header against a file of `size` bytes (RFC 9110 §14.1.2), one range only.
  struct ByteRange {
    enum class Kind { Whole, Part, Unsatisfiable } kind = Kind::Whole;
    std::uint64_t first = 0;
    std::uint64_t length = 0;
  };
  /// Whole for no header, several ranges or anything unparsable (a server may ignore Range).
  static ByteRange parseRange(const std::string& header, std::uint64_t size);

 private:
  RecordingRepository& mRecordings;
  const RecordUrlSigner& mSigner;
  std::function<std::int64_t()> mClockSec;
};

}  // namespace tccc::server

#endif
