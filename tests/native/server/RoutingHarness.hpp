// SPDX-License-Identifier: Apache-2.0
// Test bench for the sans-I/O routing engine: an in-memory Directory, an injected clock, and a
// recorder that decodes every frame the engine sends so tests read them like a client would.
#ifndef TCCC_TESTS_SERVER_ROUTINGHARNESS_HPP
#define TCCC_TESTS_SERVER_ROUTINGHARNESS_HPP

#include "routing/RoutingEngine.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tccc::server::testing {

inline constexpr std::int64_t kApp = 1400000001;
inline constexpr std::int64_t kOtherApp = 1400000002;

class FakeDirectory : public Directory {
 public:
  std::map<std::pair<std::int64_t, std::string>, StaffInfo> staff;
  std::map<std::int64_t, std::vector<SkillGroupInfo>> groups;
  std::map<std::string, ServiceNumberInfo> numbers;
  std::map<std::int64_t, std::vector<CallerNumberInfo>> callerNumbers;
  std::set<std::string> usedOnceTokens;
  int findServiceNumberCalls = 0;

  void addStaff(std::int64_t app, const std::string& userId, std::vector<std::int64_t> groupIds) {
    StaffInfo s;
    s.sdkAppId = app;
    s.userId = userId;
    s.name = "Name " + userId;
    s.nick = "nick-" + userId.substr(0, userId.find('@'));
    s.phone = "1380000" + std::to_string(staff.size());
    s.staffNumber = std::to_string(1000 + staff.size());
    s.skillGroupIds = std::move(groupIds);
    staff[{app, userId}] = s;
  }
  SkillGroupInfo& addGroup(std::int64_t app, std::int64_t id, const std::string& name) {
    SkillGroupInfo g;
    g.sdkAppId = app;
    g.skillGroupId = id;
    g.name = name;
    groups[app].push_back(g);
    return groups[app].back();
  }

  std::vector<std::int64_t> sdkAppIds() override { return {kApp, kOtherApp}; }
  std::optional<StaffInfo> findStaff(std::int64_t app, std::string_view userId) override {
    auto it = staff.find({app, std::string(userId)});
    if (it == staff.end()) return std::nullopt;
    return it->second;
  }
  std::vector<StaffInfo> listStaff(std::int64_t app) override {
    std::vector<StaffInfo> out;
    for (auto& [k, s] : staff)
      if (k.first == app) out.push_back(s);
    return out;
  }
  std::vector<SkillGroupInfo> listSkillGroups(std::int64_t app) override { return groups[app]; }
  std::optional<ServiceNumberInfo> findServiceNumber(std::string_view number) override {
    ++findServiceNumberCalls;
    auto it = numbers.find(std::string(number));
    if (it == numbers.end()) return std::nullopt;
    return it->second;
  }
  std::vector<CallerNumberInfo> listCallerNumbers(std::int64_t app) override { return callerNumbers[app]; }
  // "good-<userId>" is a valid token; "once-<userId>" is valid once.
  Error verifyLoginToken(std::int64_t app, std::string_view userId, std::string_view token, std::int64_t) override {
    std::string t(token);
    if (t == "good-" + std::string(userId)) return Error();
    if (t == "once-" + std::string(userId) && usedOnceTokens.insert(t).second) return Error();
    return Error(Errc::HttpTokenError, "bad token");
  }
  // Resume tokens kept for a restart, plain (the store keeps hashes): userId -> token.
  std::map<std::string, std::string> keptResumeTokens;
  void keepResumeToken(std::int64_t, std::string_view userId, std::string_view token, std::int64_t) override {
    keptResumeTokens[std::string(userId)] = std::string(token);
  }
  void dropResumeToken(std::int64_t, std::string_view userId) override { keptResumeTokens.erase(std::string(userId)); }
  bool keptResumeToken(std::int64_t, std::string_view userId, std::string_view token, std::int64_t) override {
    auto it = keptResumeTokens.find(std::string(userId));
    return it != keptResumeTokens.end() && it->second == token;
  }
};

