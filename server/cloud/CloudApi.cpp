// SPDX-License-Identifier: Apache-2.0
#include "cloud/CloudApi.hpp"

#include "cloud/Tc3Signer.hpp"
#include "http/QueryString.hpp"
#include "random/SecureRandom.hpp"
#include "store/SqliteDatabase.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace tccc::server {

namespace {

constexpr std::int64_t kMaxId = 9007199254740991;  // 2^53 − 1: what a JavaScript number holds exactly
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

HttpResponse envelope(Json response) {
  HttpResponse out;
  out.status = 200;
  out.contentType = "application/json";
  out.body = protocol::dump(Json{{"Response", std::move(response)}});
  return out;
}

// E-mail shaped: something@something, printable, no spaces. The cloud uses the e-mail as the
// agent's account, and our WebSocket login and SdkURL carry it, so keep it tame.
bool plausibleEmail(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size() || s.find('@', at + 1) != std::string::npos)
    return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c != 0x7f; });
}

bool plausiblePhone(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == '+' || c == '-'; });
}

std::string groupTypeName(int skillGroupType) {
  switch (skillGroupType) {
    case 0:
      return "tel";
    case 1:
      return "im";
    case 3:
      return "voip";
    case 4:
      return "video";
    default:
      return "tel";
  }
}

// SkillGroupInfoItem.Type, documented as "IM, TEL, ALL".
std::string groupTypeLabel(int skillGroupType) {
  switch (skillGroupType) {
    case 0:
      return "TEL";
    case 1:
      return "IM";
    default:
      return "ALL";
  }
}

// EndStatusString -> EndStatus, as listed in the TelCdrInfo model documentation.
int endStatusCode(const std::string& s) {
  static const std::map<std::string, int> kCodes = {
      {"error", 0},
      {"ok", 1},
      {"unconnected", 2},
      {"blackList", 100},
      {"ivrGiveUp", 102},
      {"waitingGiveUp", 103},
      {"ringingGiveUp", 104},
      {"noSeatOnline", 105},
      {"notWorkTime", 106},
      {"ivrEnd", 107},
      {"unknown", 201},
      {"notAnswer", 202},
      {"userReject", 203},
      {"powerOff", 204},
      {"numberNotExist", 205},
      {"busy", 206},
      {"outOfCredit", 207},
      {"operatorError", 208},
      {"callerCancel", 209},
      {"notInService", 210},
      {"clientError", 211},
  };
  auto it = kCodes.find(s);
  return it == kCodes.end() ? 0 : it->second;
}

void paging(const ParamReader& p, std::int64_t& offset, std::int64_t& limit, bool required, std::int64_t defaultSize) {
  std::int64_t size = required ? p.requireInt("PageSize", 1, 100) : p.optInt("PageSize", 1, 100).value_or(defaultSize);
  std::int64_t number =
      required ? p.requireInt("PageNumber", 0, 1000000) : p.optInt("PageNumber", 0, 1000000).value_or(0);
  offset = number * size;
  limit = size;
}

template <class T>
Json page(const std::vector<T>& items, std::int64_t offset, std::int64_t limit) {
  Json out = Json::array();
  for (std::int64_t i = offset; i < static_cast<std::int64_t>(items.size()) && i < offset + limit; ++i)
    out.push_back(items[static_cast<std::size_t>(i)]);
  return out;
}

}  // namespace

CloudApi::CloudApi(TenantRepository& tenants, StaffRepository& staff, SkillGroupRepository& groups,
                   NumberRepository& numbers, CdrRepository& cdrs, StoreDirectory& directory, CloudApiOptions options,
                   std::function<std::int64_t()> clockSec)
    : mTenants(tenants),
      mStaff(staff),
      mGroups(groups),
      mNumbers(numbers),
      mCdrs(cdrs),
      mDirectory(directory),
      mOptions(std::move(options)),
      mClock(std::move(clockSec)),
      mServiceNumbers(numbers, groups) {
  while (!mOptions.publicUrl.empty() && mOptions.publicUrl.back() == '/') mOptions.publicUrl.pop_back();
  // `writes`: the action stores something (a login token is stored too); HangUpCall changes only
  // the live call.
  mActions = {
      {"CreateSDKLoginToken", {&CloudApi::createSdkLoginToken, true}},
      {"CreateStaff", {&CloudApi::createStaff, true}},
      {"ModifyStaff", {&CloudApi::modifyStaff, true}},
      {"DeleteStaff", {&CloudApi::deleteStaff, true}},
      {"DescribeStaffInfoList", {&CloudApi::describeStaffInfoList, false}},
      {"CreateCCCSkillGroup", {&CloudApi::createSkillGroup, true}},
      {"DescribeSkillGroupInfoList", {&CloudApi::describeSkillGroupInfoList, false}},
      {"BindStaffSkillGroupList", {&CloudApi::bindStaffSkillGroupList, true}},
      {"UnbindStaffSkillGroupList", {&CloudApi::unbindStaffSkillGroupList, true}},
      {"DescribeNumbers", {&CloudApi::describeNumbers, false}},
      {"DescribeTelCdr", {&CloudApi::describeTelCdr, false}},
      {"DescribeTelRecordAsr", {&CloudApi::describeTelRecordAsr, false}},
      {"DescribeTelSession", {&CloudApi::describeTelSession, false}},
      {"DescribeStaffStatusMetrics", {&CloudApi::describeStaffStatusMetrics, false}},
      {"HangUpCall", {&CloudApi::hangUpCall, false}},
      {"DescribeIMCdrs", {&CloudApi::describeImCdrs, false}},
      {"DescribeChatMessages", {&CloudApi::describeChatMessages, false}},
      // tccc's own: the cloud leaves service numbers and IVR menus to its web console.
      {"DescribeServiceNumbers", {&CloudApi::describeServiceNumbers, false}},
      {"ModifyServiceNumber", {&CloudApi::modifyServiceNumber, true}},
      {"DeleteServiceNumber", {&CloudApi::deleteServiceNumber, true}},
  };
}

