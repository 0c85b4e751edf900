// SPDX-License-Identifier: Apache-2.0
#include "routing/CdrBuilder.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/JsonObject.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {

// CallType of the CDR: 1 outbound voice, 2 inbound voice, 3 inbound audio (voip, video), 6 internal.
int callType(const Session& s) {
  if (s.type == SessionType::Internal) return 6;
  if (s.direction == Direction::Out) return 1;
  if (s.type == SessionType::Voip || s.type == SessionType::Video) return 3;
  return 2;
}

// IMCdrInfo.EndStatus of the cloud API: 0 abnormal, 1 normal, 3 no agent online, 101 transferred,
// 108 visitor timed out, 109 the visitor ended it.
int imEndStatus(EndStatus endStatus, std::optional<HungUpSide> side) {
  switch (endStatus) {
    case EndStatus::Ok:
      return side == HungUpSide::User ? 109 : 1;
    case EndStatus::NoSeatOnline:
      return 3;
    case EndStatus::UserTimeout:
    case EndStatus::WaitingTimeout:
      return 108;
    case EndStatus::WaitingGiveUp:
    case EndStatus::RingingGiveUp:
      return 109;
    default:
      return 0;
  }
}

std::string text(std::optional<EndStatus> status) { return status ? std::string(toString(*status)) : std::string(); }

}  // namespace

