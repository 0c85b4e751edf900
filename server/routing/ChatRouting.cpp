// SPDX-License-Identifier: Apache-2.0
// Chat (im) sessions of the RoutingEngine: docs/protocol.md "Chat". The engine's private state
// types (Agent, Call, CustomerLeg, View, ChatState) come from EngineInternals.hpp. This file keeps
// all chat logic in one place; RoutingEngine.cpp only calls into it from a few hooks (accept,
// hang-up, transfer, timers, disconnects, the session wire form).
//
// Rules (decided here, documented in docs/protocol.md):
// - A chat is routed like a call over an online (`im`) skill group: queue, longest-idle offer, ring
//   timeout → next agent (autoTransfer), maxQueueLength / maxWaitSec, transfer to a group or agent.
// - Chats never make an agent `busy`. An agent takes new chats while `free` or `busy` (on a call),
//   connected, and holding fewer chats (live + ringing) than its capacity: the largest
//   MaxConcurrency of its im skill groups. Calls ignore chats entirely (hasLiveCall skips them).
// - Every message is stored (ChatRepository) before it is acknowledged or delivered, with a
//   per-session seq 1, 2, 3 …; a sender's clientMsgId makes a retry return the stored message.

#include "routing/EngineInternals.hpp"

#include "chat/MemoryChatRepository.hpp"

namespace tccc::server::routing {

using namespace internal;

namespace {

constexpr std::size_t kMaxNickname = 64;
constexpr std::size_t kMaxClientData = 4096;
constexpr std::size_t kMaxClientMsgId = 64;
constexpr std::int64_t kDefaultHistoryLimit = 50;
constexpr std::int64_t kMaxHistoryLimit = 100;

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

Json chatMessageWire(const ChatMessageRecord& m, bool forVisitor) {
  Json w{{"messageId", m.messageId},
         {"sessionId", m.sessionId},
         {"seq", m.seq},
         {"from", m.senderRole},
         // A visitor learns the agent's display name, never its login (an e-mail address).
         {"senderId", forVisitor && m.senderRole == "agent" ? std::string() : m.senderId},
         {"senderName", m.senderName},
         {"type", m.type},
         {"text", m.content},
         {"time", m.createdMs}};
  if (!m.clientMsgId.empty() && (!forVisitor || m.senderRole == "visitor")) w["clientMsgId"] = m.clientMsgId;
  return w;
}

// IMCdrInfo.EndStatus of the cloud API: 0 abnormal, 1 normal, 3 no agent online, 101 transferred,
// 108 visitor timed out, 109 the visitor ended it.
int imEndStatus(const std::string& endStatus, const std::string& hungUpSide) {
  if (endStatus == "ok") return hungUpSide == "user" ? 109 : 1;
  if (endStatus == "noSeatOnline") return 3;
  if (endStatus == "userTimeout" || endStatus == "waitingTimeout") return 108;
  if (endStatus == "waitingGiveUp" || endStatus == "ringingGiveUp") return 109;
  return 0;
}

}  // namespace


void RoutingEngine::setChatRepository(ChatRepository* repository) { mChatRepository = repository; }

ChatRepository& RoutingEngine::chatRepository() {
  if (mChatRepository) return *mChatRepository;
  if (!mOwnChatRepository) mOwnChatRepository = std::make_unique<MemoryChatRepository>();
  return *mOwnChatRepository;
}

RoutingEngine::ChatState* RoutingEngine::chatState(const std::string& sessionId) const {
  auto it = mChats.find(sessionId);
  return it == mChats.end() ? nullptr : it->second.get();
}

// --- agents and capacity -------------------------------------------------------------------------

bool RoutingEngine::chatEligible(const Agent& agent, bool forNewOffer) const {
  if (agent.removed || (agent.status != "free" && agent.status != "busy")) return false;
  return !forNewOffer || agent.conn != 0;
}

int RoutingEngine::chatLoad(const Agent& agent) const {
  int load = 0;
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    auto it = mCalls.find(v.sessionId);
    if (it == mCalls.end() || it->second->type != "im" || it->second->phase == Call::Phase::Ended) continue;
    const Call& c = *it->second;
    if ((c.agent && *c.agent == agent.idx) || (c.offered && *c.offered == agent.idx)) ++load;
  }
  return load;
}

int RoutingEngine::chatCapacity(const Agent& agent) const {
  int capacity = 0;
  auto t = mTenants.find(agent.sdkAppId);
  if (t != mTenants.end())
    for (auto g : agent.groups) {
      auto info = t->second->infos.find(g);
      if (info != t->second->infos.end() && info->second.type == "im")
        capacity = std::max(capacity, info->second.maxConcurrency);
    }
  return std::max(capacity, 1);
}