/// The default tenant: Sales (1) and Support (2, higher priority), an IVR number and a plain one.
inline void seedDirectory(FakeDirectory& d) {
  auto& sales = d.addGroup(kApp, 1, "Sales");
  sales.ringTimeoutSec = 20;
  sales.afterCallWorkSec = 10;
  sales.maxQueueLength = 3;
  sales.maxWaitSec = 120;
  auto& support = d.addGroup(kApp, 2, "Support");
  support.priority = 5;
  support.afterCallWorkSec = 0;
  d.addGroup(kApp, 3, "Empty");
  d.addGroup(kOtherApp, 10, "Other");
  d.addStaff(kApp, "a1@x.com", {1});
  d.addStaff(kApp, "a2@x.com", {1});
  d.addStaff(kApp, "a3@x.com", {1, 2});
  d.addStaff(kApp, "a4@x.com", {2});
  d.addStaff(kApp, "solo@x.com", {});
  d.addStaff(kOtherApp, "o1@y.com", {10});
  ServiceNumberInfo ivr;
  ivr.sdkAppId = kApp;
  ivr.number = "4008001000";
  ivr.ivrPrompt = "Press 1 for sales, 2 for support";
  ivr.ivrOptions = {{"1", "Sales", 1}, {"2", "Support", 2}};
  d.numbers[ivr.number] = ivr;
  ServiceNumberInfo plain;
  plain.sdkAppId = kApp;
  plain.number = "4008002000";
  plain.defaultSkillGroupId = 1;
  d.numbers[plain.number] = plain;
  ServiceNumberInfo empty;
  empty.sdkAppId = kApp;
  empty.number = "4008003000";
  empty.defaultSkillGroupId = 3;
  d.numbers[empty.number] = empty;
  ServiceNumberInfo other;
  other.sdkAppId = kOtherApp;
  other.number = "4009000000";
  other.defaultSkillGroupId = 10;
  d.numbers[other.number] = other;
  d.callerNumbers[kApp] = {{kApp, "02100000001", {1}}, {kApp, "02100000002", {2}}};
}

class RoutingHarness {
 public:
  FakeDirectory dir;
  std::unique_ptr<routing::RoutingEngine> engine;
  std::int64_t now = 1700000000000;
  std::map<ConnectionId, std::vector<Json>> frames;
  std::map<ConnectionId, std::pair<int, std::string>> closed;
  std::vector<Json> cdrs;
  std::vector<Json> journal;            // live calls' CDRs so far (JournalLiveCall), in order
  std::vector<routing::Command> media;  // server media leg commands, in order
  std::int64_t nextId = 1;
  ConnectionId nextConn = 1;

  /// Relayed media (p2p) unless the test asks for anchored media: most routing tables predate the
  /// media plane and check the relay, which stays an option (--media-mode p2p).
  static routing::RoutingEngine::Options relayed() {
    routing::RoutingEngine::Options o;
    o.anchorMedia = false;
    return o;
  }

  explicit RoutingHarness(routing::RoutingEngine::Options options = relayed()) {
    seedDirectory(dir);
    options.seed = 42;
    engine = std::make_unique<routing::RoutingEngine>(dir, options);
  }

  void pump() {
    for (auto& c : engine->takeCommands()) {
      switch (c.type) {
        case routing::Command::Type::Send: {
          Json j = Json::parse(c.text);
          frames[c.connection].push_back(j);
          break;
        }
        case routing::Command::Type::Close:
          closed[c.connection] = {c.closeCode, c.reason};
          break;
        case routing::Command::Type::StoreCdr:
          cdrs.push_back(c.cdr);
          break;
        case routing::Command::Type::JournalLiveCall:
          journal.push_back(c.cdr);
          break;
        case routing::Command::Type::MediaOffer:
        case routing::Command::Type::MediaAnswerOffer:
        case routing::Command::Type::MediaRemoteAnswer:
        case routing::Command::Type::MediaOpenSimulated:
        case routing::Command::Type::MediaConnectRinging:
        case routing::Command::Type::MediaHold:
        case routing::Command::Type::MediaRecording:
        case routing::Command::Type::MediaCloseLeg:
        case routing::Command::Type::MediaClose:
        case routing::Command::Type::MediaMonitorMode:
        case routing::Command::Type::MediaMonitorClose:
          media.push_back(c);
          break;  // the media plane
      }
    }
  }

  /// Moves the clock forward, firing every timer that falls due on the way, in order.
  void advance(std::int64_t ms) {
    std::int64_t target = now + ms;
    for (;;) {
      auto d = engine->nextDeadline();
      if (!d || *d > target) break;
      now = std::max(now, *d);
      engine->tick(now);
      pump();
    }
    now = target;
    engine->tick(now);
    pump();
  }