// The cloud's code for a failed database access; the message says that retrying later is safe.
CloudApiError CloudApi::storageUnavailable() {
  return CloudApiError{"InternalError.DBError",
                       "The server's storage is failing, so nothing was changed; retry once it has recovered "
                       "(GET /healthz reports the storage state)."};
}

std::vector<std::string> CloudApi::actions() const {
  std::vector<std::string> out;
  for (const auto& [name, fn] : mActions) out.push_back(name);
  return out;
}

HttpResponse CloudApi::errorResponse(const std::string& code, const std::string& message) {
  return envelope(Json{{"Error", {{"Code", code}, {"Message", message}}}, {"RequestId", SecureRandom::uuid()}});
}

HttpResponse CloudApi::handle(const HttpRequest& request) {
  return answer(request.remote,
                [&](std::string& action, std::int64_t& sdkAppId) { return dispatch(request, action, sdkAppId); });
}

HttpResponse CloudApi::handleForTenant(std::int64_t sdkAppId, const std::string& action, const std::string& body,
                                       const std::string& caller) {
  return answer(caller, [&](std::string& shownAction, std::int64_t& shownApp) {
    shownApp = sdkAppId;
    shownAction = action;
    // A console session runs the tenant's own administration; it never mints agent logins.
    if (action == "CreateSDKLoginToken")
      throw CloudApiError{"UnauthorizedOperation", "CreateSDKLoginToken is for the tenant's backend, not the console."};
    const ActionEntry& entry = admit(shownAction, "console:" + std::to_string(sdkAppId));
    Json params = parseBody(body);
    // The session names the tenant: an SdkAppId in the body may only repeat it.
    if (!params.contains("SdkAppId")) params["SdkAppId"] = sdkAppId;
    return perform(entry, sdkAppId, params);
  });
}

HttpResponse CloudApi::answer(const std::string& caller,
                              const std::function<Json(std::string& action, std::int64_t& sdkAppId)>& work) {
  std::string action;
  std::int64_t sdkAppId = 0;
  try {
    Json response = work(action, sdkAppId);
    response["RequestId"] = SecureRandom::uuid();
    spdlog::info("cloud api {} app={} ok", action.empty() ? "-" : action, sdkAppId);
    return envelope(std::move(response));
  } catch (const CloudApiError& e) {
    spdlog::info("cloud api {} app={} from={} -> {}", action.empty() ? "-" : action, sdkAppId, caller, e.code);
    return errorResponse(e.code, e.message);
  } catch (const std::exception& e) {
    spdlog::error("cloud api {} app={} failed: {}", action, sdkAppId, e.what());
    return errorResponse("InternalError", "An internal error occurred; the request may be retried.");
  } catch (...) {
    spdlog::error("cloud api {} app={} failed with an unknown exception", action, sdkAppId);
    return errorResponse("InternalError", "An internal error occurred; the request may be retried.");
  }
}

Json CloudApi::dispatch(const HttpRequest& request, std::string& action, std::int64_t& sdkAppId) {
  if (request.method != "POST")
    throw CloudApiError{"UnsupportedOperation", "Only POST requests with a JSON body are supported."};
  if (request.body.size() > kMaxBodyBytes)
    throw CloudApiError{"InvalidParameter", "The request body is larger than 1 MiB."};

  // --- authentication (TC3-HMAC-SHA256) ---
  std::string authorization = request.header("authorization");
  if (authorization.empty())
    throw CloudApiError{"AuthFailure.InvalidAuthorization", "The Authorization header is missing."};
  auto auth = Tc3Signer::parseAuthorization(authorization);
  if (!auth)
    throw CloudApiError{"AuthFailure.InvalidAuthorization",
                        "The Authorization header is not a valid TC3-HMAC-SHA256 authorization."};
  std::string timestampText = request.header("x-tc-timestamp");
  if (timestampText.empty())
    throw CloudApiError{"MissingParameter", "The request is missing the header `X-TC-Timestamp`."};
  if (timestampText.size() > 12 || !std::all_of(timestampText.begin(), timestampText.end(), ::isdigit))
    throw CloudApiError{"InvalidParameter", "The header `X-TC-Timestamp` must be a Unix timestamp in seconds."};
  const std::int64_t timestamp = std::stoll(timestampText);
  const std::int64_t now = mClock();
  if (timestamp < now - mOptions.timestampWindowSec || timestamp > now + mOptions.timestampWindowSec)
    throw CloudApiError{"AuthFailure.SignatureExpire",
                        "The request timestamp is more than 5 minutes away from the server time (server time " +
                            std::to_string(now) + ")."};
  auto credential = mTenants.findCredential(auth->secretId);
  if (!credential) throw CloudApiError{"AuthFailure.SecretIdNotFound", "The SecretId does not exist."};
  if (!Tc3Signer::verify(*auth, credential->secretKey, timestamp, "POST", request.path, request.query, request.headers,
                         request.body))
    throw CloudApiError{"AuthFailure.SignatureFailure",
                        "The request signature does not match; check the SecretKey and the signing steps."};
  sdkAppId = credential->sdkAppId;

  // --- action and version ---
  action = request.header("x-tc-action");
  if (action.empty()) throw CloudApiError{"MissingParameter", "The request is missing the header `X-TC-Action`."};
  std::string version = request.header("x-tc-version");
  if (version.empty()) throw CloudApiError{"MissingParameter", "The request is missing the header `X-TC-Version`."};
  if (version != kVersion)
    throw CloudApiError{"NoSuchVersion", "The API version `" + version.substr(0, 32) + "` does not exist; use " +
                                             std::string(kVersion) + "."};
  const ActionEntry& entry = admit(action, credential->secretId);

  if (!request.hasContentType("application/json"))
    throw CloudApiError{"UnsupportedOperation", "The Content-Type must be application/json."};
  return perform(entry, sdkAppId, parseBody(request.body));
}