bool RoutingEngine::hasLiveChat(const Agent& agent) const {
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    auto it = mCalls.find(v.sessionId);
    if (it != mCalls.end() && it->second->type == "im" && it->second->phase != Call::Phase::Ended &&
        it->second->agent && *it->second->agent == agent.idx)
      return true;
  }
  return false;
}

// --- wire form ------------------------------------------------------------------------------------

void RoutingEngine::chatWireFields(const Call& call, Json& w) const {
  const ChatState* st = chatState(call.sessionId);
  w["nickname"] = call.nickname;
  w["avatar"] = call.avatar;
  w["remark"] = call.remark;
  w["peerSource"] = st ? st->peerSource : std::string();
  w["channelName"] = st ? st->channelName : std::string();
  w["clientData"] = st ? st->clientData : std::string();
  w["userId"] = call.customerUserId;
  w["lastMessageSeq"] = st ? st->lastSeq : 0;
}

void RoutingEngine::patchChatWires(Json& sessions) const {
  // Views keep the wire form of their last state change; a snapshot needs the current message count.
  for (auto& s : sessions) {
    if (!s.is_object() || s.value("type", "") != "im") continue;
    if (const ChatState* st = chatState(s.value("sessionId", ""))) s["lastMessageSeq"] = st->lastSeq;
  }
}

void RoutingEngine::chatCustomerState(Call& call, const std::string& state, const std::string& reason) {
  Json d{{"sessionId", call.sessionId}, {"state", state}};
  if (!reason.empty()) d["reason"] = reason;
  if (state == "connected" && call.agent) {
    const StaffInfo& s = mAgents[*call.agent]->staff;
    d["agent"] = Json{{"nick", s.nick.empty() ? s.name : s.nick}};
  }
  call.history.push_back(d);
  if (call.leg) sendToLeg(call.leg, "customer.state", std::move(d));
}

// --- messages -------------------------------------------------------------------------------------

void RoutingEngine::deliverChatMessage(Call& call, const ChatMessageRecord& message) {
  if (call.agent) {
    Agent& a = *mAgents[*call.agent];
    emitAgentEvent(a, "chat.message", Json{{"sessionId", call.sessionId}, {"message", chatMessageWire(message, false)}});
  }
  if (call.leg)
    sendToLeg(call.leg, "chat.message", Json{{"sessionId", call.sessionId}, {"message", chatMessageWire(message, true)}});
}

void RoutingEngine::chatSystemMessage(Call& call, const std::string& text, std::int64_t nowMs) {
  ChatState* st = chatState(call.sessionId);
  if (!st) return;
  ChatMessageRecord m;
  m.sdkAppId = call.sdkAppId;
  m.sessionId = call.sessionId;
  m.seq = st->lastSeq + 1;
  m.messageId = "m-" + call.sessionId.substr(2) + "-" + std::to_string(m.seq);
  m.senderRole = "system";
  m.content = text;
  m.createdMs = nowMs;
  try {
    chatRepository().appendChatMessage(m);
  } catch (const std::exception&) {
    return;  // a notice, not a message anybody sent: the chat goes on without it
  }
  st->lastSeq = m.seq;
  deliverChatMessage(call, m);
}

RoutingEngine::Result RoutingEngine::chatSend(Call& call, const std::string& role, const std::string& senderId,
                                              const std::string& senderName, const Json& data, std::int64_t nowMs) {
  Error e;
  auto text = protocol::readString(data, "text", std::string::npos, &e);
  if (e) return e;
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos)
    return Error(Errc::InvalidArgument, "text must be a non-empty string");
  std::size_t chars = codePoints(*text);
  if (chars > mOptions.chatMaxChars)
    return Error(Errc::ChatMessageTooLong, "the message has " + std::to_string(chars) + " characters; at most " +
                                               std::to_string(mOptions.chatMaxChars) + " are allowed");
  auto clientMsgId = protocol::readString(data, "clientMsgId", kMaxClientMsgId, &e);
  if (e) return e;
  ChatState* st = chatState(call.sessionId);
  if (!st || call.phase == Call::Phase::Ended) return Error(Errc::InvalidState, "the chat has ended");
  std::string dedupeKey = role + '\x1f' + clientMsgId.value_or("");
  if (clientMsgId && !clientMsgId->empty()) {
    auto seen = st->clientIds.find(dedupeKey);
    if (seen != st->clientIds.end()) {
      // A retry of a message that was stored: answer with it, deliver nothing twice.
      try {
        auto list = chatRepository().listChatMessages(call.sdkAppId, call.sessionId, seen->second - 1, 1);
        if (!list.empty()) return Json{{"message", chatMessageWire(list.front(), role == "visitor")}};
      } catch (const std::exception&) {
        return Error(Errc::Internal, "the chat store is unavailable; send the message again later");
      }
    }
  }
  if (st->lastSeq >= mOptions.chatMaxMessages)
    return Error(Errc::ChatFlood, "this chat has reached its limit of " + std::to_string(mOptions.chatMaxMessages) +
                                      " messages");
  int side = role == "visitor" ? 0 : 1;
  if (!st->flood[side].takeAtMs(nowMs))
    return Error(Errc::ChatFlood, "too many messages in this chat: wait a moment before sending more");
  ChatMessageRecord m;
  m.sdkAppId = call.sdkAppId;
  m.sessionId = call.sessionId;
  m.seq = st->lastSeq + 1;
  m.messageId = "m-" + call.sessionId.substr(2) + "-" + std::to_string(m.seq);
  m.senderRole = role;
  m.senderId = senderId;
  m.senderName = senderName;
  m.clientMsgId = clientMsgId.value_or("");
  m.content = *text;
  m.createdMs = nowMs;
  ChatMessageRecord stored;
  try {
    stored = chatRepository().appendChatMessage(m);
  } catch (const std::exception&) {
    // Not stored means not sent: nothing was delivered, and a retry with the same clientMsgId is safe.
    return Error(Errc::Internal, "the message could not be stored; send it again with the same clientMsgId");
  }
  if (stored.seq != m.seq) return Json{{"message", chatMessageWire(stored, role == "visitor")}};
  st->lastSeq = m.seq;
  if (!m.clientMsgId.empty()) st->clientIds[dedupeKey] = m.seq;
  deliverChatMessage(call, m);
  return Json{{"message", chatMessageWire(m, role == "visitor")}};
}

