// SPDX-License-Identifier: Apache-2.0
// Serves files below one root directory: content types by extension, ETag/If-None-Match, and
// refusal of anything that could leave the root (.., encoded or not; NUL; backslashes; symlinks
// resolving outside the root).
#ifndef TCCC_SERVER_HTTP_STATICFILES_HPP
#define TCCC_SERVER_HTTP_STATICFILES_HPP

#include "Interfaces.hpp"

#include <string>
#include <string_view>

namespace tccc::server {

class StaticFiles {
 public:
  /// `cacheControl` is sent with every file (e.g. "no-cache" for tccc.js whose URL never changes).
  StaticFiles(const std::string& root, std::string defaultCacheControl = "no-cache");

  bool enabled() const { return !mRoot.empty(); }

  /// `relativePath` is the URL path below the mount point, still percent-encoded ("" or "/" means
  /// index.html). Returns 404/403/304/200 responses; never throws.
  HttpResponse serve(const std::string& relativePath, const HttpRequest& request,
                     const std::string& cacheControl = "") const;

  static std::string contentTypeFor(const std::string& path);
  /// Percent-decodes and normalises a URL path; empty string if it is unsafe.
  static std::string safeRelativePath(const std::string& urlPath);
  /// A file named by its content, as scripts/build-js.mjs names the script tag's assets:
  /// <lower-case name>.<10 hex digits>.(js|wasm), e.g. tccc-core.8220ca08f1.wasm. Such a file never
  /// changes, so it may be cached for good.
  static bool isContentNamed(std::string_view file);

 private:
  std::string mRoot;  // canonical absolute path, "" when not configured
  std::string mDefaultCacheControl;
};

}  // namespace tccc::server

#endif
