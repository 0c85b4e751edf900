// SPDX-License-Identifier: Apache-2.0
// The contact center's I/O host: it owns the agent (/ws/agent) and customer (/ws/customer)
// WebSocket protocols and the simulator routes, decodes frames, feeds the sans-I/O RoutingEngine
// with the wall clock, carries out its commands through the platform's WsSender and CdrSink, and
// runs the one timer everything needs (engine deadlines, heartbeats, login timeouts, CDR retries).
#ifndef TCCC_SERVER_SIGNALLING_CONTACTCENTER_HPP
#define TCCC_SERVER_SIGNALLING_CONTACTCENTER_HPP

#include "../Interfaces.hpp"
#include "../calltap/CallTap.hpp"
#include "../http/TokenBucket.hpp"
#include "../media/MediaServer.hpp"
#include "../routing/RoutingEngine.hpp"
#include "../store/Repositories.hpp"
#include "DurableSendQueue.hpp"
#include "MediaSockets.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tccc::server {

class ContactCenter : public WsHandler, public LiveOps {
 public:
  struct Options {
    int heartbeatMs = 10000;
    int loginTimeoutMs = 10000;
    std::int64_t graceMs = 60000;
    Json iceServers = Json::array();  // STUN/TURN for the login response; none needed on one host
    double ratePerSec = 20;           // requests per second per connection, sustained
    double rateBurst = 40;
    // All agent sockets of one app (tenant) together, on top of each socket's own limit: a tenant
    // with thousands of sockets cannot take the event loop from the others. 0: no such limit.
    double tenantRatePerSec = 5000;
    double tenantRateBurst = 10000;
    int maxFailedLogins = 3;  // then the socket is closed (4001): no token guessing on one socket
    bool enableSimulator = true;
    int cdrRetryMs = 5000;                   // a CDR the sink refused is offered again this often
    routing::RoutingEngine::Options engine;  // timing knobs of the engine (ivr, ring, outbound)
    // The server's own media leg for calls it simulates (/sim/inbound, test numbers): real audio
    // over WebRTC to the agent. Off: those calls have no media, as before.
    bool serverMedia = true;
    // Every call's media terminates at the server (docs/media.md); false: the browsers of a call
    // negotiate with each other through the relay (--media-mode p2p).
    bool anchorMedia = true;
    media::MediaServer::Options media;
    // What happens to an anchored call's audio besides forwarding (server/calltap): recordings
    // (null: none), live transcripts (null: none), whether a tenant's skill group records and
    // transcribes (empty: all do both) and where a transcript's final sentences are kept
    // (DescribeTelRecordAsr).
    CallRecorder* recorder = nullptr;
    asr::AsrWorkers* asrWorkers = nullptr;
    std::function<CapturePolicy(std::int64_t sdkAppId, std::int64_t skillGroupId)> capturePolicy;
    std::function<void(const AsrSentence&)> storeAsrSentence;
  };

  ContactCenter(boost::asio::io_context& io, WsSender& sender, Directory& directory, CdrSink& cdrSink, Options options);
  ~ContactCenter() override;
  ContactCenter(const ContactCenter&) = delete;
  ContactCenter& operator=(const ContactCenter&) = delete;

  /// Chat appends of `commit` no longer wait for the disk: frames wait for them instead
  /// (DurableSendQueue). Set it on the repository the engine stores chat messages in; a sync the
  /// disk refuses trips `breaker` (may be null).
  void setChatGroupCommit(ChatGroupCommit* commit, StorageBreaker* breaker = nullptr) { mOut.attach(commit, breaker); }
  /// At start-up: the chats the last run left live go on (RoutingEngine::restoreChats); returns the
  /// journal entries that could not.
  std::vector<LiveChatRecord> restoreChats(std::vector<LiveChatRecord> entries);
  /// Frames waiting for chat messages to reach the disk.
  std::size_t framesAwaitingDisk() const { return mOut.held(); }

  /// The simulator's endpoints: POST /sim/inbound, GET /sim/sessions/<id>, POST
  /// /sim/sessions/<id>/impair, GET /sim/test-numbers.
  void registerRoutes(HttpRouter& router);

  // WsHandler
  bool claims(std::string_view path) const override;
  std::string subprotocol(const WsOpenInfo& info) const override;
  void onOpen(ConnectionId id, const WsOpenInfo& info) override;
  void onText(ConnectionId id, std::string_view text) override;
  void onBinary(ConnectionId id, std::string_view bytes) override;
  void onClose(ConnectionId id, int peerCloseCode) override;

