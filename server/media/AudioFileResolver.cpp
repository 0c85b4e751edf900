// SPDX-License-Identifier: Apache-2.0
#include "media/AudioFileResolver.hpp"

#include <filesystem>

namespace tccc::server::media {

namespace fs = std::filesystem;

namespace {

bool inside(const fs::path& file, const fs::path& dir) {
  auto f = file.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++f) {
    if (d->empty() && std::next(d) == dir.end()) break;  // a trailing separator
    if (f == file.end() || *f != *d) return false;
  }
  return f != file.end();
}

}  // namespace

AudioFileResolver::AudioFileResolver(std::vector<std::string> allowedDirs) {
  for (const auto& d : allowedDirs) {
    if (d.empty()) continue;
    std::error_code ec;
    fs::path p = fs::canonical(d, ec);
    if (!ec && fs::is_directory(p, ec)) mDirs.push_back(p.string());
  }
}

AudioFileResolver::Result AudioFileResolver::resolve(const std::string& name) const {
  if (name.empty() || name.size() > 1024) return Result{"", "audioFile must be a file name of 1-1024 characters"};
  if (name.find('\0') != std::string::npos) return Result{"", "audioFile must not contain NUL"};
  if (mDirs.empty()) return Result{"", "no directory for caller audio is configured (--sim-audio-dir)"};
  fs::path requested(name);
  std::vector<fs::path> candidates;
  if (requested.is_absolute()) {
    candidates.push_back(requested);
  } else {
    for (const auto& d : mDirs) candidates.push_back(fs::path(d) / requested);
  }
  bool outside = false;
  for (const auto& c : candidates) {
    std::error_code ec;
    fs::path real = fs::canonical(c, ec);  // follows symlinks: the target must be inside too
    if (ec) continue;
    bool allowed = false;
    for (const auto& d : mDirs)
      if (inside(real, fs::path(d))) allowed = true;
    if (!allowed) {
      outside = true;
      continue;
    }
    if (!fs::is_regular_file(real, ec)) return Result{"", "audioFile is not a regular file"};
    return Result{real.string(), ""};
  }
  // One message for "outside" and "missing", so the answer does not reveal which files exist elsewhere.
  (void)outside;
  return Result{"", "audioFile must name an existing file inside the data directory or --sim-audio-dir"};
}

}  // namespace tccc::server::media
