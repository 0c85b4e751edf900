// SPDX-License-Identifier: Apache-2.0
// A session description from a browser (src/rtc/Sdp): parsed as an answer to our offer and as
// an offer (what media.answer and a customer's media offer carry), and, when usable, answered the
// way MediaLeg answers it. SDP comes from the other party's page, so it is untrusted text.
#include "rtc/Sdp.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace tccc::rtc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string sdp(reinterpret_cast<const char*>(data), size);
  (void)Sdp::parseAnswer(sdp);
  auto offer = Sdp::parseOffer(sdp);
  if (auto* remote = std::get_if<RemoteDescription>(&offer)) {
    LocalDescription local;
    local.iceUfrag = "abcd";
    local.icePwd = "abcdefghijklmnopqrstuv";
    local.fingerprint = "AB:CD";
    local.host = "127.0.0.1";
    local.port = 40000;
    local.setup = remote->setup == "active" ? "passive" : "active";
    local.opusPayloadType = remote->opusPayloadType;
    local.dtmfPayloadType = remote->dtmfPayloadType;
    local.audioMid = remote->audioMid;
    local.audioDirection = Sdp::answerDirection(remote->direction);
    local.video = remote->video;
    local.videoFirst = remote->videoFirst;
    local.vp8PayloadType = remote->vp8PayloadType;
    local.videoMid = remote->videoMid;
    local.videoDirection = Sdp::answerDirection(remote->videoDirection);
    (void)Sdp::build(local);
  }
  return 0;
}