  // LiveOps
  Error hangUp(std::int64_t sdkAppId, std::string_view sessionId) override;
  Json staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds) override;
  std::optional<Json> describeSession(std::int64_t sdkAppId, std::string_view sessionId) override;
  void directoryChanged(std::int64_t sdkAppId) override;

  routing::RoutingEngine& engine() { return mEngine; }
  /// The server media endpoint (null when Options::serverMedia is off).
  media::MediaServer* mediaServer() { return mMedia.get(); }
  std::size_t pendingCdrs() const { return mCdrRetry.size(); }
  /// Stops the timer (for shutdown; the io_context can then run dry).
  void stop();

  /// POST /media/monitor (and its CORS preflight): a supervisor's browser presents the ticket of a
  /// supervisor.monitor answer as a bearer token and its SDP offer as the body; the answer is the
  /// server's SDP (201), or a JSON {error} with 4xx.
  HttpResponse monitorOffer(const HttpRequest& request);

  // Used by the simulator routes.
  HttpResponse simInbound(const HttpRequest& request);
  HttpResponse simSession(const HttpRequest& request);
  HttpResponse simImpair(const HttpRequest& request);

 private:
  struct Conn {
    bool agent = true;  // else customer
    std::int64_t openedMs = 0;
    std::int64_t lastSeenMs = 0;
    std::int64_t lastPingMs = 0;
    TokenBucket requests;  // ratePerSec / rateBurst
    int failedLogins = 0;
  };

  static std::int64_t nowMs();
  /// Takes one request from the budget of the app the agent on `id` belongs to (true when it may go on).
  bool tenantMayRequest(ConnectionId id, bool agent, std::int64_t now);
  void flush();
  void schedule();
  void onTimer();
  void housekeeping(std::int64_t now);
  void dropConnection(ConnectionId id, int code, const std::string& reason);
  void sendError(ConnectionId id, std::int64_t requestId, const Error& error);
  void runMediaCommand(const routing::Command& cmd);
  /// The media commands for the leg of the agent a call rings at (Command::side 2).
  void runRingingCommand(const routing::Command& cmd);
  static constexpr std::uint8_t kRingingAgentSide = 2;
  void stopMedia();
  /// On this thread: a transcript result of an anchored call (CallTap).
  void transcribed(std::int64_t sdkAppId, const std::string& sessionId, const std::string& speaker, const char* flow,
                   const asr::AsrResult& result);
  void agentRequest(ConnectionId id, const protocol::Request& req, std::int64_t now);

  boost::asio::io_context& mIo;
  WsSender& mSender;
  CdrSink& mCdrSink;
  Options mOptions;
  routing::RoutingEngine mEngine;
  DurableSendQueue mOut;          // every frame the engine (or a refusal) sends; heartbeats go direct
  std::unique_ptr<CallTap> mTap;  // used by the media thread until mMedia is gone
  // The media plane runs on a thread of its own, so that signalling never waits on media and a
  // flood of media packets never starves signalling. Declared before mMedia: it outlives it.
  boost::asio::io_context mMediaIo{1};
  std::thread mMediaThread;
  std::unique_ptr<media::MediaServer> mMedia;
  std::unique_ptr<MediaSockets> mMediaSockets;  // /ws/media: agents' audio over a WebSocket (with mMedia)
  std::unordered_map<ConnectionId, Conn> mConns;
  // tenantRatePerSec, by SdkAppId and side: a tenant's public chat visitors cannot use up what its
  // agents may send.
  std::map<std::pair<std::int64_t, bool>, TokenBucket> mTenantRequests;  // (SdkAppId, agent?)
  boost::asio::steady_timer mTimer;
  std::int64_t mArmedAt = 0;  // wall-clock ms the timer is armed for; 0 = not armed
  std::int64_t mNextHousekeepingMs = 0;
  std::int64_t mHousekeepingEveryMs = 20;
  std::int64_t mSweepCycleMs = 1000;
  std::size_t mSweepSlices = 50;
  std::vector<ConnectionId> mSweepOrder;  // the connections of the current sweep cycle
  std::size_t mSweepPos = 0;
  std::deque<std::pair<std::int64_t, Json>> mCdrRetry;  // CDRs the sink refused, retried on the timer
  std::int64_t mNextCdrRetryMs = 0;
  bool mStopped = false;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::server

#endif
