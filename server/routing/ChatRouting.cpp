// SPDX-License-Identifier: Apache-2.0
#include "routing/ChatRouting.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentLifecycle.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/CallControl.hpp"
#include "routing/CallRouting.hpp"
#include "routing/CdrBuilder.hpp"
#include "routing/CustomerDesk.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SessionViews.hpp"
#include "routing/TenantDirectory.hpp"
#include "routing/TimerQueue.hpp"

#include "chat/MemoryChatRepository.hpp"
#include "random/SecureRandom.hpp"
#include "random/TokenDigest.hpp"

#include "protocol/Validator.hpp"

#include <algorithm>
#include <cstdio>

namespace tccc::server::routing {

namespace {

Error storageUnavailable() {
  return Error(Errc::StorageUnavailable,
               "the server cannot store chat messages now (its disk is failing); nothing was sent: send it again "
               "with the same clientMsgId in a moment");
}

constexpr std::int64_t kDefaultHistoryLimit = 50;
constexpr std::string_view kImGroupType = "im";

// The English words of a notice, kept as the message's text for readers that do not know the
// notice codes (the cloud API's history, older SDKs); ours word it in the reader's language.
std::string englishNotice(protocol::ChatNotice notice, const std::string& agentName) {
  switch (notice) {
    case protocol::ChatNotice::Joined:
      return agentName + " joined the chat";
    case protocol::ChatNotice::Transferred:
      return agentName + " transferred the chat";
    case protocol::ChatNotice::Left:
      return agentName + " left the chat";
    case protocol::ChatNotice::Ended:
      break;
  }
  return "The chat has ended.";
}

Json messageWire(const ChatMessageRecord& m, bool forVisitor) {
  const bool byAgent = m.senderRole == toString(protocol::MessageFrom::Agent);
  // A system message's row keeps its notice code in `type` (no schema change); on the wire every
  // message is text, and a notice says which one it is. Rows from before notices have "text".
  const bool bySystem = m.senderRole == toString(protocol::MessageFrom::System);
  const auto notice = bySystem ? protocol::chatNoticeFromString(m.type) : std::nullopt;
  Json w{{"messageId", m.messageId},
         {"sessionId", m.sessionId},
         {"seq", m.seq},
         {"from", m.senderRole},
         // A visitor learns the agent's display name, never its login (an e-mail address).
         {"senderId", forVisitor && byAgent ? std::string() : m.senderId},
         {"senderName", m.senderName},
         {"type", notice ? std::string("text") : m.type},
         {"text", m.content},
         {"time", m.createdMs}};
  if (notice) w["notice"] = std::string(toString(*notice));
  if (!m.clientMsgId.empty() && (!forVisitor || m.senderRole == toString(protocol::MessageFrom::Visitor)))
    w["clientMsgId"] = m.clientMsgId;
  return w;
}

std::string messageId(const Session& chat, std::int64_t seq) {
  return "m-" + chat.id.substr(2) + "-" + std::to_string(seq);
}

}  // namespace

struct ChatRouting::ChatState {
  std::string visitorTokenDigest;  // TokenDigest of the token that lets a new visitor socket resume the chat
  std::int64_t lastSeq = 0;        // seq of the newest stored message
  std::string peerSource, channelName, clientData;
  std::int64_t phaseDeadline = 0;  // queued: give up at; ringing: ring timeout at
  std::int64_t visitorGoneAt = 0;  // the visitor's socket dropped: the chat ends then unless resumed
  TokenBucket flood[2];            // [0] visitor, [1] agent
  std::unordered_map<std::string, std::int64_t> clientIds;  // from + '\x1f' + clientMsgId -> seq
  bool queueOnResume = false;  // restored after a restart while waiting: queued again when the visitor is back
};

ChatRouting::ChatRouting(RoutingContext& c) : c(c) {}
ChatRouting::~ChatRouting() = default;

ChatRepository& ChatRouting::repository() {
  if (mRepository) return *mRepository;
  if (!mOwnRepository) mOwnRepository = std::make_unique<MemoryChatRepository>();
  return *mOwnRepository;
}

ChatRouting::ChatState* ChatRouting::state(const std::string& sessionId) const {
  auto it = mChats.find(sessionId);
  return it == mChats.end() ? nullptr : it->second.get();
}

// --- agents and capacity -------------------------------------------------------------------------

bool ChatRouting::eligible(const Agent& agent, bool forNewOffer) const {
  if (agent.removed) return false;
  // After-call work brings no new chat, but a chat already ringing stays: an agent whose call ends
  // while a chat rings may still take it (bench/soak.mjs caught accepts failing here).
  const bool takes = agent.status == AgentStatus::Free || agent.status == AgentStatus::Busy ||
                     (!forNewOffer && agent.status == AgentStatus::Arrange);
  return takes && (!forNewOffer || agent.conn != 0);
}

int ChatRouting::load(const Agent& agent) const {
  int chats = 0;
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    const Session* s = c.sessions.find(v.sessionId);
    if (!s || !s->isChat() || s->ended()) continue;
    if ((s->agent && *s->agent == agent.idx) || (s->offered && *s->offered == agent.idx)) ++chats;
  }
  return chats;
}

