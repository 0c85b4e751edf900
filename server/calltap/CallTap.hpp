// SPDX-License-Identifier: Apache-2.0
// What the server does with a call's audio besides forwarding it: it records each participant
// (recording/CallRecorder) and transcribes each direction (asr/AsrStream), as the call's settings
// say. The media plane calls it as its MediaTap on the media thread; the signalling thread says,
// before each of a call's legs opens, whether that call is recorded and transcribed (configure),
// and gets the transcript back through `onAsr` on its own thread.
//
// Capture starts when an agent joins, not when the customer does: what a caller says to the IVR or
// while queued is not recorded, and the settings that decide are those of the skill group the call
// reached (a caller connects before it is known). A side that joins later starts at its join. A
// supervisor who barges in is recorded in a file of its own from the first word it says barged in
// (what it says listening or whispering never reaches the media tap); it is not transcribed.
#ifndef TCCC_SERVER_CALLTAP_CALLTAP_HPP
#define TCCC_SERVER_CALLTAP_CALLTAP_HPP

#include "asr/AsrStream.hpp"
#include "media/MediaBridge.hpp"
#include "recording/CallRecorder.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tccc::server {

class CallTap final : public media::MediaTap {
 public:
  /// A transcript result of one direction: IN is the customer (the far side), OUT the agent.
  using AsrHandler = std::function<void(std::int64_t sdkAppId, const std::string& sessionId, const std::string& speaker,
                                        const char* flow, const asr::AsrResult& result)>;

  /// `recorder` and `asrWorkers` may be null (that feature is off). `executor` is the signalling
  /// thread's, where `onAsr` runs.
  CallTap(CallRecorder* recorder, asr::AsrWorkers* asrWorkers, boost::asio::any_io_executor executor, AsrHandler onAsr);
  ~CallTap() override;

  /// Signalling thread, before each leg opens: what happens to this call's audio from the next
  /// participant that starts being captured on.
  void configure(const std::string& sessionId, std::int64_t sdkAppId, bool record, bool transcribe);
  /// Signalling thread: pause or resume the call's recording (session.pauseRecording).
  void pauseRecording(const std::string& sessionId, bool paused);

  // media::MediaTap (media thread)
  void joined(const std::string& sessionId, media::Side side, const std::string& participant) override;
  void audio(const std::string& sessionId, media::Side side, const media::RtpHeader& header, const std::uint8_t* opus,
             std::size_t size) override;
  void left(const std::string& sessionId, media::Side side) override;
  void ended(const std::string& sessionId) override;
  void bargeAudio(const std::string& sessionId, const std::string& supervisor, const media::RtpHeader& header,
                  const std::uint8_t* opus, std::size_t size) override;
  void supervisorLeft(const std::string& sessionId) override;

 private:
  struct Call {
    std::int64_t sdkAppId = 0;
    bool record = false;
    bool transcribe = false;
    bool recorded = false;                    // a participant file was started: the recorder ends the session
    std::array<std::string, 2> participants;  // who is on each side now ("" = nobody)
    std::array<bool, 2> capturing{};          // that side's participant is being captured
    std::array<CallRecorder::Handle, 2> recordings{};
    std::array<std::shared_ptr<asr::AsrStream>, 2> transcripts;
    CallRecorder::Handle supervisorRecording = 0;  // started at its first barged-in frame
  };
  /// Starts recording and transcribing `side`'s participant, as the call's settings say now.
  void startCapture(const std::string& sessionId, Call& call, media::Side side);
  /// Closes a stream on the signalling thread (AsrStream's rule), flushing its last final.
  void closeStream(std::shared_ptr<asr::AsrStream> stream);

  CallRecorder* mRecorder;
  asr::AsrWorkers* mAsr;
  boost::asio::any_io_executor mExecutor;
  AsrHandler mOnAsr;
  std::mutex mMutex;  // mCalls: configured on the signalling thread, used on the media thread
  std::unordered_map<std::string, Call> mCalls;
};

}  // namespace tccc::server

#endif