Json CloudApi::parseBody(const std::string& body) {
  if (body.size() > kMaxBodyBytes) throw CloudApiError{"InvalidParameter", "The request body is larger than 1 MiB."};
  Json params = body.empty() ? Json::object() : protocol::parseJson(body, kMaxBodyBytes, 64);
  if (params.is_discarded()) throw CloudApiError{"InvalidParameter", "The request body is not valid JSON."};
  if (!params.is_object()) throw CloudApiError{"InvalidParameter", "The request body must be a JSON object."};
  return params;
}

const CloudApi::ActionEntry& CloudApi::admit(std::string& action, const std::string& rateKey) {
  auto it = mActions.find(action);
  if (it == mActions.end()) {
    std::string shown = action.substr(0, 64);
    action = "?";
    throw CloudApiError{"InvalidAction", "The action `" + shown + "` does not exist or is not implemented here."};
  }
  auto bucket = mLimits.try_emplace({rateKey, action}, mOptions.actionRatePerSec, mOptions.actionBurst).first;
  if (!bucket->second.take())
    throw CloudApiError{"RequestLimitExceeded", "Too many " + action + " requests for this SecretId; slow down."};
  return it->second;
}

Json CloudApi::perform(const ActionEntry& entry, std::int64_t sdkAppId, const Json& body) {
  if (entry.writes && mBreaker && mBreaker->isOpen()) throw storageUnavailable();
  ParamReader params(body);
  Call call{sdkAppId, params, mClock()};
  try {
    return (this->*(entry.run))(call);
  } catch (const DiskError&) {
    // The disk refused the write (the breaker has opened): nothing was changed.
    throw storageUnavailable();
  }
}

void CloudApi::requireOwnApp(const Call& call, bool required) {
  auto app = required ? std::optional<std::int64_t>(call.params.requireInt("SdkAppId", 0, kMaxId))
                      : call.params.optInt("SdkAppId", 0, kMaxId);
  if (app && *app != call.sdkAppId)
    throw CloudApiError{"AuthFailure.UnauthorizedOperation",
                        "The SdkAppId " + std::to_string(*app) + " does not belong to this SecretId."};
}

void CloudApi::notifyDirectoryChanged(std::int64_t sdkAppId) {
  if (!mLiveOps) return;
  try {
    mLiveOps->directoryChanged(sdkAppId);
  } catch (const std::exception& e) {
    // The change is stored; the contact center re-reads the directory on its next login anyway.
    spdlog::error("directoryChanged({}) failed: {}", sdkAppId, e.what());
  }
}

std::map<std::int64_t, SkillGroupRecord> CloudApi::groupsById(std::int64_t sdkAppId) {
  std::map<std::int64_t, SkillGroupRecord> out;
  for (auto& g : mGroups.listSkillGroups(sdkAppId)) out.emplace(g.info.skillGroupId, std::move(g));
  return out;
}

// --- CreateSDKLoginToken ---------------------------------------------------------------------------

Json CloudApi::createSdkLoginToken(const Call& call) {
  requireOwnApp(call);
  std::string user = call.params.requireString("SeatUserId", 128);
  bool onlyOnce = call.params.optBool("OnlyOnce").value_or(false);
  if (!mStaff.findStaff(call.sdkAppId, user))
    throw CloudApiError{"ResourceNotFound", "No staff member `" + user + "` exists in this application."};
  auto issued = mDirectory.issueLoginToken(call.sdkAppId, user, onlyOnce, call.now, mOptions.loginTokenTtlSec);
  // The login rides in the fragment (js/src/Settings.ts, paramsFromUrl): the browser never sends it,
  // so the token stays out of access logs and Referer headers, and every agent's script has the same
  // URL, which lets browsers keep it compiled between logins.
  std::string url = mOptions.publicUrl + "/sdk/tccc.js#sdkAppId=" + std::to_string(call.sdkAppId) +
                    "&userId=" + QueryString::encode(user) + "&token=" + issued.token;
  return Json{{"Token", issued.token}, {"ExpiredTime", issued.expiresAt}, {"SdkURL", url}};
}

// --- staff ---------------------------------------------------------------------------------------

Json CloudApi::staffJson(const StaffRecord& staff, const std::map<std::int64_t, SkillGroupRecord>& groups) const {
  Json skillGroups = Json::array();
  for (const auto& [id, priority] : staff.skillGroupPriority) {
    auto g = groups.find(id);
    if (g == groups.end()) continue;
    skillGroups.push_back({{"SkillGroupId", id},
                           {"SkillGroupName", g->second.info.name},
                           {"Priority", priority},
                           {"Type", groupTypeLabel(g->second.skillGroupType)}});
  }
  return Json{{"Name", staff.info.name},
              {"Mail", staff.info.userId},
              {"Phone", staff.info.phone},
              {"Nick", staff.info.nick},
              {"StaffNumber", staff.info.staffNumber},
              {"RoleId", staff.role},
              {"RoleIdList", staff.role},
              {"RoleList", Json::array({staff.role})},
              {"SkillGroupList", skillGroups},
              {"LastModifyTimestamp", staff.modifiedAt},
              {"ExtensionNumber", ""}};
}