RoutingEngine::Result RoutingEngine::chatHistory(Call& call, const Json& data, bool forVisitor) {
  Error e;
  auto after = protocol::readInt(data, "afterSeq", &e);
  if (e) return e;
  auto limit = protocol::readInt(data, "limit", &e);
  if (e) return e;
  if (after && *after < 0) return Error(Errc::InvalidArgument, "afterSeq must be 0 or more");
  if (limit && (*limit < 1 || *limit > kMaxHistoryLimit))
    return Error(Errc::InvalidArgument, "limit must be 1 to " + std::to_string(kMaxHistoryLimit) + " (page with afterSeq)");
  std::int64_t want = limit.value_or(kDefaultHistoryLimit);
  std::vector<ChatMessageRecord> rows;
  std::int64_t lastSeq = 0;
  try {
    rows = chatRepository().listChatMessages(call.sdkAppId, call.sessionId, after.value_or(0), want + 1);
    const ChatState* st = chatState(call.sessionId);
    lastSeq = st ? st->lastSeq : chatRepository().lastChatSeq(call.sdkAppId, call.sessionId);
  } catch (const std::exception&) {
    return Error(Errc::Internal, "the chat store is unavailable; ask again later");
  }
  // A page holds at most `limit` messages and chatPageBytes of text (always at least one message),
  // so that any page fits in one frame.
  Json messages = Json::array();
  std::size_t bytes = 0;
  std::size_t taken = 0;
  for (const auto& m : rows) {
    if (static_cast<std::int64_t>(taken) >= want) break;
    if (taken > 0 && bytes + m.content.size() > mOptions.chatPageBytes) break;
    bytes += m.content.size();
    messages.push_back(chatMessageWire(m, forVisitor));
    ++taken;
  }
  return Json{{"sessionId", call.sessionId},
              {"messages", std::move(messages)},
              {"hasMore", taken < rows.size()},
              {"lastSeq", lastSeq}};
}

// --- agent side -----------------------------------------------------------------------------------

RoutingEngine::Result RoutingEngine::handleAgentChat(Agent& agent, const protocol::Request& req, std::int64_t nowMs) {
  Error e;
  std::string sid;
  Call* call = ownedCall(agent, req.data, e, &sid);
  if (e) return e;
  if (req.method == "chat.send") {
    if (!call || call->type != "im") return Error(Errc::InvalidState, "session " + sid + " is not a chat");
    if (call->phase != Call::Phase::Connected || !call->agent || *call->agent != agent.idx)
      return Error(Errc::InvalidState, "only a chat this agent has accepted (and not ended) takes messages");
    const std::string& name = agent.staff.nick.empty() ? agent.staff.name : agent.staff.nick;
    return chatSend(*call, "agent", agent.staff.userId, name, req.data, nowMs);
  }
  if (req.method == "chat.history") {
    // Any chat this agent has seen, live or ended, also one transferred to it (the history of the
    // agents before it included).
    if (call && call->type != "im") return Error(Errc::InvalidState, "session " + sid + " is not a chat");
    if (call) return chatHistory(*call, req.data, false);
    // Forgotten by the engine (ended long ago) but still in this agent's list: read the store.
    Call ghost;
    ghost.sdkAppId = agent.sdkAppId;
    ghost.sessionId = sid;
    return chatHistory(ghost, req.data, false);
  }
  return Error(Errc::UnknownMethod, "unknown method " + req.method);
}

