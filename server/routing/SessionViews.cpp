// SPDX-License-Identifier: Apache-2.0
#include "routing/SessionViews.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/JsonObject.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {
constexpr int kDefaultRingTimeoutSec = 30;

// A JSON string as protocol::dump writes it. Nearly every value is printable ASCII with nothing to
// escape, copied as it is; anything else (escapes, UTF-8 to check) goes through the serialiser.
void appendQuoted(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return u >= 0x20 && u < 0x7f && ch != '"' && ch != '\\';
  });
  if (!plain) {
    out += protocol::dump(Json(std::string(text)));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  appendQuoted(out, text);
  return out;
}

}  // namespace

/// A session object written as JSON text without building a tree: members are collected with
/// their values already written, then joined sorted by key, as protocol::dump writes an object
/// (nlohmann's std::map), so the text is byte for byte what the tree gave. A member set twice
/// keeps the later value, as `w[key] = value` did.
class SessionViews::WireText {
 public:
  void string(std::string_view key, std::string_view value) { set(key, quoted(value)); }
  void number(std::string_view key, std::int64_t value) { set(key, std::to_string(value)); }
  void boolean(std::string_view key, bool value) { set(key, value ? "true" : "false"); }
  void json(std::string_view key, const Json& value) { set(key, protocol::dump(value)); }
  void set(std::string_view key, std::string text) {
    for (auto& m : mMembers)
      if (m.key == key) {
        m.text = std::move(text);
        return;
      }
    mMembers.push_back(Member{key, std::move(text)});
  }

  std::string take() {
    std::sort(mMembers.begin(), mMembers.end(), [](const Member& a, const Member& b) { return a.key < b.key; });
    std::size_t size = 2;
    for (auto& m : mMembers) size += m.key.size() + m.text.size() + 4;
    std::string out;
    out.reserve(size);
    out += '{';
    for (auto& m : mMembers) {
      if (out.size() > 1) out += ',';
      appendQuoted(out, m.key);
      out += ':';
      out += m.text;
    }
    out += '}';
    return out;
  }

 private:
  struct Member {
    std::string_view key;  // a literal, or a key of a Json that outlives the writer
    std::string text;
  };
  std::vector<Member> mMembers;
};

bool SessionViews::isOutgoing(const Agent& agent, const Session& s) {
  return (s.type == SessionType::Internal || s.direction == Direction::Out) && !s.participants.empty() &&
         s.participants.front().agent == agent.idx;
}

void SessionViews::wire(WireText& w, const Agent& agent, const Session& s, SessionState state, Json& imFields) const {
  const bool outgoing = isOutgoing(agent, s);
  w.string("sessionId", s.id);
  w.string("type", toString(s.type));
  w.string("direction", outgoing ? "out" : "in");
  w.string("state", toString(state));
  std::int64_t timeout = 0;
  if (state == SessionState::Ringing && s.skillGroupId) {
    if (const SkillGroupInfo* info = c.tenants.group(s.sdkAppId, s.skillGroupId)) timeout = info->ringTimeoutSec;
    if (c.options.ringTimeoutOverrideSec > 0) timeout = c.options.ringTimeoutOverrideSec;
  } else if (state == SessionState::Ringing) {
    timeout = s.type == SessionType::Internal ? c.options.internalRingTimeoutSec : kDefaultRingTimeoutSec;
  }
  w.number("timeout", timeout);
  w.number("createdAt", s.startMs);
  w.string("serverType", toString(protocol::ServerType::StaffSeat));
  w.string("skillGroupId", s.skillGroupId ? std::to_string(s.skillGroupId) : std::string());
  w.boolean("muted", s.muted);
  w.boolean("videoMuted", s.videoMuted);
  w.boolean("held", s.held);
  auto ivrPath = [&] {
    std::string ivr = "[";
    for (auto& [key, label] : s.ivrPath) {
      if (label.empty()) continue;
      if (ivr.size() > 1) ivr += ',';
      ivr += "{\"key\":";
      appendQuoted(ivr, key);
      ivr += ",\"label\":";
      appendQuoted(ivr, label);
      ivr += '}';
    }
    ivr += ']';
    return ivr;
  };
  switch (s.type) {
    case SessionType::Phone:
      w.string("calleePhoneNumber", s.callee);
      w.string("callerPhoneNumber", s.caller);
      w.string("callerLocation", "");
      w.string("remark", s.remark);
      w.set("ivrPath", ivrPath());
      w.string("protectedCallee", "");
      w.string("protectedCaller", "");
      if (!s.uui.empty()) w.string("uui", s.uui);
      break;
    case SessionType::Voip:
      w.string("callee", s.serviceNumber);
      w.string("calleeRemark", "");
      w.string("userId", s.customerUserId);
      w.string("nickname", s.nickname);
      w.string("avatar", s.avatar);
      w.string("remark", s.remark);
      w.string("peerSource", "");
      w.set("ivrPath", ivrPath());
      w.string("clientData", "");
      break;
    case SessionType::Video:
      w.string("userId", s.customerUserId);
      w.string("nickname", s.nickname);
      w.string("avatar", s.avatar);
      w.string("remark", s.remark);
      break;
    case SessionType::Internal:
      w.string("peerUserId", outgoing ? s.callee : s.caller);
      break;
    case SessionType::Im:
      imFields = Json::object();
      c.chats.wireFields(s, imFields);
      for (auto& [k, val] : imFields.items()) w.json(k, val);
      break;
  }
}