Json CloudApi::createStaff(const Call& call) {
  requireOwnApp(call);
  auto staffs = call.params.optObjectArray("Staffs", 100);
  if (!staffs) throw CloudApiError{"MissingParameter", "The request is missing a required parameter `Staffs`."};
  if (staffs->empty()) call.params.invalidValue("Staffs", "must list at least one staff member");
  call.params.optBool("SendPassword");  // type-checked; there are no passwords to send here

  // Validate every entry before writing any, so a type error leaves nothing half-created.
  struct Entry {
    StaffRecord record;
    std::vector<std::string> groupNames;
  };
  std::vector<Entry> entries;
  for (const auto& p : *staffs) {
    Entry e;
    e.record.info.sdkAppId = call.sdkAppId;
    e.record.info.name = p.requireString("Name", 64);
    e.record.info.userId = p.requireString("Mail", 128);
    if (!plausibleEmail(e.record.info.userId)) p.invalidValue("Mail", "must be an e-mail address");
    e.record.info.staffNumber = p.optString("StaffNumber", 32).value_or("");
    e.record.info.phone = p.optString("Phone", 32).value_or("");
    if (!plausiblePhone(e.record.info.phone)) p.invalidValue("Phone", "must contain only digits, '+' and '-'");
    e.record.info.nick = p.optString("Nick", 64).value_or("");
    p.optString("UserId", 128);
    p.optString("ExtensionNumber", 32);
    // SeatUserInfo.Role: 1 administrator, 2 quality inspector, 3 agent (the least, when not given).
    e.record.role = static_cast<int>(p.optInt("Role", 1, 3).value_or(3));
    e.record.modifiedAt = call.now;
    e.groupNames = p.optStringArray("SkillGroupNameList", 100, 64).value_or(std::vector<std::string>{});
    entries.push_back(std::move(e));
  }

  auto groups = groupsById(call.sdkAppId);
  Json errors = Json::array();
  bool changed = false;
  std::set<std::string> seen;
  for (auto& e : entries) {
    const std::string& mail = e.record.info.userId;
    bool bad = false;
    for (const auto& name : e.groupNames) {
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& kv) { return kv.second.info.name == name; });
      if (g == groups.end()) {
        errors.push_back({{"StaffEmail", mail},
                          {"Code", "InvalidParameterValue.SkillGroupNotExist"},
                          {"Message", "no skill group is named `" + name + "`"}});
        bad = true;
        break;
      }
      e.record.skillGroupPriority[g->first] = 1;
    }
    if (bad) continue;
    if (!seen.insert(mail).second || !mStaff.insertStaff(e.record)) {
      errors.push_back({{"StaffEmail", mail},
                        {"Code", "InvalidParameterValue.AccountExists"},
                        {"Message", "a staff member with this e-mail exists already"}});
      continue;
    }
    changed = true;
  }
  if (changed) notifyDirectoryChanged(call.sdkAppId);
  return Json{{"ErrorStaffList", errors}};
}

Json CloudApi::modifyStaff(const Call& call) {
  requireOwnApp(call);
  const auto& p = call.params;
  std::string mail = p.requireString("Email", 128);
  auto name = p.optString("Name", 64);
  if (name && name->empty()) p.invalidValue("Name", "must not be empty");
  auto phone = p.optString("Phone", 32);
  if (phone && !plausiblePhone(*phone)) p.invalidValue("Phone", "must contain only digits, '+' and '-'");
  auto nick = p.optString("Nick", 64);
  auto staffNo = p.optString("StaffNo", 32);
  auto groupIds = p.optIntArray("SkillGroupIds", 100);
  // Answering or calling out on the agent's own mobile needs a telephone network this server does
  // not have: say so instead of storing a setting that would silently do nothing.
  if (p.optBool("UseMobileCallOut").value_or(false))
    throw CloudApiError{"UnsupportedOperation", "UseMobileCallOut is not supported by this server."};
  if (p.optInt("UseMobileAccept", 0, 2).value_or(0) != 0)
    throw CloudApiError{"UnsupportedOperation", "UseMobileAccept is not supported by this server."};
  if (p.has("ExtensionNumber") || p.has("ForwardingConfig"))
    throw CloudApiError{"UnsupportedOperation", "Extensions and call forwarding are not supported by this server."};

  auto staff = mStaff.findStaff(call.sdkAppId, mail);
  if (!staff) throw CloudApiError{"ResourceNotFound", "No staff member `" + mail + "` exists in this application."};
  if (groupIds) {
    for (auto id : *groupIds)
      if (!mGroups.findSkillGroup(call.sdkAppId, id))
        p.invalidValue("SkillGroupIds", "skill group " + std::to_string(id) + " does not exist");
  }
  if (name) staff->info.name = *name;
  if (phone) staff->info.phone = *phone;
  if (nick) staff->info.nick = *nick;
  if (staffNo) staff->info.staffNumber = *staffNo;
  staff->modifiedAt = call.now;
  mStaff.updateStaff(*staff);
  if (groupIds) {
    std::map<std::int64_t, int> bindings;
    for (auto id : *groupIds) {
      auto old = staff->skillGroupPriority.find(id);
      bindings[id] = old == staff->skillGroupPriority.end() ? 1 : old->second;
    }
    mStaff.setStaffSkillGroups(call.sdkAppId, mail, bindings);
  }
  notifyDirectoryChanged(call.sdkAppId);
  return Json::object();
}

std::map<std::string, std::string> CloudApi::liveStatuses(std::int64_t sdkAppId,
                                                          const std::vector<std::string>& userIds) {
  std::map<std::string, std::string> out;
  for (const auto& u : userIds) out[u] = "offline";
  if (!mLiveOps || userIds.empty()) return out;
  Json rows = mLiveOps->staffStatusMetrics(sdkAppId, userIds);
  if (!rows.is_array()) return out;
  for (const auto& row : rows) {
    if (!row.is_object() || !row.contains("Email") || !row["Email"].is_string()) continue;
    if (row.contains("Status") && row["Status"].is_string()) out[row["Email"].get<std::string>()] = row["Status"];
  }
  return out;
}

Json CloudApi::deleteStaff(const Call& call) {
  requireOwnApp(call);
  auto list = call.params.optStringArray("StaffList", 100, 128);
  if (!list) throw CloudApiError{"MissingParameter", "The request is missing a required parameter `StaffList`."};
  if (list->empty()) call.params.invalidValue("StaffList", "must list at least one e-mail");
  auto statuses = liveStatuses(call.sdkAppId, *list);
  Json online = Json::array();
  Json notFound = Json::array();
  bool changed = false;
  for (const auto& mail : *list) {
    // Like the cloud, an agent who is signed in is not deleted: the caller is told to retry later.
    if (statuses[mail] != "offline") {
      online.push_back(mail);
      continue;
    }
    if (mStaff.deleteStaff(call.sdkAppId, mail))
      changed = true;
    else
      notFound.push_back(mail);
  }
  if (changed) notifyDirectoryChanged(call.sdkAppId);
  std::string info = notFound.empty() ? "" : protocol::dump(Json{{"NotFound", notFound}});
  return Json{{"OnlineStaffList", online}, {"DeleteStatusInfo", info}};
}

