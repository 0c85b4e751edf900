// SPDX-License-Identifier: Apache-2.0
// The WebRTC pieces the server's media legs share with the native SDK's client (src/rtc: STUN,
// SDP, DTLS-SRTP, RTP), under the names the media code uses.
#ifndef TCCC_SERVER_MEDIA_RTCPIECES_HPP
#define TCCC_SERVER_MEDIA_RTCPIECES_HPP

#include "rtc/DtlsIdentity.hpp"
#include "rtc/DtlsTransport.hpp"
#include "rtc/RtpHeader.hpp"
#include "rtc/Sdp.hpp"
#include "rtc/SrtpSession.hpp"
#include "rtc/StunMessage.hpp"

namespace tccc::server::media {
using rtc::classifyPacket;
using rtc::DtlsIdentity;
using rtc::DtlsTransport;
using rtc::LocalDescription;
using rtc::PacketKind;
using rtc::RemoteDescription;
using rtc::RtpHeader;
using rtc::Sdp;
using rtc::SrtpSession;
using rtc::StunAddress;
using rtc::StunMessage;
}  // namespace tccc::server::media

#endif
