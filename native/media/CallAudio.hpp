// SPDX-License-Identifier: Apache-2.0
// One call's audio for the native SDK (docs/native-media.md): the native counterpart of
// js/src/media/WsAudioLeg.ts and its AudioWorklet, frame for frame, on either transport
// (AudioTransport.hpp): the server's /ws/media socket, or RTP over DTLS-SRTP after ICE.
//
//   device.capture -> capture gain -> (mute: silence) -> Opus (FEC, DTX) -> transport
//   transport -> JitterBuffer -> decode / FEC / PLC -> playout gain -> device.playout
//
// One 20 ms clock drives both directions: tick n is due at start + n·20 ms, so the clock never
// drifts however late a tick runs (a thread that stalled for over 100 ms skips the missed ticks
// instead of bursting them). Everything runs on the io_context's thread, the SDK's own: no locks.
// Own frames are dropped, not queued, while the transport holds over 200 ms of them. The transport
// measures the round trip (a ping or a consent check a second) and passes on the server's report
// of what it lost of ours; with the jitter
// buffer's figures they grade the call on the TCCC quality scale (src/media/QualityScale) every
// 2 s, as the browser does. No listener call happens after stop() or the destructor.
#ifndef TCCC_NATIVE_MEDIA_CALLAUDIO_HPP
#define TCCC_NATIVE_MEDIA_CALLAUDIO_HPP

#include "media/AudioDevice.hpp"
#include "media/AudioTransport.hpp"
#include "media/JitterBuffer.hpp"
#include "net/WsClient.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct TcccOpusEncoder;
struct TcccOpusDecoder;

namespace tccc::native {

struct CallAudioStats {
  std::uint64_t framesSent = 0;       // audio frames sent
  std::uint64_t framesDropped = 0;    // own frames dropped because the socket was backed up
  std::uint64_t framesSilent = 0;     // DTX frames not sent (1-2 bytes: nothing new to say)
  std::uint64_t eventsSent = 0;       // telephone-event frames sent
  std::uint64_t framesReceived = 0;   // audio frames received (distinct, late ones included)
  std::uint64_t framesLost = 0;       // never received (by sequence number)
  std::uint64_t framesConcealed = 0;  // played by PLC for a loss or a stall
  std::uint64_t framesRecovered = 0;  // rebuilt from the next packet's FEC
  std::uint64_t framesLate = 0;       // arrived after their time, dropped
  std::uint64_t framesDuplicate = 0;
  std::uint64_t framesInvalid = 0;  // server messages refused (malformed, text, undecodable)
  std::uint64_t ticksSkipped = 0;   // clock ticks skipped after the thread stalled
  double capturedRms = 0;           // of everything captured, after the capture gain (full scale = 1)
  double playedRms = 0;             // of everything played out, after the playout gain
  double jitterMs = 0;
  std::optional<double> rttMs;   // the last ping's round trip
  double remoteLossPercent = 0;  // the server's last report of what it lost of ours
  int quality = 0;               // the last graded quality (0 = not yet)
};

class CallAudio : private AudioTransport::Receiver {
 public:
  /// What a call's audio tells its owner; called on the io_context's thread. After onClosed the
  /// CallAudio is spent (the owner makes a new one with a new token). The CallAudio may be stopped
  /// or destroyed inside any of these calls: it touches nothing of its own after they return.
  class Listener {
   public:
    virtual ~Listener() = default;
    /// The transport is open and audio flows.
    virtual void onOpen() {}
    /// The agent's and the far end's volume, 0-100 (the TCCC scale), about every 300 ms. The agent's
    /// is 0 while muted, as in the browser.
    virtual void onVolume(int localVolume, int remoteVolume) {}
    /// The call's network quality, 1 (excellent) … 6 (down), every 2 s (src/media/QualityScale).
    virtual void onQuality(int quality) {}
    /// The transport closed or could not open (code 1006 then), or the server ended the leg (4401:
    /// the token was refused). Not called after stop().
    virtual void onClosed(int code, const std::string& reason) {}
  };

  struct Options {
    int opusComplexity = 9;  // as the browser's (js/src/opus/OpusWasm.ts) and WebRTC's
    int opusBitrate = 32000;
    int opusExpectedLossPercent = 10;
    std::chrono::milliseconds volumeInterval{300};
    std::chrono::milliseconds qualityInterval{2000};
    std::chrono::milliseconds pingInterval{1000};
    JitterBuffer::Options jitter{};
    /// Makes the /ws/media socket (default WsClient::create); tests pass a fake to script the network.
    std::function<std::shared_ptr<WsClient>(boost::asio::io_context&, boost::asio::ssl::context*, WsClient::Handlers)>
        makeSocket;
  };

  /// `endpoint`: the media socket, `/ws/media?token=…` on the signalling origin. `tls` (for wss://),
  /// `device` and `listener` must outlive the CallAudio. Nothing happens before start().
  CallAudio(boost::asio::io_context& io, boost::asio::ssl::context* tls, WsEndpoint endpoint, AudioDevice& device,
            Listener& listener, Options options);
  CallAudio(boost::asio::io_context& io, boost::asio::ssl::context* tls, WsEndpoint endpoint, AudioDevice& device,
            Listener& listener)
      : CallAudio(io, tls, std::move(endpoint), device, listener, Options{}) {}
  /// On a transport its owner made and keeps (it must outlive the CallAudio): the RTC one, which
  /// connects while the call rings. The clock starts when it is open (at once if it already is).
  CallAudio(boost::asio::io_context& io, AudioTransport& transport, AudioDevice& device, Listener& listener,
            Options options);
  ~CallAudio() override;
  CallAudio(const CallAudio&) = delete;
  CallAudio& operator=(const CallAudio&) = delete;

