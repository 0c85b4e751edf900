// SPDX-License-Identifier: Apache-2.0
#include "http/StaticFiles.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace tccc::server {

namespace fs = std::filesystem;

namespace {
constexpr std::uintmax_t kMaxFileBytes = 64 * 1024 * 1024;

HttpResponse plain(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.contentType = "text/plain; charset=utf-8";
  r.body = text + "\n";
  return r;
}

// Whether an Accept-Encoding header allows `coding` (a token without ";q=0").
bool accepts(const std::string& header, const std::string& coding) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto comma = header.find(',', pos);
    std::string item = header.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? header.size() : comma + 1;
    auto semi = item.find(';');
    std::string token = item.substr(0, semi);
    token.erase(0, token.find_first_not_of(" \t"));
    token.erase(token.find_last_not_of(" \t") + 1);
    for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (token != coding && token != "*") continue;
    if (semi == std::string::npos) return true;
    std::string params = item.substr(semi + 1);
    params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
    // q=0, q=0.0, q=0.00 … refuse; any other weight accepts.
    if (params.rfind("q=0", 0) == 0 && params.find_first_not_of("0.", 2) == std::string::npos) return false;
    return true;
  }
  return false;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

StaticFiles::StaticFiles(const std::string& root, std::string defaultCacheControl)
    : mDefaultCacheControl(std::move(defaultCacheControl)) {
  if (root.empty()) return;
  std::error_code ec;
  auto canonical = fs::canonical(root, ec);
  if (!ec && fs::is_directory(canonical, ec)) mRoot = canonical.string();
}

std::string StaticFiles::contentTypeFor(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".cjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".ogg", "audio/ogg"},
      {".woff2", "font/woff2"},
      {".ts", "text/plain; charset=utf-8"},
      {".d.ts", "text/plain; charset=utf-8"},
  };
  auto dot = path.rfind('.');
  auto slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "application/octet-stream";
  auto it = kTypes.find(path.substr(dot));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string StaticFiles::safeRelativePath(const std::string& urlPath) {
  std::string decoded;
  for (std::size_t i = 0; i < urlPath.size(); ++i) {
    char c = urlPath[i];
    if (c == '%') {
      if (i + 2 >= urlPath.size()) return {};
      int hi = hexValue(urlPath[i + 1]), lo = hexValue(urlPath[i + 2]);
      if (hi < 0 || lo < 0) return {};
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return {};
    decoded.push_back(c);
  }
  std::string out;
  std::size_t pos = 0;
  while (pos <= decoded.size()) {
    auto slash = decoded.find('/', pos);
    std::string segment = decoded.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (segment == "..") return {};
    if (!segment.empty() && segment != ".") {
      if (segment[0] == '.') return {};  // no dot files (.env, .git)
      if (!out.empty()) out.push_back('/');
      out += segment;
    }
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (out.empty() || (!decoded.empty() && decoded.back() == '/')) out += out.empty() ? "index.html" : "/index.html";
  return out;
}

bool StaticFiles::isContentNamed(std::string_view file) {
  auto dot = file.find('.');
  if (dot == 0 || dot == std::string_view::npos) return false;
  for (char c : file.substr(0, dot))
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  std::string_view rest = file.substr(dot + 1);
  constexpr std::size_t kHashLength = 10;
  if (rest.size() <= kHashLength || rest[kHashLength] != '.') return false;
  for (char c : rest.substr(0, kHashLength))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  std::string_view ext = rest.substr(kHashLength + 1);
  return ext == "js" || ext == "wasm";
}

HttpResponse StaticFiles::serve(const std::string& relativePath, const HttpRequest& request,
                                const std::string& cacheControl) const {
  if (mRoot.empty()) return plain(404, "not found");
  std::string rel = safeRelativePath(relativePath);
  if (rel.empty()) return plain(403, "forbidden");
  std::error_code ec;
  fs::path full = fs::path(mRoot) / rel;
  if (fs::is_directory(full, ec)) full /= "index.html";
  auto canonical = fs::canonical(full, ec);
  if (ec || !fs::is_regular_file(canonical, ec)) return plain(404, "not found");
  // A symlink inside the root must not lead outside it.
  std::string resolved = canonical.string();
  if (resolved.compare(0, mRoot.size(), mRoot) != 0 ||
      (resolved.size() > mRoot.size() && resolved[mRoot.size()] != '/'))
    return plain(403, "forbidden");
  struct stat st {};
  if (::stat(resolved.c_str(), &st) != 0) return plain(404, "not found");
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxFileBytes) return plain(403, "file too large to serve");

  HttpResponse r;
  r.contentType = contentTypeFor(resolved);
  // Precompressed siblings (tccc.js.br, tccc.js.gz, written by scripts/build-js.mjs) are sent to
  // clients that accept them, so what a browser downloads is what bench/payload.mjs measures. A
  // sibling older than its file is stale and ignored.
  std::string encoding;
  auto acceptEncoding = request.headers.find("accept-encoding");
  for (const auto& [coding, suffix] : {std::pair<std::string, std::string>{"br", ".br"}, {"gzip", ".gz"}}) {
    if (acceptEncoding == request.headers.end() || !accepts(acceptEncoding->second, coding)) continue;
    struct stat cst {};
    std::string candidate = resolved + suffix;
    if (::stat(candidate.c_str(), &cst) != 0 || !S_ISREG(cst.st_mode) || cst.st_mtim.tv_sec < st.st_mtim.tv_sec)
      continue;
    resolved = candidate;
    st = cst;
    encoding = coding;
    break;
  }
  if (!encoding.empty()) r.headers["Content-Encoding"] = encoding;
  // Caches must keep the variants apart wherever one exists.
  struct stat sibling {};
  const std::string original = canonical.string();
  if (!encoding.empty() || ::stat((original + ".br").c_str(), &sibling) == 0 ||
      ::stat((original + ".gz").c_str(), &sibling) == 0)
    r.headers["Vary"] = "Accept-Encoding";
  std::ostringstream tag;
  tag << '"' << std::hex << st.st_size << '-' << st.st_mtim.tv_sec << '-' << st.st_mtim.tv_nsec
      << (encoding.empty() ? "" : "-" + encoding) << '"';
  r.headers["ETag"] = tag.str();
  r.headers["Cache-Control"] = cacheControl.empty() ? mDefaultCacheControl : cacheControl;
  auto inm = request.headers.find("if-none-match");
  if (inm != request.headers.end() && inm->second == tag.str()) {
    r.status = 304;
    return r;
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) return plain(404, "not found");
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

}  // namespace tccc::server
