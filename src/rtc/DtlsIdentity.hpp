// SPDX-License-Identifier: Apache-2.0
// The server's DTLS identity: an ECDSA P-256 key and a self-signed certificate generated at start
// (WebRTC authenticates certificates by the fingerprint in the SDP, not by a CA), its sha-256
// fingerprint for a=fingerprint, and the one SSL_CTX every media leg's DTLS session is made from.
#ifndef TCCC_RTC_DTLSIDENTITY_HPP
#define TCCC_RTC_DTLSIDENTITY_HPP

#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace tccc::rtc {

class DtlsIdentity {
 public:
  /// Generates the key and certificate; throws std::runtime_error when OpenSSL cannot.
  DtlsIdentity();
  ~DtlsIdentity();
  DtlsIdentity(const DtlsIdentity&) = delete;
  DtlsIdentity& operator=(const DtlsIdentity&) = delete;

  SSL_CTX* context() const { return mCtx; }
  /// "AB:CD:…" (upper-case hex, colon-separated) of the certificate's DER, sha-256.
  const std::string& fingerprint() const { return mFingerprint; }

  /// The fingerprint of `cert` with `algorithm` ("sha-256", "sha-384", "sha-512"); "" if unknown.
  static std::string fingerprintOf(X509* cert, const std::string& algorithm);

 private:
  EVP_PKEY* mKey = nullptr;
  X509* mCert = nullptr;
  SSL_CTX* mCtx = nullptr;
  std::string mFingerprint;
};

}  // namespace tccc::rtc

#endif