RoutingEngine::Result RoutingEngine::chatAccept(Agent& agent, Call& call, std::int64_t nowMs) {
  if (call.phase != Call::Phase::Offering || !call.offered || *call.offered != agent.idx)
    return Error(Errc::InvalidState, "the chat is not ringing at this agent");
  ChatState* st = chatState(call.sessionId);
  call.offered.reset();
  mChatOffers.erase(call.serial);
  call.agent = agent.idx;
  call.phase = Call::Phase::Connected;
  if (!call.acceptMs) call.acceptMs = nowMs;
  if (internal::Participant* leg = call.openLeg(agent.idx)) leg->acceptMs = nowMs;
  if (View* v = agent.view(call.sessionId)) v->acceptMs = nowMs;
  if (st) st->phaseDeadline = 0;
  chatArm(call);
  updateView(agent, call, "talking", nowMs);
  const std::string& name = agent.staff.nick.empty() ? agent.staff.name : agent.staff.nick;
  chatSystemMessage(call, name + " joined the chat", nowMs);
  chatCustomerState(call, "connected");
  return Json::object();
}

RoutingEngine::Result RoutingEngine::chatHangUp(Agent& agent, Call& call, std::int64_t nowMs) {
  View* v = agent.view(call.sessionId);
  if (call.phase == Call::Phase::Ended || (v && v->ended)) return Json::object();  // idempotent
  if (call.offered && *call.offered == agent.idx) {
    // Declining a ringing chat hands it to the next agent.
    chatWithdraw(call, "hangup", "seat", "seatGiveUp", nowMs);
    chatEnqueue(call, call.skillGroupId, nowMs, false);
    return Json::object();
  }
  if (call.agent && *call.agent == agent.idx)
    endChat(call, EndSpec{"ok", "seat", "hangup", "seat", "", agent.idx}, nowMs);
  return Json::object();
}

RoutingEngine::Result RoutingEngine::chatTransfer(Agent& agent, Call& call, const Json& data, std::int64_t nowMs) {
  Error e;
  auto gid = protocol::readInt(data, "skillGroupId", &e, true);
  if (e) return e;
  auto uid = protocol::readString(data, "userId", kMaxUserId, &e);
  if (e) return e;
  bool toGroup = gid.has_value() && *gid != 0;
  bool toUser = uid.has_value() && !uid->empty();
  if (toGroup == toUser) return Error(Errc::InvalidArgument, "give exactly one of skillGroupId and userId");
  if (call.phase != Call::Phase::Connected || !call.agent || *call.agent != agent.idx)
    return Error(Errc::InvalidState, "only a chat in progress can be transferred");
  Json transferTo;
  Agent* target = nullptr;
  if (toGroup) {
    const SkillGroupInfo* info = groupInfo(agent.sdkAppId, *gid);
    if (!info) return Error(Errc::NotFound, "no skill group " + std::to_string(*gid));
    if (info->type != "im")
      return Error(Errc::InvalidArgument, "skill group " + info->name + " is not an online (im) skill group");
    if (group(agent.sdkAppId, *gid)->online == 0)
      return Error(Errc::PeerUnavailable, "nobody is online in skill group " + info->name);
    transferTo = Json{{"skillGroupId", std::to_string(*gid)}};
  } else {
    if (*uid == agent.staff.userId) return Error(Errc::InvalidArgument, "cannot transfer a chat to oneself");
    if (!mDirectory.findStaff(agent.sdkAppId, *uid)) return Error(Errc::NotFound, "no agent " + *uid);
    target = findAgent(agent.sdkAppId, *uid);
    if (!target || !chatEligible(*target, true) || chatLoad(*target) >= chatCapacity(*target))
      return Error(Errc::PeerUnavailable, *uid + " cannot take a chat now");
    transferTo = Json{{"userId", *uid}};
  }
  if (internal::Participant* leg = call.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = "seatForward";
    leg->transferTo = toGroup ? std::to_string(*gid) : *uid;
    leg->transferToType = toGroup ? "skillGroup" : "seat";
  }
  call.agent.reset();
  updateView(agent, call, "ended", nowMs,
             Json{{"endReason", "transfer"}, {"closeBy", "seat"}, {"transferTo", transferTo}});
  const std::string& name = agent.staff.nick.empty() ? agent.staff.name : agent.staff.nick;
  chatSystemMessage(call, name + " transferred the chat", nowMs);
  call.pendingTransferFrom = agent.staff.userId;
  call.tried.clear();
  call.tried.insert(agent.idx);
  if (toGroup) {
    call.waitStartMs = nowMs;
    call.queueKey = {nowMs, call.serial};
    chatEnqueue(call, *gid, nowMs, false);
  } else {
    chatOffer(call, *target, nowMs);
  }
  return Json::object();
}

