// SPDX-License-Identifier: Apache-2.0
#include "rtc/IceClient.hpp"

#include "rtc/StunMessage.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace tccc::rtc {

namespace {

std::string bigEndian(std::uint64_t value, std::size_t bytes) {
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) out[bytes - 1 - i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

}  // namespace

IceClient::IceClient(Credentials credentials, std::uint64_t tieBreaker, Options options)
    : mCredentials(std::move(credentials)), mTieBreaker(tieBreaker), mOptions(options) {}

std::optional<std::vector<std::uint8_t>> IceClient::poll(double nowMs) {
  if (mState == State::Failed) return std::nullopt;
  if (mState == State::Connected && mLastSuccessMs && nowMs - *mLastSuccessMs > mOptions.consentTimeoutMs) {
    mState = State::Failed;
    mError = "consent lost: no answer to a check for " +
             std::to_string(static_cast<int>(mOptions.consentTimeoutMs / 1000)) + " s";
    return std::nullopt;
  }
  if (mNextAtMs && nowMs < *mNextAtMs) return std::nullopt;
  mNextAtMs = nowMs + (mState == State::Connected ? mOptions.consentIntervalMs : mOptions.checkIntervalMs);
  return request(nowMs);
}

std::vector<std::uint8_t> IceClient::request(double nowMs) {
  Outstanding o{};
  // Transaction ids must be unguessable (RFC 5389 6): a forged response could nominate an
  // address of the attacker's choosing otherwise. A counter keeps them distinct if RAND fails.
  if (RAND_bytes(o.id.data(), static_cast<int>(o.id.size())) != 1) {
    ++mIdCounter;
    std::memcpy(o.id.data(), &mIdCounter, sizeof mIdCounter);
  }
  o.sentAtMs = nowMs;
  mOutstanding.push_back(o);
  while (mOutstanding.size() > mOptions.maxOutstanding) mOutstanding.pop_front();
  if (!mFirstCheckMs) mFirstCheckMs = nowMs;
  ++mSent;
  // RFC 8445 7.2.2: USERNAME "<their ufrag>:<our ufrag>", keyed with their password; the
  // controlling agent nominates with USE-CANDIDATE (every check: aggressive nomination).
  return StunMessage::Builder(StunMessage::kBindingRequest, o.id)
      .add(StunMessage::kAttrUsername, mCredentials.remoteUfrag + ":" + mCredentials.localUfrag)
      .add(StunMessage::kAttrPriority, bigEndian(kPriority, 4))
      .add(StunMessage::kAttrIceControlling, bigEndian(mTieBreaker, 8))
      .add(StunMessage::kAttrUseCandidate, "")
      .addIntegrity(mCredentials.remotePwd)
      .addFingerprint()
      .take();
}

bool IceClient::onResponse(const std::uint8_t* data, std::size_t size, double nowMs) {
  if (mState == State::Failed) return false;
  const auto msg = StunMessage::decode(data, size);
  if (!msg || (msg->type != StunMessage::kBindingSuccess && msg->type != StunMessage::kBindingError)) {
    ++mRefused;
    return false;
  }
  const auto it = std::find_if(mOutstanding.begin(), mOutstanding.end(),
                               [&](const Outstanding& o) { return o.id == msg->transactionId; });
  // Errors carry no integrity (the peer could not authenticate us): a 401 means our answer has
  // not reached it yet, so the checks simply go on.
  if (it == mOutstanding.end() || msg->type != StunMessage::kBindingSuccess ||
      !msg->checkIntegrity(data, size, mCredentials.remotePwd)) {
    ++mRefused;
    return false;
  }
  mRoundTripMs = nowMs - it->sentAtMs;
  mOutstanding.erase(mOutstanding.begin(), it + 1);  // older ones will not be answered any more
  mLastSuccessMs = nowMs;
  if (mState == State::Checking) {
    mState = State::Connected;
    mNextAtMs = nowMs + mOptions.consentIntervalMs;
  }
  return true;
}

}  // namespace tccc::rtc