int ChatRouting::capacity(const Agent& agent) const {
  int most = 0;
  for (auto g : agent.groups) {
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, g);
    if (info && info->type == kImGroupType) most = std::max(most, info->maxConcurrency);
  }
  return std::max(most, 1);
}

bool ChatRouting::holdsChats(const Agent& agent) const {
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    const Session* s = c.sessions.find(v.sessionId);
    if (s && s->isChat() && !s->ended() && s->agent && *s->agent == agent.idx) return true;
  }
  return false;
}

// --- wire form ------------------------------------------------------------------------------------

void ChatRouting::wireFields(const Session& chat, Json& w) const {
  const ChatState* st = state(chat.id);
  w["nickname"] = chat.nickname;
  w["avatar"] = chat.avatar;
  w["remark"] = chat.remark;
  w["peerSource"] = st ? st->peerSource : std::string();
  w["channelName"] = st ? st->channelName : std::string();
  w["clientData"] = st ? st->clientData : std::string();
  w["userId"] = chat.customerUserId;
  w["lastMessageSeq"] = st ? st->lastSeq : 0;
}

void ChatRouting::refreshWires(Json& sessions) const {
  for (auto& s : sessions) {
    if (!s.is_object() || s.value("type", "") != toString(SessionType::Im)) continue;
    if (const ChatState* st = state(s.value("sessionId", ""))) s["lastMessageSeq"] = st->lastSeq;
  }
}

void ChatRouting::tellVisitor(Session& chat, CustomerState customerState, std::optional<EndStatus> reason) {
  Json d{{"sessionId", chat.id}, {"state", toString(customerState)}};
  if (reason) d["reason"] = toString(*reason);
  if (customerState == CustomerState::Connected && chat.agent)
    d["agent"] = Json{{"nick", c.agents.at(*chat.agent).displayName()}};
  chat.history.push_back(d);
  c.customers.send(chat, "customer.state", d);
}

// --- messages -------------------------------------------------------------------------------------

void ChatRouting::deliver(Session& chat, const ChatMessageRecord& message) {
  if (chat.agent)
    c.agents.notify(c.agents.at(*chat.agent), "chat.message",
                    Json{{"sessionId", chat.id}, {"message", messageWire(message, false)}});
  c.customers.send(chat, "chat.message", Json{{"sessionId", chat.id}, {"message", messageWire(message, true)}});
}

void ChatRouting::systemMessage(Session& chat, protocol::ChatNotice notice, const std::string& agentName,
                                std::int64_t nowMs) {
  ChatState* st = state(chat.id);
  if (!st) return;
  ChatMessageRecord m;
  m.sdkAppId = chat.sdkAppId;
  m.sessionId = chat.id;
  m.seq = st->lastSeq + 1;
  m.messageId = messageId(chat, m.seq);
  m.senderRole = toString(protocol::MessageFrom::System);
  m.senderName = agentName;
  m.type = std::string(toString(notice));  // stored as the row's type; see messageWire
  m.content = englishNotice(notice, agentName);
  m.createdMs = nowMs;
  try {
    repository().appendChatMessage(m);
  } catch (const std::exception&) {
    return;  // a notice, not a message anybody sent: the chat goes on without it
  }
  st->lastSeq = m.seq;
  deliver(chat, m);
}

