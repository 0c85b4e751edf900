// SPDX-License-Identifier: Apache-2.0
// The operator console's HTTP side (the page is web/console/, served as a static file):
//   POST /console/session {link}  uses up a one-time link; answers the tenant and sets the cookie
//   GET  /console/session         who is signed in (401 when nobody)
//   POST /console/logout          ends the session
//   POST /console/api/<Action>    one cloud API action for the session's tenant (CloudApi::handleForTenant)
// The browser holds a session cookie (HttpOnly, SameSite=Strict, path /console), never a SecretKey.
// POSTs must be same-origin JSON: a cross-site form cannot send one, and a cross-site fetch of
// application/json needs a preflight nobody answers. docs/protocol.md, "Operator console".
#ifndef TCCC_SERVER_CONSOLE_CONSOLEHTTP_HPP
#define TCCC_SERVER_CONSOLE_CONSOLEHTTP_HPP

#include "cloud/CloudApi.hpp"
#include "console/ConsoleSessions.hpp"

#include <functional>

namespace tccc::server {

class ConsoleHttp {
 public:
  static constexpr const char* kCookie = "tccc_console";
  static constexpr std::size_t kMaxBodyBytes = 256 * 1024;  // a page of staff at most

  ConsoleHttp(ConsoleSessions& sessions, CloudApi& api, TenantRepository& tenants,
              std::function<std::int64_t()> clockMs, bool secureCookie)
      : mSessions(sessions), mApi(api), mTenants(tenants), mClockMs(std::move(clockMs)), mSecure(secureCookie) {}

  void registerRoutes(HttpRouter& router);

  HttpResponse signIn(const HttpRequest& request);
  HttpResponse whoIsSignedIn(const HttpRequest& request);
  HttpResponse signOut(const HttpRequest& request);
  HttpResponse api(const HttpRequest& request);

 private:
  /// Why a POST is refused before anything else is looked at, or nothing.
  static std::optional<HttpResponse> refuseForeignPost(const HttpRequest& request);
  static std::string cookie(const HttpRequest& request);
  HttpResponse sessionBody(std::int64_t sdkAppId, std::int64_t expiresAtMs);
  std::string setCookie(const std::string& value, std::int64_t maxAgeSec) const;

  ConsoleSessions& mSessions;
  CloudApi& mApi;
  TenantRepository& mTenants;
  std::function<std::int64_t()> mClockMs;
  bool mSecure;
};

}  // namespace tccc::server

#endif