void SessionViews::update(Agent& agent, Session& session, SessionState state, std::int64_t nowMs, const Json& extra) {
  SessionView* v = agent.view(session.id);
  if (v && v->ended && state != SessionState::Ended) {
    // The same session comes back to this agent (re-offered after a ring timeout, or transferred
    // back): the old ended view is replaced by the new offer.
    agent.views.erase(agent.views.begin() + (v - agent.views.data()));
    v = nullptr;
  }
  if (!v) {
    prune(agent, nowMs);
    std::size_t ended = 0;
    for (auto& x : agent.views) ended += x.ended ? 1 : 0;
    for (auto it = agent.views.begin(); ended >= kMaxEndedViewsPerAgent && it != agent.views.end();) {
      if (it->ended) {
        it = agent.views.erase(it);  // oldest first: views are kept in creation order
        --ended;
      } else {
        ++it;
      }
    }
    agent.views.push_back(SessionView{});
    v = &agent.views.back();
    v->sessionId = session.id;
  }
  WireText w;
  Json imFields;  // holds the keys `w` refers to
  wire(w, agent, session, state, imFields);
  if (state == SessionState::Ended) {
    v->ended = true;
    v->endedAtMs = nowMs;
    w.number("duration", v->acceptMs ? (nowMs - v->acceptMs) / 1000 : 0);
  }
  if (extra.is_object())
    for (auto& [k, val] : extra.items()) w.json(k, val);
  v->wire = w.take();
  v->state = state;
  v->type = session.type;
  v->outgoing = isOutgoing(agent, session);
  // The event carries the text as it is kept for snapshots.
  std::string data;
  data.reserve(v->wire.size() + 12);
  data += "{\"session\":";
  data += v->wire;
  data += '}';
  c.agents.notifyText(agent, "session.state", data);
}

void SessionViews::refresh(Agent& agent, Session& session, std::int64_t nowMs) {
  SessionView* v = agent.view(session.id);
  update(agent, session, v ? v->state : SessionState::Talking, nowMs);
}

void SessionViews::end(Session& session, Agent& agent, const EndSpec& spec, EndReason endReason, bool connected,
                       std::int64_t nowMs) {
  // Who closed it, as this agent sees it: itself (seat), or — in an internal call the other agent
  // hung up — its far end (client), the way a customer who hangs up is.
  const bool byThisAgent = spec.actor && *spec.actor == agent.idx;
  const bool byTheOtherAgent = spec.actor && !byThisAgent;
  const CloseBy closeBy = byThisAgent ? CloseBy::Seat : byTheOtherAgent ? CloseBy::Client : spec.closeBy;
  Json extra = JsonObject().add("endReason", toString(endReason)).add("closeBy", toString(closeBy)).take();
  if (spec.mainReason && (session.type == SessionType::Phone || session.type == SessionType::Internal))
    extra["mainReason"] = toString(*spec.mainReason);
  if (Participant* leg = session.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = leg->acceptMs || !connected ? spec.endStatus : EndStatus::Ok;
  }
  update(agent, session, SessionState::Ended, nowMs, extra);
}

Result SessionViews::forget(Agent& agent, const std::string& sessionId) {
  SessionView* v = agent.view(sessionId);
  if (!v) return Error(Errc::SessionNotFound, "no session " + sessionId);
  if (!v->ended) return Error(Errc::InvalidState, "only an ended session can be deleted");
  agent.views.erase(agent.views.begin() + (v - agent.views.data()));
  return Json::object();
}

void SessionViews::prune(Agent& agent, std::int64_t nowMs) {
  agent.views.erase(std::remove_if(agent.views.begin(), agent.views.end(),
                                   [&](const SessionView& v) {
                                     return v.ended && nowMs - v.endedAtMs >= c.options.endedRetentionMs;
                                   }),
                    agent.views.end());
}

Json SessionViews::snapshot(Agent& agent, std::int64_t nowMs) {
  prune(agent, nowMs);
  Json sessions = Json::array();
  for (auto& v : agent.views) sessions.push_back(Json::parse(v.wire));  // text this server wrote
  c.chats.refreshWires(sessions);
  Json a{{"userId", agent.staff.userId},
         {"sdkAppId", agent.sdkAppId},
         {"name", agent.staff.name},
         {"nick", agent.staff.nick},
         {"staffNumber", agent.staff.staffNumber},
         {"status", toString(agent.status)},
         {"restReason", agent.restReason}};
  Json groups = Json::array();
  for (auto g : agent.groups) {
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, g);
    groups.push_back(Json{{"skillGroupId", std::to_string(g)}, {"name", info ? info->name : ""}});
  }
  a["skillGroups"] = std::move(groups);
  return Json{{"resumeToken", agent.resumeToken},
              {"heartbeatMs", c.options.heartbeatMs},
              {"serverTime", nowMs},
              {"seq", agent.seq},
              {"agent", std::move(a)},
              {"sessions", std::move(sessions)},
              {"iceServers", c.options.iceServers}};
}

}  // namespace tccc::server::routing
