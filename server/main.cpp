// SPDX-License-Identifier: Apache-2.0
// tccc-server: one process, one port, one io_context thread (plus the CDR writer's thread, which
// group-commits call records so the event loop never waits for fsync). Wires the platform (HTTP/WS,
// SQLite store, cloud API, CDR push) to the contact center (agents, sessions, ACD, IVR) when it is
// built.
//
// stdout carries only machine-readable start-up lines (API=…, SdkAppId=…, …, READY) for scripts and
// tests; logs go to stderr.
#include "asr/AsrEngineFactory.hpp"
#include "asr/AsrWorkers.hpp"
#include "chat/InterruptedChatRecovery.hpp"
#include "cloud/CloudApi.hpp"
#include "config/FileDescriptorLimit.hpp"
#include "config/ServerConfig.hpp"
#include "console/ConsoleHttp.hpp"
#include "console/ConsoleSessions.hpp"
#include "http/HttpServer.hpp"
#include "http/QueryString.hpp"
#include "http/StaticFiles.hpp"
#include "push/AfterCallRecords.hpp"
#include "push/CdrPusher.hpp"
#include "push/CdrWriter.hpp"
#include "push/InterruptedCallRecovery.hpp"
#include "recording/CallRecorder.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "recording/RecordingCatalog.hpp"
#include "recording/RecordingRoute.hpp"
#include "store/DemoSeeder.hpp"
#include "store/DiskWatch.hpp"
#include "store/SqliteStore.hpp"
#include "store/StorageBreaker.hpp"
#include "store/StoreDirectory.hpp"

#if __has_include("signalling/ContactCenter.hpp")
#include "signalling/ContactCenter.hpp"
#define TCCC_HAS_CONTACT_CENTER 1
#else
#define TCCC_HAS_CONTACT_CENTER 0
#endif

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace tccc::server;
namespace fs = std::filesystem;

namespace {

std::int64_t nowSec() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The operator console's sign-in link: the token rides in the fragment, which browsers never send,
/// so it stays out of access logs and Referer headers.
std::string consoleLinkUrl(std::string base, const std::string& token) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/console/#link=" + token;
}

void printLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

HttpResponse jsonResponse(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = tccc::protocol::dump(body);
  return r;
}

/// Chats the last run died in that nobody can resume: their IM CDRs (docs/reliability.md).
void closeInterruptedChats(SqliteStore& store, const std::vector<LiveChatRecord>& entries) {
  if (auto n = InterruptedChatRecovery(store).run(entries, store.lastAliveAtMs().value_or(0)))
    spdlog::warn("{} chat(s) were live when the server last stopped: IM CDRs made with EndStatus {}", n,
                 InterruptedChatRecovery::kEndStatus);
}

