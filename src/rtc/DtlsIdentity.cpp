// SPDX-License-Identifier: Apache-2.0
#include "rtc/DtlsIdentity.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace tccc::rtc {

namespace {

int acceptAnyCertificate(int, X509_STORE_CTX*) {
  // Self-signed certificates are the norm in WebRTC: the handshake accepts any, and the transport
  // compares the peer's certificate with the fingerprint from the SDP once the handshake is done.
  return 1;
}

}  // namespace

DtlsIdentity::DtlsIdentity() {
  mKey = EVP_EC_gen("P-256");
  if (!mKey) throw std::runtime_error("DTLS: cannot generate an EC P-256 key");
  mCert = X509_new();
  if (!mCert) throw std::runtime_error("DTLS: cannot allocate a certificate");
  X509_set_version(mCert, 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(mCert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(mCert), -86400);      // tolerate a client clock a day behind
  X509_gmtime_adj(X509_getm_notAfter(mCert), 30L * 86400);  // a fresh one is made at every start
  X509_set_pubkey(mCert, mKey);
  X509_NAME* name = X509_get_subject_name(mCert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("tccc-server"), -1, -1,
                             0);
  X509_set_issuer_name(mCert, name);
  if (!X509_sign(mCert, mKey, EVP_sha256())) throw std::runtime_error("DTLS: cannot sign the certificate");
  mFingerprint = fingerprintOf(mCert, "sha-256");

  mCtx = SSL_CTX_new(DTLS_method());
  if (!mCtx) throw std::runtime_error("DTLS: cannot create the SSL context");
  if (SSL_CTX_use_certificate(mCtx, mCert) != 1 || SSL_CTX_use_PrivateKey(mCtx, mKey) != 1 ||
      SSL_CTX_check_private_key(mCtx) != 1)
    throw std::runtime_error("DTLS: the certificate and key do not match");
  SSL_CTX_set_min_proto_version(mCtx, DTLS1_2_VERSION);
  SSL_CTX_set_verify(mCtx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate);
  // SSL_CTX_set_tlsext_use_srtp returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(mCtx, "SRTP_AES128_CM_SHA1_80") != 0)
    throw std::runtime_error("DTLS: OpenSSL has no DTLS-SRTP support");
  SSL_CTX_set_options(mCtx, SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_read_ahead(mCtx, 1);
}

DtlsIdentity::~DtlsIdentity() {
  if (mCtx) SSL_CTX_free(mCtx);
  if (mCert) X509_free(mCert);
  if (mKey) EVP_PKEY_free(mKey);
}

std::string DtlsIdentity::fingerprintOf(X509* cert, const std::string& algorithm) {
  const EVP_MD* md = algorithm == "sha-256"   ? EVP_sha256()
                     : algorithm == "sha-384" ? EVP_sha384()
                     : algorithm == "sha-512" ? EVP_sha512()
                                              : nullptr;
  if (!cert || !md) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!X509_digest(cert, md, digest, &n)) return "";
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(n * 3);
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace tccc::rtc
