// SPDX-License-Identifier: Apache-2.0
// Where the agent WebSocket of a tccc server is, from what an integrator writes: the server's base
// URL ("https://cc.example.com", "http://127.0.0.1:8080/base") or the endpoint itself
// ("wss://cc.example.com/ws/agent"). The same rule as the Web SDK's (js/src/Settings.ts).
#ifndef TCCC_NATIVE_SDK_SERVERURL_HPP
#define TCCC_NATIVE_SDK_SERVERURL_HPP

#include "net/WsClient.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tccc::native {

/// The /ws/agent endpoint below `server`; nullopt and `error` set when it is not a usable URL.
std::optional<WsEndpoint> agentEndpoint(std::string_view server, std::string* error);

}  // namespace tccc::native

#endif
