// SPDX-License-Identifier: Apache-2.0
// Customers on sockets (/ws/customer, docs/protocol.md "Customer side"): the caller, voice and video
// pages that place calls, the callee pages that answer outbound calls to the numbers they register,
// and chat visitors. For their calls it is the FarEnd: it tells the customer what happens (state,
// IVR menu, DTMF, media signalling) and reports what the customer does.
#ifndef TCCC_SERVER_ROUTING_CUSTOMERDESK_HPP
#define TCCC_SERVER_ROUTING_CUSTOMERDESK_HPP

#include "routing/FarEnd.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/TimerQueue.hpp"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tccc::server::routing {

/// One customer socket: the call or chat it is in (one at a time) and the numbers it answers for.
struct CustomerLeg {
  ConnectionId conn = 0;
  std::int64_t seq = 0;              // its event stream
  std::string sessionId;             // the session it is (or last was) in
  std::vector<std::string> numbers;  // callee numbers it answers for
};

class CustomerDesk : public FarEnd, public TimerOwner {
 public:
  CustomerDesk(RoutingContext& c, FarEndEvents& events) : c(c), mEvents(events) {}

  /// One validated request from a customer socket.
  Result handle(ConnectionId conn, const protocol::MethodSpec& method, const Json& data, std::int64_t nowMs);
  /// The socket is gone: its call is hung up, its chat waits for a resume.
  void disconnected(ConnectionId conn, std::int64_t nowMs);

  /// The session the leg is in, if it has not ended; any session it was last in.
  Session* liveSessionOf(const CustomerLeg& leg) const;
  Session* sessionOf(const CustomerLeg& leg) const;
  /// The app (SdkAppId) of the session the socket is or was last in; nothing before it had one.
  std::optional<std::int64_t> appOf(ConnectionId conn) const;
  /// The session's customer is on `leg` from now on (a previous socket of it lets go).
  void bind(Session& session, CustomerLeg& leg);
  /// The socket that holds the session's customer side, or 0.
  ConnectionId connectionOf(const Session& session) const;
  /// An event to the session's customer, if its socket is there.
  void send(const Session& session, std::string_view event, const Json& data);

  // FarEnd
  bool reaches(std::string_view number) const override;
  void dial(Session& session, std::int64_t nowMs) override;
  void customerState(Session& session, const Json& state) override;
  void ivrMenu(Session& session, const Json& menu) override;
  void digits(Session& session, const std::string& digits) override;
  void ended(Session& session) override;
  Result agentMedia(Session& session, std::string_view method, Json payload) override;
  void forget(const Session& session) override { mBySession.erase(session.id); }

  void onTimer(std::uint64_t serial, std::uint64_t gen, std::int64_t nowMs) override;  // a busy callee page

 private:
  CustomerLeg& leg(ConnectionId conn);
  void sendTo(CustomerLeg& leg, std::string_view event, const Json& data);
  Result placeCall(CustomerLeg& leg, SessionType type, const Json& data, std::int64_t nowMs);
  Result registerNumber(CustomerLeg& leg, const std::string& number);
  Result chat(CustomerLeg& leg, protocol::CustomerMethod method, const Json& data, std::int64_t nowMs);
  Result media(CustomerLeg& leg, const protocol::MethodSpec& method, const Json& data);
  Result calleeAnswer(CustomerLeg& leg, protocol::CustomerMethod method, const Json& data, std::int64_t nowMs);

  RoutingContext& c;
  FarEndEvents& mEvents;
  std::unordered_map<ConnectionId, std::unique_ptr<CustomerLeg>> mLegs;
  std::unordered_map<std::string, ConnectionId> mBySession;      // session id -> its customer's socket
  std::unordered_map<std::string, ConnectionId> mCalleeNumbers;  // registered callee pages
};

}  // namespace tccc::server::routing

#endif
