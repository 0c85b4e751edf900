// SPDX-License-Identifier: Apache-2.0
// DTLS records reaching a media leg (src/rtc/DtlsTransport over OpenSSL's memory BIOs): a
// sequence of datagrams, each fed to onData() as MediaLeg does, in the server role (a browser
// connecting) or the client role (we connect after an answer with a=setup:passive). The handshake
// cannot complete against random bytes; what is checked is every record and fragment parse on the
// way in, our error handling, and that the transport's state stays consistent.
#include "rtc/DtlsIdentity.hpp"
#include "rtc/DtlsTransport.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

using namespace tccc::rtc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static DtlsIdentity identity;  // key generation is slow: once per process, like the server
  FuzzedDataProvider in(data, size);
  DtlsTransport dtls(identity);
  dtls.setRemoteFingerprint("sha-256", identity.fingerprint());
  dtls.start(in.ConsumeBool() ? DtlsTransport::Role::Server : DtlsTransport::Role::Client);
  while (in.remaining_bytes() > 0) {
    std::vector<std::uint8_t> datagram = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 1500));
    dtls.onData(datagram.data(), datagram.size());
    (void)dtls.takeOutgoing();
    dtls.onTimer();
    if (dtls.state() == DtlsTransport::State::Connected && !dtls.srtpKeys()) std::abort();
  }
  return 0;
}