Result ChatRouting::send(Session& chat, protocol::MessageFrom from, const std::string& senderId,
                         const std::string& senderName, const Json& data, std::int64_t nowMs) {
  const std::string& text = data["text"].get_ref<const std::string&>();
  std::size_t chars = protocol::countCodePoints(text);
  if (chars > c.options.chatMaxChars)
    return Error(Errc::ChatMessageTooLong, "the message has " + std::to_string(chars) + " characters; at most " +
                                               std::to_string(c.options.chatMaxChars) + " are allowed");
  const std::string clientMsgId = data.value("clientMsgId", "");
  ChatState* st = state(chat.id);
  if (!st || chat.ended()) return Error(Errc::InvalidState, "the chat has ended");
  const bool byVisitor = from == protocol::MessageFrom::Visitor;
  std::string dedupeKey = std::string(toString(from)) + '\x1f' + clientMsgId;
  if (!clientMsgId.empty()) {
    auto seen = st->clientIds.find(dedupeKey);
    if (seen != st->clientIds.end()) {
      // A retry of a message that was stored: answer with it, deliver nothing twice.
      try {
        auto list = repository().listChatMessages(chat.sdkAppId, chat.id, seen->second - 1, 1);
        if (!list.empty()) return Json{{"message", messageWire(list.front(), byVisitor)}};
      } catch (const std::exception&) {
        return Error(Errc::Internal, "the chat store is unavailable; send the message again later");
      }
    }
  }
  // A failing disk (StorageBreaker open): refused at once, not tried; nothing was sent, and the same
  // clientMsgId is safe to use again once the disk is back.
  if (!repository().acceptingWrites()) return storageUnavailable();
  if (st->lastSeq >= c.options.chatMaxMessages)
    return Error(Errc::ChatFlood,
                 "this chat has reached its limit of " + std::to_string(c.options.chatMaxMessages) + " messages");
  if (!st->flood[byVisitor ? 0 : 1].takeAtMs(nowMs))
    return Error(Errc::ChatFlood, "too many messages in this chat: wait a moment before sending more");
  ChatMessageRecord m;
  m.sdkAppId = chat.sdkAppId;
  m.sessionId = chat.id;
  m.seq = st->lastSeq + 1;
  m.messageId = messageId(chat, m.seq);
  m.senderRole = toString(from);
  m.senderId = senderId;
  m.senderName = senderName;
  m.clientMsgId = clientMsgId;
  m.content = text;
  m.createdMs = nowMs;
  ChatMessageRecord stored;
  try {
    stored = repository().appendChatMessage(m);
  } catch (const std::exception&) {
    // Not stored means not sent: nothing was delivered, and a retry with the same clientMsgId is safe.
    // A disk fault has tripped the breaker by now (SqliteStore): say so rather than "internal".
    if (!repository().acceptingWrites()) return storageUnavailable();
    return Error(Errc::Internal, "the message could not be stored; send it again with the same clientMsgId");
  }
  if (stored.seq != m.seq) return Json{{"message", messageWire(stored, byVisitor)}};
  st->lastSeq = m.seq;
  if (!m.clientMsgId.empty()) st->clientIds[dedupeKey] = m.seq;
  deliver(chat, m);
  return Json{{"message", messageWire(m, byVisitor)}};
}

Result ChatRouting::history(const Session& chat, const Json& data, bool forVisitor) {
  const std::int64_t after = data.value("afterSeq", std::int64_t{0});
  const std::int64_t want = data.value("limit", kDefaultHistoryLimit);
  std::vector<ChatMessageRecord> rows;
  std::int64_t lastSeq = 0;
  try {
    rows = repository().listChatMessages(chat.sdkAppId, chat.id, after, want + 1);
    const ChatState* st = state(chat.id);
    lastSeq = st ? st->lastSeq : repository().lastChatSeq(chat.sdkAppId, chat.id);
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
    if (taken > 0 && bytes + m.content.size() > c.options.chatPageBytes) break;
    bytes += m.content.size();
    messages.push_back(messageWire(m, forVisitor));
    ++taken;
  }
  return Json{{"sessionId", chat.id},
              {"messages", std::move(messages)},
              {"hasMore", taken < rows.size()},
              {"lastSeq", lastSeq}};
}

// --- agent side -----------------------------------------------------------------------------------

Result ChatRouting::agentSend(Agent& agent, Session* chat, const std::string& sessionId, const Json& data,
                              std::int64_t nowMs) {
  if (!chat || !chat->isChat()) return Error(Errc::InvalidState, "session " + sessionId + " is not a chat");
  if (chat->phase != SessionPhase::Connected || !chat->agent || *chat->agent != agent.idx)
    return Error(Errc::InvalidState, "only a chat this agent has accepted (and not ended) takes messages");
  return send(*chat, protocol::MessageFrom::Agent, agent.staff.userId, agent.displayName(), data, nowMs);
}

Result ChatRouting::agentHistory(Agent& agent, Session* chat, const std::string& sessionId, const Json& data) {
  // Any chat this agent has seen, live or ended, also one transferred to it (the history of the
  // agents before it included).
  if (chat && !chat->isChat()) return Error(Errc::InvalidState, "session " + sessionId + " is not a chat");
  if (chat) return history(*chat, data, false);
  // Forgotten by the engine (ended long ago) but still in this agent's list: read the store.
  Session ghost;
  ghost.sdkAppId = agent.sdkAppId;
  ghost.id = sessionId;
  return history(ghost, data, false);
}

Result ChatRouting::accept(Agent& agent, Session& chat, std::int64_t nowMs) {
  if (chat.phase != SessionPhase::Offering || !chat.offered || *chat.offered != agent.idx)
    return Error(Errc::InvalidState, "the chat is not ringing at this agent");
  ChatState* st = state(chat.id);
  chat.offered.reset();
  mOffers.erase(chat.serial);
  chat.agent = agent.idx;
  chat.phase = SessionPhase::Connected;
  if (!chat.acceptMs) chat.acceptMs = nowMs;
  if (Participant* leg = chat.openLeg(agent.idx)) leg->acceptMs = nowMs;
  if (SessionView* v = agent.view(chat.id)) v->acceptMs = nowMs;
  if (st) st->phaseDeadline = 0;
  arm(chat);
  journal(chat, nowMs);
  c.views.update(agent, chat, SessionState::Talking, nowMs);
  systemMessage(chat, protocol::ChatNotice::Joined, agent.displayName(), nowMs);
  tellVisitor(chat, CustomerState::Connected);
  return Json::object();
}

