// SPDX-License-Identifier: Apache-2.0
#include "console/ConsoleHttp.hpp"

#include <spdlog/spdlog.h>

namespace tccc::server {

using protocol::Json;

namespace {

constexpr std::string_view kApiPrefix = "/console/api/";

HttpResponse json(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = protocol::dump(body);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse error(int status, const std::string& code, const std::string& message) {
  return json(status, Json{{"error", {{"code", code}, {"message", message}}}});
}

// The cloud's envelope, for the API routes: the page reads one shape whatever went wrong.
HttpResponse apiError(int status, const std::string& code, const std::string& message) {
  HttpResponse r = CloudApi::errorResponse(code, message);
  r.status = status;
  r.headers["Cache-Control"] = "no-store";
  return r;
}

}  // namespace

void ConsoleHttp::registerRoutes(HttpRouter& router) {
  router.add("POST", "/console/session", [this](const HttpRequest& r) { return signIn(r); });
  router.add("GET", "/console/session", [this](const HttpRequest& r) { return whoIsSignedIn(r); });
  router.add("POST", "/console/logout", [this](const HttpRequest& r) { return signOut(r); });
  router.addPrefix("POST", std::string(kApiPrefix), [this](const HttpRequest& r) { return api(r); });
}

std::optional<HttpResponse> ConsoleHttp::refuseForeignPost(const HttpRequest& request) {
  // Same origin: the Origin's host (browsers send it on every POST) must be the one asked.
  std::string origin = request.header("origin");
  if (!origin.empty()) {
    auto scheme = origin.find("://");
    std::string host = scheme == std::string::npos ? std::string() : origin.substr(scheme + 3);
    if (host != request.header("host"))
      return error(403, "ConsoleForeignOrigin", "The console accepts requests from its own pages only.");
  }
  if (!request.hasContentType("application/json"))
    return error(415, "ConsoleNotJson", "The Content-Type must be application/json.");
  if (request.body.size() > kMaxBodyBytes) return error(413, "ConsoleBodyTooLarge", "The request body is too large.");
  return std::nullopt;
}

std::string ConsoleHttp::cookie(const HttpRequest& request) {
  const std::string all = request.header("cookie");
  const std::string wanted = std::string(kCookie) + "=";
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find(';', at);
    if (end == std::string::npos) end = all.size();
    std::size_t start = all.find_first_not_of(' ', at);
    if (start < end && all.compare(start, wanted.size(), wanted) == 0)
      return all.substr(start + wanted.size(), end - start - wanted.size());
    at = end + 1;
  }
  return {};
}

std::string ConsoleHttp::setCookie(const std::string& value, std::int64_t maxAgeSec) const {
  return std::string(kCookie) + "=" + value + "; Path=/console; Max-Age=" + std::to_string(maxAgeSec) +
         "; HttpOnly; SameSite=Strict" + (mSecure ? "; Secure" : "");
}

HttpResponse ConsoleHttp::sessionBody(std::int64_t sdkAppId, std::int64_t expiresAtMs) {
  auto tenant = mTenants.findTenant(sdkAppId);
  return json(
      200,
      Json{{"sdkAppId", sdkAppId}, {"appName", tenant ? tenant->name : std::string()}, {"expiresAtMs", expiresAtMs}});
}

HttpResponse ConsoleHttp::signIn(const HttpRequest& request) {
  if (auto refused = refuseForeignPost(request)) return *refused;
  Json body = protocol::parseJson(request.body, kMaxBodyBytes, 8);
  if (!body.is_object() || !body.contains("link") || !body["link"].is_string())
    return error(400, "ConsoleBadRequest", "Send {\"link\": \"…\"}: the token after #link= in the console link.");
  auto result = mSessions.signIn(body["link"].get<std::string>(), mClockMs());
  using Outcome = ConsoleLinkUse::Outcome;
  switch (result.outcome) {
    case Outcome::SignedIn: {
      spdlog::info("console: signed in to app {} from {}", result.sdkAppId, request.remote);
      HttpResponse r = sessionBody(result.sdkAppId, result.expiresAtMs);
      r.headers["Set-Cookie"] = setCookie(result.sessionToken, mSessions.lifetimeMs() / 1000);
      return r;
    }
    case Outcome::Used:
      return error(401, "ConsoleLinkUsed", "This sign-in link has been used already; ask for a new one.");
    case Outcome::Expired:
    case Outcome::Unknown:
      break;
  }
  spdlog::info("console: refused sign-in link from {}", request.remote);
  return error(401, "ConsoleLinkInvalid", "This sign-in link is unknown or has expired; ask for a new one.");
}

HttpResponse ConsoleHttp::whoIsSignedIn(const HttpRequest& request) {
  auto session = mSessions.find(cookie(request), mClockMs());
  if (!session) return error(401, "ConsoleSignedOut", "Nobody is signed in; open a console sign-in link.");
  return sessionBody(session->sdkAppId, session->expiresAtMs);
}

HttpResponse ConsoleHttp::signOut(const HttpRequest& request) {
  if (auto refused = refuseForeignPost(request)) return *refused;
  mSessions.signOut(cookie(request));
  HttpResponse r;
  r.status = 204;
  r.contentType.clear();
  r.headers["Set-Cookie"] = setCookie("", 0);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse ConsoleHttp::api(const HttpRequest& request) {
  if (auto refused = refuseForeignPost(request))
    return apiError(refused->status, "UnauthorizedOperation", "Console requests must be same-origin JSON.");
  auto session = mSessions.find(cookie(request), mClockMs());
  if (!session)
    return apiError(401, "AuthFailure.UnauthorizedOperation", "The console session has ended; sign in again.");
  std::string action = request.path.substr(kApiPrefix.size());
  HttpResponse r = mApi.handleForTenant(session->sdkAppId, action, request.body, "console@" + request.remote);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

}  // namespace tccc::server
