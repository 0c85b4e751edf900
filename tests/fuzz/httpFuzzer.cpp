// SPDX-License-Identifier: Apache-2.0
// One HTTP request off a connection: Beast's request parser with the server's limits
// (HttpServerOptions: 16 KB of header, 1 MB of body), then what the server itself reads from a
// request: the query string (QueryString::param, as the WebSocket and recording routes do), the
// login carried in Sec-WebSocket-Protocol (HandshakeLogin), and a cloud API body (parsed as
// CloudApi::dispatch parses it, then read through ParamReader the way the actions do).
#include "cloud/ParamReader.hpp"
#include "http/HttpServer.hpp"
#include "http/QueryString.hpp"
#include "signalling/HandshakeLogin.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

namespace {

namespace http = boost::beast::http;
using tccc::server::CloudApiError;
using tccc::server::ParamReader;
using tccc::server::QueryString;

// Every typed read an action may make, on every member, nested objects included.
void readAll(const ParamReader& params, const tccc::protocol::Json& body, int depth) {
  if (!body.is_object() || depth > 4) return;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string name = it.key();
    const auto attempt = [](auto&& read) {
      try {
        read();
      } catch (const CloudApiError& e) {
        if (e.code.empty() || e.message.empty()) std::abort();
      }
    };
    attempt([&] { (void)params.requireInt(name, -1000, 1000000); });
    attempt([&] { (void)params.optInt(name, 0, 9007199254740991); });
    attempt([&] { (void)params.requireString(name, 64); });
    attempt([&] { (void)params.optString(name, 256); });
    attempt([&] { (void)params.optBool(name); });
    attempt([&] { (void)params.optStringArray(name, 10, 64); });
    attempt([&] { (void)params.optIntArray(name, 10); });
    attempt([&] {
      if (auto objects = params.optObjectArray(name, 10)) {
        std::size_t i = 0;
        for (const auto& element : *objects) readAll(element, (*it)[i++], depth + 1);
      }
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tccc::server::HttpServerOptions limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.maxHeaderBytes));
  parser.body_limit(limits.maxBodyBytes);
  boost::beast::error_code ec;
  // The whole input has arrived: feed it as http::async_read feeds its buffer, then end of stream.
  std::size_t used = 0;
  while (!parser.is_done() && used < size) {
    std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    used += n;
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;
      continue;
    }
    if (ec) return 0;
  }
  if (!parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  auto req = parser.release();
  std::string target(req.target());
  auto q = target.find('?');
  std::string query = q == std::string::npos ? std::string() : target.substr(q + 1);
  for (const char* name : {"token", "expires", "sig", "sessionId"}) {
    if (auto value = QueryString::param(query, name)) {
      // Encoding the decoded value and decoding it again gives it back, in both styles.
      for (auto style : {QueryString::Style::Component, QueryString::Style::Form}) {
        auto back = QueryString::decode(QueryString::encode(*value, style));
        if (!back || *back != *value) std::abort();
      }
    }
  }

  (void)boost::beast::websocket::is_upgrade(req);
  auto protocols = req.find(http::field::sec_websocket_protocol);
  if (protocols != req.end()) {
    auto offered =
        tccc::server::parseOfferedProtocols(std::string_view(protocols->value().data(), protocols->value().size()));
    if (offered.login) (void)tccc::server::decodeHandshakeLogin(*offered.login);
  }

  const std::string& body = req.body();
  tccc::protocol::Json json = tccc::protocol::parseJson(body, limits.maxBodyBytes, 64);
  if (json.is_object()) readAll(ParamReader(json), json, 0);
  return 0;
}
