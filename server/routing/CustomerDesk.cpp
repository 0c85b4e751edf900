// SPDX-License-Identifier: Apache-2.0
#include "routing/CustomerDesk.hpp"

#include "routing/CallControl.hpp"
#include "routing/CallRouting.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/MediaAnchor.hpp"
#include "routing/SessionTable.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {
constexpr std::size_t kMaxNumbersPerConnection = 16;
}

using protocol::CustomerMethod;

CustomerLeg& CustomerDesk::leg(ConnectionId conn) {
  auto& slot = mLegs[conn];
  if (!slot) {
    slot = std::make_unique<CustomerLeg>();
    slot->conn = conn;
  }
  return *slot;
}

Session* CustomerDesk::sessionOf(const CustomerLeg& leg) const {
  return leg.sessionId.empty() ? nullptr : c.sessions.find(leg.sessionId);
}

std::optional<std::int64_t> CustomerDesk::appOf(ConnectionId conn) const {
  auto it = mLegs.find(conn);
  const Session* s = it == mLegs.end() ? nullptr : sessionOf(*it->second);
  if (!s) return std::nullopt;
  return s->sdkAppId;
}

Session* CustomerDesk::liveSessionOf(const CustomerLeg& leg) const {
  Session* s = sessionOf(leg);
  return s && !s->ended() ? s : nullptr;
}

void CustomerDesk::bind(Session& session, CustomerLeg& leg) {
  auto it = mBySession.find(session.id);
  if (it != mBySession.end() && it->second != leg.conn) {
    auto old = mLegs.find(it->second);
    if (old != mLegs.end() && old->second->sessionId == session.id) old->second->sessionId.clear();
  }
  mBySession[session.id] = leg.conn;
  leg.sessionId = session.id;
}

ConnectionId CustomerDesk::connectionOf(const Session& session) const {
  auto it = mBySession.find(session.id);
  return it == mBySession.end() ? 0 : it->second;
}

void CustomerDesk::sendTo(CustomerLeg& leg, std::string_view event, const Json& data) {
  c.out.event(leg.conn, ++leg.seq, event, data);
}

void CustomerDesk::send(const Session& session, std::string_view event, const Json& data) {
  ConnectionId conn = connectionOf(session);
  auto it = conn ? mLegs.find(conn) : mLegs.end();
  if (it != mLegs.end()) sendTo(*it->second, event, data);
}

// --- requests ------------------------------------------------------------------------------------

Result CustomerDesk::handle(ConnectionId conn, const protocol::MethodSpec& method, const Json& d, std::int64_t nowMs) {
  CustomerLeg& l = leg(conn);
  Session* session = liveSessionOf(l);
  const auto m = static_cast<CustomerMethod>(method.id);
  switch (m) {
    case CustomerMethod::ChatStart:
    case CustomerMethod::ChatResume:
    case CustomerMethod::ChatSend:
    case CustomerMethod::ChatHistory:
    case CustomerMethod::ChatEnd:
      return chat(l, m, d, nowMs);
    case CustomerMethod::CustomerDial:
      return placeCall(l, SessionType::Phone, d, nowMs);
    case CustomerMethod::CustomerVoip:
      return placeCall(l, SessionType::Voip, d, nowMs);
    case CustomerMethod::CustomerVideo:
      return placeCall(l, SessionType::Video, d, nowMs);
    case CustomerMethod::CustomerRegisterNumber:
      return registerNumber(l, d["number"].get<std::string>());
    case CustomerMethod::CustomerDtmf:
      if (!session) return Error(Errc::InvalidState, "no call in progress");
      mEvents.keysPressed(*session, d["digits"].get<std::string>(), nowMs);
      return Json::object();
    case CustomerMethod::CustomerHangUp:
      if (session && session->isChat()) return chat(l, CustomerMethod::ChatEnd, d, nowMs);
      if (!session) return Error(Errc::InvalidState, "no call in progress");
      mEvents.hungUp(*session, true, nowMs);
      return Json::object();
    case CustomerMethod::CustomerAnswer:
    case CustomerMethod::CustomerReject:
    case CustomerMethod::CustomerBusy:
      return calleeAnswer(l, m, d, nowMs);
    case CustomerMethod::MediaOffer:
    case CustomerMethod::MediaAnswer:
    case CustomerMethod::MediaCandidate:
      return media(l, method, d);
  }
  return Error(Errc::UnknownMethod, "unknown method " + std::string(method.name));
}