int run(const ServerConfig& config) {
  // Everything this process creates (database, WAL, credentials) is for its own user only.
  ::umask(077);
  std::error_code ec;
  fs::create_directories(config.dataDir, ec);
  if (ec) throw std::runtime_error("cannot create --data-dir " + config.dataDir + ": " + ec.message());
  ::chmod(config.dataDir.c_str(), 0700);  // holds the API secret and call records

  const std::string databasePath = (fs::path(config.dataDir) / "tccc.db").string();
  boost::asio::io_context io(1);
  // Declared before everything that writes the database, so it outlives them all.
  StorageBreaker storageBreaker(
      io, [databasePath](std::int64_t now) { SqliteStore::proveWritable(databasePath, now); }, nowMs);
  SqliteStore store(databasePath);
  SeedResult seed = DemoSeeder::ensureDemoTenant(store, nowSec());
  const std::string credentialsPath = (fs::path(config.dataDir) / "credentials").string();
  DemoSeeder::writeCredentialsFile(credentialsPath, seed);
  if (seed.created) spdlog::info("first start: created demo tenant {} in {}", seed.tenant.sdkAppId, config.dataDir);

  if (!config.createTenant.empty()) {
    // Tenants are isolated by their API key and SdkAppId: the operator hands these lines to the
    // tenant's backend, which then adds staff, skill groups and numbers through the cloud API.
    SeedResult tenant = DemoSeeder::createTenant(store, config.createTenant, nowSec());
    printLine("SdkAppId=" + std::to_string(tenant.tenant.sdkAppId));
    printLine("SecretId=" + tenant.credential.secretId);
    printLine("SecretKey=" + tenant.credential.secretKey);
    return 0;
  }
  if (!config.setRecording.empty() || !config.setAsr.empty()) {
    auto apply = [&store](const char* option, const char* what, CaptureFeature feature, const std::string& text) {
      auto sw = ServerConfig::parseCaptureSwitch(option, text);  // validated at parse time
      bool found = sw.skillGroupId ? store.setSkillGroupCapture(sw.sdkAppId, sw.skillGroupId, feature, sw.on)
                                   : store.setTenantCapture(sw.sdkAppId, feature, sw.on);
      if (!found) throw std::runtime_error(std::string(option) + " " + text + ": no such tenant or skill group");
      printLine(std::string(what) + (sw.on ? " on" : " off") + " for " + std::to_string(sw.sdkAppId) +
                (sw.skillGroupId ? " skill group " + std::to_string(sw.skillGroupId) : std::string()));
    };
    for (const auto& text : config.setRecording) apply("--set-recording", "recording", CaptureFeature::Recording, text);
    for (const auto& text : config.setAsr) apply("--set-asr", "asr", CaptureFeature::Asr, text);
    return 0;
  }
  // Recordings a previous run was writing when it stopped: their .part files play up to then.
  if (auto n = store.failUnfinishedRecordings(
          "the server stopped during the call; what was recorded is kept in the file named by path + \".part\""))
    spdlog::warn("{} recording(s) were cut short by the last stop; marked failed", n);

  if (config.consoleLink) {
    // The operator opens it in a browser on a machine that reaches the server: the URL the server
    // would print for itself (--public-url, or its host and port).
    const std::int64_t app = config.consoleApp ? config.consoleApp : seed.tenant.sdkAppId;
    if (!store.findTenant(app)) throw std::runtime_error("--console-app " + std::to_string(app) + ": no such tenant");
    const std::string base =
        !config.publicUrl.empty()
            ? config.publicUrl
            : std::string(config.tlsCert.empty() ? "http" : "https") + "://" +
                  (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host) + ":" +
                  std::to_string(config.port);
    printLine("Console=" + consoleLinkUrl(base, ConsoleSessions::issueLink(store, app, nowSec())));
    return 0;
  }
  if (config.printCredentials) {
    printLine("SdkAppId=" + std::to_string(seed.tenant.sdkAppId));
    printLine("SecretId=" + seed.credential.secretId);
    printLine("SecretKey=" + seed.credential.secretKey);
    return 0;
  }

  // One descriptor per connection: make room for --max-connections, or cap connections to what fits.
  const auto fds = FileDescriptorLimit::raiseFor(static_cast<std::size_t>(config.maxConnections));
  if (!fds.error.empty()) spdlog::warn("file-descriptor limit: {}", fds.error);
  spdlog::info("file-descriptor limit: soft {} (was {}), hard {}; up to {} connections", fds.soft, fds.softBefore,
               fds.hard == UINT64_MAX ? std::string("unlimited") : std::to_string(fds.hard), fds.connections);
  if (!fds.honoured)
    spdlog::warn(
        "--max-connections {} cannot be honoured: the file-descriptor limit is {} (hard {}), so at most {} "
        "connections will be accepted; raise the hard limit (ulimit -Hn, LimitNOFILE=) to at least {}",
        config.maxConnections, fds.soft, fds.hard, fds.connections,
        static_cast<std::uint64_t>(config.maxConnections) + FileDescriptorLimit::kReserve);

  // The disk-fault breaker from now on: start-up and one-shot commands above fail loudly instead.
  store.setStorageBreaker(&storageBreaker);
  // A disk that hangs rather than fails trips it too (within DiskWatch::kDefaultStallAfter).
  DiskWatch diskWatch((fs::path(config.dataDir) / "disk-watch").string(), storageBreaker);

  HttpServerOptions httpOptions;
  httpOptions.host = config.host;
  httpOptions.port = static_cast<unsigned short>(config.port);
  httpOptions.tlsCertFile = config.tlsCert;
  httpOptions.tlsKeyFile = config.tlsKey;
  httpOptions.allowedOrigins = config.allowedOrigins;
  httpOptions.maxConnections = std::max<std::size_t>(1, fds.connections);
  httpOptions.maxConnectionsPerAddress = static_cast<std::size_t>(config.maxConnectionsPerAddress);
  httpOptions.httpRatePerSec = config.connectionRateLimit;
  httpOptions.httpBurst = 2.0 * config.connectionRateLimit;
  HttpServer http(io, httpOptions);
  const unsigned short port = http.listen();

  const std::string scheme = http.tlsEnabled() ? "https" : "http";
  const std::string hostForUrl = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::string publicUrl =
      config.publicUrl.empty() ? scheme + "://" + hostForUrl + ":" + std::to_string(port) : config.publicUrl;
  while (!publicUrl.empty() && publicUrl.back() == '/') publicUrl.pop_back();

  StoreDirectory directory(store, store, store, store, store);
  directory.setResumeTokens(&store);  // agents resume across a restart (docs/reliability.md)
  CdrPushOptions pushOptions;
  pushOptions.url = config.cdrPushUrl;
  pushOptions.retryBase = std::chrono::milliseconds(config.cdrPushRetryMs);
  pushOptions.caFile = config.cdrPushCaFile;
  if (config.cdrPushAuth == "basic") {
    pushOptions.auth.kind = PushAuth::Kind::Basic;
    pushOptions.auth.user = config.cdrPushUser;
    pushOptions.auth.password = config.cdrPushPassword;
  } else if (config.cdrPushAuth == "oauth2") {
    pushOptions.auth.kind = PushAuth::Kind::OAuth2;
    pushOptions.auth.tokenUrl = config.cdrPushTokenUrl;
    pushOptions.auth.clientId = config.cdrPushClientId;
    pushOptions.auth.clientSecret = config.cdrPushClientSecret;
  }
  CdrPusher pusher(io, store, pushOptions, nowMs);
  // Calls the last run died in (SIGKILL, crash): their CDRs, before any new call and before the
  // pusher starts, which then pushes them with the rest of the queue.
  if (auto n = InterruptedCallRecovery(store, pusher.enabled()).run(nowMs()))
    spdlog::warn("{} call(s) were live when the server last stopped: CDRs made with EndStatusString \"{}\"", n,
                 InterruptedCallRecovery::kEndStatus);
  // Declared after io and pusher: destroyed (drained) before them.
  CdrWriterOptions cdrWriterOptions;
  cdrWriterOptions.breaker = &storageBreaker;
  CdrWriter cdrSink(io, databasePath, &pusher, nowMs, cdrWriterOptions);

  CloudApiOptions apiOptions;
  apiOptions.publicUrl = publicUrl;
  apiOptions.actionRatePerSec = config.apiRateLimit;
  apiOptions.actionBurst = 2.0 * config.apiRateLimit;
  CloudApi cloud(store, store, store, store, store, directory, apiOptions, nowSec);
  cloud.setStorageBreaker(&storageBreaker);
  cloud.setChatRepository(&store);

  // --- recordings: files written off the media thread, catalogued off the event loop ---
  const std::string recordingsDir =
      config.recordingsDir.empty() ? (fs::path(config.dataDir) / "recordings").string() : config.recordingsDir;
  RecordUrlSigner recordUrls(
      config.recordUrlSecret.empty()
          ? RecordUrlSigner::loadOrCreateSecret((fs::path(config.dataDir) / "record-url-secret").string())
          : config.recordUrlSecret,
      publicUrl, config.recordUrlTtlSec);
  cloud.setRecordings(&store, &store, &recordUrls);
  RecordingCatalog recordingCatalog(cdrSink, recordUrls, pusher.enabled(), nowMs);
  RecordingDiskWriter recordingDisk;
  StereoExporter stereoExporter;
  CallRecorder::Options recorderOptions;
  recorderOptions.enabled = config.recordings;
  recorderOptions.dir = recordingsDir;
  // The media bridge records through this (recording/CallRecorder.hpp is its contract).
  CallRecorder callRecorder(io.get_executor(), recordingCatalog, recordingDisk, stereoExporter, recorderOptions);
  RecordingRoute recordingRoute(store, recordUrls, nowSec);

  // --- live transcripts (docs/asr.md): the engine is checked now, so a bad model stops the start ---
  std::unique_ptr<asr::AsrWorkers> asrWorkers;
  if (config.asr) {
    try {
      auto engine = asr::makeAsrEngine({config.asrEngine, config.asrModel, config.asrDictionary,
                                        config.asrLanguageModel, config.asrGrammar, config.asrKeywords});
      asrWorkers = std::make_unique<asr::AsrWorkers>(engine, static_cast<std::size_t>(config.asrThreads));
      spdlog::info("speech recognition: {} on {} thread(s)", engine->name(), config.asrThreads);
    } catch (const std::exception& e) {
      spdlog::error("speech recognition cannot start: {}", e.what());
      return 2;
    }
  }

#if TCCC_HAS_CONTACT_CENTER
  ContactCenter::Options ccOptions;
  ccOptions.heartbeatMs = config.heartbeatMs;
  ccOptions.tenantRatePerSec = config.tenantRateLimit;
  ccOptions.tenantRateBurst = 2.0 * config.tenantRateLimit;
  ccOptions.iceServers = config.iceServers;
  ccOptions.serverMedia = config.serverMedia;
  ccOptions.anchorMedia = config.mediaMode == "anchored";
  ccOptions.recorder = &callRecorder;
  ccOptions.asrWorkers = asrWorkers.get();
  ccOptions.capturePolicy = [&store](std::int64_t sdkAppId, std::int64_t skillGroupId) {
    return store.capturePolicy(sdkAppId, skillGroupId);
  };
  ccOptions.storeAsrSentence = [&recordingCatalog](const AsrSentence& s) { recordingCatalog.addAsrSentence(s); };
  ccOptions.enableSimulator = config.simulator;
  ccOptions.media.host = config.mediaHost;
  {
    auto [minPort, maxPort] = ServerConfig::parsePortRange(config.mediaPorts);  // validated at parse time
    ccOptions.media.portMin = static_cast<std::uint16_t>(minPort);
    ccOptions.media.portMax = static_cast<std::uint16_t>(maxPort);
  }
  ccOptions.media.audioDirs = {config.simAudioDir, config.dataDir};
  ccOptions.engine.ringTimeoutOverrideSec = config.ringTimeoutSec;
  ccOptions.engine.outboundNoAnswerSec = config.outboundNoAnswerSec;
  ccOptions.engine.utcOffsetMinutes = ServerConfig::parseUtcOffset(config.utcOffset);  // validated at parse time
  ContactCenter contactCenter(io, http, directory, cdrSink, ccOptions);
  http.addWsHandler(contactCenter);
  cloud.setLiveOps(&contactCenter);
  contactCenter.engine().setChatRepository(&store);  // chat messages and IM CDRs in SQLite
  // Wrap-ups and history; a wrap-up's CDR push waits for the CDRs handed to the writer so far.
  AfterCallRecords afterCallRecords(
      store, &pusher,
      [&cdrSink](std::function<void()> then) {
        cdrSink.whenFlushed(std::chrono::seconds(5), [then = std::move(then)](bool) { then(); });
      },
      nowMs);
  contactCenter.engine().setAfterCallStore(&afterCallRecords);
  // Group commit: a chat message is committed on the event loop but synced to disk by a helper
  // thread, for a whole burst at once; frames wait for it instead of the loop.
  if (store.enableChatGroupCommit())
    contactCenter.setChatGroupCommit(&store, &storageBreaker);
  else
    spdlog::warn("chat messages are synced one by one on the event loop: {} has no WAL file to sync", config.dataDir);
  // Supervisors' figures for the day survive a restart: today's calls are counted again from their
  // CDRs (two days back covers any time zone's midnight; the engine keeps only today's).
  contactCenter.engine().countStoredCalls(store.queuedCallsSince(nowSec() - 2 * 86400), nowMs());
  // Chats the last run died in (SIGKILL, crash) go on, before any socket is served; those it
  // cannot resume get their IM CDR.
  {
    auto journaled = store.listLiveChats();
    const std::size_t count = journaled.size();
    auto left = contactCenter.restoreChats(std::move(journaled));
    if (count > left.size())
      spdlog::warn("{} chat(s) were live when the server last stopped: resumed, waiting for their visitors",
                   count - left.size());
    closeInterruptedChats(store, left);
  }
#else
  spdlog::warn("built without the contact center: no agent WebSocket endpoints");
  closeInterruptedChats(store, store.listLiveChats());
#endif

  // --- routes ---
  http.addDeferred("POST", "/", [&cloud, &cdrSink](const HttpRequest& request, const HttpRespond& respond) {
    // CDRs are committed by the writer thread a few ms after a call ends. A CDR query is answered
    // once those already handed over are on disk (at most 250 ms later, usually one fsync), so a
    // call's CDR can be read as soon as the call has ended, as with synchronous storage. It waits
    // off the event loop: signalling and other requests go on meanwhile.
    auto action = request.headers.find("x-tc-action");
    if (action == request.headers.end() || action->second != "DescribeTelCdr") return respond(cloud.handle(request));
    cdrSink.whenFlushed(std::chrono::milliseconds(250),
                        [&cloud, request, respond](bool) { respond(cloud.handle(request)); });
  });
  http.setRateLimitedRoute([](const HttpRequest& request) {
    if (request.method == "POST" && request.path == "/")
      return CloudApi::errorResponse("RequestLimitExceeded", "Too many requests on this connection; slow down.");
    HttpResponse r;
    r.status = 429;
    r.contentType = "text/plain; charset=utf-8";
    r.body = "too many requests\n";
    r.headers["Retry-After"] = "1";
    return r;
  });
  http.addPrefix("GET", RecordingRoute::kPrefix,
                 [&recordingRoute](const HttpRequest& request) { return recordingRoute.serve(request); });
  http.add("GET", "/healthz", [&](const HttpRequest&) {
    const auto rec = callRecorder.health();
    const auto disk = storageBreaker.status();
    // 503 while the database's disk fails: a load balancer sends new agents elsewhere, and calls
    // already here go on (docs/reliability.md "Disk faults").
    Json health{{"status", disk.open ? "degraded" : "ok"},
                {"storage",
                 {{"state", disk.open ? "failing" : "ok"},
                  {"openSinceMs", disk.open ? disk.openSinceMs : 0},
                  {"source", disk.source},
                  {"lastError", disk.lastError},
                  {"lastErrorAtMs", disk.lastErrorAtMs},
                  {"failures", disk.trips},
                  {"probesFailed", disk.probesFailed},
                  {"lastRecoveredAtMs", disk.lastRecoveredAtMs}}},
                {"webSockets", http.openWebSockets()},
                {"pendingPushes", pusher.enabled() ? store.pendingPushCount() : 0},
                {"unwrittenCdrs", cdrSink.stats().queued},
                {"contactCenter", TCCC_HAS_CONTACT_CENTER == 1},
                // Recording failures (disk full, I/O errors) show here; calls go on without them.
                {"recordings",
                 {{"enabled", callRecorder.enabled()},
                  {"active", rec.active},
                  {"completed", rec.completed},
                  {"failed", rec.failed},
                  {"failingNow", rec.failingNow},
                  {"lastError", rec.lastError},
                  {"lastErrorAtMs", rec.lastErrorAtMs},
                  {"diskQueueBytes", rec.diskQueueBytes}}}};
#if TCCC_HAS_CONTACT_CENTER
    // Frames waiting for chat messages to reach the disk: stays near 0 unless the disk stalls.
    health["framesAwaitingDisk"] = contactCenter.framesAwaitingDisk();
#endif
    return jsonResponse(disk.open ? 503 : 200, health);
  });

  std::string sdkDir = config.sdkDir;
  if (sdkDir.empty() && fs::is_directory("dist", ec)) sdkDir = "dist";
  StaticFiles sdkFiles(sdkDir);
  if (!sdkDir.empty() && !sdkFiles.enabled())
    spdlog::warn("--sdk-dir {} is not a directory: /sdk/ serves nothing", sdkDir);
  http.addPrefix("GET", "/sdk/", [&sdkFiles, &directory](const HttpRequest& request) {
    std::string rel = request.path.substr(5);
    if (rel == "tccc.js" && request.method == "GET") {  // a HEAD does not use up a one-time URL
      auto token = QueryString::param(request.query, "token");
      if (token && directory.checkSdkUrlFetch(*token, nowSec()) == SdkUrlCheck::Reused) {
        HttpResponse gone;
        gone.status = 410;
        gone.contentType = "text/plain; charset=utf-8";
        gone.body = "This one-time SdkURL has been used already; call CreateSDKLoginToken again.\n";
        gone.headers["Access-Control-Allow-Origin"] = "*";
        gone.headers["Cache-Control"] = "no-store";
        return gone;
      }
    }
    // Files named by their content (tccc-core.<10 hex>.wasm, …: what tccc.js loads) never change, so
    // browsers keep them without asking again. The others keep their names across builds, so
    // browsers must revalidate (ETag keeps that cheap). CORS: the official snippet loads the script
    // with crossorigin="anonymous", and the script then fetches the wasm from this origin.
    const bool immutable = StaticFiles::isContentNamed(rel);
    HttpResponse r = sdkFiles.serve(rel, request, immutable ? "public, max-age=31536000, immutable" : "no-cache");
    r.headers["Access-Control-Allow-Origin"] = "*";
    // The integrator's page may time the SDK's own files (Resource Timing), e.g. in its RUM or in
    // bench/media.mjs; without this a cross-origin entry hides everything but its duration.
    r.headers["Timing-Allow-Origin"] = "*";
    return r;
  });

  StaticFiles webFiles(config.webDir);
  if (!config.webDir.empty() && !webFiles.enabled()) spdlog::warn("--web-dir {} is not a directory", config.webDir);
  http.addPrefix("GET", "/", [&webFiles](const HttpRequest& request) {
    if (!webFiles.enabled() && request.path == "/") {
      HttpResponse r;
      r.contentType = "text/plain; charset=utf-8";
      r.body = "tccc server. Cloud API: POST / (TC3-HMAC-SHA256). SDK: /sdk/tccc.js. Health: /healthz\n";
      return r;
    }
    HttpResponse r = webFiles.serve(request.path, request, "no-cache");
    // The operator console acts with its operator's session: no other site may frame it (clickjacking).
    if (request.path.rfind("/console/", 0) == 0) {
      r.headers["Content-Security-Policy"] = "frame-ancestors 'none'";
      r.headers["X-Frame-Options"] = "DENY";
    }
    return r;
  });

  // The operator console: its page is web/console/ (served above), its API these routes.
  ConsoleSessions consoleSessions(store);
  ConsoleHttp console(consoleSessions, cloud, store, nowMs, http.tlsEnabled());
  console.registerRoutes(http);

#if TCCC_HAS_CONTACT_CENTER
  contactCenter.registerRoutes(http);
#endif
  pusher.start();

  // --- shutdown on SIGINT/SIGTERM: close WebSockets politely, then stop ---
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    spdlog::info("signal {}: shutting down", signal);
    http.stop();
    pusher.stop();
#if TCCC_HAS_CONTACT_CENTER
    contactCenter.stop();
#endif
    // The io_context stops once the close frames are out and every request routed so far is
    // answered (a DescribeTelCdr waits up to 250 ms for the CDR writer), within a bound.
    http.whenQuiet(std::chrono::seconds(2), [&io] { io.stop(); });
  });

  std::string agents;
  for (const auto& a : seed.agents) agents += (agents.empty() ? "" : ",") + a;
  printLine("API=" + scheme + "://" + hostForUrl + ":" + std::to_string(port) + "/");
  printLine("SdkAppId=" + std::to_string(seed.tenant.sdkAppId));
  printLine("SecretId=" + seed.credential.secretId);
  printLine("SecretKey=" + seed.credential.secretKey);
  printLine("Agents=" + agents);
  printLine("SDK=" + publicUrl + "/sdk/tccc.js");
  if (webFiles.enabled()) {  // a fresh one-time link each start, for the first tenant
    try {
      printLine("Console=" +
                consoleLinkUrl(publicUrl, ConsoleSessions::issueLink(store, seed.tenant.sdkAppId, nowSec())));
    } catch (const std::exception& e) {
      spdlog::warn("no console link this time ({}); `--console-link` prints one later", e.what());
    }
  }
  printLine("READY");
  spdlog::info("listening on {}://{}:{} (credentials in {})", scheme, hostForUrl, port, credentialsPath);

  while (!io.stopped()) {
    try {
      io.run();
    } catch (const std::exception& e) {
      // A handler escaped its own error handling: log it and keep serving everyone else.
      spdlog::error("unhandled exception in the event loop: {}", e.what());
    }
  }
  // Sessions that ended while the WebSockets closed have handed in their CDRs: commit them all
  // before exiting. Their pushes are in the database and resume on the next start.
  cdrSink.shutdown();
  const auto cdrStats = cdrSink.stats();
  spdlog::info("stopped: {} CDRs stored in {} transactions this run{}", cdrStats.stored, cdrStats.transactions,
               cdrStats.lost ? fmt::format(", {} NOT stored (see the errors above)", cdrStats.lost) : std::string());
  return cdrStats.lost ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A write beyond the file-size limit (ulimit -f) would kill the process; as EFBIG it is one more
  // disk fault, which the storage breaker and the recorder handle.
  std::signal(SIGXFSZ, SIG_IGN);
  auto logger = spdlog::stderr_color_mt("tccc");
  spdlog::set_default_logger(logger);
  ServerConfig config;
  if (auto exitCode = ServerConfig::parse(argc, argv, config)) return *exitCode;
  spdlog::set_level(spdlog::level::from_str(config.logLevel));
  try {
    return run(config);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    std::cerr << "tccc-server: " << e.what() << std::endl;
    return 1;
  }
}