void RoutingEngine::chatAgentGone(Agent& agent, std::int64_t nowMs) {
  // The agent is offline for good (grace period over, logout, removed): its chats go back to their
  // group, history and all, instead of ending on the visitor.
  std::vector<std::uint64_t> serials;
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    auto it = mCalls.find(v.sessionId);
    if (it != mCalls.end() && it->second->type == "im" && it->second->phase != Call::Phase::Ended)
      serials.push_back(it->second->serial);
  }
  for (auto serial : serials) {
    auto it = mCallBySerial.find(serial);
    if (it == mCallBySerial.end()) continue;
    Call& call = *it->second;
    if (call.offered && *call.offered == agent.idx) {
      chatWithdraw(call, "ringTimeout", "timer", "seatGiveUp", nowMs);
      chatEnqueue(call, call.skillGroupId, nowMs, false);
    } else if (call.agent && *call.agent == agent.idx) {
      if (internal::Participant* leg = call.openLeg(agent.idx)) {
        leg->endedMs = nowMs;
        leg->status = "seatGiveUp";
      }
      call.agent.reset();
      updateView(agent, call, "ended", nowMs, Json{{"endReason", "failed"}, {"closeBy", "admin"}});
      const std::string& name = agent.staff.nick.empty() ? agent.staff.name : agent.staff.nick;
      chatSystemMessage(call, name + " left the chat", nowMs);
      call.pendingTransferFrom = agent.staff.userId;
      call.tried.clear();
      call.waitStartMs = nowMs;
      call.queueKey = {nowMs, call.serial};
      chatEnqueue(call, call.skillGroupId, nowMs, false);
    }
  }
}

// --- queue and offers -----------------------------------------------------------------------------

void RoutingEngine::chatEnqueue(Call& call, std::int64_t skillGroupId, std::int64_t nowMs, bool first) {
  ChatState* st = chatState(call.sessionId);
  const std::pair<std::int64_t, std::int64_t> key{call.sdkAppId, skillGroupId};
  auto queue = mChatQueues.find(key);
  const std::size_t waiting = queue == mChatQueues.end() ? 0 : queue->second.size();
  std::int64_t giveUpAt = 0;
  std::optional<EndSpec> refused = st ? admitToQueue(call, skillGroupId, waiting, first, "waitingTimeout", nowMs, giveUpAt)
                                      : EndSpec{"error", "user", "failed", "admin", "", std::nullopt};
  if (refused) {
    endChat(call, *refused, nowMs);
    return;
  }
  mChatQueues[key].insert(call.queueKey);
  st->phaseDeadline = giveUpAt;
  chatArm(call);
  chatCustomerState(call, "queued");  // the dispatch at the end of this input may offer it at once
}

void RoutingEngine::chatDequeue(Call& call) {
  if (!call.inQueue) return;
  auto q = mChatQueues.find({call.sdkAppId, call.skillGroupId});
  if (q != mChatQueues.end()) {
    q->second.erase(call.queueKey);
    if (q->second.empty()) mChatQueues.erase(q);
  }
  call.inQueue = false;
}

void RoutingEngine::chatOffer(Call& call, Agent& agent, std::int64_t nowMs) {
  chatDequeue(call);
  const std::int64_t ringEnd = startRinging(call, agent, nowMs);
  mChatOffers.insert(call.serial);
  if (ChatState* st = chatState(call.sessionId)) st->phaseDeadline = ringEnd;
  updateView(agent, call, "ringing", nowMs);
  chatCustomerState(call, "ringing");
  chatArm(call);
}

void RoutingEngine::chatWithdraw(Call& call, const std::string& endReason, const std::string& closeBy,
                                 const std::string& legStatus, std::int64_t nowMs) {
  if (call.offered) mChatOffers.erase(call.serial);
  endOffer(call, endReason, closeBy, legStatus, nowMs);
}

