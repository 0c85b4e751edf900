// SPDX-License-Identifier: Apache-2.0
#include "routing/Ivr.hpp"

#include "routing/CallControl.hpp"
#include "routing/CallRouting.hpp"
#include "routing/FarEnd.hpp"

namespace tccc::server::routing {

void Ivr::start(Session& session, const ServiceNumberInfo& number, std::int64_t nowMs) {
  session.ivrPrompt = number.ivrPrompt;
  session.ivrOptions = number.ivrOptions;
  session.phase = SessionPhase::Ivr;
  play(session, nowMs);
}

void Ivr::play(Session& session, std::int64_t nowMs) {
  Json options = Json::array();
  for (auto& o : session.ivrOptions) options.push_back(Json{{"key", o.key}, {"label", o.label}});
  Json menu{{"sessionId", session.id},
            {"prompt", session.ivrPrompt},
            {"options", options},
            {"attempt", session.ivrAttempts + 1},
            {"maxAttempts", c.options.maxIvrAttempts}};
  session.history.push_back(Json{{"state", "ivr"}, {"attempt", session.ivrAttempts + 1}});
  if (session.farEnd) session.farEnd->ivrMenu(session, menu);
  c.calls.armTimer(session, nowMs + c.options.ivrInputTimeoutSec * 1000LL);
}

void Ivr::key(Session& session, char key, std::int64_t nowMs) {
  if (session.phase != SessionPhase::Ivr) return;
  if (key != 0) {
    for (auto& o : session.ivrOptions) {
      if (o.key.size() == 1 && o.key[0] == key) {
        session.ivrPath.emplace_back(o.key, o.label);
        c.callRouting.enqueue(session, o.skillGroupId, nowMs, true);
        return;
      }
    }
    session.ivrPath.emplace_back(std::string(1, key), "");
  }
  // A wrong key or silence replays the menu, up to maxIvrAttempts times.
  if (++session.ivrAttempts >= c.options.maxIvrAttempts) {
    c.calls.end(session, EndSpec{EndStatus::IvrEnd, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}},
                nowMs);
    return;
  }
  play(session, nowMs);
}

}  // namespace tccc::server::routing