Result ChatRouting::hangUp(Agent& agent, Session& chat, std::int64_t nowMs) {
  SessionView* v = agent.view(chat.id);
  if (chat.ended() || (v && v->ended)) return Json::object();  // idempotent
  if (chat.offered && *chat.offered == agent.idx) {
    // Declining a ringing chat hands it to the next agent.
    withdraw(chat, EndReason::Hangup, CloseBy::Seat, EndStatus::SeatGiveUp, nowMs);
    enqueue(chat, chat.skillGroupId, nowMs, false);
    return Json::object();
  }
  if (chat.agent && *chat.agent == agent.idx)
    end(chat, EndSpec{EndStatus::Ok, HungUpSide::Seat, EndReason::Hangup, CloseBy::Seat, {}, agent.idx}, nowMs);
  return Json::object();
}

Result ChatRouting::transfer(Agent& agent, Session& chat, const Json& data, std::int64_t nowMs) {
  const std::string group = data.value("skillGroupId", "");  // exactly one of the two: validated
  const std::string userId = data.value("userId", "");
  const std::int64_t gid = group.empty() ? 0 : std::stoll(group);
  if (chat.phase != SessionPhase::Connected || !chat.agent || *chat.agent != agent.idx)
    return Error(Errc::InvalidState, "only a chat in progress can be transferred");
  Json transferTo;
  Agent* target = nullptr;
  if (gid) {
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, gid);
    if (!info) return Error(Errc::NotFound, "no skill group " + group);
    if (info->type != kImGroupType)
      return Error(Errc::NotFound, "no online (im) skill group " + group + " (" + info->name + " takes calls)");
    if (c.acd.group(agent.sdkAppId, gid)->online == 0)
      return Error(Errc::PeerUnavailable, "nobody is online in skill group " + info->name);
    transferTo = Json{{"skillGroupId", group}};
  } else {
    if (!c.directory.findStaff(agent.sdkAppId, userId)) return Error(Errc::NotFound, "no agent " + userId);
    target = c.agents.find(agent.sdkAppId, userId);
    if (!target || !eligible(*target, true) || load(*target) >= capacity(*target))
      return Error(Errc::PeerUnavailable, userId + " cannot take a chat now");
    transferTo = Json{{"userId", userId}};
  }
  if (Participant* leg = chat.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = EndStatus::SeatForward;
    leg->transferTo = gid ? group : userId;
    leg->transferToType = gid ? protocol::TransferTargetType::SkillGroup : protocol::TransferTargetType::Seat;
  }
  chat.agent.reset();
  c.views.update(agent, chat, SessionState::Ended, nowMs,
                 Json{{"endReason", toString(EndReason::Transfer)},
                      {"closeBy", toString(CloseBy::Seat)},
                      {"transferTo", transferTo}});
  systemMessage(chat, protocol::ChatNotice::Transferred, agent.displayName(), nowMs);
  chat.pendingTransferFrom = agent.staff.userId;
  chat.tried.clear();
  chat.tried.insert(agent.idx);
  if (gid) {
    chat.waitStartMs = nowMs;
    chat.queueKey = {nowMs, chat.serial};
    enqueue(chat, gid, nowMs, false);
  } else {
    offer(chat, *target, nowMs);
  }
  return Json::object();
}

void ChatRouting::agentGone(Agent& agent, std::int64_t nowMs) {
  std::vector<SessionSerial> serials;
  for (const auto& v : agent.views) {
    if (v.ended) continue;
    const Session* s = c.sessions.find(v.sessionId);
    if (s && s->isChat() && !s->ended()) serials.push_back(s->serial);
  }
  for (auto serial : serials) {
    Session* chat = c.sessions.bySerial(serial);
    if (!chat) continue;
    if (chat->offered && *chat->offered == agent.idx) {
      withdraw(*chat, EndReason::RingTimeout, CloseBy::Timer, EndStatus::SeatGiveUp, nowMs);
      enqueue(*chat, chat->skillGroupId, nowMs, false);
    } else if (chat->agent && *chat->agent == agent.idx) {
      if (Participant* leg = chat->openLeg(agent.idx)) {
        leg->endedMs = nowMs;
        leg->status = EndStatus::SeatGiveUp;
      }
      chat->agent.reset();
      c.views.update(agent, *chat, SessionState::Ended, nowMs,
                     Json{{"endReason", toString(EndReason::Failed)}, {"closeBy", toString(CloseBy::Admin)}});
      systemMessage(*chat, protocol::ChatNotice::Left, agent.displayName(), nowMs);
      chat->pendingTransferFrom = agent.staff.userId;
      chat->tried.clear();
      chat->waitStartMs = nowMs;
      chat->queueKey = {nowMs, chat->serial};
      enqueue(*chat, chat->skillGroupId, nowMs, false);
      if (!chat->ended()) journal(*chat, nowMs);  // a restart now queues it instead of waiting for this agent
    }
  }
}

