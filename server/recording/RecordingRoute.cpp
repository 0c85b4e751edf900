// SPDX-License-Identifier: Apache-2.0
#include "recording/RecordingRoute.hpp"

#include "http/FileRangeBody.hpp"
#include "http/QueryString.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

namespace tccc::server {

namespace {

HttpResponse text(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.contentType = "text/plain; charset=utf-8";
  r.body = message + "\n";
  r.headers["Cache-Control"] = "no-store";
  return r;
}

std::optional<std::uint64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return std::stoull(s);
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

RecordingRoute::RecordingRoute(RecordingRepository& recordings, const RecordUrlSigner& signer,
                               std::function<std::int64_t()> clockSec)
    : mRecordings(recordings), mSigner(signer), mClockSec(std::move(clockSec)) {}

RecordingRoute::ByteRange RecordingRoute::parseRange(const std::string& header, std::uint64_t size) {
  ByteRange whole{ByteRange::Kind::Whole, 0, size};
  std::string h = trim(header);
  if (h.rfind("bytes=", 0) != 0) return whole;
  std::string spec = trim(h.substr(6));
  if (spec.find(',') != std::string::npos) return whole;  // several ranges: we send the whole file instead
  auto dash = spec.find('-');
  if (dash == std::string::npos) return whole;
  std::string a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  const ByteRange unsatisfiable{ByteRange::Kind::Unsatisfiable, 0, 0};
  if (a.empty()) {  // "-n": the last n bytes
    auto n = number(b);
    if (!n) return whole;
    if (*n == 0 || size == 0) return unsatisfiable;
    std::uint64_t len = std::min(*n, size);
    return {ByteRange::Kind::Part, size - len, len};
  }
  auto first = number(a);
  if (!first) return whole;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = number(b);
    if (!l || *l < *first) return whole;  // invalid: ignored, as RFC 9110 allows
    last = std::min(*l, last);
  }
  if (*first >= size) return unsatisfiable;
  return {ByteRange::Kind::Part, *first, last - *first + 1};
}

HttpResponse RecordingRoute::serve(const HttpRequest& request) const {
  try {
    // /records/<32 hex>.ogg and nothing else.
    std::string name = request.path.substr(std::string(kPrefix).size());
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".ogg") != 0) return text(404, "no such recording");
    const std::string recordId = name.substr(0, name.size() - 4);
    if (!RecordUrlSigner::validRecordId(recordId)) return text(404, "no such recording");
    auto expires = QueryString::param(request.query, "expires").value_or("");
    auto sig = QueryString::param(request.query, "sig").value_or("");
    switch (mSigner.verify(recordId, expires, sig, mClockSec())) {
      case RecordUrlSigner::Check::Ok:
        break;
      case RecordUrlSigner::Check::Expired:
        return text(403, "this recording link has expired; ask DescribeTelCdr for a fresh RecordURL");
      case RecordUrlSigner::Check::Malformed:
      case RecordUrlSigner::Check::BadSignature:
        return text(403, "this recording link is not valid (its signature does not match)");
    }
    auto record = mRecordings.findRecording(recordId);
    if (!record || record->state != "complete") return text(404, "no such recording");

    int fd = ::open(record->path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      spdlog::warn("recording {}: cannot open {}: {}", recordId, record->path, std::strerror(errno));
      return text(404, "the recording file is missing");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return text(404, "the recording file is missing");
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    auto range = request.headers.count("range") ? parseRange(request.headers.at("range"), size) : ByteRange{};
    if (range.kind == ByteRange::Kind::Unsatisfiable) {
      ::close(fd);
      HttpResponse r = text(416, "the range is outside the recording");
      r.headers["Content-Range"] = "bytes */" + std::to_string(size);
      return r;
    }
    HttpResponse r;
    r.contentType = "audio/ogg";
    r.headers["Accept-Ranges"] = "bytes";
    // The link is the credential and expires: nothing should keep a copy under it.
    r.headers["Cache-Control"] = "private, no-store";
    r.headers["Content-Disposition"] = "inline; filename=\"" + recordId + ".ogg\"";
    if (range.kind == ByteRange::Kind::Part) {
      r.status = 206;
      r.headers["Content-Range"] = "bytes " + std::to_string(range.first) + "-" +
                                   std::to_string(range.first + range.length - 1) + "/" + std::to_string(size);
    } else {
      range.first = 0;
      range.length = size;
    }
    r.file = std::make_shared<HttpFileBody>(fd, range.first, range.length);
    return r;
  } catch (const std::exception& e) {
    spdlog::error("GET {}: {}", request.path, e.what());
    return text(500, "internal error");
  }
}

}  // namespace tccc::server
