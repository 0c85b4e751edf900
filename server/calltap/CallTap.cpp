// SPDX-License-Identifier: Apache-2.0
#include "calltap/CallTap.hpp"

#include <boost/asio/post.hpp>

namespace tccc::server {

namespace {
std::size_t index(media::Side side) { return static_cast<std::size_t>(side); }
}  // namespace

CallTap::CallTap(CallRecorder* recorder, asr::AsrWorkers* asrWorkers, boost::asio::any_io_executor executor,
                 AsrHandler onAsr)
    : mRecorder(recorder), mAsr(asrWorkers), mExecutor(std::move(executor)), mOnAsr(std::move(onAsr)) {}

CallTap::~CallTap() {
  std::lock_guard lock(mMutex);
  for (auto& [id, call] : mCalls)
    for (auto& stream : call.transcripts)
      if (stream) stream->close(false);
}

void CallTap::configure(const std::string& sessionId, std::int64_t sdkAppId, bool record, bool transcribe) {
  std::lock_guard lock(mMutex);
  Call& call = mCalls[sessionId];
  call.sdkAppId = sdkAppId;
  call.record = record && mRecorder && mRecorder->enabled();
  call.transcribe = transcribe && mAsr;
}

void CallTap::pauseRecording(const std::string& sessionId, bool paused) {
  if (!mRecorder) return;
  if (paused)
    mRecorder->pause(sessionId);
  else
    mRecorder->resume(sessionId);
}

void CallTap::joined(const std::string& sessionId, media::Side side, const std::string& participant) {
  std::lock_guard lock(mMutex);
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  Call& call = it->second;
  call.participants[index(side)] = participant;
  const bool agentHere = !call.participants[index(media::Side::Agent)].empty();
  if (!agentHere) return;  // a caller in the IVR or the queue: nothing is captured yet
  startCapture(sessionId, call, side);
  // The caller has been connected since it dialled; the conversation starts now.
  const auto far = media::Side::Far;
  if (side == media::Side::Agent && !call.participants[index(far)].empty() && !call.capturing[index(far)])
    startCapture(sessionId, call, far);
}

void CallTap::startCapture(const std::string& sessionId, Call& call, media::Side side) {
  const std::string& participant = call.participants[index(side)];
  call.capturing[index(side)] = true;
  if (call.record) {
    call.recorded = true;
    call.recordings[index(side)] = mRecorder->startParticipant(
        call.sdkAppId, sessionId,
        side == media::Side::Far ? CallRecorder::Participant::Customer : CallRecorder::Participant::Agent, participant);
  }
  if (call.transcribe) {
    if (auto old = std::move(call.transcripts[index(side)])) closeStream(std::move(old));
    const char* flow = side == media::Side::Far ? "IN" : "OUT";
    auto handler = [onAsr = mOnAsr, sdkAppId = call.sdkAppId, sessionId, participant,
                    flow](const asr::AsrResult& result) { onAsr(sdkAppId, sessionId, participant, flow, result); };
    call.transcripts[index(side)] = std::make_shared<asr::AsrStream>(*mAsr, mExecutor, std::move(handler));
  }
}

void CallTap::audio(const std::string& sessionId, media::Side side, const media::RtpHeader& header,
                    const std::uint8_t* opus, std::size_t size) {
  std::lock_guard lock(mMutex);
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  Call& call = it->second;
  if (auto handle = call.recordings[index(side)]) mRecorder->packet(handle, opus, size, header.timestamp);
  if (auto& stream = call.transcripts[index(side)]) stream->feedOpus(opus, size, header.timestamp);
}

void CallTap::left(const std::string& sessionId, media::Side side) {
  std::lock_guard lock(mMutex);
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  // The participant's file stops growing (a later one gets a file of its own) and is finished
  // with the call; its transcript ends now.
  it->second.participants[index(side)].clear();
  it->second.capturing[index(side)] = false;
  it->second.recordings[index(side)] = 0;
  if (auto stream = std::move(it->second.transcripts[index(side)])) closeStream(std::move(stream));
}

void CallTap::bargeAudio(const std::string& sessionId, const std::string& supervisor, const media::RtpHeader& header,
                         const std::uint8_t* opus, std::size_t size) {
  std::lock_guard lock(mMutex);
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  Call& call = it->second;
  // Only a conversation being recorded (an agent is captured) records what was said into it.
  const bool conversationRecorded = call.record && call.recordings[index(media::Side::Agent)];
  if (!call.supervisorRecording && conversationRecorded) {
    call.recorded = true;
    call.supervisorRecording =
        mRecorder->startParticipant(call.sdkAppId, sessionId, CallRecorder::Participant::Supervisor, supervisor);
  }
  if (call.supervisorRecording) mRecorder->packet(call.supervisorRecording, opus, size, header.timestamp);
}

void CallTap::supervisorLeft(const std::string& sessionId) {
  std::lock_guard lock(mMutex);
  // Its file stops growing and is finished with the call; a later leg of its starts another.
  if (auto it = mCalls.find(sessionId); it != mCalls.end()) it->second.supervisorRecording = 0;
}

void CallTap::ended(const std::string& sessionId) {
  std::lock_guard lock(mMutex);
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  for (auto& stream : it->second.transcripts)
    if (stream) closeStream(std::move(stream));
  if (it->second.recorded) mRecorder->endSession(sessionId);
  mCalls.erase(it);
}

void CallTap::closeStream(std::shared_ptr<asr::AsrStream> stream) {
  boost::asio::post(mExecutor, [stream = std::move(stream)] { stream->close(true); });
}

}  // namespace tccc::server