Json CloudApi::describeStaffInfoList(const Call& call) {
  requireOwnApp(call);
  std::int64_t offset = 0, limit = 0;
  paging(call.params, offset, limit, true, 10);
  auto mail = call.params.optString("StaffMail", 128);
  auto modified = call.params.optInt("ModifiedTime", 0, kMaxId);
  auto groupId = call.params.optInt("SkillGroupId", 0, kMaxId);
  auto groups = groupsById(call.sdkAppId);
  std::vector<Json> rows;
  for (const auto& s : mStaff.listStaff(call.sdkAppId)) {
    if (mail && !mail->empty() && s.info.userId != *mail) continue;
    if (modified && s.modifiedAt < *modified) continue;
    if (groupId && !s.skillGroupPriority.count(*groupId)) continue;
    rows.push_back(staffJson(s, groups));
  }
  return Json{{"TotalCount", rows.size()}, {"StaffList", page(rows, offset, limit)}};
}

// --- skill groups --------------------------------------------------------------------------------

Json CloudApi::createSkillGroup(const Call& call) {
  requireOwnApp(call);
  std::string name = call.params.requireString("SkillGroupName", 64);
  std::int64_t type = call.params.requireInt("SkillGroupType", 0, 4);
  if (type == 2) call.params.invalidValue("SkillGroupType", "must be 0 (phone), 1 (online), 3 (audio) or 4 (video)");
  int maxConcurrency = static_cast<int>(call.params.optInt("MaxConcurrency", 1, 100).value_or(1));
  for (const auto& g : mGroups.listSkillGroups(call.sdkAppId))
    if (g.info.name == name)
      throw CloudApiError{"InvalidParameterValue.SkillGroupExists",
                          "A skill group named `" + name + "` exists already."};
  SkillGroupRecord group;
  group.info.sdkAppId = call.sdkAppId;
  group.info.name = name;
  group.skillGroupType = static_cast<int>(type);
  group.info.type = groupTypeName(group.skillGroupType);
  group.maxConcurrency = maxConcurrency;
  group.modifiedAt = call.now;
  std::int64_t id = mGroups.createSkillGroup(group);
  notifyDirectoryChanged(call.sdkAppId);
  return Json{{"SkillGroupId", id}};
}

Json CloudApi::describeSkillGroupInfoList(const Call& call) {
  requireOwnApp(call);
  std::int64_t offset = 0, limit = 0;
  paging(call.params, offset, limit, true, 10);
  auto id = call.params.optInt("SkillGroupId", 0, kMaxId);
  auto modified = call.params.optInt("ModifiedTime", 0, kMaxId);
  auto name = call.params.optString("SkillGroupName", 64);
  std::vector<Json> rows;
  for (const auto& g : mGroups.listSkillGroups(call.sdkAppId)) {
    if (id && g.info.skillGroupId != *id) continue;
    if (modified && g.modifiedAt < *modified) continue;
    if (name && !name->empty() && g.info.name.find(*name) == std::string::npos) continue;
    rows.push_back({{"SkillGroupId", g.info.skillGroupId},
                    {"SkillGroupName", g.info.name},
                    {"Type", groupTypeLabel(g.skillGroupType)},
                    {"RoutePolicy", "longestIdle"},
                    {"UsingLastSeat", 0},
                    {"MaxConcurrency", g.maxConcurrency},
                    {"LastModifyTimestamp", g.modifiedAt},
                    {"SkillGroupType", g.skillGroupType},
                    {"Alias", ""},
                    {"RingAll", false}});
  }
  return Json{{"TotalCount", rows.size()}, {"SkillGroupList", page(rows, offset, limit)}};
}

Json CloudApi::bindStaffSkillGroupList(const Call& call) {
  requireOwnApp(call);
  std::string mail = call.params.requireString("StaffEmail", 128);
  std::map<std::int64_t, int> add;
  if (auto list = call.params.optObjectArray("StaffSkillGroupList", 100)) {
    for (const auto& item : *list)
      add[item.requireInt("SkillGroupId", 1, kMaxId)] = static_cast<int>(item.optInt("Priority", 0, 100).value_or(1));
  }
  if (auto legacy = call.params.optIntArray("SkillGroupList", 100)) {
    for (auto id : *legacy) add.emplace(id, 1);
  }
  if (add.empty())
    throw CloudApiError{"MissingParameter", "The request is missing a required parameter `StaffSkillGroupList`."};
  auto staff = mStaff.findStaff(call.sdkAppId, mail);
  if (!staff) throw CloudApiError{"ResourceNotFound", "No staff member `" + mail + "` exists in this application."};
  for (const auto& [id, priority] : add)
    if (!mGroups.findSkillGroup(call.sdkAppId, id))
      throw CloudApiError{"ResourceNotFound", "Skill group " + std::to_string(id) + " does not exist."};
  auto bindings = staff->skillGroupPriority;
  for (const auto& [id, priority] : add) bindings[id] = priority;
  mStaff.setStaffSkillGroups(call.sdkAppId, mail, bindings);
  staff->modifiedAt = call.now;
  mStaff.updateStaff(*staff);
  notifyDirectoryChanged(call.sdkAppId);
  return Json::object();
}

Json CloudApi::unbindStaffSkillGroupList(const Call& call) {
  requireOwnApp(call);
  std::string mail = call.params.requireString("StaffEmail", 128);
  auto list = call.params.optIntArray("SkillGroupList", 100);
  if (!list) throw CloudApiError{"MissingParameter", "The request is missing a required parameter `SkillGroupList`."};
  auto staff = mStaff.findStaff(call.sdkAppId, mail);
  if (!staff) throw CloudApiError{"ResourceNotFound", "No staff member `" + mail + "` exists in this application."};
  auto bindings = staff->skillGroupPriority;
  for (auto id : *list) bindings.erase(id);
  mStaff.setStaffSkillGroups(call.sdkAppId, mail, bindings);
  staff->modifiedAt = call.now;
  mStaff.updateStaff(*staff);
  notifyDirectoryChanged(call.sdkAppId);
  return Json::object();
}

