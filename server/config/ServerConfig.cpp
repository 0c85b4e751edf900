// SPDX-License-Identifier: Apache-2.0
#include "config/ServerConfig.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>

#include <algorithm>

#include <fstream>
#include <iostream>
#include <sstream>

namespace tccc::server {

using protocol::Json;

std::vector<std::string> ServerConfig::splitList(const std::string& commaList) {
  std::vector<std::string> out;
  std::stringstream in(commaList);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

void ServerConfig::applyJson(const Json& json, const std::set<std::string>& alreadySet) {
  if (!json.is_object()) throw ConfigError("the configuration file must hold a JSON object");
  auto str = [&](const std::string& key, const Json& v, std::string& field) {
    if (!v.is_string()) throw ConfigError("config key \"" + key + "\" must be a string");
    field = v.get<std::string>();
  };
  auto integer = [&](const std::string& key, const Json& v, int& field) {
    if (!v.is_number_integer()) throw ConfigError("config key \"" + key + "\" must be an integer");
    auto x = v.get<std::int64_t>();
    if (x < INT32_MIN || x > INT32_MAX) throw ConfigError("config key \"" + key + "\" is out of range");
    field = static_cast<int>(x);
  };
  for (const auto& [key, value] : json.items()) {
    if (key.rfind('$', 0) == 0 || key == "comment") continue;  // room for comments in the file
    if (alreadySet.count(key)) continue;
    if (key == "host")
      str(key, value, host);
    else if (key == "port")
      integer(key, value, port);
    else if (key == "data-dir")
      str(key, value, dataDir);
    else if (key == "public-url")
      str(key, value, publicUrl);
    else if (key == "sdk-dir")
      str(key, value, sdkDir);
    else if (key == "web-dir")
      str(key, value, webDir);
    else if (key == "tls-cert")
      str(key, value, tlsCert);
    else if (key == "tls-key")
      str(key, value, tlsKey);
    else if (key == "cdr-push-url")
      str(key, value, cdrPushUrl);
    else if (key == "cdr-push-ca-file")
      str(key, value, cdrPushCaFile);
    else if (key == "cdr-push-retry-ms")
      integer(key, value, cdrPushRetryMs);
    else if (key == "cdr-push-auth")
      str(key, value, cdrPushAuth);
    else if (key == "cdr-push-user")
      str(key, value, cdrPushUser);
    else if (key == "cdr-push-password")
      str(key, value, cdrPushPassword);
    else if (key == "cdr-push-token-url")
      str(key, value, cdrPushTokenUrl);
    else if (key == "cdr-push-client-id")
      str(key, value, cdrPushClientId);
    else if (key == "cdr-push-client-secret")
      str(key, value, cdrPushClientSecret);
    else if (key == "heartbeat-ms")
      integer(key, value, heartbeatMs);
    else if (key == "ring-timeout-sec")
      integer(key, value, ringTimeoutSec);
    else if (key == "outbound-no-answer-sec")
      integer(key, value, outboundNoAnswerSec);
    else if (key == "max-connections")
      integer(key, value, maxConnections);
    else if (key == "max-connections-per-address")
      integer(key, value, maxConnectionsPerAddress);
    else if (key == "api-rate-limit")
      integer(key, value, apiRateLimit);
    else if (key == "connection-rate-limit")
      integer(key, value, connectionRateLimit);
    else if (key == "tenant-rate-limit")
      integer(key, value, tenantRateLimit);
    else if (key == "log-level")
      str(key, value, logLevel);
    else if (key == "media-host")
      str(key, value, mediaHost);
    else if (key == "media-ports")
      str(key, value, mediaPorts);
    else if (key == "sim-audio-dir")
      str(key, value, simAudioDir);
    else if (key == "asr-threads")
      integer(key, value, asrThreads);
    else if (key == "asr-engine")
      str(key, value, asrEngine);
    else if (key == "asr-model")
      str(key, value, asrModel);
    else if (key == "asr-dictionary")
      str(key, value, asrDictionary);
    else if (key == "asr-language-model")
      str(key, value, asrLanguageModel);
    else if (key == "asr-grammar")
      str(key, value, asrGrammar);
    else if (key == "asr-keywords")
      str(key, value, asrKeywords);
    else if (key == "recordings") {
      if (!value.is_boolean()) throw ConfigError("config key \"recordings\" must be true or false");
      recordings = value.get<bool>();
    } else if (key == "recordings-dir") {
      str(key, value, recordingsDir);
    } else if (key == "record-url-ttl") {
      integer(key, value, recordUrlTtlSec);
    } else if (key == "record-url-secret") {
      str(key, value, recordUrlSecret);
    } else if (key == "asr") {
      if (!value.is_boolean()) throw ConfigError("config key \"asr\" must be true or false");
      asr = value.get<bool>();
    } else if (key == "simulator") {
      if (!value.is_boolean()) throw ConfigError("config key \"simulator\" must be true or false");
      simulator = value.get<bool>();
    } else if (key == "utc-offset") {
      str(key, value, utcOffset);
    } else if (key == "media-mode") {
      str(key, value, mediaMode);
    } else if (key == "server-media") {
      if (!value.is_boolean()) throw ConfigError("config key \"server-media\" must be true or false");
      serverMedia = value.get<bool>();
    } else if (key == "ice-servers") {
      // The command line and environment give JSON text; the file may also hold the array itself.
      if (value.is_string()) {
        Json parsed = Json::parse(value.get<std::string>(), nullptr, false);
        if (parsed.is_discarded()) throw ConfigError("config key \"ice-servers\" is not valid JSON");
        iceServers = parseIceServers(parsed);
      } else {
        iceServers = parseIceServers(value);
      }
    } else if (key == "allowed-origins") {
      if (value.is_string()) {
        allowedOrigins = splitList(value.get<std::string>());
      } else if (value.is_array()) {
        allowedOrigins.clear();
        for (const auto& o : value) {
          if (!o.is_string()) throw ConfigError("config key \"allowed-origins\" must list strings");
          allowedOrigins.push_back(o.get<std::string>());
        }
      } else {
        throw ConfigError("config key \"allowed-origins\" must be a string or an array of strings");
      }
    } else {
      throw ConfigError("unknown config key \"" + key + "\"");
    }
  }
}

int ServerConfig::parseUtcOffset(const std::string& text) {
  auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || !digit(1) || !digit(2) || text[3] != ':' || !digit(4) ||
      !digit(5))
    throw ConfigError("--utc-offset must look like +08:00 or -05:30");
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59 || (hours == 14 && minutes > 0))
    throw ConfigError("--utc-offset must be between -14:00 and +14:00");
  return (text[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
}

std::pair<int, int> ServerConfig::parsePortRange(const std::string& text) {
  auto number = [&](const std::string& t) {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError("--media-ports must be a port range such as 40000-40999");
    return std::stoi(t);
  };
  auto dash = text.find('-');
  int lo = number(text.substr(0, dash));
  int hi = dash == std::string::npos ? lo : number(text.substr(dash + 1));
  if (lo < 1 || hi > 65535 || lo > hi)
    throw ConfigError("--media-ports must be a range min-max with 1 <= min <= max <= 65535");
  return {lo, hi};
}

Json ServerConfig::parseIceServers(const Json& value) {
  constexpr std::size_t kMaxServers = 16;
  constexpr std::size_t kMaxText = 512;
  if (!value.is_array()) throw ConfigError("--ice-servers must be a JSON array of {urls, username?, credential?}");
  if (value.size() > kMaxServers) throw ConfigError("--ice-servers: at most 16 servers");
  auto checkUrl = [&](const Json& url) {
    if (!url.is_string()) throw ConfigError("--ice-servers: every url must be a string");
    const std::string& u = url.get_ref<const std::string&>();
    bool scheme =
        u.rfind("stun:", 0) == 0 || u.rfind("stuns:", 0) == 0 || u.rfind("turn:", 0) == 0 || u.rfind("turns:", 0) == 0;
    if (!scheme || u.size() > kMaxText)
      throw ConfigError("--ice-servers: \"" + u.substr(0, 64) + "\" is not a stun:, stuns:, turn: or turns: URL");
  };
  Json out = Json::array();
  for (const auto& server : value) {
    if (!server.is_object()) throw ConfigError("--ice-servers: every server must be an object");
    auto urls = server.find("urls");
    if (urls == server.end()) throw ConfigError("--ice-servers: every server needs \"urls\"");
    if (urls->is_array()) {
      if (urls->empty()) throw ConfigError("--ice-servers: \"urls\" must not be empty");
      for (const auto& u : *urls) checkUrl(u);
    } else {
      checkUrl(*urls);
    }
    Json item = Json{{"urls", *urls}};
    for (const char* key : {"username", "credential"}) {
      auto v = server.find(key);
      if (v == server.end()) continue;
      if (!v->is_string() || v->get_ref<const std::string&>().size() > kMaxText)
        throw ConfigError(std::string("--ice-servers: \"") + key + "\" must be a string");
      item[key] = *v;
    }
    out.push_back(std::move(item));
  }
  return out;
}

void ServerConfig::validatePushAuth() const {
  auto hasControl = [](const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
  };
  static const std::set<std::string> kKinds = {"none", "basic", "oauth2"};
  if (!kKinds.count(cdrPushAuth)) throw ConfigError("--cdr-push-auth must be none, basic or oauth2");
  const bool basic = cdrPushAuth == "basic";
  const bool oauth = cdrPushAuth == "oauth2";
  if (!basic && (!cdrPushUser.empty() || !cdrPushPassword.empty()))
    throw ConfigError("--cdr-push-user and --cdr-push-password are used only with --cdr-push-auth basic");
  if (!oauth && (!cdrPushTokenUrl.empty() || !cdrPushClientId.empty() || !cdrPushClientSecret.empty()))
    throw ConfigError(
        "--cdr-push-token-url, --cdr-push-client-id and --cdr-push-client-secret are used only with "
        "--cdr-push-auth oauth2");
  if ((basic || oauth) && cdrPushUrl.empty()) throw ConfigError("--cdr-push-auth needs --cdr-push-url");
  if (basic) {
    // RFC 7617: the user id cannot contain a colon; neither may carry control characters.
    if (cdrPushUser.empty()) throw ConfigError("--cdr-push-auth basic needs --cdr-push-user");
    if (cdrPushUser.find(':') != std::string::npos) throw ConfigError("--cdr-push-user must not contain ':'");
    if (hasControl(cdrPushUser) || hasControl(cdrPushPassword))
      throw ConfigError("--cdr-push-user and --cdr-push-password must not contain control characters");
  }
  if (oauth) {
    if (cdrPushTokenUrl.rfind("http://", 0) != 0 && cdrPushTokenUrl.rfind("https://", 0) != 0)
      throw ConfigError("--cdr-push-auth oauth2 needs --cdr-push-token-url, an http:// or https:// URL");
    if (cdrPushClientId.empty() || cdrPushClientSecret.empty())
      throw ConfigError("--cdr-push-auth oauth2 needs --cdr-push-client-id and --cdr-push-client-secret");
  }
}

void ServerConfig::validate() const {
  if (port < 0 || port > 65535) throw ConfigError("--port must be between 0 and 65535");
  if (heartbeatMs < 1000 || heartbeatMs > 120000) throw ConfigError("--heartbeat-ms must be between 1000 and 120000");
  if (ringTimeoutSec < 0 || ringTimeoutSec > 600) throw ConfigError("--ring-timeout-sec must be between 0 and 600");
  if (outboundNoAnswerSec < 1 || outboundNoAnswerSec > 600)
    throw ConfigError("--outbound-no-answer-sec must be between 1 and 600");
  if (cdrPushRetryMs < 10 || cdrPushRetryMs > 3600000)
    throw ConfigError("--cdr-push-retry-ms must be between 10 and 3600000");
  if (maxConnections < 1 || maxConnections > 1000000)
    throw ConfigError("--max-connections must be between 1 and 1000000");
  if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > 1000000)
    throw ConfigError("--max-connections-per-address must be between 1 and 1000000");
  if (apiRateLimit < 1 || apiRateLimit > 1000000) throw ConfigError("--api-rate-limit must be between 1 and 1000000");
  if (connectionRateLimit < 1 || connectionRateLimit > 1000000)
    throw ConfigError("--connection-rate-limit must be between 1 and 1000000");
  if (tenantRateLimit < 1 || tenantRateLimit > 1000000)
    throw ConfigError("--tenant-rate-limit must be between 1 and 1000000");
  if (tlsCert.empty() != tlsKey.empty()) throw ConfigError("--tls-cert and --tls-key go together");
  parsePortRange(mediaPorts);
  parseUtcOffset(utcOffset);
  if (mediaMode != "anchored" && mediaMode != "p2p")
    throw ConfigError("--media-mode must be anchored or p2p, not " + mediaMode.substr(0, 32));
  {
    unsigned char buf[16];
    if (inet_pton(AF_INET, mediaHost.c_str(), buf) != 1 && inet_pton(AF_INET6, mediaHost.c_str(), buf) != 1)
      throw ConfigError("--media-host must be an IPv4 or IPv6 address, not " + mediaHost.substr(0, 64));
  }
  if (dataDir.empty()) throw ConfigError("--data-dir must not be empty");
  if (!cdrPushUrl.empty() && cdrPushUrl.rfind("http://", 0) != 0 && cdrPushUrl.rfind("https://", 0) != 0)
    throw ConfigError("--cdr-push-url must start with http:// or https://");
  validatePushAuth();
  if (!publicUrl.empty() && publicUrl.rfind("http://", 0) != 0 && publicUrl.rfind("https://", 0) != 0)
    throw ConfigError("--public-url must start with http:// or https://");
  if (asrThreads < 1 || asrThreads > 64) throw ConfigError("--asr-threads must be between 1 and 64");
  if (asrEngine != "pocketsphinx") throw ConfigError("--asr-engine must be pocketsphinx (the one engine built in)");
  if (!asrGrammar.empty() && !asrKeywords.empty())
    throw ConfigError("--asr-grammar and --asr-keywords are alternatives: give one");
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(logLevel)) throw ConfigError("--log-level must be one of trace, debug, info, warn, error, off");
  if (recordUrlTtlSec < 60 || recordUrlTtlSec > 90 * 86400)
    throw ConfigError("--record-url-ttl must be between 60 and 7776000 seconds (90 days)");
  if (!recordUrlSecret.empty() && recordUrlSecret.size() < 16)
    throw ConfigError("--record-url-secret must be at least 16 characters long");
  for (const auto& s : setRecording) parseCaptureSwitch("--set-recording", s);
  for (const auto& s : setAsr) parseCaptureSwitch("--set-asr", s);
}

