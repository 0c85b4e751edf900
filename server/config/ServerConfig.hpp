// SPDX-License-Identifier: Apache-2.0
// Server settings from, in rising precedence: built-in defaults, a JSON file (--config), TCCC_*
// environment variables, and the command line.
#ifndef TCCC_SERVER_CONFIG_SERVERCONFIG_HPP
#define TCCC_SERVER_CONFIG_SERVERCONFIG_HPP

#include "protocol/Protocol.hpp"

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tccc::server {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string dataDir = ".tccc-data";
  std::string configFile;
  std::string publicUrl;  // "" = http(s)://host:port
  std::string sdkDir;     // "" = ./dist when it exists
  std::string webDir;
  std::string tlsCert;
  std::string tlsKey;
  std::vector<std::string> allowedOrigins;
  std::string cdrPushUrl;
  std::string cdrPushCaFile;
  int cdrPushRetryMs = 5000;
  // How pushes authenticate (the TCCC console's choices): "none", "basic" (user + password) or
  // "oauth2" (client-credentials grant at the token URL, then a Bearer token).
  std::string cdrPushAuth = "none";
  std::string cdrPushUser;
  std::string cdrPushPassword;
  std::string cdrPushTokenUrl;
  std::string cdrPushClientId;
  std::string cdrPushClientSecret;
  int heartbeatMs = 10000;
  int ringTimeoutSec = 0;               // > 0: overrides every skill group's ring time (demos, tests)
  int outboundNoAnswerSec = 30;         // an outbound call nobody answers ends (notAnswer) after this
  int maxConnections = 10000;           // open HTTP/WebSocket connections; each also needs a file descriptor
  int maxConnectionsPerAddress = 2000;  // of those, from one remote address (a NAT'd site shares one)
  int apiRateLimit = 20;                // cloud API requests/s per SecretId and action (burst 2x), as the cloud
  int connectionRateLimit = 20;         // HTTP requests/s per connection (burst 2x)
  int tenantRateLimit = 5000;           // signalling requests/s from all agent sockets of one app (burst 2x)
  std::string logLevel = "info";
  bool printCredentials = false;
  /// --console-link: prints a one-time sign-in link of the operator console and exits; for the
  /// tenant --console-app names, or the first one.
  bool consoleLink = false;
  std::int64_t consoleApp = 0;
  /// --create-tenant NAME: adds a tenant (app) with its own API key, prints it, and exits.
  std::string createTenant;
  /// STUN/TURN servers handed to browsers (agent login snapshot, customer.dial answer) as
  /// RTCIceServer objects: [{"urls": "stun:…" | ["turn:…"], "username"?, "credential"?}]. Empty = none
  /// (host candidates only: enough on one machine or one LAN).
  protocol::Json iceServers = protocol::Json::array();
  /// The server's own media endpoint (server/media/) for simulated callers and test numbers.
  bool serverMedia = true;
  /// "anchored": every call's media terminates at the server (recording, speech recognition);
  /// "p2p": the browsers of a call talk directly, the server only relays their negotiation.
  std::string mediaMode = "anchored";
  // Where the contact center's day starts, as an offset from UTC: the supervisor's "today" figures
  // (service level, abandoned) start again at local midnight. Beijing time unless told otherwise.
  std::string utcOffset = "+08:00";
  bool simulator = true;                   // the /sim/* HTTP routes (inbound calls from curl, session inspection)
  std::string mediaHost = "127.0.0.1";     // UDP address it binds and advertises (IP literal)
  std::string mediaPorts = "40000-40999";  // "min-max": one UDP port per open leg
  std::string simAudioDir;                 // POST /sim/inbound audioFile may come from here (and the data dir)
  /// Call recordings (server/recording/): one Ogg Opus file per participant, a stereo mix, signed links.
  bool recordings = true;
  std::string recordingsDir;    // "" = <data-dir>/recordings
  int recordUrlTtlSec = 86400;  // lifetime of a signed RecordURL (TCCC's temporary links: a day)
  std::string recordUrlSecret;  // "" = generated once into <data-dir>/record-url-secret
  /// --set-recording APP[:GROUP]=on|off (repeatable): switch recording for a tenant or one of its
  /// skill groups in the database, then exit.
  std::vector<std::string> setRecording;
  /// Real-time speech recognition of calls through the server's media plane (docs/asr.md).
  bool asr = false;
  int asrThreads = 1;  // worker threads shared by every call's recognition
  std::string asrEngine = "pocketsphinx";
  std::string asrModel;          // acoustic model directory; "" = the engine's default
  std::string asrDictionary;     // pronunciation dictionary; "" = the engine's default
  std::string asrLanguageModel;  // n-gram model used without grammar or keywords; "" = default
  std::string asrGrammar;        // JSGF grammar: recognise only its sentences
  std::string asrKeywords;       // keyword list: spot these phrases
  /// --set-asr APP[:GROUP]=on|off (repeatable): switch speech recognition likewise, then exit.
  std::vector<std::string> setAsr;

  /// Parses argv (and the environment, and the --config file). Returns an exit code when the
  /// program should stop now (--help: 0, bad arguments: 2), nullopt to go on.
  static std::optional<int> parse(int argc, const char* const* argv, ServerConfig& out);

  /// Applies the keys of a --config JSON object (the long option names: "port", "data-dir", …),
  /// skipping those in `alreadySet`. Throws ConfigError naming the key on an unknown key or bad type.
  void applyJson(const protocol::Json& json, const std::set<std::string>& alreadySet);

  /// Checks ranges and combinations; throws ConfigError.
  void validate() const;
  /// The --cdr-push-auth settings and the ones that go with each kind; throws ConfigError.
  void validatePushAuth() const;

  static std::vector<std::string> splitList(const std::string& commaList);

  /// One --set-recording or --set-asr value: "1400000000=off" (a tenant) or "1400000000:2=on" (a
  /// skill group).
  struct CaptureSwitch {
    std::int64_t sdkAppId = 0;
    std::int64_t skillGroupId = 0;  // 0: the tenant itself
    bool on = true;
  };
  /// Throws ConfigError naming `option` and saying what is wrong.
  static CaptureSwitch parseCaptureSwitch(const std::string& option, const std::string& text);

  /// "+08:00", "-05:30", "+00:00" (UTC±hh:mm, hours up to 14) -> minutes east of UTC; throws ConfigError.
  static int parseUtcOffset(const std::string& text);

  /// "40000-40999" (or one port "40000") -> {min, max}; throws ConfigError.
  static std::pair<int, int> parsePortRange(const std::string& text);

  /// Checks an --ice-servers value and returns it normalised (only the RTCIceServer fields).
  /// Throws ConfigError saying what is wrong.
  static protocol::Json parseIceServers(const protocol::Json& value);
};

}  // namespace tccc::server

#endif