void RoutingEngine::chatDispatch(std::int64_t nowMs) {
  if (!mUnstoredImCdrs.empty()) {
    std::vector<ImCdrRecord> pending;
    pending.swap(mUnstoredImCdrs);
    for (auto& c : pending) {
      try {
        chatRepository().storeImCdr(c);
      } catch (const std::exception&) {
        mUnstoredImCdrs.push_back(std::move(c));
      }
    }
  }
  // Offers at agents who can no longer take them (rest, notReady, offline, removed) move on.
  if (!mChatOffers.empty()) {
    std::vector<std::uint64_t> offers(mChatOffers.begin(), mChatOffers.end());
    for (auto serial : offers) {
      auto it = mCallBySerial.find(serial);
      if (it == mCallBySerial.end() || it->second->phase != Call::Phase::Offering || !it->second->offered) {
        mChatOffers.erase(serial);
        continue;
      }
      Call& call = *it->second;
      if (chatEligible(*mAgents[*call.offered], false)) continue;
      chatWithdraw(call, "hangup", "seat", "seatGiveUp", nowMs);
      chatEnqueue(call, call.skillGroupId, nowMs, false);
    }
  }
  if (mChatQueues.empty()) return;
  std::vector<std::pair<std::int64_t, std::int64_t>> keys;
  for (auto& [key, queue] : mChatQueues) keys.push_back(key);
  for (auto key : keys) {
    GroupState* g = group(key.first, key.second);
    auto q = mChatQueues.find(key);
    if (q == mChatQueues.end()) continue;
    std::vector<std::uint64_t> serials;
    for (auto& entry : q->second) {
      serials.push_back(entry.second);
      if (serials.size() >= kQueueScan) break;
    }
    if (!g || g->online == 0) {
      // The last agent of the group went offline: waiting visitors would wait for nobody.
      for (auto serial : serials) {
        auto it = mCallBySerial.find(serial);
        if (it != mCallBySerial.end())
          endChat(*it->second, EndSpec{"noSeatOnline", "user", "failed", "admin", "", std::nullopt}, nowMs);
      }
      continue;
    }
    // Candidates: agents of the group who may take one more chat now; least loaded, then longest idle.
    std::vector<std::pair<std::pair<int, std::int64_t>, Agent*>> candidates;
    for (auto& ap : mAgents) {
      Agent& a = *ap;
      if (a.sdkAppId != key.first || !chatEligible(a, true)) continue;
      if (std::find(a.groups.begin(), a.groups.end(), key.second) == a.groups.end()) continue;
      int load = chatLoad(a);
      if (load >= chatCapacity(a)) continue;
      candidates.push_back({{load, a.idleSinceMs}, &a});
    }
    if (candidates.empty()) continue;
    for (auto serial : serials) {
      auto it = mCallBySerial.find(serial);
      if (it == mCallBySerial.end()) continue;
      Call& call = *it->second;
      std::sort(candidates.begin(), candidates.end(),
                [](const auto& x, const auto& y) { return x.first < y.first; });
      Agent* pick = nullptr;
      std::size_t pickAt = 0;
      for (std::size_t i = 0; i < candidates.size(); ++i)
        if (!call.tried.count(candidates[i].second->idx)) {
          pick = candidates[i].second;
          pickAt = i;
          break;
        }
      // Everybody who could take it had a go: start another round with the best of them.
      if (!pick && static_cast<int>(call.tried.size()) >= g->online) {
        call.tried.clear();
        pick = candidates.front().second;
        pickAt = 0;
      }
      if (!pick) continue;
      chatOffer(call, *pick, nowMs);
      if (++candidates[pickAt].first.first >= chatCapacity(*pick)) candidates.erase(candidates.begin() + pickAt);
      if (candidates.empty()) break;
    }
  }
}

// --- timers and departures ------------------------------------------------------------------------

void RoutingEngine::chatArm(Call& call) {
  ChatState* st = chatState(call.sessionId);
  if (!st || call.phase == Call::Phase::Ended) return;
  std::int64_t at = 0;
  if ((call.phase == Call::Phase::Queued || call.phase == Call::Phase::Offering) && st->phaseDeadline) at = st->phaseDeadline;
  if (!call.leg && st->visitorGoneAt && (!at || st->visitorGoneAt < at)) at = st->visitorGoneAt;
  if (at)
    armCall(call, at);
  else
    ++call.timerGen;  // nothing pending: any armed timer is stale
}

void RoutingEngine::chatTimer(Call& call, std::int64_t nowMs) {
  ChatState* st = chatState(call.sessionId);
  if (!st || call.phase == Call::Phase::Ended) return;
  if (!call.leg && st->visitorGoneAt && nowMs >= st->visitorGoneAt) {
    endChat(call, EndSpec{"userTimeout", "user", "hangup", "client", "", std::nullopt}, nowMs);
    return;
  }
  if (call.phase == Call::Phase::Queued && st->phaseDeadline && nowMs >= st->phaseDeadline) {
    endChat(call, EndSpec{"waitingTimeout", "user", "failed", "admin", "", std::nullopt}, nowMs);
    return;
  }
  if (call.phase == Call::Phase::Offering && st->phaseDeadline && nowMs >= st->phaseDeadline) {
    // Ring timeout: this agent's offer ends (autoTransfer in the SDK) and the next agent gets it.
    chatWithdraw(call, "ringTimeout", "timer", "notAnswer", nowMs);
    chatEnqueue(call, call.skillGroupId, nowMs, false);
    return;
  }
  chatArm(call);
}

void RoutingEngine::chatVisitorLeft(Call& call, std::int64_t nowMs) {
  // A dropped socket is not a goodbye: the visitor may resume within chatVisitorGraceMs.
  call.leg = 0;
  if (ChatState* st = chatState(call.sessionId)) st->visitorGoneAt = nowMs + mOptions.chatVisitorGraceMs;
  chatArm(call);
}