// --- queue and offers -----------------------------------------------------------------------------

void ChatRouting::enqueue(Session& chat, std::int64_t skillGroupId, std::int64_t nowMs, bool first) {
  ChatState* st = state(chat.id);
  std::int64_t giveUpAt = 0;
  std::optional<EndSpec> refused =
      st ? c.callRouting.admit(chat, skillGroupId, c.acd.chatsWaiting(chat.sdkAppId, skillGroupId), first,
                               EndStatus::WaitingTimeout, nowMs, giveUpAt)
         : EndSpec{EndStatus::Error, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}};
  if (refused) {
    end(chat, *refused, nowMs);
    return;
  }
  c.acd.chatQueue(chat.sdkAppId, skillGroupId).insert(chat.queueKey);
  st->phaseDeadline = giveUpAt;
  arm(chat);
  tellVisitor(chat, CustomerState::Queued);  // the dispatch at the end of this input may offer it at once
}

void ChatRouting::dequeue(Session& chat) {
  if (!chat.inQueue) return;
  c.acd.dropChat(chat.sdkAppId, chat.skillGroupId, chat.queueKey);
  chat.inQueue = false;
}

void ChatRouting::offer(Session& chat, Agent& agent, std::int64_t nowMs) {
  dequeue(chat);
  const std::int64_t ringEnd = c.callRouting.startRinging(chat, agent, nowMs);
  mOffers.insert(chat.serial);
  if (ChatState* st = state(chat.id)) st->phaseDeadline = ringEnd;
  c.views.update(agent, chat, SessionState::Ringing, nowMs);
  tellVisitor(chat, CustomerState::Ringing);
  arm(chat);
}

void ChatRouting::withdraw(Session& chat, EndReason endReason, CloseBy closeBy, EndStatus legStatus,
                           std::int64_t nowMs) {
  if (chat.offered) mOffers.erase(chat.serial);
  c.callRouting.endOffer(chat, endReason, closeBy, legStatus, nowMs);
}

void ChatRouting::dispatch(std::int64_t nowMs) {
  // Kept in memory while the disk is failing; the first input after it recovers stores them.
  if (!mUnstoredImCdrs.empty() && repository().acceptingWrites()) {
    std::vector<ImCdrRecord> pending;
    pending.swap(mUnstoredImCdrs);
    for (auto& record : pending) {
      try {
        repository().storeImCdr(record);
      } catch (const std::exception&) {
        mUnstoredImCdrs.push_back(std::move(record));
      }
    }
  }
  // Offers at agents who can no longer take them (rest, notReady, offline, removed) move on; after-call
  // work keeps them.
  if (!mOffers.empty()) {
    std::vector<SessionSerial> offers(mOffers.begin(), mOffers.end());
    for (auto serial : offers) {
      Session* chat = c.sessions.bySerial(serial);
      if (!chat || chat->phase != SessionPhase::Offering || !chat->offered) {
        mOffers.erase(serial);
        continue;
      }
      if (eligible(c.agents.at(*chat->offered), false)) continue;
      withdraw(*chat, EndReason::Hangup, CloseBy::Seat, EndStatus::SeatGiveUp, nowMs);
      enqueue(*chat, chat->skillGroupId, nowMs, false);
    }
  }
  for (auto [sdkAppId, skillGroupId] : c.acd.groupsWithChats()) {
    SkillGroupBook* book = c.acd.group(sdkAppId, skillGroupId);
    if (!c.acd.chatsWaiting(sdkAppId, skillGroupId)) continue;
    std::vector<SessionSerial> serials;
    for (auto& entry : c.acd.chatQueue(sdkAppId, skillGroupId)) {
      serials.push_back(entry.second);
      if (serials.size() >= kQueueScan) break;
    }
    if (!book || book->online == 0) {
      // The last agent of the group went offline: waiting visitors would wait for nobody.
      for (auto serial : serials)
        if (Session* chat = c.sessions.bySerial(serial))
          end(*chat, EndSpec{EndStatus::NoSeatOnline, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}},
              nowMs);
      continue;
    }
    // Candidates: agents of the group who may take one more chat now; least loaded, then longest idle.
    std::vector<std::pair<std::pair<int, std::int64_t>, Agent*>> candidates;
    for (auto& entry : c.agents.all()) {
      Agent& a = *entry;
      if (a.sdkAppId != sdkAppId || !eligible(a, true)) continue;
      if (std::find(a.groups.begin(), a.groups.end(), skillGroupId) == a.groups.end()) continue;
      int chats = load(a);
      if (chats >= capacity(a)) continue;
      candidates.push_back({{chats, a.idleSinceMs}, &a});
    }
    if (candidates.empty()) continue;
    for (auto serial : serials) {
      Session* chat = c.sessions.bySerial(serial);
      if (!chat) continue;
      std::sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      Agent* pick = nullptr;
      std::size_t pickAt = 0;
      for (std::size_t i = 0; i < candidates.size(); ++i)
        if (!chat->tried.count(candidates[i].second->idx)) {
          pick = candidates[i].second;
          pickAt = i;
          break;
        }
      // Everybody who could take it had a go: start another round with the best of them.
      if (!pick && static_cast<int>(chat->tried.size()) >= book->online) {
        chat->tried.clear();
        pick = candidates.front().second;
        pickAt = 0;
      }
      if (!pick) continue;
      offer(*chat, *pick, nowMs);
      if (++candidates[pickAt].first.first >= capacity(*pick)) candidates.erase(candidates.begin() + pickAt);
      if (candidates.empty()) break;
    }
  }
}