Result CustomerDesk::placeCall(CustomerLeg& l, SessionType type, const Json& d, std::int64_t nowMs) {
  if (liveSessionOf(l)) return Error(Errc::InvalidState, "this connection is already on a call");
  const std::string number = d["serviceNumber"].get<std::string>();
  auto info = c.tenants.serviceNumber(number);
  if (!info) return Error(Errc::NotFound, "no service number " + number);
  Session& session = c.sessions.create(info->sdkAppId, type, Direction::In, nowMs);
  const std::string userId = d.value("userId", "");
  session.caller = type == SessionType::Phone ? d["caller"].get<std::string>() : userId;
  session.customerUserId = userId;
  session.nickname = d.value("nickname", "");
  session.avatar = d.value("avatar", "");
  session.remark = d.value("remark", "");
  session.farEnd = this;
  bind(session, l);
  std::string sessionId = session.id;
  c.callRouting.arrive(session, *info, nowMs);
  // The STUN/TURN servers a customer page needs for its RTCPeerConnection (see "Media").
  // mediaAnchored: the page's connection is with the server and stays through a transfer.
  return Json{{"sessionId", sessionId}, {"iceServers", c.options.iceServers}, {"mediaAnchored", c.options.anchorMedia}};
}

Result CustomerDesk::registerNumber(CustomerLeg& l, const std::string& number) {
  if (c.simulator.reaches(number)) return Error(Errc::InvalidArgument, "test numbers cannot be registered");
  if (l.numbers.size() >= kMaxNumbersPerConnection)
    return Error(Errc::InvalidState, "at most 16 numbers per connection");
  // The newest page wins a number: a reloaded callee page must not be locked out by its old socket.
  auto prev = mCalleeNumbers.find(number);
  if (prev != mCalleeNumbers.end() && prev->second != l.conn) {
    auto other = mLegs.find(prev->second);
    if (other != mLegs.end()) {
      auto& v = other->second->numbers;
      v.erase(std::remove(v.begin(), v.end(), number), v.end());
    }
  }
  mCalleeNumbers[number] = l.conn;
  if (std::find(l.numbers.begin(), l.numbers.end(), number) == l.numbers.end()) l.numbers.push_back(number);
  return Json{{"number", number}};
}

Result CustomerDesk::chat(CustomerLeg& l, CustomerMethod m, const Json& d, std::int64_t nowMs) {
  if (m == CustomerMethod::ChatStart) return c.chats.start(l, d, nowMs);
  if (m == CustomerMethod::ChatResume) return c.chats.resume(l, d, nowMs);
  Session* chat = sessionOf(l);  // also an ended one: its history stays readable
  const std::string sid = d.value("sessionId", "");
  if (!chat || !chat->isChat() || (!sid.empty() && sid != chat->id))
    return Error(Errc::SessionNotFound, "no chat on this connection: chat.start or chat.resume first");
  switch (m) {
    case CustomerMethod::ChatSend:
      return c.chats.visitorSend(*chat, d, nowMs);
    case CustomerMethod::ChatHistory:
      return c.chats.visitorHistory(*chat, d);
    default:
      c.chats.visitorEnded(*chat, nowMs);
      return Json::object();
  }
}

Result CustomerDesk::media(CustomerLeg& l, const protocol::MethodSpec& method, const Json& d) {
  Session* session = liveSessionOf(l);
  const std::string sid = d.value("sessionId", "");
  if (!session || connectionOf(*session) != l.conn || (!sid.empty() && sid != session->id))
    return Error(Errc::SessionNotFound, "no call in progress on this connection");
  if (c.media.anchors(*session)) {
    // The customer's leg ends at the server, so it may connect as soon as the call is placed (it
    // hears the queue's music until an agent is joined to it) and outlives a transfer. A callee
    // page's leg waits until it has answered.
    if (session->phase == SessionPhase::Dialing)
      return Error(Errc::InvalidState, "media can only be exchanged once the call is answered");
    return c.media.fromCustomer(*session, method.name, d);
  }
  if (session->phase != SessionPhase::Connected || !session->agent)
    return Error(Errc::InvalidState, "media can only be exchanged once an agent has answered");
  Json payload = d;
  payload["sessionId"] = session->id;
  mEvents.mediaToAgent(*session, method.name, std::move(payload));
  return Json::object();
}

