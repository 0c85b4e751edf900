// SPDX-License-Identifier: Apache-2.0
#include "routing/CdrBuilder.hpp"

#include "routing/AgentRegistry.hpp"
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
    keysEx.push_back(Json{{"Key", k}, {"Label", l}});
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
    seatUser = Json{{"Mail", staff.userId},       {"Name", staff.name},     {"Nick", staff.nick},
                    {"Phone", staff.phone},       {"UserId", staff.userId}, {"StaffNumber", staff.staffNumber},
                    {"SkillGroupNameList", names}};
  }
  Json serve = Json::array();
  int sequence = 0;
  for (auto& p : s.participants) {
    const StaffInfo& staff = c.agents.at(p.agent).staff;
    serve.push_back(
        Json{{"Sequence", sequence++},
             {"Mail", staff.userId},
             {"Phone", staff.phone},
             {"StartTimestamp", seconds(p.startMs)},
             {"RingTimestamp", seconds(p.ringMs)},
             {"AcceptTimestamp", seconds(p.acceptMs)},
             {"EndedTimestamp", seconds(p.endedMs ? p.endedMs : s.endedMs)},
             {"Type", toString(protocol::ServerType::StaffSeat)},
             {"RecordId", ""},
             {"TransferFrom", p.transferFrom},
             {"TransferTo", p.transferTo},
             {"TransferToType", p.transferToType ? std::string(toString(*p.transferToType)) : std::string()},
             {"SkillGroupId", p.skillGroupId},
             {"SkillGroupName", groupName(p.skillGroupId)},
             {"SkillGroupPriority", groupPriority(p.skillGroupId)},
             {"EndStatusString", text(p.status)}});
  }
  const bool outbound = s.direction == Direction::Out;
  std::int64_t ivrDuration = s.queuedMs ? seconds(s.queuedMs) - seconds(s.startMs)
                                        : (!s.ivrOptions.empty() ? seconds(s.endedMs) - seconds(s.startMs) : 0);
  return Json{{"SdkAppId", s.sdkAppId},
              {"SessionId", s.id},
              {"Caller", s.caller},
              {"Callee", s.callee},
              {"Direction", outbound || s.type == SessionType::Internal ? 1 : 0},
              {"CallType", callType(s)},
              {"StartTimestamp", seconds(s.startMs)},
              {"RingTimestamp", seconds(s.ringMs)},
              {"AcceptTimestamp", seconds(s.acceptMs)},
              {"EndedTimestamp", seconds(s.endedMs)},
              {"QueuedTimestamp", seconds(s.queuedMs)},
              {"Duration", s.acceptMs ? seconds(s.endedMs) - seconds(s.acceptMs) : 0},
              {"IVRDuration", std::max<std::int64_t>(0, ivrDuration)},
              {"IVRKeyPressed", keys},
              {"IVRKeyPressedEx", keysEx},
              {"PostIVRKeyPressed", Json::array()},
              {"HungUpSide", s.hungUpSide ? std::string(toString(*s.hungUpSide)) : std::string()},
              {"EndStatusString", toString(s.endStatus)},
              {"SeatUser", seatUser},
              {"ServeParticipants", serve},
              {"QueuedSkillGroupId", s.queuedSkillGroupId},
              {"QueuedSkillGroupName", s.queuedSkillGroupName},
              {"CallerLocation", ""},
              {"TelLocation", Json{{"TelNumber", outbound ? s.callee : s.caller},
                                   {"Country", ""},
                                   {"Province", ""},
                                   {"City", ""},
                                   {"Operator", ""}}},
              {"RecordId", ""},
              {"UserRemark", s.remark},
              {"Uui", s.uui}};
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