// --- timers and departures ------------------------------------------------------------------------

void ChatRouting::arm(Session& chat) {
  ChatState* st = state(chat.id);
  if (!st || chat.ended()) return;
  std::int64_t at = 0;
  if ((chat.phase == SessionPhase::Queued || chat.phase == SessionPhase::Offering) && st->phaseDeadline)
    at = st->phaseDeadline;
  if (!c.customers.connectionOf(chat) && st->visitorGoneAt && (!at || st->visitorGoneAt < at)) at = st->visitorGoneAt;
  if (at)
    c.calls.armTimer(chat, at);
  else
    ++chat.timerGen;  // nothing pending: any armed timer is stale
}

void ChatRouting::onTimer(Session& chat, std::int64_t nowMs) {
  ChatState* st = state(chat.id);
  if (!st || chat.ended()) return;
  if (!c.customers.connectionOf(chat) && st->visitorGoneAt && nowMs >= st->visitorGoneAt) {
    end(chat, EndSpec{EndStatus::UserTimeout, HungUpSide::User, EndReason::Hangup, CloseBy::Client, {}, {}}, nowMs);
    return;
  }
  if (chat.phase == SessionPhase::Queued && st->phaseDeadline && nowMs >= st->phaseDeadline) {
    end(chat, EndSpec{EndStatus::WaitingTimeout, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}}, nowMs);
    return;
  }
  if (chat.phase == SessionPhase::Offering && st->phaseDeadline && nowMs >= st->phaseDeadline) {
    // Ring timeout: this agent's offer ends (autoTransfer in the SDK) and the next agent gets it.
    withdraw(chat, EndReason::RingTimeout, CloseBy::Timer, EndStatus::NotAnswer, nowMs);
    enqueue(chat, chat.skillGroupId, nowMs, false);
    return;
  }
  arm(chat);
}

void ChatRouting::visitorLeft(Session& chat, std::int64_t nowMs) {
  if (ChatState* st = state(chat.id)) st->visitorGoneAt = nowMs + c.options.chatVisitorGraceMs;
  arm(chat);
}

void ChatRouting::visitorEnded(Session& chat, std::int64_t nowMs) {
  switch (chat.phase) {
    case SessionPhase::Ended:
      break;
    case SessionPhase::Offering:
      end(chat, EndSpec{EndStatus::RingingGiveUp, HungUpSide::User, EndReason::Cancel, CloseBy::Client, {}, {}}, nowMs);
      break;
    case SessionPhase::Connected:
      end(chat, EndSpec{EndStatus::Ok, HungUpSide::User, EndReason::Hangup, CloseBy::Client, {}, {}}, nowMs);
      break;
    default:
      end(chat, EndSpec{EndStatus::WaitingGiveUp, HungUpSide::User, EndReason::Hangup, CloseBy::Client, {}, {}}, nowMs);
      break;
  }
}

void ChatRouting::end(Session& chat, const EndSpec& spec, std::int64_t nowMs) {
  if (chat.ended()) return;
  dequeue(chat);
  mOffers.erase(chat.serial);
  if (chat.agent || chat.acceptMs) systemMessage(chat, protocol::ChatNotice::Ended, "", nowMs);
  chat.phase = SessionPhase::Ended;
  chat.endedMs = nowMs;
  chat.endStatus = spec.endStatus;
  chat.hungUpSide = spec.hungUpSide;
  ++chat.timerGen;
  // A chat's legs all end with the chat's own status.
  if (chat.offered) {
    Agent& a = c.agents.at(*chat.offered);
    c.views.end(chat, a, spec, spec.closeBy == CloseBy::Client ? EndReason::Cancel : spec.endReason, false, nowMs);
    chat.offered.reset();
  }
  if (chat.agent) c.views.end(chat, c.agents.at(*chat.agent), spec, spec.endReason, false, nowMs);
  tellVisitor(chat, CustomerState::Ended, spec.endStatus);
  storeImCdr(chat);
  c.sessions.retire(chat, nowMs + c.options.endedRetentionMs);
}