// --- numbers -------------------------------------------------------------------------------------

Json CloudApi::describeNumbers(const Call& call) {
  requireOwnApp(call);
  std::int64_t offset = 0, limit = 0;
  paging(call.params, offset, limit, false, 10);
  // A number can be both a service (inbound) number and an outbound caller ID; list each once.
  std::map<std::string, std::vector<std::int64_t>> numbers;
  for (const auto& n : mNumbers.listServiceNumbers(call.sdkAppId)) numbers[n.number];
  for (const auto& n : mNumbers.listCallerNumbers(call.sdkAppId)) numbers[n.number] = n.skillGroupIds;
  std::vector<Json> rows;
  rows.reserve(numbers.size());
  for (const auto& [number, groups] : numbers)
    rows.push_back({{"Number", number}, {"CallOutSkillGroupIds", groups}, {"State", 1}, {"CostType", 0}});
  return Json{{"TotalCount", rows.size()}, {"Numbers", page(rows, offset, limit)}};
}

Json CloudApi::describeServiceNumbers(const Call& call) {
  requireOwnApp(call);
  return mServiceNumbers.describe(call.sdkAppId);
}

Json CloudApi::modifyServiceNumber(const Call& call) {
  requireOwnApp(call);
  mServiceNumbers.modify(call.sdkAppId, call.params);
  notifyDirectoryChanged(call.sdkAppId);  // the next call to the number hears the new menu
  return Json::object();
}

Json CloudApi::deleteServiceNumber(const Call& call) {
  requireOwnApp(call);
  mServiceNumbers.remove(call.sdkAppId, call.params);
  notifyDirectoryChanged(call.sdkAppId);
  return Json::object();
}

// --- CDRs and sessions ---------------------------------------------------------------------------

namespace {

// The TelCdrInfo model from the stored push form (tccc-facts.md §3.2): same field names where the
// two agree, plus the model's own (Time, EndStatus, SkillGroup, SkillGroupId, UUI, Remark).
Json telCdrInfo(const CdrRecord& record) {
  static const char* kCopied[] = {"Caller",
                                  "Callee",
                                  "Direction",
                                  "CallType",
                                  "Duration",
                                  "RecordId",
                                  "RecordURL",
                                  "CustomRecordURL",
                                  "EndStatusString",
                                  "CallerLocation",
                                  "IVRDuration",
                                  "RingTimestamp",
                                  "AcceptTimestamp",
                                  "EndedTimestamp",
                                  "IVRKeyPressed",
                                  "IVRKeyPressedEx",
                                  "HungUpSide",
                                  "ServeParticipants",
                                  "StartTimestamp",
                                  "QueuedTimestamp",
                                  "PostIVRKeyPressed",
                                  "QueuedSkillGroupId",
                                  "QueuedSkillGroupName",
                                  "SessionId",
                                  "ProtectedCaller",
                                  "ProtectedCallee",
                                  "Uui",
                                  "SeatUser",
                                  "Disposition",
                                  "AgentNotes"};
  const Json& c = record.cdr;
  Json out = Json::object();
  for (const char* key : kCopied)
    if (c.is_object() && c.contains(key) && !c[key].is_null()) out[key] = c[key];
  out["SessionId"] = record.sessionId;
  out["Time"] = record.startTimestamp;
  if (!out.contains("StartTimestamp")) out["StartTimestamp"] = record.startTimestamp;
  std::string endStatus = out.contains("EndStatusString") && out["EndStatusString"].is_string()
                              ? out["EndStatusString"].get<std::string>()
                              : std::string();
  out["EndStatus"] = endStatusCode(endStatus);
  if (out.contains("QueuedSkillGroupName")) out["SkillGroup"] = out["QueuedSkillGroupName"];
  if (out.contains("QueuedSkillGroupId")) out["SkillGroupId"] = out["QueuedSkillGroupId"];
  if (out.contains("Uui")) out["UUI"] = out["Uui"];
  if (c.is_object() && c.contains("UserRemark")) out["Remark"] = c["UserRemark"];
  // Ours, not TCCC's: the agent's wrap-up (session.wrapUp), "" until there is one.
  if (!out.contains("Disposition")) out["Disposition"] = "";
  if (!out.contains("AgentNotes")) out["AgentNotes"] = "";
  return out;
}

}  // namespace

Json CloudApi::describeTelCdr(const Call& call) {
  requireOwnApp(call);
  const auto& p = call.params;
  CdrQuery q;
  q.sdkAppId = call.sdkAppId;
  q.startTimestamp = p.requireInt("StartTimeStamp", 0, kMaxId);
  q.endTimestamp = p.requireInt("EndTimeStamp", 0, kMaxId);
  if (q.endTimestamp < q.startTimestamp) p.invalidValue("EndTimeStamp", "must not be before StartTimeStamp");
  if (q.endTimestamp - q.startTimestamp >= 90LL * 86400)
    p.invalidValue("EndTimeStamp", "the range must be under 90 days");
  // PageSize/PageNumber are required by the current model; the deprecated Limit/Offset still work.
  auto limit = p.optInt("Limit", 1, 100);
  auto offset = p.optInt("Offset", 0, kMaxId);
  if (limit && !p.has("PageSize")) {
    q.limit = *limit;
    q.offset = offset.value_or(0);
  } else {
    paging(p, q.offset, q.limit, true, 10);
  }
  p.optInt("InstanceId", 0, kMaxId);
  q.phones = p.optStringArray("Phones", 100, 64).value_or(std::vector<std::string>{});
  q.sessionIds = p.optStringArray("SessionIds", 100, 128).value_or(std::vector<std::string>{});
  auto [total, rows] = mCdrs.queryCdrs(q);
  Json list = Json::array();
  for (const auto& r : rows) {
    list.push_back(telCdrInfo(r));
    addRecordings(list.back(), call.sdkAppId, call.now);
  }
  return Json{{"TotalCount", total}, {"TelCdrs", list}, {"TelCdrList", list}};
}

