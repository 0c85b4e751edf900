// SPDX-License-Identifier: Apache-2.0
// The controlling side of ICE (RFC 8445) towards an ICE-lite peer, sans-I/O: the native SDK's half
// of what a browser does with the server's media leg. The server offers one host candidate and
// only answers checks, so there is one candidate pair and nothing to choose: this side sends
// Binding requests with USE-CANDIDATE (aggressive nomination) until one succeeds, and then keeps
// checking once a second as consent freshness (RFC 7675), which also measures the round trip.
// Consent that goes unanswered for `consentTimeout` is lost: the pair is dead.
//
// Requests come out of poll(now); responses go in through onResponse(). A response counts only
// when it answers a request still outstanding and its MESSAGE-INTEGRITY is keyed with the peer's
// password: anything else from the network is ignored.
#ifndef TCCC_RTC_ICECLIENT_HPP
#define TCCC_RTC_ICECLIENT_HPP

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace tccc::rtc {

class IceClient {
 public:
  struct Credentials {
    std::string localUfrag, localPwd;    // ours, from our description
    std::string remoteUfrag, remotePwd;  // the peer's, from its description
  };
  struct Options {
    double checkIntervalMs = 50;      // while connecting (RFC 8445 Ta is 50 ms)
    double consentIntervalMs = 1000;  // once connected
    double consentTimeoutMs = 30000;  // RFC 7675
    std::size_t maxOutstanding = 40;  // requests remembered for matching
  };
  enum class State { Checking, Connected, Failed };

  IceClient(Credentials credentials, std::uint64_t tieBreaker, Options options);
  IceClient(Credentials credentials, std::uint64_t tieBreaker)
      : IceClient(std::move(credentials), tieBreaker, Options{}) {}

  /// The request due at `nowMs`, if one is (at most one per call).
  std::optional<std::vector<std::uint8_t>> poll(double nowMs);
  /// When poll() next has a request to send (nothing before the first poll): a host sleeps until then.
  std::optional<double> nextPollAtMs() const { return mNextAtMs; }
  /// A STUN datagram from the peer. True when it answered one of our checks with success.
  bool onResponse(const std::uint8_t* data, std::size_t size, double nowMs);

  State state() const { return mState; }
  /// The last successful check's round trip.
  std::optional<double> roundTripMs() const { return mRoundTripMs; }
  /// Why the pair failed (consent lost); empty otherwise.
  const std::string& error() const { return mError; }
  /// Checks sent, successes and responses refused, for the log and the tests.
  std::uint64_t requestsSent() const { return mSent; }
  std::uint64_t responsesRefused() const { return mRefused; }

  /// PRIORITY of a peer-reflexive candidate of ours (RFC 8445 5.1.2: type preference 110).
  static constexpr std::uint32_t kPriority = (110u << 24) | (65535u << 8) | 255u;

 private:
  struct Outstanding {
    std::array<std::uint8_t, 12> id;
    double sentAtMs;
  };
  std::vector<std::uint8_t> request(double nowMs);

  Credentials mCredentials;
  std::uint64_t mTieBreaker;
  Options mOptions;
  State mState = State::Checking;
  std::deque<Outstanding> mOutstanding;
  std::optional<double> mNextAtMs;
  std::optional<double> mLastSuccessMs;
  std::optional<double> mFirstCheckMs;
  std::optional<double> mRoundTripMs;
  std::string mError;
  std::uint64_t mSent = 0, mRefused = 0;
  std::uint64_t mIdCounter = 0;
};

}  // namespace tccc::rtc

#endif
