// SPDX-License-Identifier: Apache-2.0
// The supervisor view (docs/protocol.md, "Supervisor view"): a tenant's agents, its queues and
// today's figures for the staff who may watch them, live on their own signalling socket. The
// other parts tell this one what changed (an agent, a queue, a finished call); it only marks it,
// and at most every kUpdateEveryMs sends each watcher of the tenant one `supervisor.update` with
// what changed since the last one — built once, whatever the number of watchers, and never a
// backlog: a burst of changes collapses into the state at the next update. Also the supervisor's
// two levers: force an agent's status, log an agent out.
#ifndef TCCC_SERVER_ROUTING_SUPERVISORDESK_HPP
#define TCCC_SERVER_ROUTING_SUPERVISORDESK_HPP

#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"
#include "routing/TimerQueue.hpp"

#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tccc::server::routing {

struct Agent;

class SupervisorDesk : public TimerOwner {
 public:
  /// The fastest a watcher is sent updates (4 a second).
  static constexpr std::int64_t kUpdateEveryMs = 250;
  /// Agents go out in frames of at most this many bytes of JSON (frames are limited to 64 KiB).
  static constexpr std::size_t kChunkBytes = 48 * 1024;
  /// Staff roles as the cloud API numbers them (SeatUserInfo.Role): an administrator watches and
  /// acts, a quality inspector only watches, an agent (3) and custom roles neither.
  static constexpr int kRoleAdministrator = 1;
  static constexpr int kRoleInspector = 2;
  static bool mayWatch(int role) { return role == kRoleAdministrator || role == kRoleInspector; }
  static bool maySupervise(int role) { return role == kRoleAdministrator; }
  /// Why `supervisor` may not watch (acting false) or act (acting true), or no error.
  static Error mayAct(const Agent& supervisor, bool acting);
  /// A call answered within this long of queueing counts toward the service level.
  static constexpr std::int64_t kServiceLevelMs = 20000;

  explicit SupervisorDesk(RoutingContext& c) : c(c) {}

  // supervisor.watch / unwatch / setAgentStatus / logoutAgent
  Result watch(Agent& supervisor, std::int64_t nowMs);
  Result unwatch(const Agent& supervisor);
  Result setAgentStatus(Agent& supervisor, const Json& data, std::int64_t nowMs);
  Result logoutAgent(Agent& supervisor, const Json& data, std::int64_t nowMs);
  /// The watcher's socket is gone or another login took it over: no more updates to it.
  void forget(const Agent& supervisor);

  // What the other parts report (cheap when nobody watches the tenant).
  void agentChanged(const Agent& agent, std::int64_t nowMs);
  void queueChanged(std::int64_t sdkAppId, std::int64_t nowMs);
  /// An inbound call joined the queue of its first skill group: today's offered calls.
  void callQueued(const Session& session, std::int64_t nowMs);
  /// A queued inbound call was answered (its first answer): today's answered calls, and those
  /// answered within kServiceLevelMs of queueing.
  void callAnswered(const Session& session, std::int64_t nowMs);
  /// A session ended: an inbound call that queued and was never answered is abandoned.
  void sessionEnded(const Session& session, std::int64_t nowMs);
  /// A call that ended before this process started (its stored CDR): counted when it ended today.
  void countStoredCall(const QueuedCallTimes& call, std::int64_t nowMs);

  void onTimer(std::uint64_t sdkAppId, std::uint64_t gen, std::int64_t nowMs) override;

 private:
  struct Today {
    std::int64_t day = -1;  // days since the epoch in the contact center's time zone (utcOffsetMinutes)
    std::int64_t offered = 0, answered = 0, abandoned = 0, within = 0;
  };
  struct GroupCard {
    std::string name;
    std::size_t queued = 0, free = 0;
    std::int64_t longestWaitSince = 0;
    int online = 0;
    bool operator==(const GroupCard& o) const {
      return name == o.name && queued == o.queued && free == o.free && longestWaitSince == o.longestWaitSince &&
             online == o.online;
    }
    bool operator!=(const GroupCard& o) const { return !(*this == o); }
  };
  struct Watch {
    std::vector<AgentIdx> watchers;
    std::unordered_set<AgentIdx> dirtyAgents;
    bool dirtyQueues = false, dirtyToday = false, armed = false;
    std::uint64_t gen = 0;
    std::map<std::int64_t, GroupCard> sentGroups;
    Today sentToday;
  };

  void arm(std::int64_t sdkAppId, Watch& watch, std::int64_t nowMs);
  Json agentEntry(const Agent& agent) const;
  std::map<std::int64_t, GroupCard> groupCards(std::int64_t sdkAppId) const;
  static Json cardJson(std::int64_t id, const GroupCard& card);
  Today& today(std::int64_t sdkAppId, std::int64_t nowMs);
  /// Days since the epoch in the contact center's time zone.
  std::int64_t dayOf(std::int64_t ms) const;
  static void count(Today& t, std::int64_t queuedMs, std::int64_t acceptMs);
  /// Today's figures of the tenant moved: its watchers get them with the next update.
  void todayChanged(std::int64_t sdkAppId, std::int64_t nowMs);
  static Json todayJson(const Today& t);
  /// Sends `head` (an object: groups, today) and `entries` from `from` (agent objects as JSON text)
  /// to the watchers, in as few frames under kChunkBytes as they fit in; nothing when both are empty.
  void send(const Watch& watch, const Json& head, const std::vector<std::string>& entries, std::size_t from);

  RoutingContext& c;
  std::unordered_map<std::int64_t, Watch> mWatches;  // only tenants someone watches
  std::unordered_map<std::int64_t, Today> mToday;    // every tenant with calls today
};

}  // namespace tccc::server::routing

#endif