void ChatRouting::journal(const Session& chat, std::int64_t nowMs, std::int64_t skillGroupId) {
  LiveChatRecord entry;
  entry.soFar = c.cdrs.imCdr(chat);
  entry.acceptedSec = chat.acceptMs / 1000;
  entry.journaledAtMs = nowMs;
  if (const ChatState* st = state(chat.id)) {
    // What restore() needs; the visitor's token only as its digest, like every token the server keeps.
    entry.resume = Json{{"visitorTokenDigest", st->visitorTokenDigest},
                        {"skillGroupId", skillGroupId ? skillGroupId : chat.skillGroupId},
                        {"serviceNumber", chat.serviceNumber},
                        {"customerUserId", chat.customerUserId},
                        {"nickname", chat.nickname},
                        {"avatar", chat.avatar},
                        {"remark", chat.remark},
                        {"peerSource", st->peerSource},
                        {"channelName", st->channelName},
                        {"clientData", st->clientData},
                        {"startMs", chat.startMs},
                        {"acceptMs", chat.acceptMs}};
    if (chat.agent) entry.resume["agentUserId"] = c.agents.at(*chat.agent).staff.userId;
  }
  try {
    repository().journalLiveChat(entry);
  } catch (const std::exception&) {
    // The chat goes on: only its CDR after a crash is at stake, as before there was a journal, and
    // the next accept writes the entry again. A failing disk shows in the writes that must succeed.
  }
}

void ChatRouting::storeImCdr(const Session& chat) {
  ImCdrRecord record = c.cdrs.imCdr(chat);
  try {
    repository().storeImCdr(record);
  } catch (const std::exception&) {
    mUnstoredImCdrs.push_back(std::move(record));  // offered again on the next input
  }
}

// --- visitor side (/ws/customer) ------------------------------------------------------------------

Result ChatRouting::visitorSend(Session& chat, const Json& data, std::int64_t nowMs) {
  return send(chat, protocol::MessageFrom::Visitor, chat.customerUserId, chat.nickname, data, nowMs);
}

Result ChatRouting::visitorHistory(Session& chat, const Json& data) { return history(chat, data, true); }

Result ChatRouting::start(CustomerLeg& leg, const Json& d, std::int64_t nowMs) {
  if (c.customers.liveSessionOf(leg)) return Error(Errc::InvalidState, "this connection is already in a chat or call");
  const std::string number = d["serviceNumber"].get<std::string>();
  auto info = c.tenants.serviceNumber(number);
  if (!info) return Error(Errc::NotFound, "no service number " + number);
  std::int64_t chosen = 0;
  if (d.contains("skillGroupId")) {
    const std::int64_t gid = std::stoll(d["skillGroupId"].get<std::string>());
    const SkillGroupInfo* g = c.tenants.group(info->sdkAppId, gid);
    if (!g || g->type != kImGroupType)
      return Error(Errc::NotFound, "no online (im) skill group " + std::to_string(gid));
    chosen = gid;
  } else {
    for (const auto& [id, g] : c.tenants.groups(info->sdkAppId))
      if (g.type == kImGroupType && (!chosen || id < chosen)) chosen = id;
    if (!chosen) return Error(Errc::NotFound, "this service has no online (im) skill group");
  }
  Session& chat = c.sessions.create(info->sdkAppId, SessionType::Im, Direction::In, nowMs);
  std::string visitor = d.value("userId", "");
  if (visitor.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "visitor-%012llx", static_cast<unsigned long long>(c.rng() & 0xffffffffffffULL));
    visitor = buf;
  }
  chat.customerUserId = chat.caller = visitor;
  chat.callee = chat.serviceNumber = info->number;
  c.customers.bind(chat, leg);
  ChatState& st = adopt(chat, d, nowMs);
  const std::string token = "r-" + SecureRandom::hex(32);  // a credential: from the OS generator
  st.visitorTokenDigest = TokenDigest::of(token);
  Json result{
      {"sessionId", chat.id}, {"visitorToken", token}, {"userId", visitor}, {"skillGroupId", std::to_string(chosen)}};
  journal(chat, nowMs, chosen);  // before enqueue: a chat it ends at once deletes its entry with its CDR
  enqueue(chat, chosen, nowMs, true);
  return result;
}

ChatRouting::ChatState& ChatRouting::adopt(Session& chat, const Json& visitor, std::int64_t nowMs) {
  // chat.start's data and a journal entry name the visitor's fields alike.
  chat.nickname = visitor.value("nickname", "");
  chat.avatar = visitor.value("avatar", "");
  chat.remark = visitor.value("remark", "");
  chat.farEnd = &c.customers;
  auto st = std::make_shared<ChatState>();
  st->peerSource = visitor.value("peerSource", "");
  st->channelName = visitor.value("channelName", "");
  st->clientData = visitor.value("clientData", "");
  st->flood[0] = st->flood[1] = TokenBucket(c.options.chatRatePerSec, c.options.chatBurst, nowMs);
  mChats[chat.id] = st;
  return *st;
}