  /// Opens the socket (or joins the given transport); the clock starts when it is open
  /// (listener.onOpen). False, with `error`, when the codec cannot be created (nothing was opened).
  bool start(std::string* error = nullptr);
  /// Closes the socket (leaves a given transport to its owner) and stops the clock; no listener
  /// call afterwards. Idempotent.
  void stop();

  /// Muted: the far end hears silence (encoded silence is still sent, every frame, as the browser
  /// does, so the far end measures a quiet stream rather than a stalled one); the local volume
  /// reads 0. Capture goes on.
  void setMuted(bool muted) { mMuted = muted; }
  bool muted() const { return mMuted; }
  /// Held: nothing is sent (the timestamps run on, as in a DTX pause) and the far end is not played
  /// (the server plays it music), as the browser's leg does on hold; the local volume reads 0. DTMF
  /// and pings still go out, and the far end's level is still measured.
  void setHeld(bool held) { mHeld = held; }
  bool held() const { return mHeld; }
  /// Gains applied to what is sent and to what is played: 0-100, 100 = as is (clamped).
  void setCaptureVolume(int volume);
  void setPlayoutVolume(int volume);
  int captureVolume() const { return mCaptureVolume; }
  int playoutVolume() const { return mPlayoutVolume; }

  /// Queues DTMF digits (0-9, *, #, A-D) as RFC 4733 telephone events in the audio numbering:
  /// 100 ms tones, 70 ms apart, as the browser sends them. Other characters are skipped, as the
  /// browser does. Returns how many digits were queued.
  std::size_t sendDigits(std::string_view digits);

  bool open() const { return mOpen; }
  CallAudioStats stats() const;

 private:
  // AudioTransport::Receiver
  void onTransportOpen() override;
  void onAudioPacket(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                     std::size_t size) override;
  void onRoundTrip(double ms) override { mRttMs = ms; }
  void onRemoteLoss(double fraction) override { mRemoteFractionLost = fraction; }
  void onInvalidPacket() override { ++mCounts.framesInvalid; }
  void onTransportClosed(int code, const std::string& reason) override;
  void scheduleTick();
  void tick();
  void sendAudio();
  void sendEvents();
  void playOne(double nowMs);
  void meter();
  void grade();
  bool backedUp() const;
  double clockMs() const;
  void halt();

  boost::asio::io_context& mIo;
  boost::asio::ssl::context* mTls;
  WsEndpoint mEndpoint;
  AudioDevice& mDevice;
  Listener& mListener;
  Options mOptions;

  std::unique_ptr<AudioTransport> mOwnedTransport;  // the /ws/media socket this CallAudio opened
  AudioTransport* mTransport = nullptr;             // the one in use: owned or given
  boost::asio::steady_timer mTimer;
  std::shared_ptr<char> mLife = std::make_shared<char>();  // handlers hold a weak_ptr to it
  TcccOpusEncoder* mEncoder = nullptr;
  TcccOpusDecoder* mDecoder = nullptr;
  JitterBuffer mJitter;

  bool mStarted = false;
  bool mStopped = false;
  bool mOpen = false;
  bool mMuted = false;
  bool mHeld = false;
  int mCaptureVolume = 100;
  int mPlayoutVolume = 100;

  // The clock.
  std::chrono::steady_clock::time_point mStart;
  std::uint64_t mTick = 0;  // ticks done since mStart

  // Sending: one sequence space for audio and events; timestamps count every frame, sent or not.
  std::uint16_t mSeq;
  std::uint32_t mTsBase;
  double mFrameBytes = 80;  // an audio frame's size, smoothed: the 200 ms backlog in bytes
  bool mTalkspurt = true;   // the next audio packet starts a talkspurt (RTP marker bit)
  std::array<std::int16_t, kAudioFrameSamples> mFrame{};

  // DTMF: queued codes, and the tone on the wire.
  std::deque<std::uint8_t> mDigits;
  int mToneStep = -1;         // index into the tone's steps, -1 = no tone
  std::uint32_t mToneTs = 0;  // the tone's starting timestamp
  std::uint8_t mToneCode = 0;
  int mGapTicks = 0;  // ticks to wait before the next tone

  // Metering.
  double mLocalPeak = 0, mRemotePeak = 0;  // since the last onVolume, linear 0..1
  double mCapturedSquares = 0, mPlayedSquares = 0;
  std::uint64_t mCapturedSamples = 0, mPlayedSamples = 0;
  std::uint64_t mNextVolumeTick = 0, mNextQualityTick = 0, mNextPingTick = 0;

  // Network figures.
  std::optional<double> mRttMs;
  std::optional<double> mRemoteFractionLost;         // 0..1
  std::uint64_t mGradeReceived = 0, mGradeLost = 0;  // at the last grading
  int mQuality = 0;

  CallAudioStats mCounts;  // the counters CallAudio keeps itself
};

using CallAudioListener = CallAudio::Listener;

}  // namespace tccc::native

#endif
