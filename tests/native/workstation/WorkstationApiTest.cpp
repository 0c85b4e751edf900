// SPDX-License-Identifier: Apache-2.0
// The native ITCCCWorkstation before and around a login, with no server: bad arguments and calls in
// the wrong state are answered through the callback with a code and a message (never a throw, never
// silence), every answer arrives on the SDK's own thread, and a server that does not answer fails
// the login with ERR_HTTP_REQUEST_FAILURE. Calls against the real server: native-workstation.e2e.mjs.
#include "tccc/ITCCCWorkstation.h"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

namespace tccc {
namespace {

struct Answered {
  int code = 1;
  std::string message;
  std::thread::id thread;
};

/// The answer to one call, waited for on the test's thread: `Base` is ITXCallback or an
/// ITXValueCallback (its value is not needed here).
template <class Base, class... Value>
class AnswerOf final : public Base {
 public:
  void OnSuccess(const Value&...) override { mDone.set_value({ERR_NONE, "", std::this_thread::get_id()}); }
  void OnError(TCCCErrCode code, const char* message) override {
    mDone.set_value({code, message ? message : "", std::this_thread::get_id()});
  }
  Answered get() {
    auto f = mDone.get_future();
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return {999, "no answer", {}};
    return f.get();
  }

 private:
  std::promise<Answered> mDone;
};
using Answer = AnswerOf<ITXCallback>;
using LoginAnswer = AnswerOf<ITXValueCallback<TCCCLoginInfo>, TCCCLoginInfo>;

class Errors final : public ITCCCCallback {
 public:
  void onError(TCCCErrCode errCode, const char* errMsg, void*) override {
    std::lock_guard lock(mMutex);
    mCodes.push_back(errCode);
  }
  std::vector<int> codes() {
    std::lock_guard lock(mMutex);
    return mCodes;
  }

