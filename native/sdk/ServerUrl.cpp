// SPDX-License-Identifier: Apache-2.0
#include "sdk/ServerUrl.hpp"

namespace tccc::native {

std::optional<WsEndpoint> agentEndpoint(std::string_view server, std::string* error) {
  std::string url;
  if (server.rfind("https://", 0) == 0)
    url = "wss://" + std::string(server.substr(8));
  else if (server.rfind("http://", 0) == 0)
    url = "ws://" + std::string(server.substr(7));
  else if (server.rfind("wss://", 0) == 0 || server.rfind("ws://", 0) == 0)
    url = std::string(server);
  else {
    if (error) *error = "must start with http://, https://, ws:// or wss://";
    return std::nullopt;
  }
  if (url.find_first_of("?#") != std::string::npos) {
    if (error) *error = "must not carry a query or a fragment";
    return std::nullopt;
  }
  auto endpoint = WsEndpoint::parse(url, error);
  if (!endpoint) return std::nullopt;
  std::string& path = endpoint->target;
  const std::string_view suffix = "/ws/agent";
  if (path.size() < suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    path += suffix;
  }
  return endpoint;
}

}  // namespace tccc::native