void RoutingEngine::endChat(Call& call, const EndSpec& spec, std::int64_t nowMs) {
  if (call.phase == Call::Phase::Ended) return;
  chatDequeue(call);
  mChatOffers.erase(call.serial);
  if (call.agent || call.acceptMs) chatSystemMessage(call, "The chat has ended.", nowMs);
  call.phase = Call::Phase::Ended;
  call.endedMs = nowMs;
  call.endStatus = spec.endStatus;
  call.hungUpSide = spec.hungUpSide;
  ++call.timerGen;
  // A chat's legs all end with the chat's own status.
  auto endView = [&](Agent& a, const std::string& endReason) { endAgentView(call, a, spec, endReason, false, nowMs); };
  if (call.offered) {
    Agent& a = *mAgents[*call.offered];
    endView(a, spec.closeBy == "client" ? "cancel" : spec.endReason);
    call.offered.reset();
  }
  if (call.agent) endView(*mAgents[*call.agent], spec.endReason);
  chatCustomerState(call, "ended", spec.endStatus);
  storeImCdr(call);
  mEndedCalls.emplace_back(nowMs + mOptions.endedRetentionMs, call.serial);
  while (mEndedCalls.size() > kMaxEndedCalls) purgeOldestEndedCall();
}

void RoutingEngine::storeImCdr(const Call& call) {
  const Participant* seat = nullptr;
  for (const auto& p : call.participants)
    if (p.acceptMs) seat = &p;
  ImCdrRecord r;
  r.sdkAppId = call.sdkAppId;
  r.sessionId = call.sessionId;
  r.startTimestamp = secs(call.startMs);
  r.cdr = Json{{"Id", call.sessionId},
               {"Duration", call.acceptMs ? secs(call.endedMs) - secs(call.acceptMs) : 0},
               {"EndStatus", imEndStatus(call.endStatus, call.hungUpSide)},
               {"Nickname", call.nickname},
               {"Type", 2},
               {"StaffId", seat ? mAgents[seat->agent]->staff.userId : std::string()},
               {"Timestamp", secs(call.startMs)},
               {"SessionId", call.sessionId},
               {"SkillGroupId", call.skillGroupId ? std::to_string(call.skillGroupId) : std::string()},
               {"SkillGroupName", call.skillGroupName},
               {"Satisfaction", nullptr},
               {"ClientUserId", call.customerUserId}};
  try {
    chatRepository().storeImCdr(r);
  } catch (const std::exception&) {
    mUnstoredImCdrs.push_back(std::move(r));  // offered again on the next input
  }
}

// --- visitor side (/ws/customer) ------------------------------------------------------------------

RoutingEngine::Result RoutingEngine::handleCustomerChat(CustomerLeg& leg, const protocol::Request& req,
                                                        std::int64_t nowMs) {
  const std::string& m = req.method;
  if (m == "chat.start") return chatStart(leg, req.data, nowMs);
  if (m == "chat.resume") return chatResume(leg, req.data, nowMs);
  Error e;
  auto sid = protocol::readString(req.data, "sessionId", kMaxSessionId, &e);
  if (e) return e;
  auto it = leg.sessionId.empty() ? mCalls.end() : mCalls.find(leg.sessionId);
  if (it == mCalls.end() || it->second->type != "im" || (sid && !sid->empty() && *sid != leg.sessionId))
    return Error(Errc::SessionNotFound, "no chat on this connection: chat.start or chat.resume first");
  Call& call = *it->second;
  if (m == "chat.send") return chatSend(call, "visitor", call.customerUserId, call.nickname, req.data, nowMs);
  if (m == "chat.history") return chatHistory(call, req.data, true);
  if (m == "chat.end") {
    switch (call.phase) {
      case Call::Phase::Ended: break;
      case Call::Phase::Offering:
        endChat(call, EndSpec{"ringingGiveUp", "user", "cancel", "client", "", std::nullopt}, nowMs);
        break;
      case Call::Phase::Connected:
        endChat(call, EndSpec{"ok", "user", "hangup", "client", "", std::nullopt}, nowMs);
        break;
      default: endChat(call, EndSpec{"waitingGiveUp", "user", "hangup", "client", "", std::nullopt}, nowMs); break;
    }
    return Json::object();
  }
  return Error(Errc::UnknownMethod, "unknown method " + m);
}