  Json request(ConnectionId conn, const std::string& method, Json data = Json::object()) {
    protocol::Request r;
    r.id = nextId++;
    r.method = method;
    r.data = std::move(data);
    engine->onAgentRequest(conn, r, now);
    pump();
    return findResponse(conn, r.id);
  }

  Json customer(ConnectionId conn, const std::string& method, Json data = Json::object()) {
    protocol::Request r;
    r.id = nextId++;
    r.method = method;
    r.data = std::move(data);
    engine->onCustomerRequest(conn, r, now);
    pump();
    return findResponse(conn, r.id);
  }

  Json findResponse(ConnectionId conn, std::int64_t id) {
    for (auto& f : frames[conn])
      if (f["type"] == "res" && f["id"] == id) return f;
    ADD_FAILURE() << "no response " << id << " on connection " << conn;
    return Json();
  }

  ConnectionId login(const std::string& userId, std::int64_t app = kApp) {
    ConnectionId conn = nextConn++;
    Json res = request(conn, "auth.login", {{"sdkAppId", app}, {"userId", userId}, {"token", "good-" + userId}});
    EXPECT_TRUE(res.value("ok", false)) << res.dump();
    return conn;
  }

  std::vector<Json> events(ConnectionId conn, const std::string& name) {
    std::vector<Json> out;
    for (auto& f : frames[conn])
      if (f["type"] == "evt" && f["event"] == name) out.push_back(f);
    return out;
  }

  /// The latest session.state wire form for a session on a connection (null if none).
  Json session(ConnectionId conn, const std::string& sessionId = "") {
    Json last;
    for (auto& f : frames[conn])
      if (f["type"] == "evt" && f["event"] == "session.state" &&
          (sessionId.empty() || f["data"]["session"]["sessionId"] == sessionId))
        last = f["data"]["session"];
    return last;
  }

  std::string status(const std::string& userId, std::int64_t app = kApp) { return engine->agentStatus(app, userId); }

  std::string simCall(const std::string& number = "4008002000", const std::string& keys = "", int holdSeconds = -1) {
    routing::SimInboundRequest r;
    r.caller = "13800138000";
    r.serviceNumber = number;
    r.ivrKeys = keys;
    r.holdSeconds = holdSeconds;
    auto out = engine->simInbound(r, now);
    pump();
    if (auto* e = std::get_if<Error>(&out)) {
      ADD_FAILURE() << "simInbound failed: " << e->message;
      return "";
    }
    return std::get<std::string>(out);
  }

  Json sim(const std::string& sessionId) { return engine->simSession(sessionId).value_or(Json()); }

  Json cdrFor(const std::string& sessionId) {
    for (auto& c : cdrs)
      if (c["SessionId"] == sessionId) return c;
    return Json();
  }

  static int errorCode(const Json& res) { return res.value("ok", true) ? 0 : res["error"]["code"].get<int>(); }
};

inline int code(Errc e) { return static_cast<int>(e); }

/// The platform's side of ContactCenter: records every frame and close instead of sending them.
class RecordingSender : public WsSender {
 public:
  std::map<ConnectionId, std::vector<std::string>> sent;
  std::map<ConnectionId, int> closedWith;
  bool sendText(ConnectionId id, std::string text) override {
    if (closedWith.count(id)) return false;
    sent[id].push_back(std::move(text));
    return true;
  }
  bool sendBinary(ConnectionId, std::string) override { return true; }
  void close(ConnectionId id, int code, std::string) override { closedWith.emplace(id, code); }

  std::vector<Json> frames(ConnectionId id) {
    std::vector<Json> out;
    for (auto& s : sent[id]) out.push_back(Json::parse(s));
    return out;
  }
  Json last(ConnectionId id) { return sent[id].empty() ? Json() : Json::parse(sent[id].back()); }
  /// The latest response to request `rid` on a connection (null if none).
  Json response(ConnectionId id, std::int64_t rid) {
    Json out;
    for (auto& f : frames(id))
      if (f["type"] == "res" && f["id"] == rid) out = f;
    return out;
  }
};

class RecordingSink : public CdrSink {
 public:
  std::vector<Json> stored;
  bool failing = false;
  int attempts = 0;
  bool storeCdr(std::int64_t, const Json& cdr) override {
    ++attempts;
    if (failing) return false;
    stored.push_back(cdr);
    return true;
  }
};

}  // namespace tccc::server::testing

#endif