ServerConfig::CaptureSwitch ServerConfig::parseCaptureSwitch(const std::string& option, const std::string& text) {
  const std::string usage = option + " takes APP=on|off or APP:GROUP=on|off, not " + text.substr(0, 64);
  auto eq = text.find('=');
  if (eq == std::string::npos) throw ConfigError(usage);
  CaptureSwitch out;
  const std::string value = text.substr(eq + 1);
  if (value != "on" && value != "off") throw ConfigError(usage);
  out.on = value == "on";
  auto id = [&](const std::string& s) {
    if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos) throw ConfigError(usage);
    return std::stoll(s);
  };
  const std::string target = text.substr(0, eq);
  auto colon = target.find(':');
  out.sdkAppId = id(target.substr(0, colon));
  if (colon != std::string::npos) out.skillGroupId = id(target.substr(colon + 1));
  if (out.sdkAppId == 0 || (colon != std::string::npos && out.skillGroupId == 0)) throw ConfigError(usage);
  return out;
}

std::optional<int> ServerConfig::parse(int argc, const char* const* argv, ServerConfig& out) {
  CLI::App app{
      "tccc-server: the reference contact-center server (TCCC-compatible cloud API, agent signalling, "
      "SDK hosting).\nEvery option can also be set as an environment variable (shown in brackets) or as a "
      "key of the --config JSON file (the long option name without dashes in front, e.g. \"data-dir\").\n"
      "Precedence: command line > environment > config file > default.\n"
      "TLS: with --tls-cert/--tls-key the same port serves https/wss AND plain http/ws; each connection's "
      "first bytes tell which.",
      "tccc-server"};
  // A repeated option takes its last value, so wrappers can put defaults first and let callers
  // override them (e.g. the test helper's --port 0).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::string origins;
  std::map<std::string, CLI::Option*> options;
  options["host"] = app.add_option("--host", out.host, "Address to listen on (keep 127.0.0.1 unless behind a proxy)")
                        ->envname("TCCC_HOST")
                        ->capture_default_str();
  options["port"] = app.add_option("--port", out.port, "TCP port; 0 picks any free port (printed as API=…)")
                        ->envname("TCCC_PORT")
                        ->capture_default_str();
  options["data-dir"] =
      app.add_option("--data-dir", out.dataDir, "Directory for the SQLite database and credentials file")
          ->envname("TCCC_DATA_DIR")
          ->capture_default_str();
  app.add_option("--config", out.configFile, "JSON file with the same keys as these options")->envname("TCCC_CONFIG");
  options["public-url"] =
      app.add_option("--public-url", out.publicUrl,
                     "Base URL browsers use to reach this server (SdkURL); default http://host:port")
          ->envname("TCCC_PUBLIC_URL");
  options["sdk-dir"] =
      app.add_option("--sdk-dir", out.sdkDir,
                     "Directory with the built SDK (dist/), served at /sdk/; default ./dist if present")
          ->envname("TCCC_SDK_DIR");
  options["web-dir"] =
      app.add_option("--web-dir", out.webDir, "Directory with static pages, served at /")->envname("TCCC_WEB_DIR");
  options["tls-cert"] =
      app.add_option("--tls-cert", out.tlsCert, "PEM certificate chain for https/wss")->envname("TCCC_TLS_CERT");
  options["tls-key"] =
      app.add_option("--tls-key", out.tlsKey, "PEM private key for https/wss")->envname("TCCC_TLS_KEY");
  options["allowed-origins"] =
      app.add_option("--allowed-origins", origins, "Comma-separated Origins allowed to open WebSockets (default: any)")
          ->envname("TCCC_ALLOWED_ORIGINS");
  options["cdr-push-url"] =
      app.add_option("--cdr-push-url", out.cdrPushUrl, "URL that receives CDR pushes (POST …?action=cdr&version=1)")
          ->envname("TCCC_CDR_PUSH_URL");
  options["cdr-push-ca-file"] = app.add_option("--cdr-push-ca-file", out.cdrPushCaFile,
                                               "Extra CA certificate (PEM) trusted for an https push URL")
                                    ->envname("TCCC_CDR_PUSH_CA_FILE");
  options["cdr-push-retry-ms"] = app.add_option("--cdr-push-retry-ms", out.cdrPushRetryMs,
                                                "First retry delay of a failed push; doubles each time, 3 retries")
                                     ->envname("TCCC_CDR_PUSH_RETRY_MS")
                                     ->capture_default_str();
  options["cdr-push-auth"] = app.add_option("--cdr-push-auth", out.cdrPushAuth,
                                            "How pushes authenticate: none, basic (--cdr-push-user/-password) or "
                                            "oauth2 (client credentials at --cdr-push-token-url, then a Bearer token)")
                                 ->envname("TCCC_CDR_PUSH_AUTH")
                                 ->capture_default_str();
  options["cdr-push-user"] = app.add_option("--cdr-push-user", out.cdrPushUser, "Basic auth user of the push receiver")
                                 ->envname("TCCC_CDR_PUSH_USER");
  options["cdr-push-password"] =
      app.add_option("--cdr-push-password", out.cdrPushPassword,
                     "Basic auth password (prefer the environment or the config file to the command line)")
          ->envname("TCCC_CDR_PUSH_PASSWORD");
  options["cdr-push-token-url"] =
      app.add_option("--cdr-push-token-url", out.cdrPushTokenUrl, "OAuth 2.0 token endpoint for --cdr-push-auth oauth2")
          ->envname("TCCC_CDR_PUSH_TOKEN_URL");
  options["cdr-push-client-id"] = app.add_option("--cdr-push-client-id", out.cdrPushClientId, "OAuth 2.0 client id")
                                      ->envname("TCCC_CDR_PUSH_CLIENT_ID");
  options["cdr-push-client-secret"] =
      app.add_option("--cdr-push-client-secret", out.cdrPushClientSecret,
                     "OAuth 2.0 client secret (prefer the environment or the config file to the command line)")
          ->envname("TCCC_CDR_PUSH_CLIENT_SECRET");
  options["heartbeat-ms"] = app.add_option("--heartbeat-ms", out.heartbeatMs, "Agent WebSocket heartbeat interval")
                                ->envname("TCCC_HEARTBEAT_MS")
                                ->capture_default_str();
  options["ring-timeout-sec"] =
      app.add_option("--ring-timeout-sec", out.ringTimeoutSec,
                     "Seconds a call rings at one agent before it moves to the next (autoTransfer); 0 = each "
                     "skill group's own setting")
          ->envname("TCCC_RING_TIMEOUT_SEC")
          ->capture_default_str();
  options["outbound-no-answer-sec"] =
      app.add_option("--outbound-no-answer-sec", out.outboundNoAnswerSec,
                     "Seconds an outbound call rings unanswered before it ends with notAnswer")
          ->envname("TCCC_OUTBOUND_NO_ANSWER_SEC")
          ->capture_default_str();
  options["max-connections"] =
      app.add_option("--max-connections", out.maxConnections,
                     "Open HTTP/WebSocket connections at most (one per logged-in agent); the file-descriptor "
                     "limit is raised to match at start-up")
          ->envname("TCCC_MAX_CONNECTIONS")
          ->capture_default_str();
  options["max-connections-per-address"] =
      app.add_option("--max-connections-per-address", out.maxConnectionsPerAddress,
                     "Of those, from one remote address; a call centre behind one NAT address needs one per agent")
          ->envname("TCCC_MAX_CONNECTIONS_PER_ADDRESS")
          ->capture_default_str();
  options["api-rate-limit"] = app.add_option("--api-rate-limit", out.apiRateLimit,
                                             "Cloud API requests/s per SecretId and action (burst twice that); "
                                             "the cloud allows 20")
                                  ->envname("TCCC_API_RATE_LIMIT")
                                  ->capture_default_str();
  options["connection-rate-limit"] = app.add_option("--connection-rate-limit", out.connectionRateLimit,
                                                    "HTTP requests/s on one connection (burst twice that)")
                                         ->envname("TCCC_CONNECTION_RATE_LIMIT")
                                         ->capture_default_str();
  options["tenant-rate-limit"] =
      app.add_option("--tenant-rate-limit", out.tenantRateLimit,
                     "Signalling requests/s from all agent sockets of one app together (burst twice that): "
                     "one tenant cannot crowd out the others")
          ->envname("TCCC_TENANT_RATE_LIMIT")
          ->capture_default_str();
  options["log-level"] =
      app.add_option("--log-level", out.logLevel, "trace, debug, info, warn, error or off (logs go to stderr)")
          ->envname("TCCC_LOG_LEVEL")
          ->capture_default_str();
  std::string iceServers;
  options["ice-servers"] = app.add_option("--ice-servers", iceServers,
                                          "STUN/TURN servers for WebRTC as JSON, e.g. "
                                          "'[{\"urls\":\"stun:stun.example.com:3478\"}]' (default: none)")
                               ->envname("TCCC_ICE_SERVERS");
  options["simulator"] = app.add_option("--simulator", out.simulator,
                                        "true: serve the simulator's HTTP routes (POST /sim/inbound, "
                                        "GET /sim/sessions/<id>, /sim/test-numbers); false on a production "
                                        "server so nobody can place simulated calls")
                             ->envname("TCCC_SIMULATOR")
                             ->capture_default_str();
  options["server-media"] = app.add_option("--server-media", out.serverMedia,
                                           "true: simulated callers and test numbers talk over WebRTC "
                                           "(the server's own media endpoint); false: those calls have no audio")
                                ->envname("TCCC_SERVER_MEDIA")
                                ->capture_default_str();
  options["utc-offset"] = app.add_option("--utc-offset", out.utcOffset,
                                         "Where the contact center's day starts, e.g. +08:00: the "
                                         "supervisor's today figures start again at that midnight")
                              ->envname("TCCC_UTC_OFFSET")
                              ->capture_default_str();
  options["media-mode"] = app.add_option("--media-mode", out.mediaMode,
                                         "anchored: every call's media goes through the server (recording, "
                                         "speech recognition); p2p: browsers talk directly, the server relays "
                                         "their negotiation only")
                              ->check(CLI::IsMember({"anchored", "p2p"}))
                              ->envname("TCCC_MEDIA_MODE")
                              ->capture_default_str();
  options["media-host"] = app.add_option("--media-host", out.mediaHost,
                                         "IP address of the server's media endpoint (bound and advertised "
                                         "to browsers in its ICE candidate)")
                              ->envname("TCCC_MEDIA_HOST")
                              ->capture_default_str();
  options["media-ports"] = app.add_option("--media-ports", out.mediaPorts,
                                          "UDP port range min-max of the server's media endpoint (one port per call)")
                               ->envname("TCCC_MEDIA_PORTS")
                               ->capture_default_str();
  options["sim-audio-dir"] = app.add_option("--sim-audio-dir", out.simAudioDir,
                                            "Directory of WAV files POST /sim/inbound may play as the caller's "
                                            "voice (audioFile); the data dir is always allowed")
                                 ->envname("TCCC_SIM_AUDIO_DIR");
  options["recordings"] = app.add_option("--recordings", out.recordings,
                                         "true: record calls (one Ogg Opus file per participant and a stereo "
                                         "mix); tenants and skill groups can still opt out (--set-recording)")
                              ->envname("TCCC_RECORDINGS")
                              ->capture_default_str();
  options["recordings-dir"] = app.add_option("--recordings-dir", out.recordingsDir,
                                             "Where recordings are written (default <data-dir>/recordings)")
                                  ->envname("TCCC_RECORDINGS_DIR");
  options["record-url-ttl"] = app.add_option("--record-url-ttl", out.recordUrlTtlSec,
                                             "Lifetime in seconds of the signed RecordURL links that DescribeTelCdr "
                                             "and recording pushes hand out")
                                  ->envname("TCCC_RECORD_URL_TTL")
                                  ->capture_default_str();
  options["record-url-secret"] = app.add_option("--record-url-secret", out.recordUrlSecret,
                                                "Secret that signs RecordURL links (default: generated once into "
                                                "<data-dir>/record-url-secret); servers sharing recordings share it")
                                     ->envname("TCCC_RECORD_URL_SECRET");
  app.add_option("--set-recording", out.setRecording,
                 "Switch recording for a tenant (APP=on|off) or a skill group (APP:GROUP=on|off) in the "
                 "database, then exit; repeatable (a running server applies it from the next call leg)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--set-asr", out.setAsr,
                 "Switch speech recognition for a tenant (APP=on|off) or a skill group (APP:GROUP=on|off) in "
                 "the database, then exit; repeatable (a running server applies it from the next call leg)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  options["asr"] =
      app.add_option("--asr", out.asr,
                     "true: transcribe calls through the server's media plane in real time and "
                     "send asr events to the agent (docs/asr.md); tenants and skill groups can opt out (--set-asr)")
          ->envname("TCCC_ASR")
          ->capture_default_str();
  options["asr-threads"] =
      app.add_option("--asr-threads", out.asrThreads, "Threads that decode and recognise every call's audio")
          ->envname("TCCC_ASR_THREADS")
          ->capture_default_str();
  options["asr-engine"] = app.add_option("--asr-engine", out.asrEngine, "Speech recognition engine")
                              ->envname("TCCC_ASR_ENGINE")
                              ->capture_default_str();
  options["asr-model"] =
      app.add_option("--asr-model", out.asrModel, "Acoustic model directory (default: Debian's pocketsphinx-en-us)")
          ->envname("TCCC_ASR_MODEL");
  options["asr-dictionary"] =
      app.add_option("--asr-dictionary", out.asrDictionary, "Pronunciation dictionary (default: the model's)")
          ->envname("TCCC_ASR_DICTIONARY");
  options["asr-language-model"] =
      app.add_option("--asr-language-model", out.asrLanguageModel,
                     "N-gram language model, used without --asr-grammar or --asr-keywords (default: the model's)")
          ->envname("TCCC_ASR_LANGUAGE_MODEL");
  options["asr-grammar"] = app.add_option("--asr-grammar", out.asrGrammar,
                                          "JSGF grammar file: recognise only its sentences (IVR menus, scripts)")
                               ->envname("TCCC_ASR_GRAMMAR");
  options["asr-keywords"] =
      app.add_option("--asr-keywords", out.asrKeywords,
                     "Keyword list file: one phrase per line, optionally /threshold/; spots them in free speech")
          ->envname("TCCC_ASR_KEYWORDS");
  app.add_option("--create-tenant", out.createTenant,
                 "Create a tenant (an app with its own SdkAppId, SecretId and SecretKey) named NAME in the "
                 "database, print its credentials, and exit; a running server serves it at once")
      ->check([](const std::string& name) {
        if (name.empty() || name.size() > 64) return std::string("the tenant name must be 1 to 64 bytes");
        for (unsigned char c : name)
          if (c < 0x20 || c == 0x7f) return std::string("the tenant name must not contain control characters");
        return std::string();
      });
  app.add_flag("--console-link", out.consoleLink,
               "Print a one-time sign-in link of the operator console (/console/) and exit; it is valid for "
               "24 hours, and the session it opens for 12")
      ->envname("TCCC_CONSOLE_LINK");
  app.add_option("--console-app", out.consoleApp,
                 "The SdkAppId whose console --console-link opens (default: the first)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{9007199254740991}))
      ->envname("TCCC_CONSOLE_APP");
  app.add_flag("--print-credentials", out.printCredentials,
               "Print SdkAppId, SecretId and SecretKey of the first tenant and exit (creates it if needed)")
      ->envname("TCCC_PRINT_CREDENTIALS");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has one exit code per error kind; callers only need "help shown" vs "usage error".
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    std::set<std::string> set;
    for (const auto& [key, option] : options)
      if (option->count() > 0) set.insert(key);
    if (set.count("allowed-origins")) out.allowedOrigins = splitList(origins);
    if (set.count("ice-servers")) out.applyJson(Json{{"ice-servers", iceServers}}, {});
    if (!out.configFile.empty()) {
      std::ifstream in(out.configFile);
      if (!in) throw ConfigError("cannot read the config file " + out.configFile);
      std::stringstream text;
      text << in.rdbuf();
      Json json = Json::parse(text.str(), nullptr, false);
      if (json.is_discarded()) throw ConfigError("the config file " + out.configFile + " is not valid JSON");
      out.applyJson(json, set);
    }
    out.validate();
  } catch (const ConfigError& e) {
    std::cerr << "tccc-server: " << e.what() << "\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace tccc::server