Json CdrBuilder::phoneCdr(const Session& s) const {
  // Also built for a live call (the crash journal, CallControl::journal): its end is not known
  // yet, so EndedTimestamp is 0, and so is the EndedTimestamp of every leg still open.
  // Built member by member (JsonObject): one CDR per call, and its Json{{…}} form was ~5 % of
  // the server's CPU in bench/load.mjs, mostly copies of the nested trees.
  auto groupName = [&](std::int64_t gid) -> std::string {
    const SkillGroupInfo* info = c.tenants.group(s.sdkAppId, gid);
    return info ? info->name : "";
  };
  auto groupPriority = [&](std::int64_t gid) -> int {
    const SkillGroupInfo* info = c.tenants.group(s.sdkAppId, gid);
    return info ? info->priority : 0;
  };
  Json keys = Json::array(), keysEx = Json::array();
  for (auto& [k, l] : s.ivrPath) {
    keys.push_back(k);
    keysEx.push_back(JsonObject().add("Key", k).add("Label", l).take());
  }
  // SeatUser: the last agent who took the call, else the last one it was offered to; for an
  // internal call, the caller.
  const Participant* seat = nullptr;
  for (auto& p : s.participants)
    if (p.acceptMs) seat = &p;
  if (!seat && !s.participants.empty()) seat = &s.participants.back();
  if (s.type == SessionType::Internal && !s.participants.empty()) seat = &s.participants.front();
  Json seatUser = Json::object();
  if (seat) {
    const Agent& agent = c.agents.at(seat->agent);
    const StaffInfo& staff = agent.staff;
    Json names = Json::array();
    for (auto g : agent.groups) names.push_back(groupName(g));
    seatUser = JsonObject()
                   .add("Mail", staff.userId)
                   .add("Name", staff.name)
                   .add("Nick", staff.nick)
                   .add("Phone", staff.phone)
                   .add("UserId", staff.userId)
                   .add("StaffNumber", staff.staffNumber)
                   .add("SkillGroupNameList", std::move(names))
                   .take();
  }
  Json serve = Json::array();
  int sequence = 0;
  for (auto& p : s.participants) {
    const StaffInfo& staff = c.agents.at(p.agent).staff;
    serve.push_back(
        JsonObject()
            .add("Sequence", sequence++)
            .add("Mail", staff.userId)
            .add("Phone", staff.phone)
            .add("StartTimestamp", seconds(p.startMs))
            .add("RingTimestamp", seconds(p.ringMs))
            .add("AcceptTimestamp", seconds(p.acceptMs))
            .add("EndedTimestamp", seconds(p.endedMs ? p.endedMs : s.endedMs))
            .add("Type", toString(protocol::ServerType::StaffSeat))
            .add("RecordId", "")
            .add("TransferFrom", p.transferFrom)
            .add("TransferTo", p.transferTo)
            .add("TransferToType", p.transferToType ? std::string(toString(*p.transferToType)) : std::string())
            .add("SkillGroupId", p.skillGroupId)
            .add("SkillGroupName", groupName(p.skillGroupId))
            .add("SkillGroupPriority", groupPriority(p.skillGroupId))
            .add("EndStatusString", text(p.status))
            .take());
  }
  const bool outbound = s.direction == Direction::Out;
  std::int64_t ivrDuration = s.queuedMs ? seconds(s.queuedMs) - seconds(s.startMs)
                                        : (!s.ivrOptions.empty() ? seconds(s.endedMs) - seconds(s.startMs) : 0);
  return JsonObject()
      .add("SdkAppId", s.sdkAppId)
      .add("SessionId", s.id)
      .add("Caller", s.caller)
      .add("Callee", s.callee)
      .add("Direction", outbound || s.type == SessionType::Internal ? 1 : 0)
      .add("CallType", callType(s))
      .add("StartTimestamp", seconds(s.startMs))
      .add("RingTimestamp", seconds(s.ringMs))
      .add("AcceptTimestamp", seconds(s.acceptMs))
      .add("EndedTimestamp", seconds(s.endedMs))
      .add("QueuedTimestamp", seconds(s.queuedMs))
      .add("Duration", s.acceptMs && s.endedMs ? seconds(s.endedMs) - seconds(s.acceptMs) : 0)
      .add("IVRDuration", std::max<std::int64_t>(0, ivrDuration))
      .add("IVRKeyPressed", std::move(keys))
      .add("IVRKeyPressedEx", std::move(keysEx))
      .add("PostIVRKeyPressed", Json::array())
      .add("HungUpSide", s.hungUpSide ? std::string(toString(*s.hungUpSide)) : std::string())
      .add("EndStatusString", toString(s.endStatus))
      .add("SeatUser", std::move(seatUser))
      .add("ServeParticipants", std::move(serve))
      .add("QueuedSkillGroupId", s.queuedSkillGroupId)
      .add("QueuedSkillGroupName", s.queuedSkillGroupName)
      .add("CallerLocation", "")
      .add("TelLocation", JsonObject()
                              .add("TelNumber", outbound ? s.callee : s.caller)
                              .add("Country", "")
                              .add("Province", "")
                              .add("City", "")
                              .add("Operator", "")
                              .take())
      .add("RecordId", "")
      .add("UserRemark", s.remark)
      .add("Uui", s.uui)
      .take();
}

ImCdrRecord CdrBuilder::imCdr(const Session& s) const {
  const Participant* seat = nullptr;
  for (const auto& p : s.participants)
    if (p.acceptMs) seat = &p;
  ImCdrRecord r;
  r.sdkAppId = s.sdkAppId;
  r.sessionId = s.id;
  r.startTimestamp = seconds(s.startMs);
  r.cdr = Json{{"Id", s.id},
               {"Duration", s.acceptMs ? seconds(s.endedMs) - seconds(s.acceptMs) : 0},
               {"EndStatus", imEndStatus(s.endStatus, s.hungUpSide)},
               {"Nickname", s.nickname},
               {"Type", 2},
               {"StaffId", seat ? c.agents.at(seat->agent).staff.userId : std::string()},
               {"Timestamp", seconds(s.startMs)},
               {"SessionId", s.id},
               {"SkillGroupId", s.skillGroupId ? std::to_string(s.skillGroupId) : std::string()},
               {"SkillGroupName", s.skillGroupName},
               {"Satisfaction", nullptr},
               {"ClientUserId", s.customerUserId}};
  return r;
}

}  // namespace tccc::server::routing
