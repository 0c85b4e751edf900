// SPDX-License-Identifier: Apache-2.0
// The parts of the routing engine, as each part reaches the others. Every part owns its own state
// (agents, tenants, the ACD's books, sessions, timers, chats, customer sockets); this struct only
// says where they are. RoutingEngine builds it and the parts, in one place.
#ifndef TCCC_SERVER_ROUTING_ROUTINGCONTEXT_HPP
#define TCCC_SERVER_ROUTING_ROUTINGCONTEXT_HPP

#include "routing/EngineOptions.hpp"

#include <random>

namespace tccc::server::routing {

class Acd;
class AgentLifecycle;
class AgentRegistry;
class AgentStatusTracker;
class CallControl;
class CallMonitor;
class CallRouting;
class CdrBuilder;
class ChatRouting;
class CustomerDesk;
class FarEnd;
class Ivr;
class MediaAnchor;
class Outbox;
class SessionTable;
class SessionViews;
class SupervisorDesk;
class TenantDirectory;
class TimerQueue;

struct RoutingContext {
  Directory& directory;
  const EngineOptions& options;
  std::mt19937_64& rng;
  Outbox& out;
  TimerQueue& timers;
  // state
  AgentRegistry& agents;
  TenantDirectory& tenants;
  Acd& acd;
  SessionTable& sessions;
  // views and records
  SessionViews& views;
  CdrBuilder& cdrs;
  // behaviour
  AgentStatusTracker& status;
  AgentLifecycle& lifecycle;
  Ivr& ivr;
  CallRouting& callRouting;
  CallControl& calls;
  ChatRouting& chats;
  CustomerDesk& customers;
  MediaAnchor& media;
  FarEnd& simulator;  // the simulated telephone network (server/sim)
  SupervisorDesk& supervisors;
  CallMonitor& monitors;
};

}  // namespace tccc::server::routing

#endif
