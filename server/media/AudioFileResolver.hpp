// SPDX-License-Identifier: Apache-2.0
// Which WAV files a simulated caller may play: only regular files inside the allowed directories
// (the data dir and --sim-audio-dir), after resolving "..", symlinks and absolute paths, so a
// POST /sim/inbound cannot make the server read /etc/shadow or the credentials file's neighbours.
#ifndef TCCC_SERVER_MEDIA_AUDIOFILERESOLVER_HPP
#define TCCC_SERVER_MEDIA_AUDIOFILERESOLVER_HPP

#include <string>
#include <vector>

namespace tccc::server::media {

class AudioFileResolver {
 public:
  explicit AudioFileResolver(std::vector<std::string> allowedDirs);

  struct Result {
    std::string path;   // canonical, when allowed
    std::string error;  // why not, otherwise
  };
  /// A relative name is looked up in each allowed directory in order; an absolute one must lie
  /// inside one of them. Gives the canonical path, or the reason it is refused.
  Result resolve(const std::string& name) const;

 private:
  std::vector<std::string> mDirs;  // canonical; directories that do not exist are left out
};

}  // namespace tccc::server::media

#endif