Result CustomerDesk::calleeAnswer(CustomerLeg& l, CustomerMethod m, const Json& d, std::int64_t nowMs) {
  Session* session = liveSessionOf(l);
  const std::string sid = d.value("sessionId", "");
  if (!session || session->direction != Direction::Out || connectionOf(*session) != l.conn ||
      (!sid.empty() && sid != session->id))
    return Error(Errc::SessionNotFound, "no call is ringing on this connection");
  if (session->phase != SessionPhase::Dialing) return Error(Errc::InvalidState, "the call is not ringing");
  if (m == CustomerMethod::CustomerAnswer)
    mEvents.answered(*session, nowMs);
  else
    mEvents.refused(*session, m == CustomerMethod::CustomerReject ? EndStatus::UserReject : EndStatus::Busy, nowMs);
  return Json::object();
}

void CustomerDesk::disconnected(ConnectionId conn, std::int64_t nowMs) {
  auto it = mLegs.find(conn);
  if (it == mLegs.end()) return;
  std::unique_ptr<CustomerLeg> gone = std::move(it->second);
  mLegs.erase(it);
  for (auto& n : gone->numbers) {
    auto r = mCalleeNumbers.find(n);
    if (r != mCalleeNumbers.end() && r->second == conn) mCalleeNumbers.erase(r);
  }
  Session* session = liveSessionOf(*gone);
  if (!session) return;
  if (connectionOf(*session) == conn) mBySession.erase(session->id);
  if (session->isChat()) {
    c.chats.visitorLeft(*session, nowMs);  // a chat waits for its visitor to come back
    return;
  }
  mEvents.hungUp(*session, false, nowMs);  // a vanished caller is a caller who hung up
}

// --- FarEnd ----------------------------------------------------------------------------------------

bool CustomerDesk::reaches(std::string_view number) const {
  auto reg = mCalleeNumbers.find(std::string(number));
  return reg != mCalleeNumbers.end() && mLegs.count(reg->second);
}

void CustomerDesk::dial(Session& session, std::int64_t nowMs) {
  CustomerLeg& callee = *mLegs.at(mCalleeNumbers.at(session.callee));
  if (!callee.sessionId.empty()) {
    // The callee page is already on a call: busy, on the next tick (as a line would answer).
    c.timers.arm(nowMs, *this, session.serial, 0);
    return;
  }
  bind(session, callee);
  c.calls.tellCustomer(session, CustomerState::Ringing);
}

void CustomerDesk::onTimer(std::uint64_t serial, std::uint64_t, std::int64_t nowMs) {
  Session* session = c.sessions.bySerial(serial);
  if (session && session->phase == SessionPhase::Dialing) mEvents.refused(*session, EndStatus::Busy, nowMs);
}

void CustomerDesk::customerState(Session& session, const Json& state) { send(session, "customer.state", state); }

void CustomerDesk::ivrMenu(Session& session, const Json& menu) { send(session, "customer.ivr", menu); }

void CustomerDesk::digits(Session& session, const std::string& digits) {
  send(session, "customer.dtmf", Json{{"sessionId", session.id}, {"digits", digits}});
}

void CustomerDesk::ended(Session& session) {
  auto it = mBySession.find(session.id);
  if (it == mBySession.end()) return;
  auto l = mLegs.find(it->second);
  if (l != mLegs.end() && l->second->sessionId == session.id) l->second->sessionId.clear();
  mBySession.erase(it);
}

Result CustomerDesk::agentMedia(Session& session, std::string_view method, Json payload) {
  if (!connectionOf(session)) return Error(Errc::InvalidState, "the other side of this call has no media connection");
  payload["sessionId"] = session.id;
  send(session, method, payload);
  return Json::object();
}

}  // namespace tccc::server::routing
