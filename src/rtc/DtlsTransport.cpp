// SPDX-License-Identifier: Apache-2.0
#include "rtc/DtlsTransport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <stdexcept>

namespace tccc::rtc {

namespace {

constexpr int kMtu = 1200;  // a flight larger than this is fragmented by OpenSSL itself

std::string opensslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace

DtlsTransport::DtlsTransport(const DtlsIdentity& identity) {
  mSsl = SSL_new(identity.context());
  if (!mSsl) throw std::runtime_error("DTLS: SSL_new failed");
  mIn = BIO_new(BIO_s_mem());
  mOut = BIO_new(BIO_s_mem());
  if (!mIn || !mOut) throw std::runtime_error("DTLS: BIO_new failed");
  // An empty input BIO means "no datagram yet, try again later", not end of stream.
  BIO_set_mem_eof_return(mIn, -1);
  BIO_set_mem_eof_return(mOut, -1);
  SSL_set_bio(mSsl, mIn, mOut);  // the SSL owns both BIOs from here on
  SSL_set_mtu(mSsl, kMtu);
  DTLS_set_link_mtu(mSsl, kMtu);
}

DtlsTransport::~DtlsTransport() {
  if (mSsl) SSL_free(mSsl);
}

void DtlsTransport::start(Role role) {
  if (mStarted) return;
  mStarted = true;
  mRole = role;
  mState = State::Connecting;
  if (role == Role::Client)
    SSL_set_connect_state(mSsl);
  else
    SSL_set_accept_state(mSsl);
  drive();
}

void DtlsTransport::setRemoteFingerprint(const std::string& algorithm, const std::string& fingerprint) {
  mRemoteAlgorithm = algorithm;
  mRemoteFingerprint = fingerprint;
  if (mHandshakeDone && mState == State::Connecting) verifyAndExport();
}

void DtlsTransport::onData(const std::uint8_t* data, std::size_t size) {
  if (!mStarted || mState == State::Failed || mState == State::Closed || size == 0 || size > 65535) return;
  BIO_write(mIn, data, static_cast<int>(size));
  drive();
}

void DtlsTransport::onTimer() {
  if (!mStarted || mHandshakeDone || mState != State::Connecting) return;
  // Returns > 0 when a flight was retransmitted, 0 when its timer has not run out yet.
  if (DTLSv1_handle_timeout(mSsl) < 0) {
    fail("DTLS retransmission failed: " + opensslError());
    return;
  }
  flushBio();
}

void DtlsTransport::drive() {
  if (!mHandshakeDone) {
    ERR_clear_error();
    int r = SSL_do_handshake(mSsl);
    if (r == 1) {
      mHandshakeDone = true;
      flushBio();
      afterHandshake();
    } else {
      int e = SSL_get_error(mSsl, r);
      flushBio();
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        fail("DTLS handshake failed: " + opensslError());
        return;
      }
    }
  }
  if (mHandshakeDone) {
    // No application data is expected (no data channels); reading processes alerts such as
    // close_notify and discards anything else.
    std::uint8_t buf[2048];
    for (;;) {
      ERR_clear_error();
      int n = SSL_read(mSsl, buf, sizeof buf);
      if (n > 0) continue;
      int e = SSL_get_error(mSsl, n);
      if (e == SSL_ERROR_ZERO_RETURN) {
        mState = State::Closed;
      } else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();  // a damaged record after the handshake is dropped, not fatal
      }
      break;
    }
    flushBio();
  }
}

void DtlsTransport::afterHandshake() {
  SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(mSsl);
  if (!profile || profile->id != SRTP_AES128_CM_SHA1_80) {
    fail("the peer did not negotiate SRTP_AES128_CM_SHA1_80");
    return;
  }
  if (!mRemoteFingerprint.empty()) verifyAndExport();
}

void DtlsTransport::verifyAndExport() {
  X509* peer = SSL_get1_peer_certificate(mSsl);
  if (!peer) {
    fail("the peer sent no certificate");
    return;
  }
  std::string actual = DtlsIdentity::fingerprintOf(peer, mRemoteAlgorithm);
  X509_free(peer);
  if (actual.empty() || actual != mRemoteFingerprint) {
    fail("the peer's certificate does not match the fingerprint in its SDP");
    return;
  }
  // RFC 5764 4.2: client key | server key | client salt | server salt.
  std::uint8_t material[60];
  static const char kLabel[] = "EXTRACTOR-dtls_srtp";
  if (SSL_export_keying_material(mSsl, material, sizeof material, kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    fail("cannot export the SRTP keying material: " + opensslError());
    return;
  }
  SrtpKeys k;
  const std::uint8_t* clientKey = material;
  const std::uint8_t* serverKey = material + 16;
  const std::uint8_t* clientSalt = material + 32;
  const std::uint8_t* serverSalt = material + 46;
  bool server = mRole == Role::Server;
  std::memcpy(k.local.data(), server ? serverKey : clientKey, 16);
  std::memcpy(k.local.data() + 16, server ? serverSalt : clientSalt, 14);
  std::memcpy(k.remote.data(), server ? clientKey : serverKey, 16);
  std::memcpy(k.remote.data() + 16, server ? clientSalt : serverSalt, 14);
  mKeys = k;
  mState = State::Connected;
}

void DtlsTransport::fail(const std::string& why) {
  if (mState == State::Failed) return;
  mState = State::Failed;
  mError = why;
  mKeys.reset();
}

void DtlsTransport::flushBio() {
  // A memory BIO does not keep datagram boundaries; OpenSSL writes one flight at a time, so what
  // is pending is sent as one datagram (a P-256 certificate flight stays well under the MTU).
  int pending = static_cast<int>(BIO_ctrl_pending(mOut));
  if (pending <= 0) return;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(pending));
  int n = BIO_read(mOut, out.data(), pending);
  if (n <= 0) return;
  out.resize(static_cast<std::size_t>(n));
  mOutgoing.push_back(std::move(out));
}

std::vector<std::vector<std::uint8_t>> DtlsTransport::takeOutgoing() {
  std::vector<std::vector<std::uint8_t>> out;
  out.swap(mOutgoing);
  return out;
}

}  // namespace tccc::rtc