RoutingEngine::Result RoutingEngine::chatStart(CustomerLeg& leg, const Json& d, std::int64_t nowMs) {
  if (liveSessionOf(leg)) return Error(Errc::InvalidState, "this connection is already in a chat or call");
  Error e;
  auto number = requireString(d, "serviceNumber", kMaxNumber, e);
  if (e) return e;
  auto nickname = requireString(d, "nickname", kMaxNickname, e);
  if (e) return e;
  auto userId = protocol::readString(d, "userId", kMaxUserId, &e);
  if (e) return e;
  auto avatar = protocol::readString(d, "avatar", 1024, &e);
  if (e) return e;
  auto remark = protocol::readString(d, "remark", 256, &e);
  if (e) return e;
  auto peerSource = protocol::readString(d, "peerSource", 64, &e);
  if (e) return e;
  auto channelName = protocol::readString(d, "channelName", 128, &e);
  if (e) return e;
  auto clientData = protocol::readString(d, "clientData", kMaxClientData, &e);
  if (e) return e;
  auto gid = protocol::readInt(d, "skillGroupId", &e, true);
  if (e) return e;
  auto info = serviceNumber(*number);
  if (!info) return Error(Errc::NotFound, "no service number " + *number);
  Tenant& t = tenant(info->sdkAppId);
  std::int64_t chosen = 0;
  if (gid && *gid != 0) {
    auto g = t.infos.find(*gid);
    if (g == t.infos.end() || g->second.type != "im")
      return Error(Errc::NotFound, "no online (im) skill group " + std::to_string(*gid));
    chosen = *gid;
  } else {
    for (const auto& [id, g] : t.infos)
      if (g.type == "im" && (!chosen || id < chosen)) chosen = id;
    if (!chosen) return Error(Errc::NotFound, "this service has no online (im) skill group");
  }
  Call& call = newCall(info->sdkAppId, "im", "in", nowMs);
  std::string visitor = userId.value_or("");
  if (visitor.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "visitor-%012llx", static_cast<unsigned long long>(mRng() & 0xffffffffffffULL));
    visitor = buf;
  }
  call.customerUserId = visitor;
  call.caller = visitor;
  call.callee = call.serviceNumber = info->number;
  call.nickname = *nickname;
  call.avatar = avatar.value_or("");
  call.remark = remark.value_or("");
  call.leg = leg.conn;
  leg.sessionId = call.sessionId;
  auto st = std::make_shared<ChatState>();
  st->visitorToken = newSecret();
  st->peerSource = peerSource.value_or("");
  st->channelName = channelName.value_or("");
  st->clientData = clientData.value_or("");
  st->flood[0] = st->flood[1] = TokenBucket(mOptions.chatRatePerSec, mOptions.chatBurst, nowMs);
  mChats[call.sessionId] = st;
  Json result{{"sessionId", call.sessionId},
              {"visitorToken", st->visitorToken},
              {"userId", visitor},
              {"skillGroupId", std::to_string(chosen)}};
  chatEnqueue(call, chosen, nowMs, true);
  return result;
}

RoutingEngine::Result RoutingEngine::chatResume(CustomerLeg& leg, const Json& d, std::int64_t nowMs) {
  Error e;
  auto sid = requireString(d, "sessionId", kMaxSessionId, e);
  if (e) return e;
  auto token = requireString(d, "visitorToken", 128, e);
  if (e) return e;
  auto after = protocol::readInt(d, "afterSeq", &e);
  if (e) return e;
  auto it = mCalls.find(*sid);
  ChatState* st = chatState(*sid);
  // A wrong token and an unknown session look the same: session ids are not secrets, tokens are.
  if (it == mCalls.end() || it->second->type != "im" || !st || st->visitorToken != *token)
    return Error(Errc::SessionNotFound, "no chat " + *sid + " to resume (unknown, forgotten, or a wrong visitorToken)");
  if (!leg.sessionId.empty() && leg.sessionId != *sid) {
    auto other = mCalls.find(leg.sessionId);
    if (other != mCalls.end() && other->second->phase != Call::Phase::Ended)
      return Error(Errc::InvalidState, "this connection is already in another chat or call");
  }
  Call& call = *it->second;
  if (call.leg && call.leg != leg.conn) {
    // The old socket may be half-dead; the newest one holds the chat from now on.
    auto old = mLegs.find(call.leg);
    if (old != mLegs.end() && old->second->sessionId == call.sessionId) old->second->sessionId.clear();
  }
  call.leg = leg.conn;
  leg.sessionId = call.sessionId;
  st->visitorGoneAt = 0;
  chatArm(call);
  Json history = Json::object();
  if (after) history["afterSeq"] = *after;
  Result page = chatHistory(call, history, true);
  if (auto* err = std::get_if<Error>(&page)) return *err;
  Json out = std::get<Json>(page);
  static const char* kStates[] = {"queued", "queued", "ringing", "queued", "connected", "ended"};
  out["state"] = kStates[static_cast<int>(call.phase)];
  if (call.phase == Call::Phase::Ended) out["reason"] = call.endStatus;
  if (call.phase == Call::Phase::Connected && call.agent) {
    const StaffInfo& s = mAgents[*call.agent]->staff;
    out["agent"] = Json{{"nick", s.nick.empty() ? s.name : s.nick}};
  }
  out["nickname"] = call.nickname;
  return out;
}

}  // namespace tccc::server::routing