void CloudApi::addRecordings(Json& cdr, std::int64_t sdkAppId, std::int64_t nowSec) {
  if (!mRecordings || !mRecordSigner) return;
  const std::string sessionId = cdr.value("SessionId", "");
  auto recordings = mRecordings->listRecordings(sdkAppId, sessionId);
  if (recordings.empty()) return;
  // Links are signed now, for the configured lifetime: each query hands out fresh ones, as the
  // cloud's temporary RecordURLs are.
  auto url = [&](const RecordingRecord& r) { return mRecordSigner->url(r.recordId, nowSec); };
  const RecordingRecord* customer = nullptr;
  const RecordingRecord* mix = nullptr;
  Json details = Json::array();
  std::string errors;
  for (const auto& r : recordings) {
    const bool complete = r.state == "complete";
    if (complete && r.participant == "customer" && !customer) customer = &r;
    if (complete && r.participant == "mix") mix = &r;
    Json spans = Json::parse(r.pausedSpans, nullptr, false);
    Json d{{"RecordId", r.recordId},
           {"Participant", r.participant},
           {"EndpointUser", r.endpointUser},
           {"State", r.state},
           {"StartTimestampMs", r.startMs},
           {"EndTimestampMs", r.endMs},
           {"PausedSpans", spans.is_array() ? spans : Json::array()},
           {"RecordURL", complete ? url(r) : ""}};
    if (!r.error.empty()) {
      d["Error"] = r.error;
      errors += (errors.empty() ? "" : "; ") + r.participant + ": " + r.error;
    }
    details.push_back(std::move(d));
  }
  // RecordURL: the whole conversation (the stereo mix) when it is ready, else the customer's side.
  if (mix || customer) cdr["RecordURL"] = url(mix ? *mix : *customer);
  if (customer) cdr["RecordId"] = customer->recordId;
  if (!cdr.contains("CustomRecordURL")) cdr["CustomRecordURL"] = "";
  // Each agent leg gets its own file: the agent's recordings in order, one per leg of theirs.
  if (cdr.contains("ServeParticipants") && cdr["ServeParticipants"].is_array()) {
    std::map<std::string, std::size_t> used;
    for (auto& leg : cdr["ServeParticipants"]) {
      if (!leg.is_object()) continue;
      const std::string mail = leg.value("Mail", "");
      std::size_t seen = 0;
      for (const auto& r : recordings) {
        if (r.participant != "agent" || r.endpointUser != mail || r.state != "complete") continue;
        if (seen++ < used[mail]) continue;
        ++used[mail];
        leg["RecordId"] = r.recordId;
        leg["RecordURL"] = url(r);
        leg["CustomRecordURL"] = "";
        break;
      }
    }
  }
  // Not in the cloud's model: every file's state, pauses and errors (docs/protocol.md).
  cdr["Recordings"] = std::move(details);
  if (!errors.empty()) cdr["RecordError"] = errors;
}

Json CloudApi::describeTelRecordAsr(const Call& call) {
  requireOwnApp(call);
  const std::string sessionId = call.params.requireString("SessionId", 128);
  Json list = Json::array();
  if (mAsr) {
    for (const auto& s : mAsr->listAsr(call.sdkAppId, sessionId))
      list.push_back({{"User", s.user},
                      {"Message", s.message},
                      {"Start", s.startMs},
                      {"End", s.endMs},
                      // Deprecated in the model, still filled: the sentence's start in Unix seconds.
                      {"Timestamp", s.startMs / 1000}});
  }
  return Json{{"AsrDataList", list}};
}

Json CloudApi::describeTelSession(const Call& call) {
  requireOwnApp(call);
  std::string sessionId = call.params.requireString("SessionId", 128);
  if (mLiveOps) {
    if (auto live = mLiveOps->describeSession(call.sdkAppId, sessionId)) return Json{{"Session", *live}};
  }
  // Ended longer ago than the contact center remembers: answer from the CDR.
  if (auto cdr = mCdrs.findCdr(call.sdkAppId, sessionId)) {
    const Json& c = cdr->cdr;
    auto num = [&](const char* k) { return c.contains(k) && c[k].is_number() ? c[k] : Json(0); };
    auto str = [&](const char* k) { return c.contains(k) && c[k].is_string() ? c[k] : Json(""); };
    Json seat = c.contains("SeatUser") && c["SeatUser"].is_object() ? c["SeatUser"] : Json::object();
    return Json{{"Session",
                 {{"SessionID", sessionId},
                  {"Caller", str("Caller")},
                  {"Callee", str("Callee")},
                  {"StartTimestamp", num("StartTimestamp")},
                  {"RingTimestamp", num("RingTimestamp")},
                  {"AcceptTimestamp", num("AcceptTimestamp")},
                  {"StaffEmail", seat.value("Mail", "")},
                  {"StaffNumber", seat.value("StaffNumber", "")},
                  {"SessionStatus", "finished"},
                  {"Direction", num("Direction")},
                  {"ProtectedCaller", str("ProtectedCaller")},
                  {"ProtectedCallee", str("ProtectedCallee")}}}};
  }
  throw CloudApiError{"ResourceNotFound", "No session `" + sessionId + "` exists in this application."};
}