 private:
  std::mutex mMutex;
  std::vector<int> mCodes;
};

class WorkstationApi : public ::testing::Test {
 protected:
  void SetUp() override {
    sdk = getTCCCShareInstance();
    sdk->setConsoleEnabled(false);
    sdk->addCallback(&errors);
  }
  void TearDown() override {
    sdk->removeCallback(&errors);
    destroyTCCCShareInstance();
  }
  Answered login(const char* userId, const char* token, std::uint64_t app, const char* server) {
    TCCCLoginParams p;
    p.userId = userId;
    p.token = token;
    p.sdkAppId = app;
    p.serverUrl = server;
    LoginAnswer answer;
    sdk->login(p, &answer);
    return answer.get();
  }
  ITCCCWorkstation* sdk = nullptr;
  Errors errors;
};

TEST_F(WorkstationApi, OneSharedInstanceAndAVersion) {
  EXPECT_EQ(getTCCCShareInstance(), sdk);
  EXPECT_STRNE(sdk->getSDKVersion(), "");
  EXPECT_EQ(std::string(sdk->getSDKVersion()).find('.'), 1u);  // "0.1.0": package.json's version
}

TEST_F(WorkstationApi, BadLoginArgumentsAreAnsweredWithACode) {
  const struct {
    const char* userId;
    const char* token;
    std::uint64_t app;
    const char* server;
  } rows[] = {
      {"", "t", 1400000001, "http://127.0.0.1:1"}, {"a@x", "", 1400000001, "http://127.0.0.1:1"},
      {"a@x", "t", 0, "http://127.0.0.1:1"},       {"a@x", "t", 1400000001, ""},
      {"a@x", "t", 1400000001, "ftp://127.0.0.1"}, {nullptr, nullptr, 1400000001, nullptr},
  };
  for (const auto& row : rows) {
    const Answered a = login(row.userId, row.token, row.app, row.server);
    EXPECT_EQ(a.code, ERR_INVALID_ARGUMENT) << (row.userId ? row.userId : "null") << " " << a.message;
    EXPECT_FALSE(a.message.empty());
    EXPECT_NE(a.thread, std::this_thread::get_id()) << "answered on the SDK's thread";
  }
}

TEST_F(WorkstationApi, CallsBeforeLoginAreRefusedWithBadRequest) {
  TCCCStartCallParams params;
  params.to = "10000000001";
  Answer call, answer, check, mute, dtmf, logout;
  sdk->call(params, &call);
  sdk->answer(&answer);
  sdk->checkLogin(&check);
  sdk->mute(&mute);
  sdk->sendDTMF("12#", &dtmf);
  sdk->logout(&logout);
  EXPECT_EQ(call.get().code, ERR_SIP_BAD_REQUEST);
  EXPECT_EQ(answer.get().code, ERR_SIP_BAD_REQUEST);
  EXPECT_EQ(check.get().code, ERR_SIP_BAD_REQUEST);
  EXPECT_EQ(mute.get().code, ERR_SIP_BAD_REQUEST);
  EXPECT_EQ(dtmf.get().code, ERR_SIP_BAD_REQUEST);
  EXPECT_EQ(logout.get().code, ERR_HAD_LOGGEDOUT);
}

TEST_F(WorkstationApi, BadArgumentsWithoutACallbackBecomeOnError) {
  Answer bad;
  sdk->sendDTMF("xyz", &bad);
  EXPECT_EQ(bad.get().code, ERR_INVALID_ARGUMENT);
  sdk->sendDTMF(nullptr);
  EXPECT_EQ(sdk->getDeviceManager()->setAudioCaptureVolume(250), ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sdk->getDeviceManager()->setAudioPlayoutVolume(-1), ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sdk->callExperimentalAPI("not json"), ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sdk->callExperimentalAPI(R"({"api":"nope"})"), ERR_NOT_SUPPORTED);
  EXPECT_EQ(sdk->callExperimentalAPI(nullptr), ERR_INVALID_ARGUMENT);
  Answer flush;  // answered after every error above was delivered (one thread, in order)
  sdk->checkLogin(&flush);
  flush.get();
  const auto codes = errors.codes();
  ASSERT_EQ(codes.size(), 4u);
  EXPECT_EQ(codes[0], ERR_INVALID_ARGUMENT);  // sendDTMF(nullptr)
  EXPECT_EQ(codes[1], ERR_INVALID_ARGUMENT);  // not json
  EXPECT_EQ(codes[2], ERR_NOT_SUPPORTED);
  EXPECT_EQ(codes[3], ERR_INVALID_ARGUMENT);
}

TEST_F(WorkstationApi, DeviceSettingsAreKept) {
  auto* devices = sdk->getDeviceManager();
  EXPECT_EQ(devices->getAudioCaptureVolume(), 100);
  EXPECT_EQ(devices->setAudioCaptureVolume(40), ERR_NONE);
  EXPECT_EQ(devices->getAudioCaptureVolume(), 40);
  EXPECT_EQ(devices->setAudioPlayoutVolume(0), ERR_NONE);
  EXPECT_EQ(devices->getAudioPlayoutVolume(), 0);
  EXPECT_EQ(devices->setAudioRoute(TCCCAudioRoute::TCCCAudioRouteSpeakerphone), ERR_NONE);
  EXPECT_EQ(devices->setAudioRoute(static_cast<TCCCAudioRoute>(7)), ERR_INVALID_ARGUMENT);
  EXPECT_EQ(sdk->callExperimentalAPI(R"({"api":"setServerUrl","params":{"serverUrl":"http://127.0.0.1:1"}})"),
            ERR_NONE);
  EXPECT_EQ(sdk->callExperimentalAPI(R"({"api":"setServerUrl","params":{"serverUrl":"nope"}})"), ERR_INVALID_ARGUMENT);
}

TEST_F(WorkstationApi, AServerThatRefusesTheConnectionFailsTheLogin) {
  // A port nothing listens on: bind one, learn its number, close it.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  const std::string server = "http://127.0.0.1:" + std::to_string(port);
  const Answered a = login("agent@x", "token", 1400000001, server.c_str());
  EXPECT_EQ(a.code, ERR_HTTP_REQUEST_FAILURE) << a.message;
  Answer check;
  sdk->checkLogin(&check);
  EXPECT_EQ(check.get().code, ERR_HTTP_REQUEST_FAILURE);
}

}  // namespace
}  // namespace tccc
