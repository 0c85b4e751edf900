// SPDX-License-Identifier: Apache-2.0
// One DTLS 1.2 association for DTLS-SRTP (RFC 5764), sans-I/O: datagrams go in through onData(),
// what must be sent comes out of takeOutgoing(), retransmissions are driven by onTimer(). OpenSSL
// runs over memory BIOs. The association counts as connected only once the handshake has finished
// AND the peer's certificate matches the fingerprint from its SDP answer (which may arrive before
// or after the handshake); then srtpKeys() gives the keying material for both directions.
#ifndef TCCC_RTC_DTLSTRANSPORT_HPP
#define TCCC_RTC_DTLSTRANSPORT_HPP

#include "rtc/DtlsIdentity.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace tccc::rtc {

class DtlsTransport {
 public:
  enum class Role { Server, Client };
  enum class State { New, Connecting, Connected, Failed, Closed };

  /// SRTP master key (16 bytes) followed by master salt (14 bytes), per direction.
  struct SrtpKeys {
    std::array<std::uint8_t, 30> local{};   // protects what we send
    std::array<std::uint8_t, 30> remote{};  // unprotects what we receive
  };

  explicit DtlsTransport(const DtlsIdentity& identity);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  /// Starts the handshake in `role` (a client emits its ClientHello at once).
  void start(Role role);
  /// The peer's certificate fingerprint from its SDP (algorithm lower case, value "AB:CD:…").
  void setRemoteFingerprint(const std::string& algorithm, const std::string& fingerprint);
  /// One DTLS datagram from the peer.
  void onData(const std::uint8_t* data, std::size_t size);
  /// Call now and then (every 20 ms is plenty): retransmits a lost flight when its timer ran out.
  void onTimer();
  /// Datagrams to send to the peer, oldest first.
  std::vector<std::vector<std::uint8_t>> takeOutgoing();

  State state() const { return mState; }
  bool started() const { return mStarted; }
  const std::string& error() const { return mError; }
  std::optional<SrtpKeys> srtpKeys() const { return mKeys; }

 private:
  void drive();
  void afterHandshake();
  void verifyAndExport();
  void fail(const std::string& why);
  void flushBio();

  SSL* mSsl = nullptr;
  BIO* mIn = nullptr;   // network -> OpenSSL
  BIO* mOut = nullptr;  // OpenSSL -> network
  Role mRole = Role::Server;
  State mState = State::New;
  bool mStarted = false;
  bool mHandshakeDone = false;
  std::string mRemoteAlgorithm, mRemoteFingerprint;
  std::string mError;
  std::optional<SrtpKeys> mKeys;
  std::vector<std::vector<std::uint8_t>> mOutgoing;
};

}  // namespace tccc::rtc

#endif