Json CloudApi::describeStaffStatusMetrics(const Call& call) {
  requireOwnApp(call);
  const auto& p = call.params;
  auto staffList = p.optStringArray("StaffList", 1000, 128);
  auto groupList = p.optIntArray("GroupIdList", 100);
  auto statusList = p.optStringArray("StatusList", 10, 32);
  static const std::set<std::string> kStatuses = {"free", "busy", "rest", "notReady", "afterCallWork", "offline"};
  if (statusList)
    for (const auto& s : *statusList)
      if (!kStatuses.count(s))
        p.invalidValue("StatusList", "`" + s + "` is not one of free, busy, rest, notReady, afterCallWork, offline");

  std::vector<std::string> users;
  for (const auto& s : mStaff.listStaff(call.sdkAppId)) {
    if (staffList && !staffList->empty() &&
        std::find(staffList->begin(), staffList->end(), s.info.userId) == staffList->end())
      continue;
    if (groupList && !groupList->empty() &&
        std::none_of(groupList->begin(), groupList->end(), [&](auto id) { return s.skillGroupPriority.count(id) > 0; }))
      continue;
    users.push_back(s.info.userId);
  }

  Json rows = Json::array();
  if (mLiveOps && !users.empty()) rows = mLiveOps->staffStatusMetrics(call.sdkAppId, users);
  if (!rows.is_array()) rows = Json::array();
  // Agents the contact center did not report (or all of them when there is none) are offline.
  std::set<std::string> reported;
  for (const auto& r : rows)
    if (r.is_object() && r.contains("Email") && r["Email"].is_string()) reported.insert(r["Email"].get<std::string>());
  for (const auto& u : users) {
    if (reported.count(u)) continue;
    rows.push_back({{"Email", u},
                    {"Status", "offline"},
                    {"StatusExtra", Json::object()},
                    {"OnlineDuration", 0},
                    {"FreeDuration", 0},
                    {"BusyDuration", 0},
                    {"NotReadyDuration", 0},
                    {"RestDuration", 0},
                    {"AfterCallWorkDuration", 0},
                    {"Reason", ""},
                    {"ReserveRest", false},
                    {"ReserveNotReady", false},
                    {"UseMobileAccept", 0},
                    {"UseMobileCallOut", false},
                    {"LastOnlineTimestamp", 0},
                    {"LastStatusTimestamp", 0},
                    {"ClientInfo", Json::array()}});
  }
  Json metrics = Json::array();
  for (auto& r : rows) {
    if (statusList && !statusList->empty()) {
      std::string status =
          r.is_object() && r.contains("Status") && r["Status"].is_string() ? r["Status"].get<std::string>() : "";
      if (std::find(statusList->begin(), statusList->end(), status) == statusList->end()) continue;
    }
    metrics.push_back(std::move(r));
  }
  return Json{{"Metrics", metrics}};
}

Json CloudApi::hangUpCall(const Call& call) {
  requireOwnApp(call);
  std::string sessionId = call.params.requireString("SessionId", 128);
  if (!mLiveOps) throw CloudApiError{"ResourceNotFound", "No live session `" + sessionId + "` exists."};
  Error e = mLiveOps->hangUp(call.sdkAppId, sessionId);
  if (!e) return Json::object();
  if (e.code == Errc::SessionNotFound || e.code == Errc::NotFound)
    throw CloudApiError{"ResourceNotFound", "No live session `" + sessionId + "` exists."};
  throw CloudApiError{"FailedOperation", e.message};
}

// Chat (im) sessions: the IMCdrInfo rows and the messages the contact center stored
// (server/chat/ChatRepository.hpp), with the cloud's parameters and paging rules.
Json CloudApi::describeImCdrs(const Call& call) {
  requireOwnApp(call, false);
  auto start = call.params.requireInt("StartTimestamp", 0, kMaxId);
  auto end = call.params.requireInt("EndTimestamp", 0, kMaxId);
  if (end < start) call.params.invalidValue("EndTimestamp", "must not be before StartTimestamp");
  std::int64_t limit = call.params.optInt("Limit", 1, 100).value_or(20);
  std::int64_t offset = call.params.optInt("Offset", 0, kMaxId).value_or(0);
  auto type = call.params.optInt("Type", 1, 2);
  call.params.optInt("InstanceId", 0, kMaxId);
  Json list = Json::array();
  std::int64_t total = 0;
  // Every chat of this server is a text (文本客服) session: Type 2. Asking for Type 1 (全媒体) finds none.
  if (mChats && (!type || *type == 2)) {
    auto [count, rows] = mChats->queryImCdrs(call.sdkAppId, start, end, offset, limit);
    total = count;
    for (auto& r : rows) list.push_back(r.cdr);
  }
  return Json{{"TotalCount", total}, {"IMCdrs", list}, {"IMCdrList", list}};
}

Json CloudApi::describeChatMessages(const Call& call) {
  requireOwnApp(call);
  auto cdrId = call.params.optString("CdrId", 128);
  auto sessionId = call.params.optString("SessionId", 128);
  std::int64_t limit = call.params.optInt("Limit", 1, 100).value_or(20);
  std::int64_t offset = call.params.optInt("Offset", 0, kMaxId).value_or(0);
  // 1 = oldest first, 2 = newest first (the default).
  std::int64_t order = call.params.optInt("Order", 1, 2).value_or(2);
  call.params.optInt("InstanceId", 0, kMaxId);
  // CdrId is the IMCdrInfo Id, which on this server is the SessionId.
  std::string session = sessionId && !sessionId->empty() ? *sessionId : cdrId.value_or("");
  if (session.empty())
    throw CloudApiError{"MissingParameter", "The request is missing a required parameter `SessionId`."};
  Json messages = Json::array();
  std::int64_t total = 0;
  if (mChats) {
    auto [count, rows] = mChats->queryChatMessages(call.sdkAppId, session, order == 1, offset, limit);
    total = count;
    for (const auto& m : rows) {
      // MessageBody {Timestamp (s), From, Messages: [{Type, Content}]}: From is the sender's user id
      // (the visitor's, or the agent's e-mail; "system" for the server's notices).
      std::string from = m.senderRole == "system" ? std::string("system") : m.senderId;
      messages.push_back(Json{{"Timestamp", m.createdMs / 1000},
                              {"From", from},
                              {"Messages", Json::array({Json{{"Type", m.senderRole == "system" ? "system" : m.type},
                                                             {"Content", m.content}}})}});
    }
  }
  return Json{{"TotalCount", total}, {"Messages", messages}};
}

}  // namespace tccc::server