bool ChatRouting::restore(const LiveChatRecord& entry, std::int64_t nowMs) {
  const Json& r = entry.resume;
  // Entries journaled before tokens were kept as digests hold the token itself.
  const std::string plain = r.value("visitorToken", "");
  const std::string digest = plain.empty() ? r.value("visitorTokenDigest", "") : TokenDigest::of(plain);
  const std::int64_t app = entry.soFar.sdkAppId;
  const std::int64_t gid = r.value("skillGroupId", std::int64_t{0});
  const SkillGroupInfo* group = c.tenants.group(app, gid);
  if (digest.empty() || !group || group->type != kImGroupType) return false;
  std::int64_t lastSeq = 0;
  try {
    lastSeq = repository().lastChatSeq(app, entry.soFar.sessionId);
  } catch (const std::exception&) {
    return false;
  }
  Session* chat = c.sessions.recreate(entry.soFar.sessionId, app, SessionType::Im, Direction::In,
                                      r.value("startMs", entry.soFar.startTimestamp * 1000));
  if (!chat) return false;
  chat->customerUserId = chat->caller = r.value("customerUserId", "");
  chat->callee = chat->serviceNumber = r.value("serviceNumber", "");
  chat->skillGroupId = chat->queuedSkillGroupId = gid;
  chat->skillGroupName = chat->queuedSkillGroupName = group->name;
  chat->phase = SessionPhase::Queued;
  ChatState* st = &adopt(*chat, r, nowMs);
  st->visitorTokenDigest = digest;
  st->lastSeq = lastSeq;
  st->visitorGoneAt = nowMs + c.options.chatVisitorGraceMs;

  const std::string agentUserId = r.value("agentUserId", "");
  std::optional<StaffInfo> staff = agentUserId.empty() ? std::nullopt : c.directory.findStaff(app, agentUserId);
  if (!staff) {
    st->queueOnResume = true;  // no agent is online this early: queued once the visitor is back
    arm(*chat);
    return true;
  }
  Agent& agent = c.lifecycle.holdForReturn(*staff, nowMs);
  chat->acceptMs = r.value("acceptMs", nowMs);
  chat->agent = agent.idx;
  chat->phase = SessionPhase::Connected;
  Participant& leg = chat->addLeg(agent.idx, chat->acceptMs);
  leg.acceptMs = chat->acceptMs;
  leg.skillGroupId = gid;
  c.views.update(agent, *chat, SessionState::Talking, nowMs);
  if (SessionView* v = agent.view(chat->id)) v->acceptMs = chat->acceptMs;
  arm(*chat);
  return true;
}

Result ChatRouting::resume(CustomerLeg& leg, const Json& d, std::int64_t nowMs) {
  const std::string sid = d["sessionId"].get<std::string>();
  const std::string& token = d["visitorToken"].get_ref<const std::string&>();
  Session* chat = c.sessions.find(sid);
  ChatState* st = state(sid);
  // A wrong token and an unknown session look the same: session ids are not secrets, tokens are.
  if (!chat || !chat->isChat() || !st || token.empty() || !TokenDigest::matches(token, st->visitorTokenDigest))
    return Error(Errc::SessionNotFound, "no chat " + sid + " to resume (unknown, forgotten, or a wrong visitorToken)");
  if (Session* other = c.customers.sessionOf(leg); other && other != chat && !other->ended())
    return Error(Errc::InvalidState, "this connection is already in another chat or call");
  c.customers.bind(*chat, leg);  // the old socket may be half-dead: the newest one holds the chat
  st->visitorGoneAt = 0;
  if (st->queueOnResume) {
    st->queueOnResume = false;
    enqueue(*chat, chat->skillGroupId, nowMs, true);  // may end it (nobody online): said below
  }
  arm(*chat);
  Json page = Json::object();
  if (d.contains("afterSeq")) page["afterSeq"] = d["afterSeq"];
  Result answer = history(*chat, page, true);
  if (auto* err = std::get_if<Error>(&answer)) return *err;
  Json out = std::get<Json>(answer);
  CustomerState where = CustomerState::Queued;
  if (chat->phase == SessionPhase::Offering) where = CustomerState::Ringing;
  if (chat->phase == SessionPhase::Connected) where = CustomerState::Connected;
  if (chat->ended()) where = CustomerState::Ended;
  out["state"] = toString(where);
  if (chat->ended()) out["reason"] = toString(chat->endStatus);
  if (chat->phase == SessionPhase::Connected && chat->agent)
    out["agent"] = Json{{"nick", c.agents.at(*chat->agent).displayName()}};
  out["nickname"] = chat->nickname;
  return out;
}

}  // namespace tccc::server::routing
