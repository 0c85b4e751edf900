// SPDX-License-Identifier: Apache-2.0
#include "store/DemoSeeder.hpp"

#include "random/SecureRandom.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace tccc::server {

namespace {
// strerror may return a buffer shared by every thread (clang-tidy: concurrency-mt-unsafe), and
// the server runs several threads: glibc's strerror_r (GNU form) writes into one of ours.
std::string errnoText(int err) {
  char buffer[256];
  return ::strerror_r(err, buffer, sizeof buffer);
}
}  // namespace

SeedResult DemoSeeder::createTenant(SqliteStore& store, const std::string& name, std::int64_t now) {
  SeedResult seed;
  // "1400xxxxxx" like the cloud's TCCC apps; retry on the (unlikely) collision with a local tenant.
  do {
    seed.tenant.sdkAppId = SecureRandom::between(1400000000, 1400999999);
  } while (store.findTenant(seed.tenant.sdkAppId));
  seed.tenant.name = name;
  seed.tenant.createdAt = now;
  seed.credential.secretId = "AKID" + SecureRandom::alphanumeric(32);
  seed.credential.secretKey = SecureRandom::alphanumeric(32);
  seed.credential.sdkAppId = seed.tenant.sdkAppId;
  seed.credential.createdAt = now;
  store.createTenant(seed.tenant, seed.credential);
  seed.created = true;
  return seed;
}

SeedResult DemoSeeder::ensureDemoTenant(SqliteStore& store, std::int64_t now) {
  auto tenants = store.listTenants();
  if (!tenants.empty()) {
    SeedResult seed;
    seed.tenant = tenants.front();
    auto credentials = store.listCredentials(seed.tenant.sdkAppId);
    if (credentials.empty()) throw StoreError("tenant " + std::to_string(seed.tenant.sdkAppId) + " has no API key");
    seed.credential = credentials.front();
    for (const auto& s : store.listStaff(seed.tenant.sdkAppId)) seed.agents.push_back(s.info.userId);
    return seed;
  }

  SeedResult seed = createTenant(store, "Demo", now);
  const std::int64_t app = seed.tenant.sdkAppId;

  SkillGroupRecord sales;
  sales.info = {app, 1, "售前 Sales", "tel", 30, 10, 50, 120, 10};
  sales.skillGroupType = 0;
  sales.maxConcurrency = 1;
  sales.modifiedAt = now;
  store.createSkillGroup(sales);
  SkillGroupRecord support;
  support.info = {app, 2, "售后 Support", "tel", 20, 15, 30, 180, 0};
  support.skillGroupType = 0;
  support.maxConcurrency = 1;
  support.modifiedAt = now;
  store.createSkillGroup(support);
  // Web chats (im): Alice and Bob take up to 5 at once each, alongside their calls.
  SkillGroupRecord online;
  online.info = {app, 3, "在线客服 Online", "im", 30, 0, 50, 300, 0};
  online.skillGroupType = 1;
  online.maxConcurrency = 5;
  online.modifiedAt = now;
  store.createSkillGroup(online);

  struct Agent {
    const char* mail;
    const char* name;
    const char* nick;
    const char* phone;
    const char* number;
    std::map<std::int64_t, int> groups;
    int role = 3;  // the cloud API's SeatUserInfo.Role: 3 agent
  };
  const Agent agents[] = {
      {"agent1@tccc.local", "Alice Zhang", "Alice", "13800000001", "1001", {{1, 1}, {2, 2}, {3, 1}}},
      {"agent2@tccc.local", "Bob Li", "Bob", "13800000002", "1002", {{1, 1}, {3, 1}}},
      {"agent3@tccc.local", "Carol Wang", "Carol", "13800000003", "1003", {{2, 1}}},
      // The supervisor view's user (role 1, administrator): in no skill group, so never offered calls.
      {"supervisor@tccc.local", "Sam Zhou", "Sam", "13800000009", "1009", {}, 1},
  };
  for (const auto& a : agents) {
    StaffRecord s;
    s.info.sdkAppId = app;
    s.info.userId = a.mail;
    s.info.name = a.name;
    s.info.nick = a.nick;
    s.info.phone = a.phone;
    s.info.staffNumber = a.number;
    s.skillGroupPriority = a.groups;
    s.role = a.role;
    s.modifiedAt = now;
    store.insertStaff(s);
    seed.agents.push_back(a.mail);
  }

  ServiceNumberInfo ivr;
  ivr.sdkAppId = app;
  ivr.number = "4008001000";
  ivr.ivrPrompt = "欢迎致电。售前咨询请按 1，售后服务请按 2。Welcome. For sales press 1, for support press 2.";
  ivr.ivrOptions = {{"1", "售前咨询", 1}, {"2", "售后服务", 2}};
  ivr.defaultSkillGroupId = 1;
  store.upsertServiceNumber(ivr);
  ServiceNumberInfo plain;
  plain.sdkAppId = app;
  plain.number = "4008002000";
  plain.defaultSkillGroupId = 1;
  store.upsertServiceNumber(plain);

  store.upsertCallerNumber({app, "02160001000", {1}});
  store.upsertCallerNumber({app, "02160002000", {2}});
  return seed;
}

void DemoSeeder::writeCredentialsFile(const std::string& path, const SeedResult& seed) {
  std::string text = "SdkAppId=" + std::to_string(seed.tenant.sdkAppId) + "\nSecretId=" + seed.credential.secretId +
                     "\nSecretKey=" + seed.credential.secretKey + "\n";
  // Write a sibling file created 0600 from the start (never world-readable, not even briefly),
  // then rename over the old one.
  std::string temp = path + ".tmp";
  ::unlink(temp.c_str());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + temp + ": " + errnoText(errno));
  ::fchmod(fd, 0600);  // the umask can only remove bits, but be explicit
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw std::runtime_error("cannot write " + temp + ": " + errnoText(err));
    }
    written += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot replace " + path + ": " + errnoText(err));
  }
}

}  // namespace tccc::server
